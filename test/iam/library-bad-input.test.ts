// The `keyaki/iam` functions called from JavaScript with input of the wrong
// shape (what a caller gets from JSON.parse or a typo): errors as values, or
// the documented exception, never a TypeError from deep inside.
import { describe, expect, it } from 'vitest';
import {
  checkAccessNotGranted,
  checkNoNewAccess,
  checkNoPublicAccess,
  findExternalAccess,
  loadActionCatalog,
  parsePolicy,
  refinePolicy,
  validatePolicy,
  type PolicyType,
  type UnusedPermission,
} from '../../src/iam/index.js';

const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Principal: '*', Action: 's3:Get*', Resource: '*' },
});
/** A value that the types forbid, as plain JavaScript would pass it. */
const untyped = <T>(value: unknown): T => value as T;

describe('parsePolicy on a value that is not text', () => {
  it.each([
    [123, 'number'],
    [undefined, 'undefined'],
    [null, 'null'],
    [{ Version: '2012-10-17' }, 'object'],
    [['a'], 'an array'],
  ])('%j is a DATA_TYPE_MISMATCH error naming what it is', (value, what) => {
    const parsed = parsePolicy(untyped(value));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual([
      expect.objectContaining({
        code: 'DATA_TYPE_MISMATCH',
        message: expect.stringContaining(`not ${what}`),
      }),
    ]);
  });
});

describe('validatePolicy', () => {
  it('reports a parsed object given as the document as an ERROR finding', async () => {
    const { findings } = await validatePolicy({
      policyDocument: untyped(JSON.parse(policy)),
      policyType: 'RESOURCE_POLICY',
    });
    expect(findings.map((f) => [f.findingType, f.issueCode])).toEqual([['ERROR', 'DATA_TYPE_MISMATCH']]);
  });

  it('rejects an unknown policy type instead of skipping the checks that depend on it', async () => {
    await expect(
      validatePolicy({ policyDocument: policy, policyType: untyped<PolicyType>('identity_policy') }),
    ).rejects.toThrow(RangeError);
    // The same document as an identity policy has the Principal error the wrong type would hide.
    const { findings } = await validatePolicy({ policyDocument: policy, policyType: 'IDENTITY_POLICY' });
    expect(findings.some((f) => f.findingType === 'ERROR')).toBe(true);
  });
});

describe('checks and findExternalAccess on a document that is not text', () => {
  it('answer with an input error on the field, not a verdict', async () => {
    const parsed = untyped<string>(JSON.parse(policy));
    const outcomes = [
      await checkNoNewAccess({
        existingPolicyDocument: parsed,
        newPolicyDocument: policy,
        policyType: 'RESOURCE_POLICY',
      }),
      await checkAccessNotGranted({
        policyDocument: parsed,
        access: [{ actions: ['s3:GetObject'] }],
        policyType: 'RESOURCE_POLICY',
      }),
      await checkNoPublicAccess({ policyDocument: parsed, resourceType: 'AWS::S3::Bucket' }),
      await findExternalAccess({
        policyDocument: parsed,
        resourceType: 'AWS::S3::Bucket',
        ownerAccount: '111122223333',
      }),
    ];
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.errors[0]?.message).toContain('must be JSON text');
    }
  });
});

describe('refinePolicy on findings of the wrong shape', () => {
  it.each([
    ['s3:GetObject', 'unusedPermissions'],
    [{ serviceNamespace: 's3' }, 'unusedPermissions'],
    [[{}], 'unusedPermissions[0].serviceNamespace'],
    [[{ serviceNamespace: 's3', actions: 'GetObject' }], 'unusedPermissions[0].actions'],
    [[{ serviceNamespace: 's3', actions: ['GetObject', 7] }], 'unusedPermissions[0].actions[1]'],
  ])('%j is an input error at %s', async (unused, path) => {
    const catalog = await loadActionCatalog();
    const result = refinePolicy({
      policyDocument: policy,
      unusedPermissions: untyped<UnusedPermission[]>(unused),
      catalog,
    });
    expect(result).toEqual({ ok: false, path, message: expect.stringMatching(/^expected /) });
  });
});
