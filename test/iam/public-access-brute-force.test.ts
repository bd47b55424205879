// CheckNoPublicAccess and findExternalAccess against brute force over the
// concrete evaluator, on random bucket policies whose statements name
// principals, deny with NotPrincipal and test the keys that restrict public
// access with fixed values, wildcards and negations. "Public", written here
// from S3 Block Public Access and Access Analyzer independently of
// src/iam/public-access.ts: an anonymous caller, a principal of an account the
// policy text does not name, or a public identity provider's user, with every
// restricting key absent or holding a value the policy does not fix (an
// account or ARN of an unnamed account, an identifier no condition writes, an
// address in none of its blocks narrower than /0).
// - PASS: no public request of the universe is allowed;
// - FAIL: the counterexample is a public request the evaluator allows.
// KEYAKI_BRUTE_RUNS sets the number of policies (default 40).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowsConcretely, checkNoPublicAccess, type Counterexample } from '../../src/iam/checks.js';
import { findExternalAccess } from '../../src/iam/external-access.js';
import { parsePolicy } from '../../src/iam/parse/policy.js';
import { conditionTestArbitrary, type ConditionTest } from './iam-generators.js';

const runs = Number(process.env.KEYAKI_BRUTE_RUNS ?? 40);

const owner = '111122223333';
const other = '444455556666';

type Json = string | readonly string[] | { readonly [key: string]: Json };

const principals: readonly Json[] = [
  '*',
  { AWS: '*' },
  { AWS: owner },
  { AWS: `arn:aws:iam::${owner}:role/admin` },
  { AWS: other },
  { Federated: 'accounts.google.com' },
  { Service: 'sns.amazonaws.com' },
];

/** Restricting keys with fixed values, wildcards and values of other accounts. */
const tests: readonly ConditionTest[] = [
  {
    operators: ['StringEquals', 'StringLike', 'StringNotEquals', 'StringEqualsIgnoreCase'],
    key: 'aws:SourceVpce',
    values: ['vpce-1', 'vpce-*', 'VPCE-1'],
  },
  {
    operators: ['StringEquals', 'StringLike', 'StringNotLike'],
    key: 'aws:PrincipalOrgID',
    values: ['o-1', 'o-*'],
  },
  { operators: ['StringEquals', 'StringLike'], key: 'aws:SourceAccount', values: [owner, '1*', other] },
  {
    operators: ['ArnLike', 'ArnEquals', 'ArnNotLike'],
    key: 'aws:SourceArn',
    values: [`arn:aws:sns:us-east-1:${owner}:t`, 'arn:aws:sns:*:*:*', `arn:aws:sns:*:${other}:*`],
  },
  {
    operators: ['IpAddress', 'NotIpAddress'],
    key: 'aws:SourceIp',
    values: ['10.0.0.0/8', '0.0.0.0/0', '::/0', '2001:db8::/32'],
  },
  {
    operators: ['StringEquals', 'StringLike', 'StringNotEquals'],
    key: 'aws:PrincipalAccount',
    values: [owner, '1*', '4*'],
  },
  {
    operators: ['ArnLike', 'ArnNotLike'],
    key: 'aws:PrincipalArn',
    values: [`arn:aws:iam::${owner}:role/*`, 'arn:aws:iam::*:role/admin', 'arn:aws:iam::1*'],
  },
  { operators: ['StringLike'], key: 'aws:userid', values: ['AROAEXAMPLE:*', '*:*'] },
  {
    operators: ['ForAnyValue:StringLike', 'ForAllValues:StringEquals'],
    key: 'aws:PrincipalOrgPaths',
    values: ['o-1/*', 'o-1/r/'],
  },
  { operators: ['StringEquals'], key: 's3:prefix', values: ['home/'] },
];

const conditionArbitrary = conditionTestArbitrary(tests).map(([operator, key, values]) => ({
  [operator]: { [key]: values },
}));

const statementArbitrary = fc
  .record({
    effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
    principal: fc.constantFrom(...principals),
    notPrincipal: fc.nat(3).map((n) => n === 0),
    action: fc.constantFrom('s3:GetObject', 's3:*', '*', 'sqs:SendMessage', 's3:Put*'),
    conditions: fc.array(conditionArbitrary, { maxLength: 2 }),
  })
  .map((drawn) => {
    const negate = drawn.notPrincipal && drawn.effect === 'Deny' && drawn.principal !== '*';
    const condition: Record<string, Record<string, Json>> = {};
    for (const entry of drawn.conditions)
      for (const [operator, keys] of Object.entries(entry))
        condition[operator] = { ...condition[operator], ...keys };
    return {
      Effect: drawn.effect,
      [negate ? 'NotPrincipal' : 'Principal']: drawn.principal,
      Action: drawn.action,
      Resource: 'arn:aws:s3:::bucket/*',
      ...(drawn.conditions.length > 0 ? { Condition: condition } : {}),
    };
  });

const policyArbitrary = fc
  .array(statementArbitrary, { minLength: 1, maxLength: 3 })
  .map((Statement) => JSON.stringify({ Version: '2012-10-17', Statement }));

// ---------------------------------------------------------------------------
// Who the public is, from the text of the policy

const accountsIn = (text: string): Set<string> =>
  new Set([...text.matchAll(/\d+/g)].map((run) => run[0]).filter((run) => run.length === 12));

/** Every value any condition of the policy writes, lower case. */
function writtenValues(text: string): Set<string> {
  const values = new Set<string>();
  const policy = JSON.parse(text) as {
    Statement: { Condition?: Record<string, Record<string, string[]>> }[];
  };
  for (const statement of policy.Statement)
    for (const keys of Object.values(statement.Condition ?? {}))
      for (const list of Object.values(keys)) for (const value of list) values.add(value.toLowerCase());
  return values;
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.').map(Number);
  return parts.length === 4 ? parts.reduce((sum, part) => sum * 256 + part, 0) : undefined;
}

/** An address in a block narrower than /0 that the policy writes (IPv6 blocks by their first field). */
function inNarrowBlock(address: string, written: Set<string>): boolean {
  for (const value of written) {
    const [block = '', prefixText] = value.split('/');
    const prefix = Number(prefixText ?? (block.includes(':') ? 128 : 32));
    if (prefix === 0) continue;
    if (block.includes(':') !== address.includes(':')) continue;
    if (block.includes(':')) {
      if (address.split(':')[0] === block.split(':')[0]) return true;
      continue;
    }
    const low = ipv4(block);
    const at = ipv4(address);
    if (low === undefined || at === undefined) continue;
    const size = 2 ** (32 - prefix);
    if (Math.floor(at / size) === Math.floor(low / size)) return true;
  }
  return false;
}

const outsiderAccounts = ['100000000000', '999999999999', other, '411111111111'];

/** Public requests for an object of the bucket, drawn from the policy's own values and fresh ones. */
function publicRequests(text: string): Counterexample[] {
  const named = accountsIn(text);
  const written = writtenValues(text);
  const unnamed = outsiderAccounts.filter((account) => !named.has(account));
  const fresh = (value: string): boolean => !written.has(value.toLowerCase());
  const callers: Counterexample['principal'][] = [
    { type: 'Anonymous', id: 'anonymous' },
    { type: 'Federated', id: 'accounts.google.com' },
    ...unnamed.flatMap((account): Counterexample['principal'][] => [
      { type: 'AWS', id: `arn:aws:iam::${account}:user/mallory` },
      { type: 'AWS', id: `arn:aws:iam::${account}:role/admin` },
    ]),
  ];
  const options: Record<string, (string | readonly string[] | undefined)[]> = {
    'aws:SourceVpce': [undefined, 'vpce-1', 'vpce-zz'].filter((value) => value === undefined || fresh(value)),
    'aws:PrincipalOrgID': [undefined, 'o-1', 'o-zz'].filter((value) => value === undefined || fresh(value)),
    'aws:SourceAccount': [undefined, ...unnamed],
    'aws:SourceArn': [undefined, ...unnamed.map((account) => `arn:aws:sns:us-east-1:${account}:t`)],
    'aws:SourceIp': [undefined, '10.1.1.1', '8.8.8.8', '2001:db8::1', '2002::1'].filter(
      (value) => value === undefined || !inNarrowBlock(value, written),
    ),
    'aws:userid': [undefined, 'AROAEXAMPLE:s', 'AIDAZ'].filter(
      (value) =>
        value === undefined ||
        (fresh(value) && !(value.startsWith('AROAEXAMPLE:') && written.has('aroaexample:*'))),
    ),
    'aws:PrincipalOrgPaths': [undefined, ['o-1/r/'], ['o-zz/']].filter(
      (value) => value === undefined || value.every(fresh),
    ),
    's3:prefix': [undefined, 'home/'],
  };
  const requests: Counterexample[] = [];
  let state = text.length;
  const pick = <T>(list: readonly T[]): T => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return list[state % list.length] as T;
  };
  for (let count = 0; count < 300; count++) {
    const context: Record<string, string | readonly string[]> = {};
    for (const [key, values] of Object.entries(options)) {
      const value = pick(values);
      if (value !== undefined) context[key] = value;
    }
    requests.push({
      principal: pick(callers),
      action: pick(['s3:GetObject', 's3:PutObject', 's3:getobject']),
      resource: 'arn:aws:s3:::bucket/k',
      context,
    });
  }
  return requests;
}

function isPublicRequest(text: string, request: Counterexample): boolean {
  const named = accountsIn(text);
  const principal = request.principal;
  if (principal === undefined) return false;
  if (principal.type === 'AWS') return !named.has(principal.id.split(':')[4] ?? '');
  return principal.type === 'Anonymous' || principal.type === 'Federated';
}

describe('public access against brute force over the concrete evaluator', () => {
  it('CheckNoPublicAccess and findExternalAccess on bucket policies', async () => {
    const verdicts = { PASS: 0, FAIL: 0, UNKNOWN: 0 };
    await fc.assert(
      fc.asyncProperty(policyArbitrary, async (text) => {
        const parsed = parsePolicy(text);
        if (!parsed.ok) throw new Error(`unparsable: ${text}`);
        const outcome = await checkNoPublicAccess(
          { policyDocument: text, resourceType: 'AWS::S3::Bucket' },
          { fallback: false, timeoutMs: 2_000 },
        );
        if (!outcome.ok) throw new Error(outcome.errors.map((error) => error.message).join('; '));
        const response = outcome.response;
        verdicts[response.result]++;
        expect(response.result, text).not.toBe('UNKNOWN');
        const witness = publicRequests(text).find((request) => allowsConcretely(parsed.policy, request));
        if (response.result === 'PASS') expect(witness, `wrong PASS: ${text}`).toBeUndefined();
        if (response.result === 'FAIL') {
          expect(allowsConcretely(parsed.policy, response.counterexample)).toBe(true);
          expect(
            isPublicRequest(text, response.counterexample),
            JSON.stringify(response.counterexample),
          ).toBe(true);
        }
        // findExternalAccess says the same of `*`.
        const external = await findExternalAccess(
          { policyDocument: text, resourceType: 'AWS::S3::Bucket', ownerAccount: owner },
          { fallback: false, timeoutMs: 2_000 },
        );
        if (!external.ok) throw new Error('unusable input');
        const anyone = external.response.findings.find((finding) => finding.principal.AWS === '*');
        const publicFinding = external.response.findings.some((finding) => finding.isPublic);
        expect(publicFinding, `findExternalAccess isPublic vs ${response.result}: ${text}`).toBe(
          response.result === 'FAIL',
        );
        if (witness?.principal?.type === 'AWS') expect(anyone, `no * finding: ${text}`).toBeDefined();
      }),
      { numRuns: runs, seed: 2026 },
    );
    // Not vacuous: the generated policies go both ways.
    expect(verdicts.PASS, JSON.stringify(verdicts)).toBeGreaterThan(runs / 10);
    expect(verdicts.FAIL, JSON.stringify(verdicts)).toBeGreaterThan(runs / 10);
  });
});
