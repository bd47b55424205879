// `validate` in the shape of `@cedar-policy/cedar-wasm` 4.13: a policy set and
// a schema in, Cedar's answer shape out.
import { detailedError, formatOf, type CompatSchema, type DetailedError } from '../schema/compat.js';
import { parseSchema } from '../schema/index.js';
import type { ValidatorPolicy } from './expr.js';
import { parsePolicyText, policiesFromEst } from './index.js';
import { utf8Span } from '../syntax/index.js';
import { validatePolicies, type ValidationError, type ValidationWarning } from './validate.js';

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

/** The text each policy read from text came from, to count its spans in UTF-8 bytes as cedar-wasm does. */
const sourceTexts = new WeakMap<ValidatorPolicy, string>();

function readText(text: string): Read {
  const read = parsePolicyText(text);
  if (!read.ok) {
    return {
      ok: false,
      errors: read.errors.map((error) => detailedError(error.message, null, error.span)),
    };
  }
  for (const policy of read.policies) sourceTexts.set(policy, text);
  return { ok: true, policies: [...read.policies] };
}

function readOne(id: string, policy: CompatPolicy): Read {
  if (typeof policy !== 'string') {
    const read = policiesFromEst({ [id]: policy });
    return read.ok
      ? { ok: true, policies: [...read.policies] }
      : { ok: false, errors: read.errors.map((message) => detailedError(message, null)) };
  }
  const read = readText(policy);
  if (!read.ok) return read;
  // A single policy given as text under an id keeps that id.
  return {
    ok: true,
    policies: read.policies.map((item) => {
      const renamed = { ...item, id };
      sourceTexts.set(renamed, policy);
      return renamed;
    }),
  };
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
      errors: schema.errors.map((error) => detailedError(error.message, null, error.span)),
      warnings: [],
    };
  }
  const read = readPolicySet(call.policies);
  if (!read.ok) return { type: 'failure', errors: read.errors, warnings: [] };
  const result = validatePolicies(schema.value, read.policies);
  const texts = new Map(read.policies.map((policy) => [policy.id, sourceTexts.get(policy)]));
  const diagnostic = (
    found: ValidationError | ValidationWarning,
    severity: 'warning' | null,
  ): CompatValidationError => {
    const text = texts.get(found.policyId);
    const span = found.span === undefined || text === undefined ? undefined : utf8Span(text, found.span);
    return {
      policyId: found.policyId,
      error: detailedError(
        `for policy \`${found.policyId}\`, ${found.message}`,
        severity,
        span,
        'help' in found ? found.help : undefined,
      ),
    };
  };
  return {
    type: 'success',
    validationErrors: result.errors.map((error) => diagnostic(error, null)),
    validationWarnings: result.warnings.map((warning) => diagnostic(warning, 'warning')),
    otherWarnings: [],
  };
}
