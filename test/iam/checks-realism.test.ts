// Counterexamples are requests AWS can make: an IAM user's aws:username is the
// last segment of its ARN (and no other principal has one), and a resource
// ARN that names a 12-digit account shows it as aws:ResourceAccount when the
// question allows. Verdicts follow: a FAIL whose only witnesses disagree on
// the user name is no failure. Every counterexample is also replayed through
// the concrete evaluator (`allowsConcretely`) on both policies.
import { describe, expect, it } from 'vitest';
import { allowsConcretely, checkNoNewAccess, type Counterexample } from '../../src/iam/checks.js';
import { parsePolicy } from '../../src/iam/parse/policy.js';

type Statement = Record<string, unknown>;
const doc = (...Statement: Statement[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const A = '111122223333';

async function compare(
  existing: string,
  updated: string,
): Promise<{ result: string; example?: Counterexample }> {
  const outcome = await checkNoNewAccess(
    { existingPolicyDocument: existing, newPolicyDocument: updated, policyType: 'IDENTITY_POLICY' },
    // The fast engine alone: Z3 on a query it gives up on takes seconds and proves nothing more here.
    { summarize: false, fallback: false, timeoutMs: 2_000 },
  );
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  const { response } = outcome;
  if (response.result !== 'FAIL') return { result: response.result };
  const example = response.counterexample;
  const parsed = (text: string) => {
    const result = parsePolicy(text);
    if (!result.ok) throw new Error('does not parse');
    return result.policy;
  };
  // The evaluator agrees: the new policy allows it and the existing one does not.
  expect(allowsConcretely(parsed(updated), example)).toBe(true);
  expect(allowsConcretely(parsed(existing), example)).toBe(false);
  return { result: 'FAIL', example };
}

/** The user name AWS gives the example's principal, if it is an IAM user. */
function userNameOf(example: Counterexample): string | undefined {
  const id = example.principal?.type === 'AWS' ? example.principal.id : '';
  const user = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(id);
  return user?.[1];
}

function expectRealUserName(example: Counterexample): void {
  expect(example.context['aws:username']).toBe(userNameOf(example));
}

describe('aws:username is the IAM user name in the principal ARN', () => {
  const home = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}/*' };

  // A real alice has the user name alice, so her own folder is no new access. The fast engine does not
  // yet refute a chain of policy variables (the ARN fixes the name, the name the folder): UNKNOWN, which
  // is honest; before the name was tied to the ARN this was a FAIL with alice named `a`.
  it('does not fail when the new statement only grants a user her own folder', async () => {
    const alice = {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/alice/*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${A}:user/division/alice` } },
    };
    expect(['PASS', 'UNKNOWN']).toContain((await compare(doc(home), doc(alice))).result);
  });

  it('fails, with alice herself, when the folder is someone else’s', async () => {
    const bob = {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/bob/*',
      Condition: { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${A}:user/alice` } },
    };
    const { result, example } = await compare(doc(home), doc(bob));
    expect(result).toBe('FAIL');
    expect(example?.principal?.id).toBe(`arn:aws:iam::${A}:user/alice`);
    expectRealUserName(example as Counterexample);
  });

  it('shows the name of the user the example names, or none for other principals', async () => {
    const cases: [Statement[], Statement[]][] = [
      [
        [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
        [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/${aws:username}/*' }],
      ],
      [[home], [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*/x' }]],
      [
        [{ ...home, Condition: { StringLike: { 'aws:username': 'a*' } } }],
        [{ ...home, Condition: { StringLike: { 'aws:username': '*a' } } }],
      ],
      [
        [
          {
            Effect: 'Allow',
            Action: 's3:*',
            Resource: '*',
            Condition: { StringEquals: { 'aws:username': 'x' } },
          },
        ],
        [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { Null: { 'aws:username': 'true' } } }],
      ],
    ];
    for (const [existing, updated] of cases) {
      const { result, example } = await compare(doc(...existing), doc(...updated));
      expect(result).toBe('FAIL');
      expectRealUserName(example as Counterexample);
    }
  });
});

describe('aws:ResourceAccount', () => {
  const B = '444455556666';
  const sqs = (Resource: string, Condition?: Record<string, Record<string, string>>): Statement => ({
    Effect: 'Allow',
    Action: 'sqs:*',
    Resource,
    ...(Condition === undefined ? {} : { Condition }),
  });

  it('is shown as the account the resource ARN names when some counterexample has them agree', async () => {
    const cases: [Statement, Statement][] = [
      [sqs(`arn:aws:sqs:*:${B}:*`), sqs('*', { StringEquals: { 'aws:ResourceAccount': A } })],
      [sqs('*', { StringEquals: { 'aws:ResourceAccount': B } }), sqs(`arn:aws:sqs:*:${A}:*`)],
      [
        sqs('*', { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } }),
        sqs('arn:aws:sqs:*:*:*', { StringEquals: { 'aws:PrincipalAccount': A } }),
      ],
    ];
    for (const [existing, updated] of cases) {
      const { result, example } = await compare(doc(existing), doc(updated));
      expect(result).toBe('FAIL');
      const account = (example as Counterexample).resource.split(':')[4];
      expect(account).toMatch(/^\d{12}$/);
      expect((example as Counterexample).context['aws:resourceaccount']).toBe(account);
    }
  });

  it('may disagree when only such requests witness the failure: AWS does not tie them for every resource', async () => {
    // For an SQS queue they agree in AWS, but the encoding does not know which services' ARNs name the owner.
    const { result, example } = await compare(
      doc(sqs('*', { StringEquals: { 'aws:ResourceAccount': A } })),
      doc(sqs(`arn:aws:sqs:*:${A}:*`)),
    );
    expect(result).toBe('FAIL');
    expect((example as Counterexample).resource.split(':')[4]).toBe(A);
    expect((example as Counterexample).context['aws:resourceaccount']).not.toBe(A);
  });
});
