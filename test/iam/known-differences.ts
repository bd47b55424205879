// The documented classes of disagreement between Keyaki's evaluator and
// iam-simulate (test/iam/KNOWN_DIFFERENCES.md, one section per `id`). Each
// predicate recognises the construct that causes the disagreement, as
// narrowly as the scenario allows, so that any other disagreement still fails
// the differential test; each reproducer is the smallest scenario that shows
// it, and the test checks that both evaluators still answer as documented.
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

const resourcePatternsOf = (statement: JsonObject): string[] => [
  ...listOf(statement.Resource),
  ...listOf(statement.NotResource),
];

/** Policy variables without a default, `${key}`, named in a value. */
const variablesWithoutDefault = (value: string): string[] =>
  [...value.matchAll(/\$\{([^},]+)\}/g)]
    .map((match) => (match[1] as string).trim())
    .filter((key) => !/^[*?$]$/.test(key));

// ---------------------------------------------------------------------------
// Reproducers

const alice = principals[0] as Extract<(typeof principals)[number], { kind: 'user' }>;

const sessionOfDeploy = principals.find((principal) => principal.kind === 'role-session') as Extract<
  (typeof principals)[number],
  { kind: 'role-session' }
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
    applies: (scenario) => {
      const address = contextValue(scenario.request, 'aws:SourceIp');
      if (typeof address !== 'string') return false;
      const requestIsV6 = address.includes(':');
      return allConditions(scenario).some(
        (condition) =>
          /^NotIpAddress(IfExists)?$/.test(condition.operator) &&
          condition.key.toLowerCase() === 'aws:sourceip' &&
          condition.values.some((value) => !value.includes('/') && value.includes(':') !== requestIsV6),
      );
    },
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
    applies: (scenario) =>
      statementsOf(scenario).some((statement) =>
        resourcePatternsOf(statement).some((pattern) => {
          const fields = pattern.split(':');
          // iam-simulate reads S3's bucket/key ARNs whole; every other resource field is split at its type.
          if (fields.length < 6 || (fields[2] === 's3' && fields[3] === '' && fields[4] === '')) return false;
          const resource = fields.slice(5).join(':');
          const separator = resource.search(/[/:]/);
          return separator >= 0 && /[*?]/.test(resource.slice(0, separator));
        }),
      ),
    reproducer: identityOnly(
      aliceRequest({ action: 'iam:GetRole', resource: 'arn:aws:iam::111111111111:role/deploy' }),
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: 'arn:aws:iam::111111111111:*/deploy' },
    ),
    keyakiDecides: 'Allow',
    oracleDecides: 'ImplicitDeny',
  },
  {
    id: 'an-empty-multivalued-key',
    applies: (scenario) =>
      allConditions(scenario).some((condition) => {
        const value = contextValue(scenario.request, condition.key);
        return Array.isArray(value) && value.length === 0;
      }),
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
    applies: (scenario) => {
      const unresolved = (value: string): boolean =>
        variablesWithoutDefault(value).some((key) => {
          const bound = contextValue(scenario.request, key);
          return bound === undefined || Array.isArray(bound);
        });
      return statementsOf(scenario).some(
        (statement) =>
          listOf(statement.NotResource).some(unresolved) ||
          conditionsOf(statement).some(
            (condition) => /Not/.test(condition.operator) && condition.values.some(unresolved),
          ),
      );
    },
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
    id: 'a-single-valued-operator-on-a-multivalued-key',
    applies: (scenario) =>
      allConditions(scenario).some((condition) => {
        if (/^For(All|Any)Values?:/.test(condition.operator) || /^Null$/.test(condition.operator))
          return false;
        const value = contextValue(scenario.request, condition.key);
        return Array.isArray(value) && value.length > 0;
      }),
    reproducer: identityOnly(aliceRequest({ context: { 'aws:TagKeys': ['env'] } }), {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { StringEquals: { 'aws:TagKeys': 'env' } },
    }),
    keyakiDecides: 'Allow',
    oracleDecides: 'ImplicitDeny',
  },
  {
    id: 'an-arn-condition-on-text-that-does-not-start-with-arn',
    applies: (scenario) =>
      allConditions(scenario).some((condition) => {
        if (!/(^|:)Arn(Not)?(Equals|Like)(IfExists)?$/.test(condition.operator)) return false;
        const requestValues = listOf(contextValue(scenario.request, condition.key) as Json | undefined);
        return [...requestValues, ...condition.values].some(
          (value) => !value.startsWith('arn:') && !value.startsWith('${'),
        );
      }),
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
    applies: (scenario) => {
      const { principal, resourceAccount } = scenario.request;
      if (scenario.sessionPolicy === undefined || scenario.resourcePolicy === undefined) return false;
      if (principal.kind !== 'role-session' && principal.kind !== 'federated-user') return false;
      if (principal.account !== resourceAccount) return false;
      return scenario.resourcePolicy.Statement.some((statement) => {
        if (statement.Effect !== 'Allow' || statement.Principal === undefined) return false;
        const named = statement.Principal === '*' ? ['*'] : listOf((statement.Principal as JsonObject).AWS);
        return named.some((entry) => entry === '*' || entry === principal.arn);
      });
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
];
