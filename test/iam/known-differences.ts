// The documented classes of disagreement between Keyaki's evaluator and
// iam-simulate (test/iam/KNOWN_DIFFERENCES.md, one section per `id`). Each
// class names the construct that causes the disagreement (`applies`) and,
// where it can, how to take that construct out of a scenario (`neutralize`):
// a disagreement is excused only when, with every applicable construct taken
// out, the two evaluators agree again, so a second, undocumented difference in
// the same scenario still fails the test. Each reproducer is the smallest
// scenario that shows the class; the test checks both evaluators still answer
// as documented.
import type { Decision } from './evaluator-adapters.js';
import {
  principalContext,
  principals,
  type ContextValue,
  type Json,
  type JsonObject,
  type PolicyDocument,
  type Scenario,
  type ScenarioRequest,
} from './iam-generators.js';

export interface KnownDifference {
  /** The heading anchor in KNOWN_DIFFERENCES.md. */
  readonly id: string;
  readonly applies: (scenario: Scenario) => boolean;
  /**
   * The scenario without the construct. Absent for a class that is a whole
   * service's behaviour, where there is nothing to take out.
   */
  readonly neutralize?: (scenario: Scenario) => Scenario;
  readonly reproducer: Scenario;
  readonly keyakiDecides: Decision;
  readonly oracleDecides: Decision;
}

// ---------------------------------------------------------------------------
// Reading scenarios

interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

const listOf = (value: Json | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

function policiesOf(scenario: Scenario): PolicyDocument[] {
  return [
    ...scenario.identityPolicies,
    ...(scenario.permissionsBoundary === undefined ? [] : [scenario.permissionsBoundary]),
    ...(scenario.resourcePolicy === undefined ? [] : [scenario.resourcePolicy]),
    ...(scenario.sessionPolicy === undefined ? [] : [scenario.sessionPolicy]),
    ...(scenario.vpcEndpointPolicy === undefined ? [] : [scenario.vpcEndpointPolicy]),
    ...scenario.serviceControlPolicies.flat(),
    ...scenario.resourceControlPolicies.flat(),
  ];
}

const statementsOf = (scenario: Scenario): JsonObject[] =>
  policiesOf(scenario).flatMap((policy) => [...policy.Statement]);

function conditionsOf(statement: JsonObject): ConditionEntry[] {
  const block = statement.Condition as Record<string, Record<string, Json>> | undefined;
  if (block === undefined) return [];
  return Object.entries(block).flatMap(([operator, entries]) =>
    Object.entries(entries).map(([key, values]) => ({ operator, key, values: listOf(values) })),
  );
}

const allConditions = (scenario: Scenario): ConditionEntry[] => statementsOf(scenario).flatMap(conditionsOf);

function contextValue(request: ScenarioRequest, key: string): ContextValue | undefined {
  const wanted = key.toLowerCase();
  return Object.entries(request.context).find(([name]) => name.toLowerCase() === wanted)?.[1];
}

/** Policy variables without a default, `${key}`, named in a value. */
const variablesWithoutDefault = (value: string): string[] =>
  [...value.matchAll(/\$\{([^},]+)\}/g)]
    .map((match) => (match[1] as string).trim())
    .filter((key) => !/^[*?$]$/.test(key));

// ---------------------------------------------------------------------------
// Taking constructs out of scenarios

type StatementRewrite = (statement: JsonObject) => JsonObject | undefined;

function rewritePolicy(document: PolicyDocument, rewrite: StatementRewrite): PolicyDocument | undefined {
  const Statement = document.Statement.map(rewrite).filter((statement) => statement !== undefined);
  return Statement.length === 0 ? undefined : { ...document, Statement };
}

/** Every statement of every policy rewritten; a policy left without statements is left out. */
function rewriteStatements(scenario: Scenario, rewrite: StatementRewrite): Scenario {
  const one = (document: PolicyDocument | undefined): PolicyDocument | undefined =>
    document === undefined ? undefined : rewritePolicy(document, rewrite);
  const many = (documents: readonly PolicyDocument[]): PolicyDocument[] =>
    documents
      .map((document) => rewritePolicy(document, rewrite))
      .filter((document) => document !== undefined);
  const { permissionsBoundary, resourcePolicy, sessionPolicy, vpcEndpointPolicy, ...rest } = scenario;
  const boundary = one(permissionsBoundary);
  const resource = one(resourcePolicy);
  const session = one(sessionPolicy);
  const endpoint = one(vpcEndpointPolicy);
  return {
    ...rest,
    identityPolicies: many(scenario.identityPolicies),
    ...(boundary === undefined ? {} : { permissionsBoundary: boundary }),
    ...(resource === undefined ? {} : { resourcePolicy: resource }),
    ...(session === undefined ? {} : { sessionPolicy: session }),
    ...(endpoint === undefined ? {} : { vpcEndpointPolicy: endpoint }),
    serviceControlPolicies: scenario.serviceControlPolicies.map(many),
    resourceControlPolicies: scenario.resourceControlPolicies.map(many),
  };
}

/** Conditions for which `offending` holds are dropped from every statement. */
function withoutConditions(
  scenario: Scenario,
  offending: (condition: ConditionEntry, scenario: Scenario) => boolean,
): Scenario {
  return rewriteStatements(scenario, (statement) => {
    const block = statement.Condition as Record<string, Record<string, Json>> | undefined;
    if (block === undefined) return statement;
    const kept: Record<string, Record<string, Json>> = {};
    for (const [operator, entries] of Object.entries(block)) {
      const keys = Object.entries(entries).filter(
        ([key, values]) => !offending({ operator, key, values: listOf(values) }, scenario),
      );
      if (keys.length > 0) kept[operator] = Object.fromEntries(keys);
    }
    const { Condition: _dropped, ...rest } = statement;
    return Object.keys(kept).length === 0 ? rest : { ...rest, Condition: kept };
  });
}

/** Resource and NotResource entries for which `offending` holds are dropped; a statement left without any, too. */
function withoutResourceEntries(
  scenario: Scenario,
  offending: (pattern: string, element: 'Resource' | 'NotResource', scenario: Scenario) => boolean,
): Scenario {
  return rewriteStatements(scenario, (statement) => {
    const element = statement.Resource === undefined ? 'NotResource' : 'Resource';
    const kept = listOf(statement[element]).filter((pattern) => !offending(pattern, element, scenario));
    return kept.length === 0 ? undefined : { ...statement, [element]: kept };
  });
}

const hasCondition = (
  scenario: Scenario,
  offending: (condition: ConditionEntry, scenario: Scenario) => boolean,
): boolean => allConditions(scenario).some((condition) => offending(condition, scenario));

const hasResourceEntry = (
  scenario: Scenario,
  offending: (pattern: string, element: 'Resource' | 'NotResource', scenario: Scenario) => boolean,
): boolean =>
  statementsOf(scenario).some(
    (statement) =>
      listOf(statement.Resource).some((pattern) => offending(pattern, 'Resource', scenario)) ||
      listOf(statement.NotResource).some((pattern) => offending(pattern, 'NotResource', scenario)),
  );

// ---------------------------------------------------------------------------
// The constructs

function bareAddressOfTheOtherFamily(condition: ConditionEntry, scenario: Scenario): boolean {
  const address = contextValue(scenario.request, 'aws:SourceIp');
  if (typeof address !== 'string') return false;
  const requestIsV6 = address.includes(':');
  return (
    /(^|:)NotIpAddress(IfExists)?$/.test(condition.operator) &&
    condition.key.toLowerCase() === 'aws:sourceip' &&
    condition.values.some((value) => !value.includes('/') && value.includes(':') !== requestIsV6)
  );
}

function wildcardInResourceType(pattern: string): boolean {
  const fields = pattern.split(':');
  // iam-simulate reads S3's bucket/key ARNs whole; every other resource field is split at its type.
  if (fields.length < 6 || (fields[2] === 's3' && fields[3] === '' && fields[4] === '')) return false;
  const resource = fields.slice(5).join(':');
  const separator = resource.search(/[/:]/);
  return separator >= 0 && /[*?]/.test(resource.slice(0, separator));
}

function unresolvedVariable(value: string, scenario: Scenario): boolean {
  return variablesWithoutDefault(value).some((key) => {
    const bound = contextValue(scenario.request, key);
    return bound === undefined || Array.isArray(bound);
  });
}

const negatedOnUnresolvedVariable = (condition: ConditionEntry, scenario: Scenario): boolean =>
  /Not/.test(condition.operator) && condition.values.some((value) => unresolvedVariable(value, scenario));

function arnConditionOnNonArn(condition: ConditionEntry, scenario: Scenario): boolean {
  if (!/(^|:)Arn(Not)?(Equals|Like)(IfExists)?$/.test(condition.operator)) return false;
  const requestValues = listOf(contextValue(scenario.request, condition.key) as Json | undefined);
  return [...requestValues, ...condition.values].some(
    (value) => !value.startsWith('arn:') && !value.startsWith('${'),
  );
}

function sessionNamedByResourcePolicy(scenario: Scenario): boolean {
  const { principal, resourceAccount } = scenario.request;
  if (scenario.sessionPolicy === undefined || scenario.resourcePolicy === undefined) return false;
  if (principal.kind !== 'role-session' && principal.kind !== 'federated-user') return false;
  if (principal.account !== resourceAccount) return false;
  return scenario.resourcePolicy.Statement.some((statement) => {
    if (statement.Effect !== 'Allow' || statement.Principal === undefined) return false;
    const named = statement.Principal === '*' ? ['*'] : listOf((statement.Principal as JsonObject).AWS);
    return named.some((entry) => entry === '*' || entry === principal.arn);
  });
}

const emptyKeys = (scenario: Scenario): string[] =>
  Object.entries(scenario.request.context)
    .filter(([, value]) => Array.isArray(value) && value.length === 0)
    .map(([key]) => key);

// ---------------------------------------------------------------------------
// Reproducers

const alice = principals[0] as Extract<(typeof principals)[number], { kind: 'user' }>;

const sessionOfDeploy = principals.find((principal) => principal.kind === 'role-session') as Extract<
  (typeof principals)[number],
  { kind: 'role-session' }
>;

const rootOfCarol = principals.find((principal) => principal.kind === 'root') as Extract<
  (typeof principals)[number],
  { kind: 'root' }
>;

function aliceRequest(overrides: Partial<ScenarioRequest> = {}): ScenarioRequest {
  return {
    principal: alice,
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::photos/home/alice/a.txt',
    resourceAccount: alice.account,
    ...overrides,
    context: { ...principalContext(alice), 'aws:ResourceAccount': alice.account, ...overrides.context },
  };
}

const policy = (...Statement: JsonObject[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const allowAll: JsonObject = { Effect: 'Allow', Action: '*', Resource: '*' };

function identityOnly(request: ScenarioRequest, ...statements: JsonObject[]): Scenario {
  return {
    request,
    identityPolicies: [policy(...statements)],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
}

// ---------------------------------------------------------------------------
// The classes

export const knownDifferences: readonly KnownDifference[] = [
  {
    id: 'notipaddress-with-a-single-address-of-the-other-family',
    applies: (scenario) => hasCondition(scenario, bareAddressOfTheOtherFamily),
    neutralize: (scenario) => withoutConditions(scenario, bareAddressOfTheOtherFamily),
    reproducer: identityOnly(aliceRequest({ context: { 'aws:SourceIp': '2001:db8::5' } }), allowAll, {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.9' } },
    }),
    keyakiDecides: 'ExplicitDeny',
    oracleDecides: 'Allow',
  },
  {
    id: 'wildcard-in-the-resource-type-of-an-arn',
    applies: (scenario) => hasResourceEntry(scenario, wildcardInResourceType),
    neutralize: (scenario) => withoutResourceEntries(scenario, wildcardInResourceType),
    reproducer: identityOnly(
      aliceRequest({ action: 'iam:GetRole', resource: 'arn:aws:iam::111111111111:role/deploy' }),
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: 'arn:aws:iam::111111111111:*/deploy' },
    ),
    keyakiDecides: 'Allow',
    oracleDecides: 'ImplicitDeny',
  },
  {
    id: 'an-empty-multivalued-key',
    applies: (scenario) => emptyKeys(scenario).length > 0,
    neutralize: (scenario) => {
      const context = { ...scenario.request.context };
      for (const key of emptyKeys(scenario)) delete context[key];
      return { ...scenario, request: { ...scenario.request, context } };
    },
    reproducer: identityOnly(aliceRequest({ context: { 'aws:TagKeys': [] } }), {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { Null: { 'aws:TagKeys': 'true' } },
    }),
    keyakiDecides: 'Allow',
    oracleDecides: 'ImplicitDeny',
  },
  {
    id: 'a-negated-match-on-a-variable-without-a-value',
    applies: (scenario) =>
      hasCondition(scenario, negatedOnUnresolvedVariable) ||
      hasResourceEntry(
        scenario,
        (pattern, element) => element === 'NotResource' && unresolvedVariable(pattern, scenario),
      ),
    neutralize: (scenario) =>
      withoutResourceEntries(
        withoutConditions(scenario, negatedOnUnresolvedVariable),
        (pattern, element) => element === 'NotResource' && unresolvedVariable(pattern, scenario),
      ),
    reproducer: identityOnly(aliceRequest({ context: { 'aws:PrincipalTag/project': 'red' } }), allowAll, {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalTag/project': '${aws:PrincipalTag/team}' } },
    }),
    keyakiDecides: 'ExplicitDeny',
    oracleDecides: 'Allow',
  },
  {
    id: 'an-arn-condition-on-text-that-does-not-start-with-arn',
    applies: (scenario) => hasCondition(scenario, arnConditionOnNonArn),
    neutralize: (scenario) => withoutConditions(scenario, arnConditionOnNonArn),
    reproducer: identityOnly(
      aliceRequest({ context: { 'aws:SourceArn': 'xrn:aws:sns:us-east-1:111111111111:alerts' } }),
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:111111111111:alerts' } },
      },
    ),
    keyakiDecides: 'ImplicitDeny',
    oracleDecides: 'Allow',
  },
  {
    id: 'service-specific-authorization-kms-keys-and-role-trust',
    applies: (scenario) => {
      const { principal, action, resourceAccount } = scenario.request;
      const sameAccount = 'account' in principal && principal.account === resourceAccount;
      return sameAccount && /^(kms|sts):/i.test(action);
    },
    reproducer: identityOnly(
      aliceRequest({
        action: 'kms:Decrypt',
        resource: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      }),
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
    ),
    keyakiDecides: 'Allow',
    oracleDecides: 'ImplicitDeny',
  },
  {
    id: 'a-session-policy-and-a-resource-policy-naming-the-session',
    applies: sessionNamedByResourcePolicy,
    neutralize: (scenario) => {
      const { sessionPolicy: _dropped, ...rest } = scenario;
      return rest;
    },
    reproducer: {
      request: {
        principal: sessionOfDeploy,
        action: 'sqs:SendMessage',
        resource: 'arn:aws:sqs:us-east-1:111111111111:jobs',
        resourceAccount: sessionOfDeploy.account,
        context: { ...principalContext(sessionOfDeploy), 'aws:ResourceAccount': sessionOfDeploy.account },
      },
      identityPolicies: [],
      sessionPolicy: policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
      resourcePolicy: policy({
        Effect: 'Allow',
        Principal: { AWS: sessionOfDeploy.arn },
        Action: 'sqs:SendMessage',
        Resource: 'arn:aws:sqs:us-east-1:111111111111:jobs',
      }),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    keyakiDecides: 'Allow',
    oracleDecides: 'ImplicitDeny',
  },
  {
    id: 'the-account-root-user',
    applies: (scenario) => scenario.request.principal.kind === 'root',
    // What Keyaki grants the root user by itself, given to it as an identity policy.
    neutralize: (scenario) => ({
      ...scenario,
      identityPolicies: [...scenario.identityPolicies, policy(allowAll)],
    }),
    reproducer: {
      request: {
        principal: rootOfCarol,
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::photos/home/alice/a.txt',
        resourceAccount: rootOfCarol.account,
        context: { ...principalContext(rootOfCarol), 'aws:ResourceAccount': rootOfCarol.account },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    keyakiDecides: 'Allow',
    oracleDecides: 'ImplicitDeny',
  },
  {
    id: 'rcps-and-aws-service-principals',
    applies: (scenario) =>
      scenario.request.principal.kind === 'service' && scenario.resourceControlPolicies.length > 0,
    // Keyaki leaves RCPs out for a service principal; without them, iam-simulate does too.
    neutralize: (scenario) => ({ ...scenario, resourceControlPolicies: [] }),
    reproducer: {
      request: {
        principal: { kind: 'service', service: 'cloudtrail.amazonaws.com' },
        action: 'sns:Subscribe',
        resource: 'arn:aws:sns:us-east-1:111111111111:alerts-prod',
        resourceAccount: '111111111111',
        context: {
          'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com',
          'aws:PrincipalIsAWSService': 'true',
          'aws:ResourceAccount': '111111111111',
        },
      },
      identityPolicies: [],
      resourcePolicy: policy({
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'sns:Subscribe',
        Resource: 'arn:aws:sns:us-east-1:111111111111:alerts-prod',
      }),
      serviceControlPolicies: [],
      resourceControlPolicies: [[policy({ Effect: 'Deny', Principal: '*', Action: 'sns:*', Resource: '*' })]],
    },
    keyakiDecides: 'Allow',
    oracleDecides: 'ExplicitDeny',
  },
];
