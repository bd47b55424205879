// Shared by the evaluator specifications: policies written as plain objects,
// parsed as a user's text would be, and decisions read off the result.
import { expect } from 'vitest';
import { evaluate, type EvaluationPolicies, type EvaluationResult } from '../../src/iam/evaluate/evaluate.js';
import type { EvaluationRequest } from '../../src/iam/evaluate/request.js';
import type { Policy } from '../../src/iam/model.js';
import { parsePolicy } from '../../src/iam/parse/policy.js';

export const account = '111122223333';
export const otherAccount = '444455556666';
export const alice = `arn:aws:iam::${account}:user/alice`;
export const bucket = 'arn:aws:s3:::amzn-s3-demo-bucket';
export const object = `${bucket}/reports/2026.csv`;

export function policy(...statements: readonly Record<string, unknown>[]): Policy {
  const parsed = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  if (!parsed.ok)
    throw new Error(`test policy does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  return parsed.policy;
}

export function allow(fields: Record<string, unknown>): Record<string, unknown> {
  return { Effect: 'Allow', Action: '*', Resource: '*', ...fields };
}

export function deny(fields: Record<string, unknown>): Record<string, unknown> {
  return { Effect: 'Deny', Action: '*', Resource: '*', ...fields };
}

export function request(fields: Partial<EvaluationRequest> = {}): EvaluationRequest {
  return { principal: alice, action: 's3:GetObject', resource: object, ...fields };
}

export function decide(
  requestFields: Partial<EvaluationRequest>,
  policies: EvaluationPolicies,
): EvaluationResult['decision'] {
  return evaluate(request(requestFields), policies).decision;
}

/** The decision of an identity policy made of one statement carrying `condition`, for a request with `context`. */
export function conditionDecision(
  condition: Record<string, unknown>,
  context: EvaluationRequest['context'],
): EvaluationResult['decision'] {
  return decide({ context }, { identityPolicies: [policy(allow({ Condition: condition }))] });
}

/** Whether `condition` holds for the request context `context` (Allow) or not (ImplicitDeny). */
export function holds(
  condition: Record<string, unknown>,
  context: EvaluationRequest['context'] = {},
): boolean {
  const decision = conditionDecision(condition, context);
  expect(decision).not.toBe('ExplicitDeny');
  return decision === 'Allow';
}
