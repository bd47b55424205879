// CheckNoNewAccess on a sample of the AWS managed policy corpus (the whole
// corpus runs in `npm run bench:checks`): every version passes against
// itself, consecutive versions are decided — never UNKNOWN —, and every
// counterexample is a request the concrete evaluator allows under the new
// version and not under the old one.
import { describe, expect, it } from 'vitest';
import { managedPolicyPairs } from '../../bench/managed-policies.js';
import { evaluationRequestOf, checkNoNewAccess } from '../../src/iam/checks.js';
import { evaluate, parsePolicy, type Policy } from '../../src/iam/index.js';

const { pairs, versions } = managedPolicyPairs(25);

function allowedAlone(document: string, request: ReturnType<typeof evaluationRequestOf>): boolean {
  const parsed = parsePolicy(document);
  if (!parsed.ok) throw new Error('unparsable corpus document');
  const policy: Policy = parsed.policy;
  // The policy as a VPC endpoint's, which filters every caller: allowed when some Allow applies and no Deny does.
  const result = evaluate(request, { vpcEndpointPolicy: policy });
  return (
    result.decision === 'Allow' ||
    (result.decision === 'ImplicitDeny' &&
      !result.reasons.some((reason) => reason.kind === 'vpcEndpointPolicy'))
  );
}

describe('CheckNoNewAccess on AWS managed policies', () => {
  it('every version of the sample grants nothing new against itself', async () => {
    const verdicts: string[] = [];
    for (const version of versions) {
      const outcome = await checkNoNewAccess(
        {
          existingPolicyDocument: version.document,
          newPolicyDocument: version.document,
          policyType: 'IDENTITY_POLICY',
        },
        { summarize: false },
      );
      verdicts.push(outcome.ok ? outcome.response.result : 'ERROR');
    }
    expect(verdicts.filter((verdict) => verdict !== 'PASS')).toEqual([]);
  });

  it('consecutive versions are decided, and each counterexample replays on the concrete evaluator', async () => {
    let failures = 0;
    for (const pair of pairs) {
      const outcome = await checkNoNewAccess(
        {
          existingPolicyDocument: pair.existing,
          newPolicyDocument: pair.updated,
          policyType: 'IDENTITY_POLICY',
        },
        { summarize: false },
      );
      if (!outcome.ok) throw new Error(`${pair.name} does not parse`);
      expect(outcome.response.result, pair.name).not.toBe('UNKNOWN');
      if (outcome.response.result !== 'FAIL') continue;
      failures++;
      const request = evaluationRequestOf(outcome.response.counterexample);
      expect(allowedAlone(pair.updated, request), pair.name).toBe(true);
      expect(allowedAlone(pair.existing, request), pair.name).toBe(false);
      expect(outcome.response.reasons.length, pair.name).toBeGreaterThan(0);
    }
    expect(failures).toBeGreaterThan(10);
  });

  it('versions compared through policy variables are decided and replay: aws:PrincipalAccount = ${aws:ResourceAccount}, a set operator over ARNs built from principal tags', async () => {
    const named = new Set([
      'AWSBackupServiceLinkedRolePolicyForBackup@v15→v16',
      'AmazonECSServiceRolePolicy@v14→v15',
      'AWSIdentityCenterExternalManagementPolicy@v1→v2',
    ]);
    const chosen = managedPolicyPairs().pairs.filter((pair) => named.has(pair.name));
    expect(chosen.length).toBe(named.size);
    for (const pair of chosen) {
      const outcome = await checkNoNewAccess(
        {
          existingPolicyDocument: pair.existing,
          newPolicyDocument: pair.updated,
          policyType: 'IDENTITY_POLICY',
        },
        { summarize: false, fallback: false },
      );
      if (!outcome.ok || outcome.response.result !== 'FAIL') throw new Error(`${pair.name} is not a FAIL`);
      const request = evaluationRequestOf(outcome.response.counterexample);
      expect(allowedAlone(pair.updated, request), pair.name).toBe(true);
      expect(allowedAlone(pair.existing, request), pair.name).toBe(false);
    }
  });

  it('a version that only removes access passes', async () => {
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
