// The resource types CheckNoPublicAccess accepts, and what "public" means:
// the policy allows a request from a principal outside every account the
// policy names (or an anonymous one) while every key that Access Analyzer and
// S3 Block Public Access treat as restricting holds a value the policy does
// not fix. A condition that pins such a key (aws:SourceVpce = vpce-1) leaves
// no such request, so the policy is not public.
import {
  and,
  equals,
  inCidr,
  literal,
  matches,
  not,
  or,
  type Formula,
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
import { formatIp, parseCidr, parseIp } from './encode/values.js';
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

const freshIdentifier = 'keyaki-outsider';

/** The IPv4 CIDR blocks narrower than /0 written anywhere in the policy. */
function narrowBlocks(policy: Policy): { low: bigint; high: bigint }[] {
  const blocks: { low: bigint; high: bigint }[] = [];
  for (const statement of policy.statements) {
    for (const condition of statement.conditions) {
      for (const value of condition.values) {
        const cidr = parseCidr(String(value.value));
        if (cidr === undefined || cidr.address.family !== 'v4' || cidr.prefixLength === 0) continue;
        const host = (1n << BigInt(32 - cidr.prefixLength)) - 1n;
        const low = cidr.address.address & ~host & 0xffffffffn;
        blocks.push({ low, high: low | host });
      }
    }
  }
  return blocks;
}

/** An IPv4 address outside every block of the policy narrower than /0. */
function outsiderIp(policy: Policy): string {
  const blocks = narrowBlocks(policy);
  for (let first = 1n; first < 224n; first++) {
    const address = (first << 24n) | 1n;
    if (!blocks.some((block) => address >= block.low && address <= block.high))
      return formatIp({ family: 'v4', address });
  }
  return '203.0.113.1';
}

function outsiderValue(
  entry: RestrictingKey,
  info: KeyInfo,
  subject: Subject<'string'> | Subject<'ip'>,
  account: string,
  ip: string,
): Formula {
  if (info.type === 'ip') {
    const address = parseIp(ip);
    return address === undefined
      ? not(equals(subject as Subject<'string'>, ip))
      : inCidr(subject as Subject<'ip'>, address, 32);
  }
  const text = subject as Subject<'string'>;
  switch (entry.outsider) {
    case 'account':
      return equals(text, account);
    case 'arn-in-account':
      return matches(text, arnsOfAccount(literal(account)));
    case 'identifier':
      return equals(text, freshIdentifier);
    case 'ip':
      return equals(text, ip);
    case 'false':
      return equals(text, 'false');
    default:
      return entry.outsider satisfies never;
  }
}

/**
 * The public: an anonymous caller, any principal of `account` (one the policy
 * does not name), or anyone signing in with a public identity provider — and
 * every restricting key absent or holding a value an outsider brings.
 */
export function outsiderConditions(keys: KeyTable, account: string, policy: Policy): Formula {
  const ip = outsiderIp(policy);
  const who = or(
    principalIs('Anonymous'),
    and(principalIs('AWS'), matches(principal, principalsOfAccount(literal(account)))),
    and(
      principalIs('Federated'),
      or(...publicIdentityProviders.map((provider) => equals(principal, provider))),
    ),
  );
  const restricted = restrictingKeys.map((entry) => {
    const info = keys.get(entry.key.toLowerCase()) as KeyInfo;
    const holds = !info.multiValued
      ? outsiderValue(entry, info, keyVariable(info) as Subject<'string'>, account, ip)
      : everyValue(info, (value) =>
          outsiderValue(entry, info, value as Subject<'string'> | Subject<'ip'>, account, ip),
        );
    return or(not(keyPresence(info)), holds);
  });
  return and(who, ...restricted);
}
