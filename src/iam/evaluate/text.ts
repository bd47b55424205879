// The evaluator over policy JSON text: parse every policy once, report the
// documents that do not parse as values, then evaluate.
import type { Policy } from '../model.js';
import { parsePolicy, type ParseError } from '../parse/policy.js';
import {
  evaluate,
  mapPolicySet,
  type EvaluationPolicies,
  type EvaluationResult,
  type PolicyInput,
  type PolicyKind,
  type PolicyReference,
  type PolicySet,
} from './evaluate.js';
import type { EvaluationRequest } from './request.js';

/** Policy JSON text, optionally named. */
export type PolicyText = string | { readonly name: string; readonly text: string };

export type EvaluationPolicyTexts = PolicySet<PolicyText>;

/** A document that is not a usable policy, with the parser's errors (each with its location). */
export interface PolicyTextError {
  readonly policy: PolicyReference;
  readonly errors: readonly ParseError[];
}

export type ParsedPolicies =
  | { readonly ok: true; readonly policies: EvaluationPolicies }
  | { readonly ok: false; readonly errors: readonly PolicyTextError[] };

export function parseEvaluationPolicies(texts: EvaluationPolicyTexts): ParsedPolicies {
  const errors: PolicyTextError[] = [];
  const read = (input: PolicyText, kind: PolicyKind, index: number, level?: number): PolicyInput => {
    const text = typeof input === 'string' ? input : input.text;
    const name = typeof input === 'string' ? undefined : input.name;
    const parsed = parsePolicy(text);
    const reference: PolicyReference = {
      kind,
      index,
      ...(level === undefined ? {} : { level }),
      ...(name === undefined ? {} : { name }),
    };
    if (!parsed.ok) errors.push({ policy: reference, errors: parsed.errors });
    // A document with errors only holds its place: the errors are returned, nothing is evaluated.
    const policy: Policy = parsed.ok
      ? parsed.policy
      : (parsed.partial ?? { statements: [], location: { path: [], span: emptySpan } });
    return name === undefined ? policy : { name, policy };
  };
  const policies = mapPolicySet(texts, (input, { kind, index, level }) => read(input, kind, index, level));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, policies };
}

const emptySpan = {
  start: { line: 1, column: 0, offset: 0 },
  end: { line: 1, column: 0, offset: 0 },
};

export type TextEvaluationResult =
  | { readonly ok: true; readonly result: EvaluationResult }
  | { readonly ok: false; readonly errors: readonly PolicyTextError[] };

/** Parses the policies and evaluates the request; a policy that does not parse is an error, never a guess. */
export function evaluatePolicyText(
  request: EvaluationRequest,
  texts: EvaluationPolicyTexts,
): TextEvaluationResult {
  const parsed = parseEvaluationPolicies(texts);
  return parsed.ok ? { ok: true, result: evaluate(request, parsed.policies) } : parsed;
}
