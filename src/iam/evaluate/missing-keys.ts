// The condition keys a request would need to be judged on its own terms:
// what `simulate-custom-policy` reports as MissingContextValues. A key a
// statement reads (in a condition, or as a policy variable) that the request
// neither gives nor derives is evaluated as absent, which is rarely what the
// person simulating meant.
import type { Pattern, Policy, Statement } from '../model.js';
import type { EvaluationPolicies, PolicyInput } from './evaluate.js';
import { actionMatches } from './match.js';
import { normalizeRequest, type EvaluationRequest } from './request.js';

function policiesOf(policies: EvaluationPolicies): Policy[] {
  const inputs: PolicyInput[] = [
    ...(policies.identityPolicies ?? []),
    ...(policies.resourcePolicy === undefined ? [] : [policies.resourcePolicy]),
    ...(policies.permissionsBoundary === undefined ? [] : [policies.permissionsBoundary]),
    ...(policies.sessionPolicies ?? []),
    ...(policies.serviceControlPolicies ?? []).flat(),
    ...(policies.resourceControlPolicies ?? []).flat(),
    ...(policies.vpcEndpointPolicy === undefined ? [] : [policies.vpcEndpointPolicy]),
  ];
  return inputs.map((input) => ('policy' in input ? input.policy : input));
}

function variableKeys(pattern: Pattern): string[] {
  return pattern.parts.flatMap((part) => (part.kind === 'variable' ? [part.key] : []));
}

function keysRead(statement: Statement): string[] {
  return [
    ...(statement.resource?.entries.flatMap((entry) => variableKeys(entry.pattern)) ?? []),
    ...statement.conditions.flatMap((condition) => [
      condition.key,
      ...condition.values.flatMap((value) => variableKeys(value.pattern)),
    ]),
  ];
}

/**
 * Keys read by the statements whose Action covers the request's action and
 * that the request leaves absent, as first written, each once
 * (case-insensitively), in policy order.
 */
export function missingContextKeys(request: EvaluationRequest, policies: EvaluationPolicies): string[] {
  const normalized = normalizeRequest(request);
  const missing = new Map<string, string>();
  for (const policy of policiesOf(policies)) {
    for (const statement of policy.statements) {
      if (!actionMatches(statement.action, normalized)) continue;
      for (const key of keysRead(statement)) {
        const folded = key.toLowerCase();
        if (normalized.context.get(folded) === undefined && !missing.has(folded)) missing.set(folded, key);
      }
    }
  }
  return [...missing.values()];
}
