// The policies under examples/iam/ are what users copy first: the clean ones
// must stay clean for their policy type, and the flawed one must keep showing
// each kind of finding it was written to show.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validatePolicy, type PolicyType } from '../../src/iam/index.js';

const examples = new URL('../../examples/iam/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, examples), 'utf8');

describe('the bundled IAM examples', () => {
  it.each<[string, PolicyType]>([
    ['identity-policy.json', 'IDENTITY_POLICY'],
    ['bucket-policy.json', 'RESOURCE_POLICY'],
    ['scp-region-guard.json', 'SERVICE_CONTROL_POLICY'],
    ['rcp-enforce-tls.json', 'RESOURCE_CONTROL_POLICY'],
  ])('%s validates clean as %s', async (name, policyType) => {
    const { findings } = await validatePolicy({ policyDocument: read(name), policyType });
    expect(findings).toEqual([]);
  });

  it('flawed-policy.json shows the findings it was written to show, in document order', async () => {
    const { findings } = await validatePolicy({
      policyDocument: read('flawed-policy.json'),
      policyType: 'IDENTITY_POLICY',
    });
    expect(findings.map((f) => [f.locations[0]?.span.start.line, f.findingType, f.issueCode])).toEqual([
      [1, 'WARNING', 'MISSING_VERSION'],
      [4, 'ERROR', 'UNSUPPORTED_SID'],
      [6, 'ERROR', 'INVALID_ACTION'],
      [6, 'SUGGESTION', 'REDUNDANT_ACTION'],
      [6, 'SUGGESTION', 'REDUNDANT_ACTION'],
      [7, 'ERROR', 'ARN_ACCOUNT_NOT_ALLOWED'],
      [9, 'WARNING', 'TYPE_MISMATCH_IP_RANGE'],
      [10, 'WARNING', 'TYPE_MISMATCH_DATE'],
      [16, 'SECURITY_WARNING', 'PASS_ROLE_WITH_STAR_IN_RESOURCE'],
    ]);
  });
});
