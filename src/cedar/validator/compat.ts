// `validate` in the shape of `@cedar-policy/cedar-wasm` 4.13: a policy set and
// a schema in, Cedar's answer shape out.
import { detailedError, formatOf, type CompatSchema, type DetailedError } from '../schema/compat.js';
import { parseSchema } from '../schema/index.js';
import type { ValidatorPolicy } from './expr.js';
import { parsePolicyText, policiesFromEst } from './index.js';
import { validatePolicies } from './validate.js';

export type CompatPolicy = string | Readonly<Record<string, unknown>>;

export interface CompatPolicySet {
  staticPolicies?: string | CompatPolicy[] | Record<string, CompatPolicy>;
  templates?: Record<string, CompatPolicy>;
}

export interface ValidationCall {
  validationSettings?: { mode: 'strict' };
  schema: CompatSchema;
  policies: CompatPolicySet;
}

export interface CompatValidationError {
  policyId: string;
  error: DetailedError;
}

export type ValidationAnswer =
  | { type: 'failure'; errors: DetailedError[]; warnings: DetailedError[] }
  | {
      type: 'success';
      validationErrors: CompatValidationError[];
      validationWarnings: CompatValidationError[];
      otherWarnings: DetailedError[];
    };

type Read = { ok: true; policies: ValidatorPolicy[] } | { ok: false; errors: DetailedError[] };

function readText(text: string): Read {
  const read = parsePolicyText(text);
  return read.ok
    ? { ok: true, policies: [...read.policies] }
    : { ok: false, errors: read.errors.map((error) => detailedError(error.message, 'error', error.span)) };
}

function readOne(id: string, policy: CompatPolicy): Read {
  if (typeof policy !== 'string') {
    const read = policiesFromEst({ [id]: policy });
    return read.ok
      ? { ok: true, policies: [...read.policies] }
      : { ok: false, errors: read.errors.map((message) => detailedError(message, 'error')) };
  }
  const read = readText(policy);
  if (!read.ok) return read;
  // A single policy given as text under an id keeps that id.
  return { ok: true, policies: read.policies.map((item) => ({ ...item, id })) };
}

function readPolicySet(set: CompatPolicySet): Read {
  const policies: ValidatorPolicy[] = [];
  const errors: DetailedError[] = [];
  const add = (read: Read): void => {
    if (read.ok) policies.push(...read.policies);
    else errors.push(...read.errors);
  };
  const statics = set.staticPolicies;
  if (typeof statics === 'string') {
    add(readText(statics));
  } else if (Array.isArray(statics)) {
    statics.forEach((policy, index) => add(readOne(`policy${index}`, policy)));
  } else if (statics !== undefined) {
    for (const [id, policy] of Object.entries(statics)) add(readOne(id, policy));
  }
  for (const [id, template] of Object.entries(set.templates ?? {})) add(readOne(id, template));
  return errors.length === 0 ? { ok: true, policies } : { ok: false, errors };
}

/** Strict validation with cedar-wasm's call and answer shapes. */
export function validateCall(call: ValidationCall): ValidationAnswer {
  const schema = parseSchema(call.schema, formatOf(call.schema));
  if (!schema.ok) {
    return {
      type: 'failure',
      errors: schema.errors.map((error) => detailedError(error.message, 'error', error.span)),
      warnings: [],
    };
  }
  const read = readPolicySet(call.policies);
  if (!read.ok) return { type: 'failure', errors: read.errors, warnings: [] };
  const result = validatePolicies(schema.value, read.policies);
  return {
    type: 'success',
    validationErrors: result.errors.map((error) => ({
      policyId: error.policyId,
      error: {
        ...detailedError(`for policy \`${error.policyId}\`, ${error.message}`, 'error', error.span),
        code: error.kind,
      },
    })),
    validationWarnings: result.warnings.map((warning) => ({
      policyId: warning.policyId,
      error: {
        ...detailedError(`for policy \`${warning.policyId}\`, ${warning.message}`, 'warning', warning.span),
        code: warning.kind,
      },
    })),
    otherWarnings: [],
  };
}
