// fast-check generators for whole IAM authorization scenarios: a caller, a
// request and every kind of policy that takes part in the decision, all drawn
// from one shared vocabulary so that policies and requests actually meet.
// Policies reuse the request's own action, ARN, keys and values, wildcards
// built from them, and near misses (one character off, other case, missing
// key, extra value), so the differential test exercises matches and
// non-matches alike instead of mostly unrelated pairs.
//
// A scenario is plain JSON (policy documents as AWS takes them, the request as
// strings); each evaluator under test gets it through its own adapter.
import fc from 'fast-check';

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly JsonObject[];
}

export const accounts = ['111111111111', '222222222222', '333333333333'] as const;
export type Account = (typeof accounts)[number];

/** The caller as AWS authenticates it; `arn` is what the request carries. */
export type ScenarioPrincipal =
  | { readonly kind: 'user'; readonly arn: string; readonly account: Account; readonly name: string }
  | {
      readonly kind: 'role-session';
      readonly arn: string;
      readonly account: Account;
      readonly roleArn: string;
      readonly sessionName: string;
    }
  | {
      readonly kind: 'federated-user';
      readonly arn: string;
      readonly account: Account;
      readonly name: string;
    }
  /** The account root user, signing with the account's own credentials. */
  | { readonly kind: 'root'; readonly arn: string; readonly account: Account }
  | { readonly kind: 'service'; readonly service: string }
  | { readonly kind: 'anonymous' };

export type ContextValue = string | readonly string[];

export interface ScenarioRequest {
  readonly principal: ScenarioPrincipal;
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource (an S3 ARN does not say). */
  readonly resourceAccount: Account;
  /** As the request carries it: single values as strings, multi-valued keys as arrays. */
  readonly context: Readonly<Record<string, ContextValue>>;
}

export interface Scenario {
  readonly request: ScenarioRequest;
  readonly identityPolicies: readonly PolicyDocument[];
  readonly resourcePolicy?: PolicyDocument;
  readonly permissionsBoundary?: PolicyDocument;
  /** The policy passed when a role session or federated user session was created. */
  readonly sessionPolicy?: PolicyDocument;
  /** The policy of the VPC endpoint the request went through. */
  readonly vpcEndpointPolicy?: PolicyDocument;
  /** Root first, account last; each level must allow. */
  readonly serviceControlPolicies: readonly (readonly PolicyDocument[])[];
  /** Custom RCPs per level, without the RCPFullAWSAccess that AWS attaches to every level. */
  readonly resourceControlPolicies: readonly (readonly PolicyDocument[])[];
}

// ---------------------------------------------------------------------------
// The shared vocabulary

const users = [
  { account: accounts[0], name: 'alice' },
  { account: accounts[0], name: 'bob' },
  { account: accounts[1], name: 'carol' },
] as const;

const roles = [
  { account: accounts[0], name: 'deploy', session: 'ci-run' },
  { account: accounts[1], name: 'auditor', session: 'alice@example.com' },
] as const;

const services = ['sns.amazonaws.com', 'cloudtrail.amazonaws.com'] as const;

const userArn = (account: string, name: string): string => `arn:aws:iam::${account}:user/${name}`;
const roleArn = (account: string, name: string): string => `arn:aws:iam::${account}:role/${name}`;
const sessionArn = (account: string, role: string, session: string): string =>
  `arn:aws:sts::${account}:assumed-role/${role}/${session}`;

export const principals: readonly ScenarioPrincipal[] = [
  ...users.map((user): ScenarioPrincipal => ({
    kind: 'user',
    arn: userArn(user.account, user.name),
    ...user,
  })),
  ...roles.map((role): ScenarioPrincipal => ({
    kind: 'role-session',
    arn: sessionArn(role.account, role.name, role.session),
    account: role.account,
    roleArn: roleArn(role.account, role.name),
    sessionName: role.session,
  })),
  {
    kind: 'federated-user',
    arn: `arn:aws:sts::${accounts[0]}:federated-user/dave`,
    account: accounts[0],
    name: 'dave',
  },
  { kind: 'root', arn: `arn:aws:iam::${accounts[1]}:root`, account: accounts[1] },
  ...services.map((service): ScenarioPrincipal => ({ kind: 'service', service })),
  { kind: 'anonymous' },
];

/** A family of resources that the same actions apply to. */
interface ResourceKind {
  readonly actions: readonly string[];
  /** Concrete ARNs for an owner account; `*` for actions that take no resource. */
  readonly arns: (account: Account) => readonly string[];
}

const regions = ['us-east-1', 'eu-west-1'] as const;
const regional = (service: string, account: string, resources: readonly string[]): string[] =>
  regions.flatMap((region) =>
    resources.map((resource) => `arn:aws:${service}:${region}:${account}:${resource}`),
  );

export const resourceKinds: readonly ResourceKind[] = [
  {
    actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectTagging'],
    arns: () =>
      ['photos', 'team-logs'].flatMap((bucket) =>
        ['home/alice/a.txt', 'home/bob/notes.txt', 'public/index.html'].map(
          (key) => `arn:aws:s3:::${bucket}/${key}`,
        ),
      ),
  },
  {
    actions: ['s3:ListBucket', 's3:GetBucketPolicy', 's3:PutBucketTagging'],
    arns: () => ['arn:aws:s3:::photos', 'arn:aws:s3:::team-logs'],
  },
  {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteTable'],
    arns: (account) => regional('dynamodb', account, ['table/Orders', 'table/orders', 'table/Users']),
  },
  {
    actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteQueue'],
    arns: (account) => regional('sqs', account, ['jobs', 'jobs-dlq']),
  },
  {
    actions: ['sns:Publish', 'sns:Subscribe'],
    arns: (account) => regional('sns', account, ['alerts', 'alerts-prod']),
  },
  {
    actions: ['lambda:InvokeFunction', 'lambda:GetFunction'],
    arns: (account) => regional('lambda', account, ['function:resize', 'function:resize-v2']),
  },
  {
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    arns: (account) =>
      regional('secretsmanager', account, ['secret:db/password-AbCdEf', 'secret:api-key-XyZ123']),
  },
  {
    actions: ['ec2:StartInstances', 'ec2:StopInstances', 'ec2:TerminateInstances'],
    arns: (account) => regional('ec2', account, ['instance/i-0abc1234', 'instance/i-0def5678']),
  },
  {
    actions: ['iam:GetRole', 'iam:PassRole', 'iam:DeleteRole'],
    arns: (account) => [roleArn(account, 'deploy'), roleArn(account, 'app/backend')],
  },
  {
    actions: ['s3:ListAllMyBuckets', 'ec2:DescribeInstances', 'iam:ListRoles', 'sqs:ListQueues'],
    arns: () => ['*'],
  },
];

/** Every action the generators use, for the check that they are real catalog actions. */
export const scenarioActions: readonly string[] = resourceKinds.flatMap((kind) => kind.actions);

/**
 * Services with service-specific authorization in AWS (KMS key policies, role
 * trust policies) are generated on their own, so that a difference in them is
 * one recognisable class.
 */
export const specialResourceKinds: readonly ResourceKind[] = [
  {
    actions: ['kms:Decrypt', 'kms:Encrypt'],
    arns: (account) => [`arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
  },
  {
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    arns: (account) => [roleArn(account, 'deploy'), roleArn(account, 'auditor')],
  },
];

type KeyType = 'string' | 'arn' | 'numeric' | 'date' | 'bool' | 'ip' | 'binary';

/** A condition key with the values requests carry and the values policies test. */
interface KeySpec {
  readonly key: string;
  readonly type: KeyType;
  readonly multiValued: boolean;
  readonly requestValues: readonly string[];
  readonly policyValues: readonly string[];
}

const principalArns = [
  ...users.map((user) => userArn(user.account, user.name)),
  ...roles.map((role) => roleArn(role.account, role.name)),
];

/** Keys set from the caller (never drawn at random: AWS always sets them together). */
const principalKeys: readonly KeySpec[] = [
  {
    key: 'aws:PrincipalArn',
    type: 'arn',
    multiValued: false,
    requestValues: [],
    policyValues: [
      ...principalArns,
      `arn:aws:iam::${accounts[0]}:user/*`,
      'arn:aws:iam::*:role/deploy',
      'arn:aws:iam::*:*',
    ],
  },
  {
    key: 'aws:PrincipalAccount',
    type: 'string',
    multiValued: false,
    requestValues: [],
    policyValues: [...accounts, '1111*'],
  },
  {
    key: 'aws:username',
    type: 'string',
    multiValued: false,
    requestValues: [],
    policyValues: ['alice', 'bob', 'Alice', 'a*'],
  },
  {
    key: 'aws:PrincipalType',
    type: 'string',
    multiValued: false,
    requestValues: [],
    policyValues: ['User', 'AssumedRole', 'FederatedUser'],
  },
  {
    key: 'aws:PrincipalServiceName',
    type: 'string',
    multiValued: false,
    requestValues: [],
    policyValues: [...services],
  },
];

const requestKeys: readonly KeySpec[] = [
  {
    key: 'aws:PrincipalTag/team',
    type: 'string',
    multiValued: false,
    requestValues: ['red', 'blue', 'Red', 'red '],
    policyValues: ['red', 'blue', 're*', 'r?d', '${aws:username}', "${aws:PrincipalTag/project, 'red'}"],
  },
  {
    key: 'aws:PrincipalTag/project',
    type: 'string',
    multiValued: false,
    requestValues: ['red', 'apollo', 'alice'],
    policyValues: ['apollo', '${aws:PrincipalTag/team}', '${aws:username}', '*'],
  },
  {
    key: 'aws:RequestedRegion',
    type: 'string',
    multiValued: false,
    requestValues: ['us-east-1', 'eu-west-1', 'US-EAST-1'],
    policyValues: ['us-east-1', 'eu-*', 'us-east-?'],
  },
  {
    key: 'aws:PrincipalOrgID',
    type: 'string',
    multiValued: false,
    requestValues: ['o-aaaa1111', 'o-bbbb2222'],
    policyValues: ['o-aaaa1111', 'o-bbbb2222', 'o-aaaa*'],
  },
  {
    key: 'aws:SourceVpc',
    type: 'string',
    multiValued: false,
    requestValues: ['vpc-111', 'vpc-222'],
    policyValues: ['vpc-111', 'vpc-*'],
  },
  {
    key: 'aws:SourceArn',
    type: 'arn',
    multiValued: false,
    requestValues: [
      `arn:aws:sns:us-east-1:${accounts[0]}:alerts`,
      `arn:aws:sns:eu-west-1:${accounts[1]}:alerts-prod`,
    ],
    policyValues: [
      `arn:aws:sns:us-east-1:${accounts[0]}:alerts`,
      `arn:aws:sns:*:${accounts[0]}:*`,
      'arn:aws:sns:*:*:alerts*',
      `arn:aws:sns:us-east-1:${accounts[0]}:Alerts`,
    ],
  },
  {
    key: 'aws:SourceAccount',
    type: 'string',
    multiValued: false,
    requestValues: [...accounts],
    policyValues: [accounts[0], accounts[1]],
  },
  {
    key: 'aws:MultiFactorAuthAge',
    type: 'numeric',
    multiValued: false,
    requestValues: ['0', '300', '3600', '86400'],
    policyValues: ['300', '3600', '3600.5', '0'],
  },
  {
    key: 'aws:CurrentTime',
    type: 'date',
    multiValued: false,
    requestValues: ['2026-01-01T00:00:00Z', '2026-06-15T12:00:00Z', '2025-12-31T23:59:59Z'],
    policyValues: ['2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z', '2026-01-01'],
  },
  {
    key: 'aws:TokenIssueTime',
    type: 'date',
    multiValued: false,
    requestValues: ['2026-01-01T00:00:00Z', '2026-02-01T08:30:00Z'],
    policyValues: ['2026-01-01T00:00:00Z', '2026-01-15T00:00:00Z'],
  },
  {
    key: 'aws:SecureTransport',
    type: 'bool',
    multiValued: false,
    requestValues: ['true', 'false'],
    policyValues: ['true', 'false'],
  },
  {
    key: 'aws:MultiFactorAuthPresent',
    type: 'bool',
    multiValued: false,
    requestValues: ['true', 'false'],
    policyValues: ['true', 'false'],
  },
  {
    key: 'aws:SourceIp',
    type: 'ip',
    multiValued: false,
    requestValues: ['10.1.2.3', '192.168.1.20', '192.168.2.20', '203.0.113.9', '2001:db8::5', '2001:db9::5'],
    policyValues: ['10.0.0.0/8', '192.168.1.0/24', '203.0.113.9/32', '203.0.113.9', '2001:db8::/32'],
  },
  {
    key: 'aws:PrincipalTag/blob',
    type: 'binary',
    multiValued: false,
    requestValues: ['QmluYXJ5', 'QmluYXJ6'],
    policyValues: ['QmluYXJ5'],
  },
  {
    key: 'aws:TagKeys',
    type: 'string',
    multiValued: true,
    requestValues: ['env', 'team', 'cost-center', 'Env'],
    policyValues: ['env', 'team', 'cost-*', 'e?v'],
  },
  {
    key: 'aws:CalledVia',
    type: 'string',
    multiValued: true,
    requestValues: ['cloudformation.amazonaws.com', 'athena.amazonaws.com'],
    policyValues: ['cloudformation.amazonaws.com', '*.amazonaws.com'],
  },
  {
    key: 'aws:PrincipalOrgPaths',
    type: 'string',
    multiValued: true,
    requestValues: ['o-aaaa1111/r-ab12/ou-ab12-11111111/', 'o-aaaa1111/r-ab12/ou-ab12-22222222/'],
    policyValues: ['o-aaaa1111/r-ab12/ou-ab12-11111111/', 'o-aaaa1111/r-ab12/*'],
  },
];

const allKeys: readonly KeySpec[] = [...principalKeys, ...requestKeys];

export const operatorsByType: Readonly<Record<KeyType, readonly string[]>> = {
  string: [
    'StringEquals',
    'StringNotEquals',
    'StringEqualsIgnoreCase',
    'StringNotEqualsIgnoreCase',
    'StringLike',
    'StringNotLike',
  ],
  arn: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'StringLike', 'StringEquals'],
  numeric: [
    'NumericEquals',
    'NumericNotEquals',
    'NumericLessThan',
    'NumericLessThanEquals',
    'NumericGreaterThan',
    'NumericGreaterThanEquals',
  ],
  date: [
    'DateEquals',
    'DateNotEquals',
    'DateLessThan',
    'DateLessThanEquals',
    'DateGreaterThan',
    'DateGreaterThanEquals',
  ],
  bool: ['Bool'],
  ip: ['IpAddress', 'NotIpAddress'],
  binary: ['BinaryEquals'],
};

/**
 * The context AWS sets from the caller itself. Every key a reference evaluator
 * could derive from the principal is stated, so both evaluators read the same
 * request whatever each derives on its own.
 */
export function principalContext(principal: ScenarioPrincipal): Record<string, ContextValue> {
  switch (principal.kind) {
    case 'user':
      return {
        'aws:PrincipalArn': principal.arn,
        'aws:PrincipalAccount': principal.account,
        'aws:username': principal.name,
        'aws:PrincipalType': 'User',
        'aws:PrincipalIsAWSService': 'false',
      };
    case 'role-session':
      // For a role session aws:PrincipalArn is the role's ARN, not the session's.
      return {
        'aws:PrincipalArn': principal.roleArn,
        'aws:PrincipalAccount': principal.account,
        'aws:PrincipalType': 'AssumedRole',
        'aws:PrincipalIsAWSService': 'false',
      };
    case 'federated-user':
      return {
        'aws:PrincipalArn': principal.arn,
        'aws:PrincipalAccount': principal.account,
        'aws:PrincipalType': 'FederatedUser',
        'aws:PrincipalIsAWSService': 'false',
      };
    case 'root':
      return {
        'aws:PrincipalArn': principal.arn,
        'aws:PrincipalAccount': principal.account,
        'aws:PrincipalType': 'Account',
        'aws:PrincipalIsAWSService': 'false',
      };
    case 'service':
      return { 'aws:PrincipalServiceName': principal.service, 'aws:PrincipalIsAWSService': 'true' };
    case 'anonymous':
      return { 'aws:PrincipalType': 'Anonymous' };
    default: {
      const unreachable: never = principal;
      return unreachable;
    }
  }
}

const principalAccount = (principal: ScenarioPrincipal): Account | undefined =>
  principal.kind === 'service' || principal.kind === 'anonymous' ? undefined : principal.account;

// ---------------------------------------------------------------------------
// Near misses

/** One character changed, inserted or dropped, or the case flipped: strings that almost match. */
function nearMisses(text: string): fc.Arbitrary<string> {
  if (text.length === 0) return fc.constant('x');
  return fc.oneof(
    fc.constant(text.toUpperCase() === text ? text.toLowerCase() : text.toUpperCase()),
    fc.nat(text.length - 1).map((at) => text.slice(0, at) + text.slice(at + 1)),
    fc.nat(text.length - 1).map((at) => `${text.slice(0, at)}x${text.slice(at + 1)}`),
    fc.constant(`${text}x`),
  );
}

/**
 * Near misses that stay well-formed values of the key's type: AWS fills typed
 * keys (aws:CurrentTime, aws:SourceIp) itself and refuses policies whose
 * typed values do not parse, so a malformed date is not a case worth deciding.
 */
function typedNearMisses(type: KeyType, text: string): fc.Arbitrary<string> {
  switch (type) {
    case 'string':
    case 'arn':
    case 'binary':
      return nearMisses(text);
    case 'numeric':
      return fc.constantFrom(-1, 1).map((step) => String(Number(text) + step));
    case 'date':
      return fc
        .constantFrom(-1000, 1000, -86_400_000)
        .map((step) => new Date(Date.parse(text) + step).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    case 'bool':
      return fc.constant(text === 'true' ? 'false' : 'true');
    case 'ip':
      return fc.constant(text.replace(/\d+$/, (last) => String((Number(last) + 1) % 10)));
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

// ---------------------------------------------------------------------------
// Requests

interface Target {
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: Account;
  readonly kind: ResourceKind;
}

function targetArbitrary(kinds: readonly ResourceKind[], caller: ScenarioPrincipal): fc.Arbitrary<Target> {
  return fc
    .record({
      kind: fc.constantFrom(...kinds),
      owner: fc.constantFrom(...accounts),
      pick: fc.nat(),
    })
    .map(({ kind, owner, pick }) => {
      const action = kind.actions[pick % kind.actions.length] as string;
      const arns = kind.arns(owner);
      const resource = arns[pick % arns.length] as string;
      // A request for `*` is made to the caller's own account.
      const resourceAccount = resource === '*' ? (principalAccount(caller) ?? owner) : owner;
      return { action, resource, resourceAccount, kind };
    });
}

function contextValueArbitrary(spec: KeySpec): fc.Arbitrary<ContextValue> {
  const fromPools = fc.constantFrom(...spec.requestValues, ...concretePolicyValues(spec));
  const single = fc.oneof(
    { weight: 4, arbitrary: fromPools },
    { weight: 1, arbitrary: fromPools.chain((value) => typedNearMisses(spec.type, value)) },
  );
  return spec.multiValued ? fc.uniqueArray(single, { maxLength: 3 }) : single;
}

/** Policy values without wildcards or variables, which a request may carry verbatim. */
const concretePolicyValues = (spec: KeySpec): string[] =>
  spec.policyValues.filter((value) => !/[*?$]/.test(value) && !(spec.type === 'ip' && value.includes('/')));

function requestContextArbitrary(principal: ScenarioPrincipal, resourceAccount: Account) {
  const entries = requestKeys.map((spec) =>
    fc
      .option(contextValueArbitrary(spec), { nil: undefined, freq: 2 })
      .map((value) => [spec.key, value] as const),
  );
  return fc.tuple(...entries).map((drawn) => {
    const context: Record<string, ContextValue> = {
      ...principalContext(principal),
      'aws:ResourceAccount': resourceAccount,
    };
    for (const [key, value] of drawn) if (value !== undefined) context[key] = value;
    return context;
  });
}

// ---------------------------------------------------------------------------
// Policies

/** Action patterns related to the request's action: itself, wildcards over it, its neighbours, near misses. */
function actionPatternArbitrary(target: Target): fc.Arbitrary<string> {
  const [service, name] = target.action.split(':') as [string, string];
  const others = resourceKinds.flatMap((kind) => kind.actions);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(target.action) },
    { weight: 1, arbitrary: fc.constant(`${service.toUpperCase()}:${name.toLowerCase()}`) },
    { weight: 1, arbitrary: fc.constantFrom('*', `${service}:*`) },
    { weight: 2, arbitrary: fc.nat(name.length).map((cut) => `${service}:${name.slice(0, cut)}*`) },
    {
      weight: 1,
      arbitrary: fc.nat(name.length - 1).map((at) => `${service}:${name.slice(0, at)}?${name.slice(at + 1)}`),
    },
    { weight: 1, arbitrary: fc.nat(name.length - 1).map((at) => `${service}:*${name.slice(at)}`) },
    { weight: 2, arbitrary: fc.constantFrom(...target.kind.actions, ...others) },
    { weight: 1, arbitrary: nearMisses(name).map((near) => `${service}:${near}`) },
  );
}

/** Resource patterns related to the request's resource. */
function resourcePatternArbitrary(target: Target): fc.Arbitrary<string> {
  const arn = target.resource;
  if (arn === '*') return fc.constantFrom('*', `arn:aws:s3:::*`, `arn:aws:*:*:${target.resourceAccount}:*`);
  const parts = arn.split(':');
  const segment = (index: number, value: string): string =>
    [...parts.slice(0, index), value, ...parts.slice(index + 1)].join(':');
  const resourceStart = parts.slice(0, 5).join(':').length + 1;
  const lastSlash = arn.lastIndexOf('/');
  const lastSeparator = Math.max(lastSlash, arn.lastIndexOf(':'));
  const siblings = [target.kind, ...resourceKinds].flatMap((kind) => kind.arns(target.resourceAccount));
  const variableForms = [
    'arn:aws:s3:::photos/home/${aws:username}/*',
    'arn:aws:s3:::*/home/${aws:username}/*',
    `arn:aws:dynamodb:*:\${aws:PrincipalAccount}:table/*`,
    `arn:aws:sqs:us-east-1:${target.resourceAccount}:\${aws:PrincipalTag/project}*`,
    "arn:aws:s3:::photos/home/${aws:PrincipalTag/team, 'alice'}/*",
  ];
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(arn) },
    { weight: 1, arbitrary: fc.constant('*') },
    { weight: 2, arbitrary: fc.constant(`${arn.slice(0, lastSeparator + 1)}*`) },
    // Wildcards inside the resource field: an ARN pattern with fewer than six fields is
    // malformed, and what AWS does with one is not published (KNOWN_DIFFERENCES.md).
    {
      weight: 2,
      arbitrary: fc.integer({ min: resourceStart, max: arn.length }).map((cut) => `${arn.slice(0, cut)}*`),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: resourceStart, max: arn.length - 1 })
        .map((at) => `${arn.slice(0, at)}?${arn.slice(at + 1)}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(segment(4, '*'), segment(3, '*'), segment(3, ''), segment(2, '*')),
    },
    { weight: 2, arbitrary: fc.constantFrom(...siblings) },
    { weight: 1, arbitrary: fc.constantFrom(...variableForms) },
    {
      weight: 1,
      arbitrary: nearMisses(arn.slice(lastSeparator + 1)).map(
        (near) => arn.slice(0, lastSeparator + 1) + near,
      ),
    },
  );
}

function conditionArbitrary(): fc.Arbitrary<JsonObject> {
  return fc
    .record({
      spec: fc.constantFrom(...allKeys),
      pick: fc.nat(),
      ifExists: fc.boolean(),
      setOperator: fc.constantFrom(undefined, undefined, 'ForAllValues', 'ForAnyValue'),
      useNull: fc.nat(9).map((n) => n === 0),
      caseOfKey: fc.boolean(),
      valueCount: fc.integer({ min: 1, max: 3 }),
    })
    .chain(({ spec, pick, ifExists, setOperator, useNull, caseOfKey, valueCount }) => {
      const key = caseOfKey && pick % 5 === 0 ? spec.key.toLowerCase() : spec.key;
      if (useNull) return fc.constantFrom('true', 'false').map((value) => ({ Null: { [key]: value } }));
      const operators = operatorsByType[spec.type];
      const base = operators[pick % operators.length] as string;
      // Set operators belong with multi-valued keys; now and then one lands on a single-valued key.
      const set = spec.multiValued
        ? (setOperator ?? (pick % 3 === 0 ? undefined : 'ForAnyValue'))
        : pick % 7 === 0
          ? setOperator
          : undefined;
      const operator = `${set === undefined ? '' : `${set}:`}${base}${ifExists ? 'IfExists' : ''}`;
      const values = fc.uniqueArray(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...spec.policyValues) },
          // Near misses of plain values only: a broken `${...}` is a different policy, not a near miss.
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(...concretePolicyValues(spec))
              .chain((value) => typedNearMisses(spec.type, value)),
          },
        ),
        { minLength: 1, maxLength: valueCount },
      );
      return values.map((drawn) => ({
        [operator]: { [key]: drawn.length === 1 ? (drawn[0] as string) : drawn },
      }));
    });
}

/** Several operators in one block; the same operator twice merges its keys (AND within the block). */
function conditionBlockArbitrary(): fc.Arbitrary<JsonObject | undefined> {
  return fc.option(
    fc.array(conditionArbitrary(), { minLength: 1, maxLength: 3 }).map((conditions) => {
      const block: Record<string, Record<string, Json>> = {};
      for (const condition of conditions) {
        for (const [operator, entries] of Object.entries(condition)) {
          const merged = { ...block[operator] };
          // Keys are case-insensitive: a block naming one key twice is not a policy.
          for (const [key, values] of Object.entries(entries as Record<string, Json>)) {
            if (!Object.keys(merged).some((known) => known.toLowerCase() === key.toLowerCase()))
              merged[key] = values;
          }
          block[operator] = merged;
        }
      }
      return block as JsonObject;
    }),
    { nil: undefined, freq: 1 },
  );
}

function principalElementArbitrary(target: Target, caller: ScenarioPrincipal): fc.Arbitrary<Json> {
  const callerEntries: Json[] = [];
  switch (caller.kind) {
    case 'user':
    case 'federated-user':
    case 'root':
      callerEntries.push(
        { AWS: caller.arn },
        { AWS: caller.account },
        { AWS: `arn:aws:iam::${caller.account}:root` },
      );
      break;
    case 'role-session':
      callerEntries.push(
        { AWS: caller.arn },
        { AWS: caller.roleArn },
        { AWS: caller.account },
        { AWS: `arn:aws:iam::${caller.account}:root` },
      );
      break;
    case 'service':
      callerEntries.push({ Service: caller.service });
      break;
    case 'anonymous':
      break;
    default: {
      const unreachable: never = caller;
      return unreachable;
    }
  }
  const others: Json[] = [
    { AWS: target.resourceAccount },
    ...accounts.map((account) => ({ AWS: `arn:aws:iam::${account}:root` })),
    ...principals.flatMap((principal): Json[] =>
      principal.kind === 'service'
        ? [{ Service: principal.service }]
        : principal.kind === 'anonymous'
          ? []
          : [{ AWS: principal.arn }],
    ),
    ...roles.map((role) => ({ AWS: roleArn(role.account, role.name) })),
  ];
  const single =
    callerEntries.length === 0
      ? fc.constantFrom(...others)
      : fc.oneof(fc.constantFrom(...callerEntries), fc.constantFrom(...others));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom<Json>('*', { AWS: '*' }) },
    { weight: 3, arbitrary: single },
    {
      weight: 1,
      arbitrary: fc.array(single, { minLength: 2, maxLength: 3 }).map((entries): Json => {
        // Merge entries of one type into a list, as a policy author writes them.
        const merged: Record<string, string[]> = {};
        for (const entry of entries as Record<string, string>[]) {
          for (const [type, value] of Object.entries(entry))
            merged[type] = [...new Set([...(merged[type] ?? []), value])];
        }
        return merged;
      }),
    },
  );
}

type PolicyRole = 'identity' | 'resource' | 'boundary' | 'session' | 'vpce' | 'scp' | 'rcp';

function statementArbitrary(
  role: PolicyRole,
  target: Target,
  caller: ScenarioPrincipal,
): fc.Arbitrary<JsonObject> {
  // Deny statements are one in six: every policy kind can deny, and one matching Deny decides.
  const effect =
    role === 'rcp'
      ? fc.constant('Deny')
      : fc.constantFrom('Allow', 'Allow', 'Allow', 'Allow', 'Allow', 'Deny');
  return fc
    .record({
      effect,
      notAction: fc.nat(7).map((n) => n === 0),
      // An RCP may not name the bare `*` action (the AWS-managed RCPFullAWSAccess is the only exception).
      actions: fc.uniqueArray(
        actionPatternArbitrary(target).map((action) =>
          role === 'rcp' && action === '*' ? `${target.action.split(':')[0]}:*` : action,
        ),
        { minLength: 1, maxLength: 3 },
      ),
      notResource: fc.nat(9).map((n) => n === 0),
      resources: fc.uniqueArray(resourcePatternArbitrary(target), { minLength: 1, maxLength: 3 }),
      condition: conditionBlockArbitrary(),
      principal: role === 'resource' ? principalElementArbitrary(target, caller) : fc.constant(undefined),
      notPrincipal: fc.nat(9).map((n) => n === 0),
      sid: fc.option(fc.constantFrom('Grant', 'Guard', 'S1'), { nil: undefined }),
    })
    .map((drawn): JsonObject => {
      const statement: Record<string, Json> = {};
      if (drawn.sid !== undefined) statement.Sid = drawn.sid;
      statement.Effect = drawn.effect;
      // RCPs and (as iam-simulate accepts them) VPC endpoint policies name everyone; conditions narrow them.
      if (role === 'rcp' || role === 'vpce') statement.Principal = '*';
      if (drawn.principal !== undefined) {
        // NotPrincipal is only meaningful (and only recommended) with Deny.
        const negate = drawn.notPrincipal && drawn.effect === 'Deny' && drawn.principal !== '*';
        statement[negate ? 'NotPrincipal' : 'Principal'] = drawn.principal;
      }
      const actions = drawn.actions.length === 1 ? (drawn.actions[0] as string) : drawn.actions;
      // RCPs take Action only (no NotAction) and no bare `*` action list in Deny is fine.
      statement[drawn.notAction && role !== 'rcp' ? 'NotAction' : 'Action'] = actions;
      const resources = drawn.resources.length === 1 ? (drawn.resources[0] as string) : drawn.resources;
      statement[drawn.notResource ? 'NotResource' : 'Resource'] = resources;
      if (drawn.condition !== undefined) statement.Condition = drawn.condition;
      return statement;
    });
}

function policyArbitrary(
  role: PolicyRole,
  target: Target,
  caller: ScenarioPrincipal,
  maxStatements = 3,
): fc.Arbitrary<PolicyDocument> {
  return fc
    .array(statementArbitrary(role, target, caller), { minLength: 1, maxLength: maxStatements })
    .map((Statement) => ({ Version: '2012-10-17' as const, Statement }));
}

const fullAccess: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** The policy AWS attaches to every organization root, OU and account: FullAWSAccess. */
export const fullAwsAccessScp = fullAccess;

/** One SCP level: usually FullAWSAccess plus guards, sometimes a narrower allow list. */
function scpLevelArbitrary(target: Target, caller: ScenarioPrincipal): fc.Arbitrary<PolicyDocument[]> {
  return fc.oneof(
    fc.constant<PolicyDocument[]>([fullAccess]),
    policyArbitrary('scp', target, caller, 2).map((guard) => [fullAccess, guard]),
    policyArbitrary('scp', target, caller, 2).map((only) => [only]),
  );
}

export interface ScenarioOptions {
  /** Draw targets from the services with service-specific authorization instead of the ordinary ones. */
  readonly specialServices?: boolean;
}

/** A whole scenario: caller, request, and the policies of every kind that apply to it. */
export function scenarioArbitrary(options: ScenarioOptions = {}): fc.Arbitrary<Scenario> {
  const kinds = options.specialServices === true ? specialResourceKinds : resourceKinds;
  return fc.constantFrom(...principals).chain((caller) =>
    targetArbitrary(kinds, caller).chain((target) => {
      const authenticated = caller.kind !== 'anonymous' && caller.kind !== 'service';
      // Anonymous callers and service principals have no identity-side policies.
      const identitySide = authenticated
        ? fc.record({
            // The root user takes no identity-based policy and no permissions boundary.
            identityPolicies:
              caller.kind === 'root'
                ? fc.constant([])
                : fc.array(policyArbitrary('identity', target, caller), { maxLength: 2 }),
            permissionsBoundary:
              caller.kind === 'root'
                ? fc.constant(undefined)
                : fc.option(policyArbitrary('boundary', target, caller), { nil: undefined, freq: 3 }),
            // Only sessions carry a session policy.
            sessionPolicy:
              caller.kind === 'role-session' || caller.kind === 'federated-user'
                ? fc.option(policyArbitrary('session', target, caller), { nil: undefined, freq: 3 })
                : fc.constant(undefined),
            serviceControlPolicies: fc.oneof(
              { weight: 2, arbitrary: fc.constant([]) },
              {
                weight: 1,
                arbitrary: fc.array(scpLevelArbitrary(target, caller), { minLength: 1, maxLength: 3 }),
              },
            ),
          })
        : fc.constant({
            identityPolicies: [],
            permissionsBoundary: undefined,
            sessionPolicy: undefined,
            serviceControlPolicies: [],
          });
      return fc
        .record({
          context: requestContextArbitrary(caller, target.resourceAccount),
          identitySide,
          resourcePolicy: fc.option(policyArbitrary('resource', target, caller), {
            nil: undefined,
            freq: authenticated ? 2 : 8,
          }),
          vpcEndpointPolicy: fc.option(policyArbitrary('vpce', target, caller, 2), {
            nil: undefined,
            freq: 10,
          }),
          resourceControlPolicies: fc.oneof(
            { weight: 3, arbitrary: fc.constant([]) },
            {
              weight: 1,
              arbitrary: fc.array(fc.array(policyArbitrary('rcp', target, caller, 2), { maxLength: 1 }), {
                minLength: 1,
                maxLength: 2,
              }),
            },
          ),
        })
        .map(
          ({
            context,
            identitySide: side,
            resourcePolicy,
            vpcEndpointPolicy,
            resourceControlPolicies,
          }): Scenario => ({
            request: {
              principal: caller,
              action: target.action,
              resource: target.resource,
              resourceAccount: target.resourceAccount,
              context,
            },
            identityPolicies: side.identityPolicies,
            ...(side.permissionsBoundary === undefined
              ? {}
              : { permissionsBoundary: side.permissionsBoundary }),
            ...(side.sessionPolicy === undefined ? {} : { sessionPolicy: side.sessionPolicy }),
            ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
            ...(vpcEndpointPolicy === undefined ? {} : { vpcEndpointPolicy }),
            serviceControlPolicies: side.serviceControlPolicies,
            resourceControlPolicies,
          }),
        );
    }),
  );
}

/** A condition test to draw from: one of `operators` on `key` against some of `values`. */
export interface ConditionTest {
  readonly operators: readonly string[];
  readonly key: string;
  readonly values: readonly string[];
}

/** One test of `tests` with an operator and one or two distinct values of its own. */
export function conditionTestArbitrary(
  tests: readonly ConditionTest[],
): fc.Arbitrary<readonly [operator: string, key: string, values: string[]]> {
  return fc
    .constantFrom(...tests)
    .chain((test) =>
      fc.tuple(
        fc.constantFrom(...test.operators),
        fc.constant(test.key),
        fc.uniqueArray(fc.constantFrom(...test.values), { minLength: 1, maxLength: 2 }),
      ),
    );
}
