// The checks on hand-written policies: each case names the IAM rule it pins down.
import { describe, expect, it } from 'vitest';
import {
  checkAccessNotGranted,
  checkNoNewAccess,
  checkNoPublicAccess,
  type CheckResultValue,
} from '../../src/iam/checks.js';
import { loadActionCatalog } from '../../src/iam/index.js';

const policy = (...statements: object[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });
const open = (extra: object = {}): object => ({
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::b/*',
  ...extra,
});

async function publicResult(document: string, resourceType = 'AWS::S3::Bucket'): Promise<CheckResultValue> {
  const outcome = await checkNoPublicAccess({ policyDocument: document, resourceType });
  if (!outcome.ok) throw new Error(outcome.errors.map((error) => error.message).join('; '));
  return outcome.response.result;
}

async function newAccessResult(existing: string, updated: string): Promise<CheckResultValue> {
  const outcome = await checkNoNewAccess({
    existingPolicyDocument: existing,
    newPolicyDocument: updated,
    policyType: 'IDENTITY_POLICY',
  });
  if (!outcome.ok) throw new Error(outcome.errors.map((error) => error.message).join('; '));
  return outcome.response.result;
}

describe('CheckNoPublicAccess', () => {
  it('a fixed source VPC endpoint, organization or account makes Principal * non-public', async () => {
    expect(
      await publicResult(policy(open({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b' } } }))),
    ).toBe('PASS');
    expect(
      await publicResult(policy(open({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }))),
    ).toBe('PASS');
    expect(
      await publicResult(
        policy(open({ Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } } })),
      ),
    ).toBe('PASS');
  });

  it('a fixed SSE-KMS key id restricts as S3 Block Public Access says, a wildcard one does not', async () => {
    const key = 's3:x-amz-server-side-encryption-aws-kms-key-id';
    const arn = 'arn:aws:kms:us-east-1:111122223333:key/abc';
    expect(await publicResult(policy(open({ Condition: { StringEquals: { [key]: arn } } })))).toBe('PASS');
    expect(await publicResult(policy(open({ Condition: { StringLike: { [key]: '*' } } })))).toBe('FAIL');
  });

  it('a wildcard organization or an unrelated key leaves it public', async () => {
    expect(
      await publicResult(policy(open({ Condition: { StringLike: { 'aws:PrincipalOrgID': '*' } } }))),
    ).toBe('FAIL');
    expect(await publicResult(policy(open({ Condition: { StringEquals: { 's3:prefix': 'home/' } } })))).toBe(
      'FAIL',
    );
  });

  it('a narrow source IP range is not public, 0.0.0.0/0 is', async () => {
    expect(
      await publicResult(policy(open({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))),
    ).toBe('PASS');
    expect(
      await publicResult(policy(open({ Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }))),
    ).toBe('FAIL');
  });

  it('a named account principal is not public, and only the resource type’s service counts', async () => {
    expect(await publicResult(policy(open({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } })))).toBe(
      'PASS',
    );
    expect(await publicResult(policy(open()), 'AWS::SQS::Queue')).toBe('PASS');
    expect(await publicResult(policy(open({ Action: 'sqs:SendMessage' })), 'AWS::SQS::Queue')).toBe('FAIL');
  });

  it('a role trusting a web identity provider without its audience is public', async () => {
    const trust = {
      Effect: 'Allow',
      Principal: { Federated: 'cognito-identity.amazonaws.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
    };
    expect(await publicResult(policy(trust), 'AWS::IAM::AssumeRolePolicyDocument')).toBe('FAIL');
  });
});

describe('CheckNoNewAccess', () => {
  it('a set operator over a multi-valued key compares each value with a policy variable, decided exactly', async () => {
    const tagging = (condition?: object): object => ({
      Effect: 'Allow',
      Action: 'iam:TagUser',
      Resource: '*',
      ...(condition === undefined ? {} : { Condition: condition }),
    });
    const ownTeamOnly = tagging({
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['${aws:PrincipalTag/team}'] },
    });
    expect(await newAccessResult(policy(tagging()), policy(ownTeamOnly))).toBe('PASS');
    expect(await newAccessResult(policy(ownTeamOnly), policy(tagging()))).toBe('FAIL');
    const someNamedTag = tagging({ 'ForAnyValue:StringLike': { 'aws:TagKeys': ['${aws:username}-*'] } });
    const someTag = tagging({ 'ForAnyValue:StringLike': { 'aws:TagKeys': ['*'] } });
    expect(await newAccessResult(policy(someTag), policy(someNamedTag))).toBe('PASS');
    expect(await newAccessResult(policy(someNamedTag), policy(someTag))).toBe('FAIL');
    expect(await newAccessResult(policy(ownTeamOnly), policy(someNamedTag))).toBe('FAIL');
  });

  it('aws:PrincipalAccount equal to ${aws:ResourceAccount} keeps callers to the resource’s account, decided exactly', async () => {
    const sameAccount = {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } },
    };
    const anyAccount = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    expect(await newAccessResult(policy(anyAccount), policy(sameAccount))).toBe('PASS');
    expect(await newAccessResult(policy(sameAccount), policy(anyAccount))).toBe('FAIL');
  });

  it('the account pinned as ${aws:ResourceAccount} on one side and ${aws:PrincipalAccount} on the other is one condition, decided by the fast engine', async () => {
    const pinned = (key: string, variable: string, action: string): object => ({
      Effect: 'Allow',
      Action: action,
      Resource: '*',
      Condition: { StringEquals: { [key]: variable } },
    });
    const byResource = pinned('aws:ResourceAccount', '${aws:PrincipalAccount}', 's3:*');
    const byPrincipal = pinned('aws:PrincipalAccount', '${aws:ResourceAccount}', 's3:GetObject');
    const fastOnly = async (existing: object, updated: object): Promise<CheckResultValue> => {
      const outcome = await checkNoNewAccess(
        {
          existingPolicyDocument: policy(existing),
          newPolicyDocument: policy(updated),
          policyType: 'IDENTITY_POLICY',
        },
        { fallback: false },
      );
      if (!outcome.ok) throw new Error(outcome.errors.map((error) => error.message).join('; '));
      return outcome.response.result;
    };
    expect(await fastOnly(byResource, byPrincipal)).toBe('PASS');
    expect(
      await fastOnly({ ...byPrincipal, Action: 's3:*' }, { ...byResource, Action: 's3:GetObject' }),
    ).toBe('PASS');
    // Never a wrong PASS: without the condition, or with another account's principals, the access is new.
    expect(await fastOnly(byResource, { ...byPrincipal, Condition: undefined })).toBe('FAIL');
    const otherAccount = pinned('aws:PrincipalAccount', '111122223333', 's3:GetObject');
    expect(await fastOnly(byResource, otherAccount)).toBe('FAIL');
  });

  it('counterexamples and new-access examples read like requests: catalog spelling, documentation accounts', async () => {
    const existing = policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
    const updated = policy({
      Effect: 'Allow',
      Action: 'ssmmessages:opendatachannel',
      Resource: 'arn:aws:ssm:*:*:session/*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } },
    });
    const outcome = await checkNoNewAccess({
      existingPolicyDocument: existing,
      newPolicyDocument: updated,
      policyType: 'IDENTITY_POLICY',
    });
    if (!outcome.ok || outcome.response.result !== 'FAIL') throw new Error('expected FAIL');
    const examples = [
      outcome.response.counterexample,
      ...(outcome.response.newAccess ?? []).map((e) => e.example),
    ];
    expect(examples.length).toBeGreaterThan(1);
    for (const example of examples) {
      expect(example?.action).toBe('ssmmessages:OpenDataChannel');
      expect(example?.principal?.id).toBe('arn:aws:iam::111122223333:role/example');
      // The account the policy ties to the principal's moves with it: no made-up 000000000000 anywhere.
      expect(JSON.stringify(example)).not.toContain('000000000000');
      expect(example?.context['aws:resourceaccount']).toBe('111122223333');
    }
  });

  const allow = (extra: object): object => ({
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: '*',
    ...extra,
  });

  it('the counterexample of a wildcard entry is a catalog action the existing policy does not already allow', async () => {
    const s3 = (await loadActionCatalog()).services.get('s3')?.actions ?? [];
    // `s3:PutA*` covers the first Put actions in catalog order: those are tried first and must be passed over.
    for (const existingAction of ['s3:GetObject', 's3:PutA*']) {
      const outcome = await checkNoNewAccess({
        existingPolicyDocument: policy(allow({ Action: existingAction })),
        newPolicyDocument: policy(allow({ Action: 's3:Put*' })),
        policyType: 'IDENTITY_POLICY',
      });
      if (!outcome.ok || outcome.response.result !== 'FAIL') throw new Error('expected FAIL');
      const name = outcome.response.counterexample?.action.split(':')[1] ?? '';
      expect(s3).toContain(name);
      expect(name.startsWith('Put')).toBe(true);
      if (existingAction === 's3:PutA*') expect(name.startsWith('PutA')).toBe(false);
    }
  });

  it('actions compare case-insensitively', async () => {
    expect(await newAccessResult(policy(allow({ Action: 'S3:getobject' })), policy(allow({})))).toBe('PASS');
  });

  it('a Resource wildcard does not cross into another ARN segment, but spans colons at the end', async () => {
    const segment = policy(allow({ Resource: 'arn:aws:s3:::*' }));
    expect(await newAccessResult(segment, policy(allow({ Resource: 'arn:aws:s3:::a:b' })))).toBe('PASS');
    expect(
      await newAccessResult(
        policy(allow({ Resource: 'arn:aws:*:::x' })),
        policy(allow({ Resource: 'arn:aws:s3:::x' })),
      ),
    ).toBe('PASS');
  });

  it('IfExists passes when the key is missing, the plain operator does not', async () => {
    const plain = policy(allow({ Condition: { StringEquals: { 'aws:RequestTag/team': 'red' } } }));
    const ifExists = policy(allow({ Condition: { StringEqualsIfExists: { 'aws:RequestTag/team': 'red' } } }));
    expect(await newAccessResult(plain, ifExists)).toBe('FAIL');
    expect(await newAccessResult(ifExists, plain)).toBe('PASS');
  });

  it('ForAllValues holds for a missing key, ForAnyValue does not', async () => {
    const all = policy(allow({ Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } } }));
    const any = policy(allow({ Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } } }));
    expect(await newAccessResult(all, any)).toBe('FAIL');
    expect(await newAccessResult(any, all)).toBe('FAIL');
  });

  it('numeric and date comparisons are decided over every value', async () => {
    const below = (n: number): string =>
      policy(allow({ Condition: { NumericLessThan: { 's3:max-keys': String(n) } } }));
    expect(await newAccessResult(below(10), below(5))).toBe('PASS');
    expect(await newAccessResult(below(5), below(10))).toBe('FAIL');
    const before = (date: string): string =>
      policy(allow({ Condition: { DateLessThan: { 'aws:CurrentTime': date } } }));
    expect(await newAccessResult(before('2030-01-01T00:00:00Z'), before('2029-06-01T00:00:00Z'))).toBe(
      'PASS',
    );
  });

  it('a policy variable inside a set operator is never answered wrongly (a free test: PASS stays a proof)', async () => {
    const tagged = policy(
      allow({ Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['${aws:username}-*'] } } }),
    );
    expect(await newAccessResult(tagged, tagged)).toBe('PASS');
    // The condition is a free Boolean: the candidate request may not replay, so FAIL or UNKNOWN, never PASS.
    expect(await newAccessResult(policy(allow({ Action: 's3:PutObject' })), tagged)).not.toBe('PASS');
  });

  it('a Null condition is about presence', async () => {
    const absent = policy(allow({ Condition: { Null: { 'aws:MultiFactorAuthAge': 'true' } } }));
    const present = policy(allow({ Condition: { Null: { 'aws:MultiFactorAuthAge': 'false' } } }));
    expect(await newAccessResult(policy(allow({})), absent)).toBe('PASS');
    expect(await newAccessResult(absent, present)).toBe('FAIL');
  });
});

describe('CheckAccessNotGranted', () => {
  it('NotAction grants every action it does not list', async () => {
    const document = policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    const denied = await checkAccessNotGranted({
      policyDocument: document,
      access: [{ actions: ['iam:PassRole'] }],
      policyType: 'IDENTITY_POLICY',
    });
    const granted = await checkAccessNotGranted({
      policyDocument: document,
      access: [{ actions: ['s3:DeleteBucket'] }],
      policyType: 'IDENTITY_POLICY',
    });
    expect(denied.ok && denied.response.result).toBe('PASS');
    expect(granted.ok && granted.response.result).toBe('FAIL');
  });
});

describe('requests of the wrong shape from JavaScript', () => {
  const document = policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
  /** A value that the types forbid, as plain JavaScript would pass it. */
  const untyped = <T>(value: unknown): T => value as T;

  it.each([
    [untyped('x'), 'access: must be a list'],
    [[], 'access: give at least one entry'],
    [[untyped(5)], 'access[0]: must be an object'],
    [[{ actions: untyped('s3:GetObject') }], 'access[0].actions: must be a list of strings'],
    [
      [{ actions: ['s3:GetObject'] }, { resources: untyped([5]) }],
      'access[1].resources: must be a list of strings',
    ],
  ])('checkAccessNotGranted with access %j is an input error on access', async (access, message) => {
    const outcome = await checkAccessNotGranted({
      policyDocument: document,
      access,
      policyType: 'IDENTITY_POLICY',
    });
    expect(outcome).toEqual({
      ok: false,
      errors: [{ field: 'access', message: expect.stringContaining(message) }],
    });
  });

  it('an unknown policy type is an input error, not answered as some type', async () => {
    for (const policyType of ['identity_policy', 'X', undefined]) {
      const noNewAccess = await checkNoNewAccess({
        existingPolicyDocument: document,
        newPolicyDocument: document,
        policyType: untyped(policyType),
      });
      const notGranted = await checkAccessNotGranted({
        policyDocument: document,
        access: [{ actions: ['s3:GetObject'] }],
        policyType: untyped(policyType),
      });
      for (const outcome of [noNewAccess, notGranted])
        expect(outcome).toEqual({
          ok: false,
          errors: [
            { field: 'policyType', message: expect.stringContaining('IDENTITY_POLICY or RESOURCE_POLICY') },
          ],
        });
    }
    // The same requests with a known type are answered.
    const answered = await checkAccessNotGranted({
      policyDocument: document,
      access: [{ actions: ['s3:GetObject'] }],
      policyType: 'RESOURCE_POLICY',
    });
    expect(answered.ok).toBe(true);
  });
});
