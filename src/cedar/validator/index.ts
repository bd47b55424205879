// Entry points of the validator: strict validation of policies, and the
// checks of requests and entities against a schema.
import type { Schema } from '../schema/index.js';
import { policyFromEst } from './est.js';
import type { ValidatorPolicy } from './expr.js';
import { validatePolicies, type ValidationResult } from './validate.js';

export type {
  ValidatorPolicy,
  Expr,
  ScopeConstraint,
  ActionConstraint,
  EntityTarget,
  Condition,
} from './expr.js';
export type {
  ValidationError,
  ValidationErrorKind,
  ValidationResult,
  ValidationWarning,
  ValidationWarningKind,
} from './validate.js';
export type { TypedValue, ConformResult } from './conform.js';
export type { RequestInput, SchemaEntity } from './request.js';
export { validatePolicies, requestEnvironments } from './validate.js';
export { validateRequest, validateEntities } from './request.js';
export { policyFromEst } from './est.js';
export {
  parsePolicyText,
  type PolicyTextError,
  type PolicyTextOptions,
  type PolicyTextResult,
} from './policy-text.js';
export { isValidDatetime, isValidDecimal, isValidDuration, isValidIpAddr } from './extension-literals.js';

export type EstPoliciesResult =
  | { readonly ok: true; readonly policies: readonly ValidatorPolicy[] }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Reads policies in the JSON policy format, keyed by policy id. */
export function policiesFromEst(policies: Readonly<Record<string, unknown>>): EstPoliciesResult {
  const read: ValidatorPolicy[] = [];
  const errors: string[] = [];
  for (const [id, json] of Object.entries(policies)) {
    const policy = policyFromEst(id, json);
    if (policy.ok) read.push(policy.policy);
    else errors.push(`policy \`${id}\`: ${policy.message}`);
  }
  return errors.length === 0 ? { ok: true, policies: read } : { ok: false, errors };
}

/** Validates policies in the JSON policy format against a schema, in strict mode. */
export function validateEstPolicies(
  schema: Schema,
  policies: Readonly<Record<string, unknown>>,
):
  | { readonly ok: true; readonly result: ValidationResult }
  | { readonly ok: false; readonly errors: readonly string[] } {
  const read = policiesFromEst(policies);
  return read.ok ? { ok: true, result: validatePolicies(schema, read.policies) } : read;
}
