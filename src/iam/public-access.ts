// The resource types CheckNoPublicAccess accepts, and what "public" means:
// the policy allows a request from a principal outside every account the
// policy names (or an anonymous one) while every key that Access Analyzer and
// S3 Block Public Access treat as restricting holds a value the policy does
// not fix. A condition that pins such a key (aws:SourceVpce = vpce-1) leaves
// no such request, so the policy is not public.

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
 * Keys that, fixed to known values, make access non-public. aws:PrincipalArn
 * and aws:PrincipalAccount are not listed: they are read off the principal,
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
