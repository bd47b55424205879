import { describe, expect, it } from 'vitest';
import {
  findExternalAccess,
  type ExternalAccessFinding,
  type FindExternalAccessRequest,
} from '../../src/iam/external-access.js';

const owner = '111122223333';
const other = '444455556666';

const document = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const bucketStatement = (Principal: unknown, extra: object = {}): object => ({
  Effect: 'Allow',
  Principal,
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::bucket/*',
  ...extra,
});

async function findings(
  policyDocument: string,
  resourceType = 'AWS::S3::Bucket',
  ownerAccount = owner,
): Promise<readonly ExternalAccessFinding[]> {
  const request: FindExternalAccessRequest = { policyDocument, resourceType, ownerAccount };
  const outcome = await findExternalAccess(request);
  if (!outcome.ok) throw new Error(outcome.errors.map((error) => error.message).join('; '));
  return outcome.response.findings;
}

describe('findExternalAccess', () => {
  it('reports nothing for principals of the owner account', async () => {
    const policy = document(
      bucketStatement({ AWS: `arn:aws:iam::${owner}:root` }),
      bucketStatement({ AWS: `arn:aws:iam::${owner}:role/reader` }),
    );
    expect(await findings(policy)).toEqual([]);
  });

  it('reports another account, with the actions it can perform and a confirmed request', async () => {
    const [finding, ...rest] = await findings(document(bucketStatement({ AWS: other }, { Sid: 'Partner' })));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      findingType: 'ExternalAccess',
      status: 'ACTIVE',
      resourceType: 'AWS::S3::Bucket',
      resourceOwnerAccount: owner,
      principal: { AWS: other },
      action: ['s3:GetObject'],
      condition: {},
      isPublic: false,
      accessibility: 'PROVED',
      reasons: [{ statementIndex: 0, statementId: 'Partner' }],
    });
    expect(finding?.counterexample?.principal?.id).toContain(`::${other}:`);
    expect(finding?.counterexample?.action.toLowerCase()).toBe('s3:getobject');
  });

  it('reports `*` limited by aws:PrincipalOrgID with its condition, not as public', async () => {
    const policy = document(
      bucketStatement('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }),
    );
    const [finding, ...rest] = await findings(policy);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      principal: { AWS: '*' },
      condition: { 'aws:PrincipalOrgID': 'o-abc123' },
      isPublic: false,
      accessibility: 'PROVED',
    });
  });

  it('reports a plain `*` as public', async () => {
    const [finding] = await findings(document(bucketStatement('*')));
    expect(finding).toMatchObject({ principal: { AWS: '*' }, isPublic: true, condition: {} });
  });

  it('drops access that a Deny statement removes, and only that', async () => {
    const allowAll = {
      Effect: 'Allow',
      Principal: { AWS: other },
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: '*',
    };
    const denyAll = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' };
    expect(await findings(document(allowAll, denyAll))).toEqual([]);
    const denyPut = { Effect: 'Deny', Principal: { AWS: other }, Action: 's3:PutObject', Resource: '*' };
    const [finding] = await findings(document(allowAll, denyPut));
    expect(finding?.action).toEqual(['s3:GetObject']);
  });

  it('keeps `*` private when a Deny with NotPrincipal leaves only the owner account', async () => {
    const policy = document(bucketStatement('*'), {
      Effect: 'Deny',
      NotPrincipal: { AWS: `arn:aws:iam::${owner}:root` },
      Action: '*',
      Resource: '*',
    });
    expect(await findings(policy)).toEqual([]);
  });

  it('reports a service principal unless aws:SourceAccount pins it to the owner', async () => {
    const service = { Service: 'cloudtrail.amazonaws.com' };
    const put = (extra: object = {}): object => ({
      ...bucketStatement(service),
      Action: 's3:PutObject',
      ...extra,
    });
    const [open] = await findings(document(put()));
    expect(open).toMatchObject({ principal: service, isPublic: false, action: ['s3:PutObject'] });
    expect(open?.counterexample?.principal).toEqual({ type: 'Service', id: 'cloudtrail.amazonaws.com' });
    const pinned = { Condition: { StringEquals: { 'aws:SourceAccount': owner } } };
    expect(await findings(document(put(pinned)))).toEqual([]);
    const elsewhere = { Condition: { StringEquals: { 'aws:SourceAccount': other } } };
    const [foreign] = await findings(document(put(elsewhere)));
    expect(foreign).toMatchObject({ principal: service, condition: { 'aws:SourceAccount': other } });
  });

  it('reads kms:CallerAccount as the caller account of a KMS key policy', async () => {
    const keyPolicy = (account: string): string =>
      document({
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Decrypt', 'kms:Encrypt'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': account } },
      });
    expect(await findings(keyPolicy(owner), 'AWS::KMS::Key')).toEqual([]);
    const [finding, ...rest] = await findings(keyPolicy(other), 'AWS::KMS::Key');
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      principal: { AWS: other },
      action: ['kms:Decrypt', 'kms:Encrypt'],
      condition: { 'kms:CallerAccount': other },
      isPublic: false,
    });
  });

  it('only counts actions of the resource type', async () => {
    const policy = document({ ...bucketStatement({ AWS: other }), Action: ['sqs:SendMessage'] });
    expect(await findings(policy)).toEqual([]);
    expect(await findings(policy, 'AWS::SQS::Queue')).toHaveLength(1);
  });

  it('gives one finding per principal, with stable ids', async () => {
    const policy = document(bucketStatement({ AWS: [other, '777788889999'] }));
    const first = await findings(policy);
    expect(first.map((finding) => finding.principal)).toEqual([{ AWS: other }, { AWS: '777788889999' }]);
    expect((await findings(policy)).map((finding) => finding.id)).toEqual(first.map((finding) => finding.id));
    expect(new Set(first.map((finding) => finding.id)).size).toBe(2);
  });

  it('returns unusable input as errors', async () => {
    const outcome = await findExternalAccess({
      policyDocument: '{"Statement": [',
      resourceType: 'AWS::EC2::Instance',
      ownerAccount: '1234',
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors.map((error) => error.field)).toEqual([
      'resourceType',
      'ownerAccount',
      'policyDocument',
    ]);
    expect(outcome.errors[1]?.message).toBe('ownerAccount: expected a 12-digit account id, not `1234`');
  });
});
