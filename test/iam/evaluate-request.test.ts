// Specifications of the request the evaluator reads: how a principal string is
// classified, which context keys AWS derives from the caller ("AWS global
// condition context keys"), which account owns the resource, and how policy
// text that does not parse is reported.
import { describe, expect, it } from 'vitest';
import { missingContextKeys } from '../../src/iam/evaluate/missing-keys.js';
import { parsePrincipal } from '../../src/iam/evaluate/request.js';
import { evaluatePolicyText } from '../../src/iam/evaluate/text.js';
import { account, allow, decide, otherAccount, policy } from './evaluate-helpers.js';

describe('principal strings', () => {
  it.each([
    ['*', { kind: 'anonymous' }],
    ['anonymous', { kind: 'anonymous' }],
    [account, { kind: 'aws', arn: `arn:aws:iam::${account}:root` }],
    [`arn:aws:iam::${account}:user/alice`, { kind: 'aws', arn: `arn:aws:iam::${account}:user/alice` }],
    ['cloudtrail.amazonaws.com', { kind: 'service', service: 'cloudtrail.amazonaws.com' }],
    ['a'.repeat(64), { kind: 'canonicalUser', id: 'a'.repeat(64) }],
  ])('`%s` is read as %j', (text, expected) => {
    expect(parsePrincipal(text)).toEqual(expected);
  });
});

/** Whether the caller's request carries `key` with `value`, observed through a StringEquals condition. */
function carries(principal: string, key: string, value: string, resource = '*'): boolean {
  const identityPolicies = [policy(allow({ Condition: { StringEquals: { [key]: value } } }))];
  const resourcePolicy = policy(allow({ Principal: '*', Condition: { StringEquals: { [key]: value } } }));
  const callerHasPolicies = principal.startsWith('arn:');
  return (
    decide(
      { principal, resource, resourceAccount: account },
      callerHasPolicies ? { identityPolicies } : { resourcePolicy },
    ) === 'Allow'
  );
}

describe('context keys derived from the caller', () => {
  const user = `arn:aws:iam::${account}:user/division/alice`;
  const session = `arn:aws:sts::${account}:assumed-role/deploy/ci-run`;

  it('an IAM user: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType User, aws:username without the path', () => {
    expect(carries(user, 'aws:PrincipalArn', user)).toBe(true);
    expect(carries(user, 'aws:PrincipalAccount', account)).toBe(true);
    expect(carries(user, 'aws:PrincipalType', 'User')).toBe(true);
    expect(carries(user, 'aws:username', 'alice')).toBe(true);
    expect(carries(user, 'aws:PrincipalIsAWSService', 'false')).toBe(true);
  });

  it('a role session: aws:PrincipalArn is the role ARN ("do not specify the assumed role session ARN"), type AssumedRole, no aws:username', () => {
    expect(carries(session, 'aws:PrincipalArn', `arn:aws:iam::${account}:role/deploy`)).toBe(true);
    expect(carries(session, 'aws:PrincipalArn', session)).toBe(false);
    expect(carries(session, 'aws:PrincipalType', 'AssumedRole')).toBe(true);
    expect(
      decide(
        { principal: session },
        { identityPolicies: [policy(allow({ Condition: { Null: { 'aws:username': 'true' } } }))] },
      ),
    ).toBe('Allow');
  });

  it('the account root user: type Account', () => {
    const root = `arn:aws:iam::${account}:root`;
    expect(carries(root, 'aws:PrincipalType', 'Account')).toBe(true);
  });

  it('a service principal: aws:PrincipalIsAWSService true and aws:PrincipalServiceName', () => {
    expect(carries('logs.amazonaws.com', 'aws:PrincipalIsAWSService', 'true')).toBe(true);
    expect(carries('logs.amazonaws.com', 'aws:PrincipalServiceName', 'logs.amazonaws.com')).toBe(true);
  });

  it('aws:ResourceAccount is the owner account', () => {
    expect(carries(user, 'aws:ResourceAccount', account)).toBe(true);
  });

  it('a key given in the request wins over the derived value', () => {
    const identityPolicies = [
      policy(allow({ Condition: { StringEquals: { 'aws:PrincipalAccount': otherAccount } } })),
    ];
    expect(
      decide({ principal: user, context: { 'aws:principalaccount': otherAccount } }, { identityPolicies }),
    ).toBe('Allow');
    expect(decide({ principal: user }, { identityPolicies })).toBe('ImplicitDeny');
  });

  it('keys are compared lower-cased, also where lower-casing lengthens them (İ becomes i and a dot)', () => {
    const identityPolicies = [
      policy(allow({ Condition: { StringEquals: { 'aws:PrincipalTag/i\u0307d': 'x' } } })),
    ];
    expect(
      decide({ principal: user, context: { 'aws:PrincipalTag/\u0130d': 'x' } }, { identityPolicies }),
    ).toBe('Allow');
    expect(decide({ principal: user, context: { 'aws:PrincipalTag/Id': 'x' } }, { identityPolicies })).toBe(
      'ImplicitDeny',
    );
  });

  it('the clock is never read: aws:CurrentTime is absent unless given', () => {
    const identityPolicies = [policy(allow({ Condition: { Null: { 'aws:CurrentTime': 'true' } } }))];
    expect(decide({ principal: user }, { identityPolicies })).toBe('Allow');
  });
});

describe('the owner account of the resource', () => {
  const identityPolicies = [policy(allow({}))];
  const carol = `arn:aws:iam::${otherAccount}:user/carol`;

  it('is the account field of the resource ARN when it holds one', () => {
    expect(
      decide({ principal: carol, resource: `arn:aws:sqs:us-east-1:${account}:q` }, { identityPolicies }),
    ).toBe('ImplicitDeny');
    expect(
      decide({ principal: carol, resource: `arn:aws:sqs:us-east-1:${otherAccount}:q` }, { identityPolicies }),
    ).toBe('Allow');
  });

  it("is the caller's account when the ARN names none (S3), unless stated", () => {
    expect(decide({ principal: carol, resource: 'arn:aws:s3:::b/k' }, { identityPolicies })).toBe('Allow');
    expect(
      decide(
        { principal: carol, resource: 'arn:aws:s3:::b/k', resourceAccount: account },
        { identityPolicies },
      ),
    ).toBe('ImplicitDeny');
  });
});

describe('policy text', () => {
  it('reports every document that does not parse, by kind and position, and evaluates nothing', () => {
    const good = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    const outcome = evaluatePolicyText(
      { principal: `arn:aws:iam::${account}:user/a`, action: 's3:GetObject', resource: '*' },
      {
        identityPolicies: [good, '{"Version": "2012-10-17", "Statement": {"Effect": "Allow"}}'],
        serviceControlPolicies: [[good], [{ name: 'broken-scp', text: '{' }]],
      },
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(
      outcome.errors.map((error) => [
        error.policy.kind,
        error.policy.index,
        error.policy.level,
        error.policy.name,
      ]),
    ).toEqual([
      ['identity', 1, undefined, undefined],
      ['serviceControl', 0, 1, 'broken-scp'],
    ]);
    expect(outcome.errors[0]?.errors.map((error) => error.code)).toEqual(['MISSING_ACTION']);
    expect(outcome.errors[1]?.errors.map((error) => error.code)).toEqual(['JSON_SYNTAX_ERROR']);
  });
});

describe('missing context keys', () => {
  it('lists the keys read by statements covering the action that the request leaves absent, once each', () => {
    const identity = policy(
      allow({
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/${aws:PrincipalTag/team}/*',
        Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      }),
      allow({
        Action: 's3:GetObject',
        Condition: { StringEquals: { 'AWS:SOURCEIP': '${aws:username}', 'aws:PrincipalAccount': account } },
      }),
      allow({ Action: 'ec2:*', Condition: { Bool: { 'aws:ViaAWSService': 'true' } } }),
    );
    const request = {
      principal: `arn:aws:iam::${account}:user/alice`,
      action: 's3:GetObject',
      resource: '*',
    };
    expect(missingContextKeys(request, { identityPolicies: [identity] })).toEqual([
      'aws:PrincipalTag/team',
      'aws:SourceIp',
    ]);
    expect(
      missingContextKeys(
        { ...request, context: { 'aws:sourceip': '10.1.1.1' } },
        { identityPolicies: [identity] },
      ),
    ).toEqual(['aws:PrincipalTag/team']);
  });
});
