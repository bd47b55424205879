// Entry points of the validator: strict validation of policies, and the
// checks of requests and entities against a schema.
import type { Schema } from '../schema/index.js';
import {
  parsePolicies,
  policyFromEst as policyAstFromEst,
  type ParseError,
  type ParseOptions,
} from '../syntax/index.js';
import { lowerPolicy, type ValidatorPolicy } from './expr.js';
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
export { validatePolicies, requestEnvironments, validRequestEnvironments } from './validate.js';
export { validateRequest, validateEntities } from './request.js';
export { lowerPolicy } from './expr.js';

export type PolicyTextError = ParseError;

export type PolicyTextResult =
  | { readonly ok: true; readonly policies: readonly ValidatorPolicy[] }
  | { readonly ok: false; readonly errors: readonly ParseError[] };

/** Reads a policy set in Cedar's text syntax into the policies the engine and the validator run. */
export function parsePolicyText(text: string, options: ParseOptions = {}): PolicyTextResult {
  const parsed = parsePolicies(text, options);
  return parsed.ok ? { ok: true, policies: parsed.policies.map(lowerPolicy) } : parsed;
}

/** Reads one policy of the JSON policy format into the policy the engine and the validator run. */
export function policyFromEst(
  id: string,
  json: unknown,
):
  { readonly ok: true; readonly policy: ValidatorPolicy } | { readonly ok: false; readonly message: string } {
  const read = policyAstFromEst(id, json);
  return read.ok ? { ok: true, policy: lowerPolicy(read.policy) } : read;
}
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
