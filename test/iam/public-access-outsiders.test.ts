// Who "the public" is: any account the policy does not name and any value it
// does not fix — not one chosen outsider. Each wildcard case below was a wrong
// PASS while the outsider was one fixed account (999999999999) and one fixed
// identifier: a pattern that missed that one value read as a restriction. A
// request from an account or with a value the pattern does match, confirmed
// by the concrete evaluator, shows the access is public.
import { describe, expect, it } from 'vitest';
import { allowsConcretely, checkNoPublicAccess, type Counterexample } from '../../src/iam/checks.js';
import { findExternalAccess } from '../../src/iam/external-access.js';
import { parsePolicy } from '../../src/iam/parse/policy.js';
import { namedAccounts } from '../../src/iam/public-access.js';

const owner = '111122223333';

const bucketPolicy = (condition: object): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Condition: condition,
      },
    ],
  });

function allowed(document: string, request: Counterexample): boolean {
  const parsed = parsePolicy(document);
  if (!parsed.ok) throw new Error('unparsable');
  return allowsConcretely(parsed.policy, request);
}

async function publicCheck(document: string) {
  const outcome = await checkNoPublicAccess({ policyDocument: document, resourceType: 'AWS::S3::Bucket' });
  if (!outcome.ok) throw new Error(outcome.errors.map((error) => error.message).join('; '));
  return outcome.response;
}

async function publicFindings(document: string): Promise<boolean[]> {
  const outcome = await findExternalAccess({
    policyDocument: document,
    resourceType: 'AWS::S3::Bucket',
    ownerAccount: owner,
  });
  if (!outcome.ok) throw new Error('unusable input');
  return outcome.response.findings.filter((finding) => finding.principal.AWS === '*').map((f) => f.isPublic);
}

const get = (principal: Counterexample['principal'], context: Counterexample['context']): Counterexample => ({
  ...(principal === undefined ? {} : { principal }),
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::b/k',
  context,
});
const user = (account: string): Counterexample['principal'] => ({
  type: 'AWS',
  id: `arn:aws:iam::${account}:user/mallory`,
});
const anonymous: Counterexample['principal'] = { type: 'Anonymous', id: 'anonymous' };

/** Patterns that leave some unnamed account or unfixed value in, with a request the evaluator allows. */
const publicCases: readonly { name: string; condition: object; outsider: Counterexample }[] = [
  {
    name: 'aws:PrincipalAccount like 1*',
    condition: { StringLike: { 'aws:PrincipalAccount': '1*' } },
    outsider: get(user('100000000000'), {}),
  },
  {
    name: 'aws:PrincipalArn like arn:aws:iam::1*',
    condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::1*' } },
    outsider: get(user('100000000000'), {}),
  },
  {
    name: 'aws:SourceAccount like 1*',
    condition: { StringLike: { 'aws:SourceAccount': '1*' } },
    outsider: get(anonymous, { 'aws:SourceAccount': '100000000000' }),
  },
  {
    name: 'kms:CallerAccount like 1*',
    condition: { StringLike: { 'kms:CallerAccount': '1*' } },
    outsider: get(user('100000000000'), { 'kms:CallerAccount': '100000000000' }),
  },
  {
    name: 'aws:SourceVpce like vpce-* (not a fixed endpoint)',
    condition: { StringLike: { 'aws:SourceVpce': 'vpce-*' } },
    outsider: get(anonymous, { 'aws:SourceVpce': 'vpce-0mallory' }),
  },
  {
    name: 'aws:PrincipalOrgID like o-*',
    condition: { StringLike: { 'aws:PrincipalOrgID': 'o-*' } },
    outsider: get(user('100000000000'), { 'aws:PrincipalOrgID': 'o-mallory' }),
  },
  {
    name: 'ForAnyValue aws:PrincipalOrgPaths like o-a/*',
    condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a/*' } },
    outsider: get(user('100000000000'), { 'aws:PrincipalOrgPaths': ['o-a/r-x/'] }),
  },
  {
    name: 'aws:userid like *:* (not a fixed AROLEID:*)',
    condition: { StringLike: { 'aws:userid': '*:*' } },
    outsider: get(user('100000000000'), { 'aws:userid': 'AROAMALLORY:mallory' }),
  },
  {
    name: 'aws:SourceIp in ::/0 (every IPv6 address)',
    condition: { IpAddress: { 'aws:SourceIp': '::/0' } },
    outsider: get(anonymous, { 'aws:SourceIp': '2001:db8::1' }),
  },
];

/** Fixed values and narrow ranges: no request from outside the named accounts gets in. */
const privateCases: readonly { name: string; condition: object }[] = [
  { name: 'a fixed aws:PrincipalAccount', condition: { StringEquals: { 'aws:PrincipalAccount': owner } } },
  {
    name: 'a fixed aws:SourceVpce, compared ignoring case',
    condition: { StringEqualsIgnoreCase: { 'aws:SourceVpce': 'VPCE-1A2B' } },
  },
  { name: 'a fixed AROLEID:* userid', condition: { StringLike: { 'aws:userid': 'AROAEXAMPLEID:*' } } },
  { name: 'a narrow IPv6 range', condition: { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } } },
  {
    name: 'aws:SourceAccount pinned to the owner',
    condition: { StringEquals: { 'aws:SourceAccount': owner } },
  },
];

describe('the public is every account and value the policy does not name', () => {
  it.each(publicCases)('$name: FAIL, and findExternalAccess reports `*` as public', async (entry) => {
    const document = bucketPolicy(entry.condition);
    // The case is what it says: the concrete evaluator lets this outsider in.
    expect(allowed(document, entry.outsider)).toBe(true);
    const response = await publicCheck(document);
    expect(response.result).toBe('FAIL');
    if (response.result === 'FAIL') expect(allowed(document, response.counterexample)).toBe(true);
    expect(await publicFindings(document)).toEqual([true]);
  });

  it.each(privateCases)('$name: PASS', async (entry) => {
    const response = await publicCheck(bucketPolicy(entry.condition));
    expect(response.result).toBe('PASS');
  });

  it('a counterexample principal belongs to no account the policy names', async () => {
    const document = bucketPolicy({ StringLike: { 'aws:PrincipalAccount': '1111*' } });
    const response = await publicCheck(document);
    expect(response.result).toBe('FAIL');
    if (response.result !== 'FAIL') return;
    const principal = response.counterexample.principal;
    expect(principal?.type).toBe('AWS');
    const account = principal?.id.split(':')[4] ?? '';
    expect(account).toMatch(/^1111\d{8}$/);
    expect(namedAccounts(document)).not.toContain(account);
  });

  it('names the twelve-digit runs of the text as accounts, and nothing longer or shorter', () => {
    expect(
      namedAccounts(
        '{"a":"arn:aws:iam::111122223333:root","b":"1111222233334","c":"11112222333","d":"444455556666"}',
      ),
    ).toEqual(['111122223333', '444455556666']);
  });
});
