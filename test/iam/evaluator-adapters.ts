// One scenario, two evaluators: Keyaki's reference evaluator and
// @cloud-copilot/iam-simulate (AGPL, a test oracle only; never imported from
// src/). Both are handed the same request: iam-simulate drops context keys
// that do not apply to the action, and the keys it dropped are dropped for
// Keyaki too, so that a difference is one of evaluation, not of input.
import { anonymousPrincipal, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
// The evaluator's own modules rather than src/iam/index.ts, so that this test
// depends on nothing but the evaluator and the parser.
import { evaluate, type EvaluationPolicies, type EvaluationResult } from '../../src/iam/evaluate/evaluate.js';
import type { EvaluationRequest, RequestPrincipal } from '../../src/iam/evaluate/request.js';
import type { Policy } from '../../src/iam/model.js';
import { parsePolicy } from '../../src/iam/parse/policy.js';
import type { ContextValue, PolicyDocument, Scenario, ScenarioPrincipal } from './iam-generators.js';

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** AWS attaches RCPFullAWSAccess to every root, OU and account; iam-simulate adds it by itself. */
export const rcpFullAwsAccess: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
};

export type OracleOutcome =
  | { readonly kind: 'decided'; readonly decision: Decision; readonly ignoredContextKeys: readonly string[] }
  /** iam-simulate refused the input (a policy it does not accept, a resource that fits no resource type). */
  | { readonly kind: 'refused'; readonly message: string };

const oracleDecisions = {
  Allowed: 'Allow',
  ExplicitlyDenied: 'ExplicitDeny',
  ImplicitlyDenied: 'ImplicitDeny',
} as const satisfies Record<string, Decision>;

function oraclePrincipal(principal: ScenarioPrincipal): Simulation['request']['principal'] {
  switch (principal.kind) {
    case 'user':
    case 'role-session':
    case 'federated-user':
    case 'root':
      return principal.arn;
    case 'service':
      return principal.service;
    case 'anonymous':
      return anonymousPrincipal;
    default: {
      const unreachable: never = principal;
      return unreachable;
    }
  }
}

const named = (prefix: string) => (policy: PolicyDocument, index: number) => ({
  name: `${prefix}${index}`,
  policy,
});

export function toSimulation(scenario: Scenario): Simulation {
  const { request } = scenario;
  return {
    request: {
      principal: oraclePrincipal(request.principal),
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: Object.fromEntries(
        Object.entries(request.context).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : [...value],
        ]),
      ),
    },
    identityPolicies: scenario.identityPolicies.map(named('identity')),
    ...(scenario.permissionsBoundary === undefined
      ? {}
      : { permissionBoundaryPolicies: [{ name: 'boundary', policy: scenario.permissionsBoundary }] }),
    ...(scenario.resourcePolicy === undefined ? {} : { resourcePolicy: scenario.resourcePolicy }),
    ...(scenario.sessionPolicy === undefined ? {} : { sessionPolicy: scenario.sessionPolicy }),
    ...(scenario.vpcEndpointPolicy === undefined
      ? {}
      : { vpcEndpointPolicies: [{ name: 'endpoint', policy: scenario.vpcEndpointPolicy }] }),
    serviceControlPolicies: scenario.serviceControlPolicies.map((level, index) => ({
      orgIdentifier: `scp-level-${index}`,
      policies: level.map(named(`scp${index}-`)),
    })),
    resourceControlPolicies: scenario.resourceControlPolicies.map((level, index) => ({
      orgIdentifier: `rcp-level-${index}`,
      policies: level.map(named(`rcp${index}-`)),
    })),
  };
}

export async function oracleOutcome(scenario: Scenario): Promise<OracleOutcome> {
  const response = await runSimulation(toSimulation(scenario), {});
  switch (response.resultType) {
    case 'error':
      return { kind: 'refused', message: JSON.stringify(response.errors) };
    case 'single':
      return {
        kind: 'decided',
        decision: oracleDecisions[response.overallResult],
        ignoredContextKeys: response.result.ignoredContextKeys ?? [],
      };
    case 'wildcard':
      return { kind: 'refused', message: 'a wildcard request resource' };
    default: {
      const unreachable: never = response;
      return unreachable;
    }
  }
}

function keyakiPrincipal(principal: ScenarioPrincipal): RequestPrincipal {
  switch (principal.kind) {
    case 'user':
    case 'federated-user':
    case 'root':
      return { kind: 'aws', arn: principal.arn };
    case 'role-session':
      return { kind: 'aws', arn: principal.arn, roleArn: principal.roleArn };
    case 'service':
      return { kind: 'service', service: principal.service };
    case 'anonymous':
      return { kind: 'anonymous' };
    default: {
      const unreachable: never = principal;
      return unreachable;
    }
  }
}

export function parseDocument(document: PolicyDocument): Policy {
  const parsed = parsePolicy(JSON.stringify(document));
  if (!parsed.ok)
    throw new Error(
      `generated policy does not parse: ${JSON.stringify(parsed.errors)}: ${JSON.stringify(document)}`,
    );
  return parsed.policy;
}

export function keyakiRequest(
  scenario: Scenario,
  ignoredContextKeys: readonly string[] = [],
): EvaluationRequest {
  const ignored = new Set(ignoredContextKeys.map((key) => key.toLowerCase()));
  const context: Record<string, ContextValue> = {};
  for (const [key, value] of Object.entries(scenario.request.context)) {
    if (!ignored.has(key.toLowerCase())) context[key] = value;
  }
  return {
    principal: keyakiPrincipal(scenario.request.principal),
    action: scenario.request.action,
    resource: scenario.request.resource,
    resourceAccount: scenario.request.resourceAccount,
    context,
  };
}

export function keyakiPolicies(scenario: Scenario): EvaluationPolicies {
  return {
    identityPolicies: scenario.identityPolicies.map(parseDocument),
    ...(scenario.permissionsBoundary === undefined
      ? {}
      : { permissionsBoundary: parseDocument(scenario.permissionsBoundary) }),
    ...(scenario.resourcePolicy === undefined
      ? {}
      : { resourcePolicy: parseDocument(scenario.resourcePolicy) }),
    ...(scenario.sessionPolicy === undefined
      ? {}
      : { sessionPolicies: [parseDocument(scenario.sessionPolicy)] }),
    ...(scenario.vpcEndpointPolicy === undefined
      ? {}
      : { vpcEndpointPolicy: parseDocument(scenario.vpcEndpointPolicy) }),
    serviceControlPolicies: scenario.serviceControlPolicies.map((level) => level.map(parseDocument)),
    resourceControlPolicies: scenario.resourceControlPolicies.map((level) =>
      [rcpFullAwsAccess, ...level].map(parseDocument),
    ),
  };
}

export function keyakiEvaluation(
  scenario: Scenario,
  ignoredContextKeys: readonly string[] = [],
): EvaluationResult {
  return evaluate(keyakiRequest(scenario, ignoredContextKeys), keyakiPolicies(scenario));
}
