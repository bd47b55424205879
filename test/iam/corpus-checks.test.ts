// CheckNoNewAccess on a sample of the AWS managed policy corpus (the whole
// corpus runs in `npm run bench:checks`): every version passes against itself,
// and consecutive versions are decided — never UNKNOWN.
import { describe, expect, it } from 'vitest';
import { managedPolicyPairs } from '../../bench/managed-policies.js';
import { checkNoNewAccess } from '../../src/iam/checks.js';

const { pairs, versions } = managedPolicyPairs(25);

describe('CheckNoNewAccess on AWS managed policies', () => {
  it('every version of the sample grants nothing new against itself', async () => {
    const verdicts: string[] = [];
    for (const version of versions) {
      const outcome = await checkNoNewAccess({
        existingPolicyDocument: version.document,
        newPolicyDocument: version.document,
        policyType: 'IDENTITY_POLICY',
      });
      verdicts.push(outcome.ok ? outcome.response.result : 'ERROR');
    }
    expect(verdicts.filter((verdict) => verdict !== 'PASS')).toEqual([]);
  });

  it('consecutive versions are decided, and a version that only removes access passes', async () => {
    let decided = 0;
    for (const pair of pairs) {
      const outcome = await checkNoNewAccess({
        existingPolicyDocument: pair.existing,
        newPolicyDocument: pair.updated,
        policyType: 'IDENTITY_POLICY',
      });
      expect(outcome.ok && outcome.response.result !== 'UNKNOWN', pair.name).toBe(true);
      decided++;
    }
    expect(decided).toBe(pairs.length);
    const shrinking = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }],
    };
    const growing = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }],
    };
    const outcome = await checkNoNewAccess({
      existingPolicyDocument: JSON.stringify(growing),
      newPolicyDocument: JSON.stringify(shrinking),
      policyType: 'IDENTITY_POLICY',
    });
    expect(outcome.ok && outcome.response.result).toBe('PASS');
  });
});
