// `validate` in the shape of `@cedar-policy/cedar-wasm` 4.13: a policy set and
// a schema in, Cedar's answer shape out.
import {
  detailedError,
  formatOf,
  reportedTextErrors,
  type CompatSchema,
  type DetailedError,
} from '../schema/compat.js';
import { parseSchema } from '../schema/index.js';
import type { ValidatorPolicy } from './expr.js';
import { parsePolicyText, policiesFromEst } from './index.js';
import { utf8Span } from '../syntax/index.js';
import { escapeDebug } from './text-checks.js';
import {
  validatePolicies,
  validRequestEnvironments,
  type ValidationError,
  type ValidationWarning,
} from './validate.js';

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

/** Policies from text; `what` is what cedar-wasm calls them in a parse error ("policies", "policy with id `p`"). */
function readText(text: string, what: string): Read {
  const read = parsePolicyText(text);
  if (!read.ok)
    return {
      ok: false,
      errors: reportedTextErrors(text, read.errors, `failed to parse ${what} from string: `),
    };
  for (const policy of read.policies) sourceTexts.set(policy, text);
  return { ok: true, policies: [...read.policies] };
}

function readOne(id: string, policy: CompatPolicy, what: string): Read {
  if (typeof policy !== 'string') {
    const read = policiesFromEst({ [id]: policy });
    return read.ok
      ? { ok: true, policies: [...read.policies] }
      : { ok: false, errors: read.errors.map((message) => detailedError(message, null)) };
  }
  const read = readText(policy, what);
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

function templateInStatics(): DetailedError {
  return detailedError('static policy set includes a template', null);
}

function hasSlot(policy: ValidatorPolicy): boolean {
  return [policy.principal, policy.resource].some(
    (scope) =>
      (scope.op === 'is' ? scope.in : scope.op === 'all' ? undefined : scope.target)?.kind === 'slot',
  );
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
    const read = readText(statics, 'policies');
    add(read.ok && read.policies.some(hasSlot) ? { ok: false, errors: [templateInStatics()] } : read);
  } else if (Array.isArray(statics)) {
    statics.forEach((policy, index) => add(readOne(`policy${index}`, policy, 'policy')));
  } else if (statics !== undefined) {
    for (const [id, policy] of Object.entries(statics)) add(readOne(id, policy, `policy with id \`${id}\``));
  }
  for (const [id, template] of Object.entries(set.templates ?? {}))
    add(readOne(id, template, `template with id \`${id}\``));
  return errors.length === 0 ? { ok: true, policies } : { ok: false, errors };
}

/** Strict validation with cedar-wasm's call and answer shapes. */
export function validateCall(call: ValidationCall): ValidationAnswer {
  // Cedar reads the policies first and reports their errors and the schema's together.
  const read = readPolicySet(call.policies);
  const schema = parseSchema(call.schema, formatOf(call.schema));
  if (!read.ok || !schema.ok) {
    return {
      type: 'failure',
      errors: [
        ...(read.ok ? [] : read.errors),
        ...(schema.ok ? [] : schema.errors.map((error) => detailedError(error.message, null, error.span))),
      ],
      warnings: [],
    };
  }
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

export type GetValidRequestEnvsResult =
  | { type: 'success'; principals: string[]; actions: string[]; resources: string[] }
  | { type: 'failure'; error: string };

/** An entity uid as Cedar displays it: the id quoted with Rust's `escape_debug`. */
function uidText(uid: { readonly type: string; readonly id: string }): string {
  return `${uid.type}::"${escapeDebug(uid.id)}"`;
}

function validRequestEnvs(
  policy: CompatPolicy,
  schema: CompatSchema,
  kind: 'policy' | 'template',
): GetValidRequestEnvsResult {
  const parsedSchema = parseSchema(schema, formatOf(schema));
  // Only whether it parses matters here: the answer has no room for the errors.
  const read = readOne('policy0', policy, kind);
  if (!read.ok || read.policies.length !== 1) {
    return {
      type: 'failure',
      error: `failed to parse ${kind} from ${typeof policy === 'string' ? 'string' : 'JSON'}`,
    };
  }
  if (!parsedSchema.ok) return { type: 'failure', error: 'failed to parse schema from string' };
  const [only] = read.policies;
  const envs = only === undefined ? [] : validRequestEnvironments(parsedSchema.value, only);
  const sorted = (items: readonly string[]): string[] => [...new Set(items)].sort();
  return {
    type: 'success',
    principals: sorted(envs.map((env) => env.principal)),
    actions: sorted(envs.map((env) => uidText(env.action))),
    resources: sorted(envs.map((env) => env.resource)),
  };
}

/** The principal types, actions and resource types of the request environments in which a policy can be satisfied. */
export function getValidRequestEnvsPolicy(
  policy: CompatPolicy,
  schema: CompatSchema,
): GetValidRequestEnvsResult {
  return validRequestEnvs(policy, schema, 'policy');
}

/** The same for a template, whose slots stand for any entity of the environment's types. */
export function getValidRequestEnvsTemplate(
  template: CompatPolicy,
  schema: CompatSchema,
): GetValidRequestEnvsResult {
  return validRequestEnvs(template, schema, 'template');
}

/** The Cedar language version Keyaki implements. */
export function getCedarLangVersion(): string {
  return '4.5';
}
