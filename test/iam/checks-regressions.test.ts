// Minimal cases the brute-force tests (checks-brute-force.test.ts and
// public-access-brute-force.test.ts) and hand-written adversarial cases found,
// each judged by the concrete evaluator; each was a wrong verdict.
import { describe, expect, it } from 'vitest';
import {
  checkAccessNotGranted,
  checkNoNewAccess,
  type CheckPolicyType,
  type CheckResultValue,
} from '../../src/iam/checks.js';
import { evaluate } from '../../src/iam/evaluate/evaluate.js';
import { parsePolicy } from '../../src/iam/parse/policy.js';

const A = '111122223333';
const role = `arn:aws:iam::${A}:role/admin`;
const session = `arn:aws:sts::${A}:assumed-role/admin/s1`;

const document = (...statements: object[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

function resourcePolicyAllows(text: string, principal: string): boolean {
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error('unparsable');
  const request = { principal, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', resourceAccount: A };
  return evaluate(request, { resourcePolicy: parsed.policy }).decision === 'Allow';
}

async function noNewAccess(
  existing: string,
  updated: string,
  policyType: CheckPolicyType,
): Promise<CheckResultValue> {
  const outcome = await checkNoNewAccess(
    { existingPolicyDocument: existing, newPolicyDocument: updated, policyType },
    { summarize: false },
  );
  if (!outcome.ok) throw new Error('unusable input');
  return outcome.response.result;
}

describe('aws:PrincipalArn of a role session is its role ARN', () => {
  const toSession = document({
    Effect: 'Allow',
    Principal: { AWS: session },
    Action: 's3:GetObject',
    Resource: '*',
  });
  const allButAdmin = document({
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: '*',
    Condition: { ArnNotEquals: { 'aws:PrincipalArn': role } },
  });

  it('the evaluator says so: a grant to everyone but the role leaves its session out', () => {
    expect(resourcePolicyAllows(allButAdmin, session)).toBe(false);
    expect(resourcePolicyAllows(toSession, session)).toBe(true);
  });

  // The encoding read aws:PrincipalArn off `principal`, the session ARN (a wrong PASS).
  it('CheckNoNewAccess: granting the session is new access (the role ARN itself already is)', async () => {
    const toRole = document({
      Effect: 'Allow',
      Principal: { AWS: role },
      Action: 's3:GetObject',
      Resource: '*',
    });
    expect(await noNewAccess(allButAdmin, toRole, 'RESOURCE_POLICY')).toBe('FAIL');
    expect(await noNewAccess(allButAdmin, toSession, 'RESOURCE_POLICY')).toBe('FAIL');
  });

  it('CheckAccessNotGranted: a session of the role named in ArnEquals aws:PrincipalArn is granted', async () => {
    const policy = document({
      Effect: 'Allow',
      Principal: { AWS: session },
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': role } },
    });
    expect(resourcePolicyAllows(policy, session)).toBe(true);
    const outcome = await checkAccessNotGranted({
      policyDocument: policy,
      access: [{ actions: ['s3:GetObject'] }],
      policyType: 'RESOURCE_POLICY',
    });
    expect(outcome.ok && outcome.response.result).toBe('FAIL');
  });
  it('${aws:PrincipalArn} of a session names its role, not the session', async () => {
    const objectOf = (name: string): string =>
      document({
        Effect: 'Allow',
        Principal: { AWS: session },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::b/${name}`,
      });
    const outcome = await checkNoNewAccess(
      {
        existingPolicyDocument: objectOf(session),
        newPolicyDocument: objectOf('${aws:PrincipalArn}'),
        policyType: 'RESOURCE_POLICY',
      },
      { summarize: false },
    );
    expect(outcome.ok && outcome.response.result).toBe('FAIL');
    if (outcome.ok && outcome.response.result === 'FAIL')
      expect(outcome.response.counterexample.resource).toMatch(
        /^arn:aws:s3:::b\/arn:aws:iam::111122223333:role\/(.+\/)?admin$/,
      );
  });
});

describe('keys AWS sets only for some callers', () => {
  // Only AWS principals carry aws:PrincipalArn; only IAM users carry aws:username and the type `User`.
  const awsCallers = document({
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: '*',
    Condition: { Null: { 'aws:PrincipalArn': 'false' } },
  });
  const grantIf = (condition: object): string =>
    document({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: condition,
    });

  // The encoding let a canonical user or service carry aws:PrincipalType `User` (a wrong FAIL).
  it('aws:PrincipalType User is an AWS principal: no new access over every AWS principal', async () => {
    expect(
      await noNewAccess(
        awsCallers,
        grantIf({ StringEquals: { 'aws:PrincipalType': 'User' } }),
        'RESOURCE_POLICY',
      ),
    ).toBe('PASS');
  });

  // The encoding let an anonymous caller or a role carry aws:username, even empty (a wrong FAIL).
  it('aws:username is an IAM user’s: no new access over every AWS principal', async () => {
    expect(
      await noNewAccess(awsCallers, grantIf({ StringLike: { 'aws:username': '*' } }), 'RESOURCE_POLICY'),
    ).toBe('PASS');
  });
});

describe('condition values the encoding reads as the evaluator does', () => {
  const grantIf = (condition: object): string =>
    document({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: condition });

  it('an IPv6 block written with an embedded IPv4 tail is an IPv6 block, not nothing (was a wrong PASS)', async () => {
    const v4 = grantIf({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } });
    const mapped = grantIf({ IpAddress: { 'aws:SourceIp': '::ffff:10.0.0.0/104' } });
    const outcome = await checkNoNewAccess(
      { existingPolicyDocument: v4, newPolicyDocument: mapped, policyType: 'IDENTITY_POLICY' },
      { summarize: false },
    );
    expect(outcome.ok && outcome.response.result).toBe('FAIL');
    if (outcome.ok && outcome.response.result === 'FAIL') {
      // The new access is over IPv6, which an IPv4 block never matches.
      expect(outcome.response.counterexample.context['aws:sourceip']).toContain(':');
    }
    // The same block in another spelling is no new access.
    const spelled = grantIf({ IpAddress: { 'aws:SourceIp': '::ffff:a00:0/104' } });
    expect(await noNewAccess(mapped, spelled, 'IDENTITY_POLICY')).toBe('PASS');
    expect(await noNewAccess(spelled, mapped, 'IDENTITY_POLICY')).toBe('PASS');
  });

  it('a BinaryEquals value matches every spelling of its bytes (was a wrong PASS and a replay error)', async () => {
    const asText = grantIf({ StringEquals: { 'aws:PrincipalTag/blob': 'QQ==' } });
    const asBinary = grantIf({ BinaryEquals: { 'aws:PrincipalTag/blob': 'QQ==' } });
    // The evaluator reads `QR` as the byte "A" too: new access over the string test.
    const outcome = await checkNoNewAccess(
      { existingPolicyDocument: asText, newPolicyDocument: asBinary, policyType: 'IDENTITY_POLICY' },
      { summarize: false },
    );
    expect(outcome.ok && outcome.response.result).toBe('FAIL');
    if (outcome.ok && outcome.response.result === 'FAIL') {
      expect(outcome.response.counterexample.context['aws:principaltag/blob']).not.toBe('QQ==');
    }
    const unpadded = grantIf({ BinaryEquals: { 'aws:PrincipalTag/blob': 'QmluYXJ5' } });
    const padded = grantIf({ BinaryEquals: { 'aws:PrincipalTag/blob': 'QmluYXJ5==' } });
    expect(await noNewAccess(unpadded, padded, 'IDENTITY_POLICY')).toBe('PASS');
    expect(await noNewAccess(padded, unpadded, 'IDENTITY_POLICY')).toBe('PASS');
  });

  it('a Null value other than true or false matches nothing (was a wrong PASS)', async () => {
    const unreadable = grantIf({ Null: { 'aws:PrincipalTag/team': 'yes' } });
    const present = grantIf({ Null: { 'aws:PrincipalTag/team': 'false' } });
    expect(await noNewAccess(unreadable, present, 'IDENTITY_POLICY')).toBe('FAIL');
    expect(await noNewAccess(present, unreadable, 'IDENTITY_POLICY')).toBe('PASS');
  });
});

describe('a FAIL names the statements a later query could not settle', () => {
  // The fast engine does not realize a cycle of three policy-variable equalities
  // (documented); without Z3 that statement stays undecided.
  const existing = document({ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' });
  const cycle = {
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: '*',
    Condition: {
      StringEquals: {
        'aws:PrincipalTag/x': '${aws:PrincipalTag/y}',
        'aws:PrincipalTag/y': '${aws:PrincipalTag/z}',
        'aws:PrincipalTag/z': '${aws:PrincipalTag/x}',
      },
    },
  };
  const plain = { Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: '*' };

  it('lists it as possible, with the reason, instead of leaving it out', async () => {
    const outcome = await checkNoNewAccess(
      {
        existingPolicyDocument: existing,
        newPolicyDocument: document(plain, cycle),
        policyType: 'RESOURCE_POLICY',
      },
      { summarize: false, fallback: false },
    );
    expect(outcome.ok && outcome.response.result).toBe('FAIL');
    if (!outcome.ok || outcome.response.result !== 'FAIL') return;
    expect(outcome.response.reasons.map((reason) => reason.statementIndex)).toEqual([0, 1]);
    expect(outcome.response.reasons[0]?.description).toBe('New access in the statement with index: 0');
    expect(outcome.response.reasons[1]?.description).toMatch(
      /^Possibly also: New access in the statement with index: 1 \(not decided: .+\)$/,
    );
  });
});

describe('a pinned account next to a fixed account is realized by the fast engine (was UNKNOWN, Z3 too)', () => {
  const pinned = (extra: object): object => ({
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: '*',
    Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' }, ...extra },
  });
  const sendOnly = document({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' });

  for (const account of [A, '4*']) {
    it(`identity policy, StringLike aws:PrincipalAccount ${account}: FAIL with a confirmed example`, async () => {
      const outcome = await checkNoNewAccess(
        {
          existingPolicyDocument: sendOnly,
          newPolicyDocument: document(pinned({ StringLike: { 'aws:PrincipalAccount': account } })),
          policyType: 'IDENTITY_POLICY',
        },
        { summarize: false, fallback: false },
      );
      expect(outcome.ok && outcome.response.result).toBe('FAIL');
      if (outcome.ok && outcome.response.result === 'FAIL') {
        const example = outcome.response.counterexample;
        expect(example.context['aws:resourceaccount']).toMatch(
          account === A ? new RegExp(`^${A}$`) : /^4\d{11}$/,
        );
      }
    });
  }

  it('resource policy naming one user, with the pinned account: FAIL', async () => {
    const nothing = document({
      Effect: 'Allow',
      Principal: '*',
      NotAction: 's3:GetObject',
      NotResource: '*',
    });
    const alice = document({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${A}:user/alice` },
      NotAction: 's3:GetObject',
      NotResource: 'arn:aws:s3:::b?cket/*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } },
    });
    const outcome = await checkNoNewAccess(
      { existingPolicyDocument: nothing, newPolicyDocument: alice, policyType: 'RESOURCE_POLICY' },
      { summarize: false, fallback: false },
    );
    expect(outcome.ok && outcome.response.result).toBe('FAIL');
  });
});

describe('counterexample principals are ones AWS issues', () => {
  it('names use IAM characters only (a role named NUL was shown for ${aws:PrincipalArn} in a Resource)', async () => {
    const sendOnly = document({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' });
    const byArn = document({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/${aws:PrincipalArn}/*',
    });
    const outcome = await checkNoNewAccess(
      { existingPolicyDocument: sendOnly, newPolicyDocument: byArn, policyType: 'IDENTITY_POLICY' },
      { summarize: false, fallback: false },
    );
    expect(outcome.ok && outcome.response.result).toBe('FAIL');
    if (outcome.ok && outcome.response.result === 'FAIL') {
      const { principal } = outcome.response.counterexample;
      expect(principal?.type).toBe('AWS');
      expect(principal?.type === 'AWS' && principal.id).toMatch(
        /^arn:aws:(iam::\d{12}:(root|(user|role)\/([!-.0-\x7f]+\/)*[\w+=,.@-]+)|sts::\d{12}:(assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+|federated-user\/[\w+=,.@-]+))$/,
      );
    }
  });
});

describe('Action lists are told apart from entries holding a line break (a cache key joined entries with \\n)', () => {
  const allow = (Action: string[]): string => document({ Effect: 'Allow', Action, Resource: '*' });
  const joined = allow(['s3:GetObject\ns3:PutObject']);
  const split = allow(['s3:GetObject', 's3:PutObject']);

  it('the evaluator says so: the one entry grants neither action', () => {
    const parsed = parsePolicy(joined);
    if (!parsed.ok) throw new Error('unparsable');
    const request = { principal: role, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' };
    expect(evaluate(request, { identityPolicies: [parsed.policy] }).decision).toBe('ImplicitDeny');
  });

  it('CheckNoNewAccess: the two entries are new access over the one, whichever is encoded first (was a wrong PASS)', async () => {
    expect(await noNewAccess(joined, split, 'IDENTITY_POLICY')).toBe('FAIL');
    // The one entry, with two colons, names no action a request can have.
    expect(await noNewAccess(split, joined, 'IDENTITY_POLICY')).toBe('PASS');
    expect(await noNewAccess(joined, split, 'IDENTITY_POLICY')).toBe('FAIL');
  });
});

describe('tests the logic leaves free are shared only by equal tests (descriptions joined values with commas)', () => {
  // Next to a string test of aws:TagKeys, a numeric one is left free; ["5,6"] and ["5", "6"] were one free test.
  const allow = (bound: (string | number)[]): string =>
    document({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: '*',
      Condition: {
        'ForAnyValue:StringEquals': { 'aws:TagKeys': 'x' },
        'ForAnyValue:NumericLessThan': { 'aws:TagKeys': bound },
      },
    });
  const joined = allow(['5,6']);
  const split = allow(['5', '6']);

  it('the evaluator says the split bounds grant what the joined one does not', () => {
    const request = {
      principal: role,
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::b/k',
      context: { 'aws:TagKeys': ['x', '1'] },
    };
    const decision = (text: string): string => {
      const parsed = parsePolicy(text);
      if (!parsed.ok) throw new Error('unparsable');
      return evaluate(request, { identityPolicies: [parsed.policy] }).decision;
    };
    expect(decision(split)).toBe('Allow');
    expect(decision(joined)).toBe('ImplicitDeny');
  });

  it('CheckNoNewAccess never proves the split bounds grant nothing new (was a wrong PASS)', async () => {
    expect(await noNewAccess(joined, split, 'IDENTITY_POLICY')).not.toBe('PASS');
  });
});
