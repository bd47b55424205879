// Differential test against an independent validator: the policy checks of
// @cloud-copilot/iam-simulate (AGPL, test oracle only). Whenever the oracle
// refuses a document as an identity policy, Keyaki must report an ERROR for
// it too. The other direction differs by design and is counted, not asserted:
// Keyaki follows Access Analyzer where the oracle is lenient (resources that
// are not ARNs, non-alphanumeric Sids in identity policies, variables in
// 2008-10-17 policies, case-sensitive operator names, malformed variables).
import { runSimulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadValidationCatalogs,
  validatePolicyWithCatalogs,
  type ValidationCatalogs,
  type PolicyType,
} from '../../src/iam/index.js';

let catalogs: ValidationCatalogs;
beforeAll(async () => {
  catalogs = await loadValidationCatalogs();
});

/** The oracle's complaints about `policy` as a policy of `policyType`; empty when it accepts it. */
async function oracleErrors(policy: unknown, policyType: PolicyType): Promise<string[]> {
  const named = [{ name: 'policy', policy }];
  const organization = [{ orgIdentifier: 'o-example', policies: named }];
  const result = await runSimulation(
    {
      request: {
        principal: 'arn:aws:iam::123456789012:user/alice',
        action: 's3:GetObject',
        resource: { resource: 'arn:aws:s3:::bucket/key', accountId: '123456789012' },
        contextVariables: {},
      },
      identityPolicies: policyType === 'IDENTITY_POLICY' ? named : [],
      serviceControlPolicies: policyType === 'SERVICE_CONTROL_POLICY' ? organization : [],
      resourceControlPolicies: policyType === 'RESOURCE_CONTROL_POLICY' ? organization : [],
      ...(policyType === 'RESOURCE_POLICY' ? { resourcePolicy: policy } : {}),
    },
    {},
  );
  if (result.resultType !== 'error') return [];
  const {
    identityPolicyErrors,
    serviceControlPolicyErrors,
    resourceControlPolicyErrors,
    resourcePolicyErrors,
  } = result.errors;
  const errors = [
    ...(identityPolicyErrors?.['policy'] ?? []),
    ...(serviceControlPolicyErrors?.['policy'] ?? []),
    ...(resourceControlPolicyErrors?.['policy'] ?? []),
    ...(resourcePolicyErrors ?? []),
  ];
  return errors.map((error) => `${error.path}: ${error.message}`);
}

/** Usually one of `valid`, sometimes one of `broken`. */
function mostly<T>(valid: readonly T[], broken: readonly T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...valid), weight: 6 },
    { arbitrary: fc.constantFrom(...broken), weight: 1 },
  );
}

/** Sometimes present: `undefined` keys vanish from the JSON text. */
function sometimes<T>(values: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: values, weight: 1 });
}

/** Statements near the edge of the grammar: mostly valid parts, some broken. */
const statement = fc.record({
  Sid: sometimes(mostly<unknown>(['Read', 'Statement1'], ['', 'read-all', 7])),
  Effect: mostly<unknown>(['Allow', 'Deny'], ['allow', 'Permit', 1, undefined]),
  Action: mostly<unknown>(
    ['s3:GetObject', ['s3:Get*', 'ec2:DescribeInstances'], '*'],
    ['GetObject', [], 's3:', 3, [null], undefined],
  ),
  NotAction: sometimes(mostly<unknown>(['iam:*'], [['s3:PutObject', 5]])),
  Resource: mostly<unknown>(
    ['*', 'arn:aws:s3:::bucket/*', ['arn:aws:s3:::b', 'arn:aws:s3:::b/${aws:username}']],
    ['bucket', 4, undefined],
  ),
  NotResource: sometimes(fc.constant('arn:aws:s3:::secret/*')),
  Principal: sometimes(fc.constantFrom<unknown>('*', { AWS: '123456789012' })),
  Condition: sometimes(
    mostly<unknown>(
      [
        { StringEquals: { 'aws:username': 'alice' } },
        { Bool: { 'aws:SecureTransport': 'true' } },
        { NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600'] } },
        { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['team*'] } },
      ],
      [
        { StringEquals: { 'aws:username': null } },
        { StringEquals: 'alice' },
        { NoSuchOperator: { 'aws:username': 'x' } },
        [],
      ],
    ),
  ),
  Unknown: sometimes(fc.constantFrom(1, 'x')),
});

const document = fc.record({
  Version: mostly<unknown>(['2012-10-17'], ['2008-10-17', '2012-10-18', 2012, undefined]),
  Id: sometimes(mostly<unknown>(['policy-1'], [5])),
  Statement: fc.oneof(statement, fc.array(statement, { minLength: 1, maxLength: 3 })),
});

describe('validation against an independent validator', () => {
  it.each<[PolicyType, number]>([
    ['IDENTITY_POLICY', 20261122],
    ['RESOURCE_POLICY', 20261123],
    ['SERVICE_CONTROL_POLICY', 20261124],
    ['RESOURCE_CONTROL_POLICY', 20261125],
  ])('reports an ERROR in a %s for every document the oracle refuses', async (policyType, seed) => {
    let refusedByOracle = 0;
    let refusedOnlyByKeyaki = 0;
    await fc.assert(
      fc.asyncProperty(document, async (policy) => {
        const text = JSON.stringify(policy, null, 2);
        const expected = await oracleErrors(JSON.parse(text), policyType);
        const { findings } = validatePolicyWithCatalogs({ policyDocument: text, policyType }, catalogs);
        const errors = findings.filter((finding) => finding.findingType === 'ERROR');
        if (expected.length > 0) {
          refusedByOracle++;
          expect(
            errors.map((e) => e.issueCode),
            `oracle: ${expected.join('; ')}\n${text}`,
          ).not.toEqual([]);
        } else if (errors.length > 0) {
          refusedOnlyByKeyaki++;
        }
      }),
      { numRuns: 400, seed },
    );
    console.log(
      `${policyType}: oracle refused ${refusedByOracle} of 400 documents; Keyaki alone refused ${refusedOnlyByKeyaki}`,
    );
    expect(refusedByOracle).toBeGreaterThan(40);
  });
});
