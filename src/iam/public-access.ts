// The resource types CheckNoPublicAccess accepts, and what "public" means:
// the policy allows a request from a principal outside every account the
// policy names (or an anonymous one) while every key that Access Analyzer and
// S3 Block Public Access treat as restricting holds a value the policy does
// not fix. A condition that pins such a key (aws:SourceVpce = vpce-1) leaves
// no such request, so the policy is not public.
import {
  and,
  charClass,
  concat,
  equals,
  glob,
  inCidr,
  literal,
  matches,
  not,
  or,
  union,
  type Formula,
  type IpAddress,
  type Regex,
  type Subject,
} from '../logic/index.js';
import {
  arnsOfAccount,
  everyValue,
  keyPresence,
  keyVariable,
  principal,
  principalIs,
  principalsOfAccount,
  type KeyInfo,
  type KeyTable,
} from './encode/request.js';
import { formatIp, parseCidr } from './encode/values.js';
import type { Policy } from './model.js';

export const publicAccessResourceTypes = [
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::Stream',
  'AWS::EFS::FileSystem',
  'AWS::OpenSearchService::Domain',
  'AWS::Kinesis::Stream',
  'AWS::Kinesis::StreamConsumer',
  'AWS::KMS::Key',
  'AWS::Lambda::Function',
  'AWS::S3::Bucket',
  'AWS::S3::AccessPoint',
  'AWS::S3Express::DirectoryBucket',
  'AWS::S3::Glacier',
  'AWS::S3Outposts::Bucket',
  'AWS::S3Outposts::AccessPoint',
  'AWS::SecretsManager::Secret',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::IAM::AssumeRolePolicyDocument',
  'AWS::S3Tables::TableBucket',
  'AWS::ApiGateway::RestApi',
  'AWS::CodeArtifact::Domain',
  'AWS::Backup::BackupVault',
  'AWS::CloudTrail::Dashboard',
  'AWS::CloudTrail::EventDataStore',
  'AWS::S3Tables::Table',
  'AWS::S3Express::AccessPoint',
] as const;

export type PublicAccessResourceType = (typeof publicAccessResourceTypes)[number];

export function isPublicAccessResourceType(value: string): value is PublicAccessResourceType {
  return (publicAccessResourceTypes as readonly string[]).includes(value);
}

/** The service prefixes whose actions reach a resource of the type: only they can make it public. */
export const resourceTypeServices: Readonly<Record<PublicAccessResourceType, readonly string[]>> = {
  'AWS::DynamoDB::Table': ['dynamodb'],
  'AWS::DynamoDB::Stream': ['dynamodb'],
  'AWS::EFS::FileSystem': ['elasticfilesystem'],
  'AWS::OpenSearchService::Domain': ['es'],
  'AWS::Kinesis::Stream': ['kinesis'],
  'AWS::Kinesis::StreamConsumer': ['kinesis'],
  'AWS::KMS::Key': ['kms'],
  'AWS::Lambda::Function': ['lambda'],
  'AWS::S3::Bucket': ['s3'],
  'AWS::S3::AccessPoint': ['s3'],
  'AWS::S3Express::DirectoryBucket': ['s3express'],
  'AWS::S3::Glacier': ['glacier'],
  'AWS::S3Outposts::Bucket': ['s3-outposts'],
  'AWS::S3Outposts::AccessPoint': ['s3-outposts'],
  'AWS::SecretsManager::Secret': ['secretsmanager'],
  'AWS::SNS::Topic': ['sns'],
  'AWS::SQS::Queue': ['sqs'],
  'AWS::IAM::AssumeRolePolicyDocument': ['sts'],
  'AWS::S3Tables::TableBucket': ['s3tables'],
  'AWS::ApiGateway::RestApi': ['execute-api'],
  'AWS::CodeArtifact::Domain': ['codeartifact'],
  'AWS::Backup::BackupVault': ['backup'],
  'AWS::CloudTrail::Dashboard': ['cloudtrail'],
  'AWS::CloudTrail::EventDataStore': ['cloudtrail'],
  'AWS::S3Tables::Table': ['s3tables'],
  'AWS::S3Express::AccessPoint': ['s3express'],
};

/** What value an outside requester brings for a restricting key. */
export type OutsiderValue =
  /** An account id no policy names. */
  | 'account'
  /** An ARN in such an account. */
  | 'arn-in-account'
  /** An identifier no policy names (organization, VPC, endpoint, user id). */
  | 'identifier'
  /** An address in no CIDR block narrower than /0 that the policy names. */
  | 'ip'
  /** The key says `false`. */
  | 'false';

export interface RestrictingKey {
  readonly key: string;
  readonly outsider: OutsiderValue;
  /** The key holds a set (ForAnyValue/ForAllValues keys). */
  readonly multiValued?: boolean;
}

/**
 * Keys that, fixed to known values, make access non-public. Checked against
 * S3's PublicAccessBlockConfiguration ("a fixed aws:SourceArn, aws:SourceVpc,
 * aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, a fixed value of
 * s3:x-amz-server-side-encryption-aws-kms-key-id, a fixed value of aws:userid
 * outside the pattern AROLEID:*", and aws:SourceIp limited to a set of CIDRs)
 * and Access Analyzer's zone-of-trust keys (organization ids and paths, KMS
 * caller account, S3 access point account and ARN, web identity audiences).
 * A fixed `AROLEID:*` userid is a pattern the outsider's value does not
 * match, so it restricts as AWS says. aws:PrincipalArn and
 * aws:PrincipalAccount are not listed: they are read off the principal,
 * which is already an outsider.
 */
export const restrictingKeys: readonly RestrictingKey[] = [
  { key: 'aws:PrincipalOrgID', outsider: 'identifier' },
  { key: 'aws:PrincipalOrgPaths', outsider: 'identifier', multiValued: true },
  { key: 'aws:SourceAccount', outsider: 'account' },
  { key: 'aws:SourceOwner', outsider: 'account' },
  { key: 'aws:SourceArn', outsider: 'arn-in-account' },
  { key: 'aws:SourceOrgID', outsider: 'identifier' },
  { key: 'aws:SourceOrgPaths', outsider: 'identifier', multiValued: true },
  { key: 'aws:SourceVpc', outsider: 'identifier' },
  { key: 'aws:SourceVpce', outsider: 'identifier' },
  { key: 'aws:SourceIp', outsider: 'ip' },
  { key: 'aws:userid', outsider: 'identifier' },
  { key: 'aws:PrincipalIsAWSService', outsider: 'false' },
  { key: 'kms:CallerAccount', outsider: 'account' },
  { key: 's3:DataAccessPointAccount', outsider: 'account' },
  { key: 's3:DataAccessPointArn', outsider: 'arn-in-account' },
  // S3 Block Public Access: "a fixed value of s3:x-amz-server-side-encryption-aws-kms-key-id".
  { key: 's3:x-amz-server-side-encryption-aws-kms-key-id', outsider: 'identifier' },
  { key: 'lambda:EventSourceToken', outsider: 'identifier' },
  { key: 'cognito-identity.amazonaws.com:aud', outsider: 'identifier' },
  { key: 'accounts.google.com:aud', outsider: 'identifier' },
  { key: 'graph.facebook.com:app_id', outsider: 'identifier' },
  { key: 'www.amazon.com:app_id', outsider: 'identifier' },
];

/** Web identity providers anyone can sign in with: trusting one without its audience key is public. */
export const publicIdentityProviders: readonly string[] = [
  'cognito-identity.amazonaws.com',
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
];

/** The restricting keys as the encoding declares them: SourceIp holds addresses, the rest text. */
export const restrictingKeyInfos: readonly KeyInfo[] = restrictingKeys.map((entry) => ({
  key: entry.key.toLowerCase(),
  type: entry.outsider === 'ip' ? 'ip' : 'string',
  multiValued: entry.multiValued === true,
}));

/**
 * The accounts a policy text names: every run of exactly twelve digits in
 * it (Principal entries, ARNs, condition values). An outsider belongs to
 * none of them — but to any other account, so a pattern such as `1*` in
 * aws:PrincipalAccount lets outsiders in.
 */
export function namedAccounts(text: string): string[] {
  return [...new Set([...text.matchAll(/\d+/g)].map((run) => run[0]).filter((run) => run.length === 12))];
}

const twelveDigits: Regex = concat(Array<Regex>(12).fill(charClass([[48, 57]])));

/** Some account other than `named`, as an ARN's account field or a key's value. */
const otherAccount = (named: readonly string[]): { any: Regex; named: Regex } => ({
  any: twelveDigits,
  named: union(named.map((account) => literal(account))),
});

/** An AWS principal (an IAM ARN) of an account `named` does not list. */
export function outsiderPrincipal(named: readonly string[]): Formula {
  const accounts = otherAccount(named);
  return and(
    principalIs('AWS'),
    matches(principal, principalsOfAccount(accounts.any)),
    not(matches(principal, principalsOfAccount(accounts.named))),
  );
}

/** A value that is an account id `named` does not list. */
export function outsiderAccountValue(subject: Subject<'string'>, named: readonly string[]): Formula {
  const accounts = otherAccount(named);
  return and(matches(subject, accounts.any), not(matches(subject, accounts.named)));
}

/**
 * The values the policy fixes for a key: every value a condition on the key
 * writes, in any case (StringEqualsIgnoreCase fixes one too), and for
 * aws:userid the `AROLEID:*` patterns S3 Block Public Access counts as
 * fixed. Anything else, wildcard matches included, an outsider may bring.
 */
function fixedValues(policy: Policy, key: string): Regex {
  const fixed: Regex[] = [];
  for (const statement of policy.statements) {
    for (const condition of statement.conditions) {
      if (condition.key.toLowerCase() !== key) continue;
      for (const value of condition.values) {
        const text = String(value.value);
        fixed.push(literal(text, { caseInsensitive: true }));
        if (key === 'aws:userid' && /^[^*?]+:\*$/.test(text)) fixed.push(glob(text));
      }
    }
  }
  return union(fixed);
}

interface Block {
  readonly family: IpAddress['family'];
  readonly low: bigint;
  readonly high: bigint;
}

const ipBits: Readonly<Record<IpAddress['family'], bigint>> = { v4: 32n, v6: 128n };

/** The CIDR blocks narrower than /0 written anywhere in the policy, of both families. */
function narrowBlocks(policy: Policy): Block[] {
  const blocks: Block[] = [];
  for (const statement of policy.statements) {
    for (const condition of statement.conditions) {
      for (const value of condition.values) {
        const cidr = parseCidr(String(value.value));
        if (cidr === undefined || cidr.prefixLength === 0) continue;
        const { family } = cidr.address;
        const host = (1n << (ipBits[family] - BigInt(cidr.prefixLength))) - 1n;
        const low = cidr.address.address & ~host & ((1n << ipBits[family]) - 1n);
        blocks.push({ family, low, high: low | host });
      }
    }
  }
  return blocks;
}

/**
 * An IPv4 and an IPv6 address outside every block of the policy narrower
 * than /0 (the first of each family when the blocks cover them all): an
 * outsider may come over either family, so `::/0` is as public as
 * `0.0.0.0/0`.
 */
function outsiderIps(policy: Policy): IpAddress[] {
  const blocks = narrowBlocks(policy);
  return (['v4', 'v6'] as const).map((family) => {
    const firstField = family === 'v4' ? 8n : 16n;
    const limit = family === 'v4' ? 224n : 0xffffn;
    const at = (first: bigint): bigint => (first << (ipBits[family] - firstField)) | 1n;
    for (let first = 1n; first < limit; first++) {
      const address = at(first);
      const inside = blocks.some(
        (block) => block.family === family && address >= block.low && address <= block.high,
      );
      if (!inside) return { family, address };
    }
    return { family, address: at(1n) };
  });
}

/** What an outsider may bring, read off the policy once. */
interface Outsider {
  readonly named: readonly string[];
  readonly addresses: readonly IpAddress[];
  readonly policy: Policy;
}

function outsiderValue(
  entry: RestrictingKey,
  info: KeyInfo,
  subject: Subject<'string'> | Subject<'ip'>,
  { named, addresses, policy }: Outsider,
): Formula {
  if (info.type === 'ip') {
    return or(
      ...addresses.map((address) =>
        inCidr(subject as Subject<'ip'>, address, Number(ipBits[address.family])),
      ),
    );
  }
  const text = subject as Subject<'string'>;
  switch (entry.outsider) {
    case 'account':
      return outsiderAccountValue(text, named);
    case 'arn-in-account': {
      const accounts = otherAccount(named);
      return and(
        matches(text, arnsOfAccount(accounts.any)),
        not(matches(text, arnsOfAccount(accounts.named))),
      );
    }
    case 'identifier':
      return not(matches(text, fixedValues(policy, info.key)));
    case 'ip':
      // Read as text somewhere (a String operator), the key holds the address as written.
      return or(...addresses.map((address) => equals(text, formatIp(address))));
    case 'false':
      return equals(text, 'false');
    default:
      return entry.outsider satisfies never;
  }
}

/**
 * The public: an anonymous caller, any principal of an account the policy
 * text does not name (`named`, see `namedAccounts`), or anyone signing in
 * with a public identity provider — and every restricting key absent or
 * holding a value an outsider brings: an account or ARN of an unnamed
 * account, a value the policy does not fix, an address outside its narrow
 * CIDR blocks.
 */
export function outsiderConditions(keys: KeyTable, named: readonly string[], policy: Policy): Formula {
  const who = or(
    principalIs('Anonymous'),
    outsiderPrincipal(named),
    and(
      principalIs('Federated'),
      or(...publicIdentityProviders.map((provider) => equals(principal, provider))),
    ),
  );
  const outsider: Outsider = { named, addresses: outsiderIps(policy), policy };
  const restricted = restrictingKeys.map((entry) => {
    const info = keys.get(entry.key.toLowerCase()) as KeyInfo;
    const holds = !info.multiValued
      ? outsiderValue(entry, info, keyVariable(info) as Subject<'string'>, outsider)
      : everyValue(info, (value) =>
          outsiderValue(entry, info, value as Subject<'string'> | Subject<'ip'>, outsider),
        );
    return or(not(keyPresence(info)), holds);
  });
  return and(who, ...restricted);
}
