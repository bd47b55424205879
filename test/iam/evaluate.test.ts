// Specifications of the concrete evaluator: matching of Action, Resource and
// Principal, and the decision across policy kinds. Each test names the AWS
// documentation statement it encodes.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/iam/evaluate/evaluate.js';
import { evaluatePolicyText } from '../../src/iam/evaluate/text.js';
import {
  account,
  alice,
  allow,
  bucket,
  decide,
  deny,
  otherAccount,
  policy,
  request,
} from './evaluate-helpers.js';

describe('Action and NotAction', () => {
  it('match action names and service prefixes case-insensitively ("action names are case-insensitive")', () => {
    const identity = [policy(allow({ Action: 'S3:getobject' }))];
    expect(decide({ action: 's3:GetObject' }, { identityPolicies: identity })).toBe('Allow');
    expect(decide({ action: 'S3:GETOBJECT' }, { identityPolicies: identity })).toBe('Allow');
  });

  it('treat * as any run of characters and ? as exactly one', () => {
    const identity = [policy(allow({ Action: ['s3:Get*', 'ec2:?escribeRegions'] }))];
    expect(decide({ action: 's3:GetObjectTagging' }, { identityPolicies: identity })).toBe('Allow');
    expect(decide({ action: 'ec2:DescribeRegions' }, { identityPolicies: identity })).toBe('Allow');
    expect(decide({ action: 'ec2:DDescribeRegions' }, { identityPolicies: identity })).toBe('ImplicitDeny');
    expect(decide({ action: 's3:PutObject' }, { identityPolicies: identity })).toBe('ImplicitDeny');
  });

  it('NotAction matches every action except those listed ("matches everything except the specified list")', () => {
    const identity = [policy(allow({ Action: undefined, NotAction: 'iam:*' }))];
    expect(decide({ action: 's3:GetObject' }, { identityPolicies: identity })).toBe('Allow');
    expect(decide({ action: 'iam:CreateUser', resource: '*' }, { identityPolicies: identity })).toBe(
      'ImplicitDeny',
    );
  });

  it('an empty Action list matches no action', () => {
    expect(decide({}, { identityPolicies: [policy(allow({ Action: [] }))] })).toBe('ImplicitDeny');
  });
});

describe('Resource and NotResource', () => {
  it('compare ARNs case-sensitively', () => {
    const identity = [policy(allow({ Resource: `${bucket}/Reports/*` }))];
    expect(decide({ resource: `${bucket}/Reports/a` }, { identityPolicies: identity })).toBe('Allow');
    expect(decide({ resource: `${bucket}/reports/a` }, { identityPolicies: identity })).toBe('ImplicitDeny');
  });

  it('let * in the resource part span slashes and colons', () => {
    const identity = [policy(allow({ Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/*' }))];
    expect(decide({ resource: `${bucket}/a/b:c/d` }, { identityPolicies: identity })).toBe('Allow');
  });

  it('keep a wildcard in the service, region or account field inside that field ("each of the six colon-delimited components ... is checked separately")', () => {
    const identity = [policy(allow({ Resource: 'arn:aws:*:us-east-1:*:table/t' }))];
    expect(
      decide({ resource: `arn:aws:dynamodb:us-east-1:${account}:table/t` }, { identityPolicies: identity }),
    ).toBe('Allow');
    // The first `*` cannot swallow `dynamodb:us-east-1` to shift the fields.
    const shifted = [policy(allow({ Resource: 'arn:aws:*:*:table/t' }))];
    expect(
      decide({ resource: `arn:aws:dynamodb:us-east-1:${account}:table/t` }, { identityPolicies: shifted }),
    ).toBe('Allow');
    const strict = [policy(allow({ Resource: 'arn:aws:dynamodb:*:table/t:x:y' }))];
    expect(
      decide({ resource: `arn:aws:dynamodb:us-east-1:${account}:table/t` }, { identityPolicies: strict }),
    ).toBe('ImplicitDeny');
  });

  it('match a bare * against every resource, including `*` itself', () => {
    const identity = [policy(allow({ Resource: '*' }))];
    expect(decide({ resource: '*' }, { identityPolicies: identity })).toBe('Allow');
    expect(decide({ resource: 'arn:aws:sqs:us-east-1:111122223333:q' }, { identityPolicies: identity })).toBe(
      'Allow',
    );
  });

  it('NotResource matches every resource except those listed', () => {
    const identity = [policy(allow({ Resource: undefined, NotResource: `${bucket}/private/*` }))];
    expect(decide({ resource: `${bucket}/public/a` }, { identityPolicies: identity })).toBe('Allow');
    expect(decide({ resource: `${bucket}/private/a` }, { identityPolicies: identity })).toBe('ImplicitDeny');
  });

  it('substitute ${aws:username} from the request ("policy variables ... replaced with values from the request")', () => {
    const identity = [policy(allow({ Resource: `${bucket}/home/\${aws:username}/*` }))];
    expect(decide({ resource: `${bucket}/home/alice/x` }, { identityPolicies: identity })).toBe('Allow');
    expect(decide({ resource: `${bucket}/home/bob/x` }, { identityPolicies: identity })).toBe('ImplicitDeny');
  });

  it('a variable with no value and no default makes the entry match nothing ("the policy element does not match")', () => {
    const identity = [policy(allow({ Resource: `${bucket}/\${aws:PrincipalTag/team}/*` }))];
    expect(decide({ resource: `${bucket}//x` }, { identityPolicies: identity })).toBe('ImplicitDeny');
    expect(decide({ resource: `${bucket}/*/x` }, { identityPolicies: identity })).toBe('ImplicitDeny');
    const withTag = { context: { 'aws:PrincipalTag/team': 'blue' } };
    expect(decide({ ...withTag, resource: `${bucket}/blue/x` }, { identityPolicies: identity })).toBe(
      'Allow',
    );
  });

  it("a variable's default applies when the key is absent (\"${aws:username, 'default'}\")", () => {
    const identity = [policy(allow({ Resource: `${bucket}/\${aws:PrincipalTag/team, 'shared'}/*` }))];
    expect(decide({ resource: `${bucket}/shared/x` }, { identityPolicies: identity })).toBe('Allow');
    expect(
      decide(
        { resource: `${bucket}/shared/x`, context: { 'aws:PrincipalTag/team': 'red' } },
        { identityPolicies: identity },
      ),
    ).toBe('ImplicitDeny');
  });

  it('a substituted value is literal text, not a wildcard', () => {
    const identity = [policy(allow({ Resource: `${bucket}/\${aws:PrincipalTag/team}/x` }))];
    const context = { 'aws:PrincipalTag/team': '*' };
    expect(decide({ context, resource: `${bucket}/*/x` }, { identityPolicies: identity })).toBe('Allow');
    expect(decide({ context, resource: `${bucket}/blue/x` }, { identityPolicies: identity })).toBe(
      'ImplicitDeny',
    );
  });

  it('${*}, ${?} and ${$} stand for the characters themselves', () => {
    const identity = [policy(allow({ Resource: `${bucket}/\${*}\${?}\${$}` }))];
    expect(decide({ resource: `${bucket}/*?$` }, { identityPolicies: identity })).toBe('Allow');
    expect(decide({ resource: `${bucket}/ab$` }, { identityPolicies: identity })).toBe('ImplicitDeny');
  });

  it('policy variables are plain text in a 2008-10-17 policy', () => {
    const text = JSON.stringify({
      Version: '2008-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: `${bucket}/\${aws:username}` }],
    });
    const evaluated = (resource: string): string | undefined => {
      const outcome = evaluatePolicyText(request({ resource }), { identityPolicies: [text] });
      return outcome.ok ? outcome.result.decision : undefined;
    };
    expect(evaluated(`${bucket}/alice`)).toBe('ImplicitDeny');
    expect(evaluated(`${bucket}/\${aws:username}`)).toBe('Allow');
  });
});

describe('explicit and implicit deny', () => {
  it('denies by default ("by default, all requests are implicitly denied")', () => {
    expect(evaluate(request(), {})).toEqual({
      decision: 'ImplicitDeny',
      reasons: [{ kind: 'identityOrResourcePolicy' }],
    });
  });

  it('an explicit deny in any policy overrides any allow ("an explicit deny overrides an explicit allow")', () => {
    const result = evaluate(request(), {
      identityPolicies: [
        policy(allow({ Sid: 'All' })),
        policy(deny({ Sid: 'NoReports', Resource: `${bucket}/reports/*` })),
      ],
    });
    expect(result.decision).toBe('ExplicitDeny');
    expect(result.decision === 'ExplicitDeny' && result.deniedBy.map((s) => [s.policy.index, s.sid])).toEqual(
      [[1, 'NoReports']],
    );
  });

  it('names the allowing statements of every kind that had to allow', () => {
    const result = evaluate(request(), {
      identityPolicies: [policy(allow({ Sid: 'Id' }))],
      permissionsBoundary: policy(allow({ Sid: 'Boundary', Action: 's3:*' })),
      serviceControlPolicies: [[policy(allow({ Sid: 'Root' }))], [policy(allow({ Sid: 'Ou' }))]],
    });
    expect(result.decision === 'Allow' && result.allowedBy.map((s) => `${s.policy.kind}:${s.sid}`)).toEqual([
      'serviceControl:Root',
      'serviceControl:Ou',
      'identity:Id',
      'permissionsBoundary:Boundary',
    ]);
  });
});

describe('principals in resource-based policies', () => {
  const resourcePolicy = (principal: unknown) =>
    policy(allow({ Principal: principal, Action: 's3:GetObject', Resource: `${bucket}/*` }));
  const crossAccountUser = `arn:aws:iam::${otherAccount}:user/carol`;
  // S3 ARNs name no account: the bucket's owner is stated.
  const carol = { principal: crossAccountUser, resourceAccount: account };
  const carolIdentity = [policy(allow({ Action: 's3:GetObject' }))];

  it('an account id and its root ARN both name every principal of the account', () => {
    for (const principal of [{ AWS: otherAccount }, { AWS: `arn:aws:iam::${otherAccount}:root` }]) {
      expect(
        decide(carol, { resourcePolicy: resourcePolicy(principal), identityPolicies: carolIdentity }),
      ).toBe('Allow');
    }
  });

  it('cross-account, both the identity-based and the resource-based policy must allow', () => {
    const resource = resourcePolicy({ AWS: otherAccount });
    expect(decide(carol, { resourcePolicy: resource })).toBe('ImplicitDeny');
    expect(decide(carol, { identityPolicies: carolIdentity })).toBe('ImplicitDeny');
    const result = evaluate(request(carol), { identityPolicies: carolIdentity });
    expect(result.decision === 'ImplicitDeny' && result.reasons).toEqual([{ kind: 'resourcePolicy' }]);
  });

  it('within one account, a resource policy naming the user allows without any identity-based policy', () => {
    expect(decide({}, { resourcePolicy: resourcePolicy({ AWS: alice }) })).toBe('Allow');
  });

  it('within one account, a resource policy naming only the account grants nothing by itself', () => {
    expect(decide({}, { resourcePolicy: resourcePolicy({ AWS: account }) })).toBe('ImplicitDeny');
    expect(
      decide(
        {},
        {
          resourcePolicy: resourcePolicy({ AWS: account }),
          identityPolicies: [policy(allow({ Action: 's3:*' }))],
        },
      ),
    ).toBe('Allow');
  });

  it('"*" names everyone, anonymous callers included', () => {
    expect(decide({ principal: '*' }, { resourcePolicy: resourcePolicy('*') })).toBe('Allow');
    expect(decide({ principal: '*' }, { resourcePolicy: resourcePolicy({ AWS: '*' }) })).toBe('Allow');
    expect(decide({ principal: '*' }, { resourcePolicy: resourcePolicy({ AWS: account }) })).toBe(
      'ImplicitDeny',
    );
  });

  it('a service principal is named by its service name', () => {
    const resource = resourcePolicy({ Service: 'cloudtrail.amazonaws.com' });
    expect(decide({ principal: 'cloudtrail.amazonaws.com' }, { resourcePolicy: resource })).toBe('Allow');
    expect(decide({ principal: 'config.amazonaws.com' }, { resourcePolicy: resource })).toBe('ImplicitDeny');
  });

  it('a Deny with NotPrincipal leaves only the named account (the seed example)', () => {
    const resource = policy(
      allow({ Principal: '*', Action: 's3:PutObject', Resource: bucket }),
      deny({ NotPrincipal: { AWS: account } }),
    );
    const put = { action: 's3:PutObject', resource: bucket };
    expect(decide({ ...put, principal: '*' }, { resourcePolicy: resource })).toBe('ExplicitDeny');
    expect(decide({ ...put, ...carol }, { resourcePolicy: resource })).toBe('ExplicitDeny');
    expect(decide({ ...put }, { resourcePolicy: resource })).toBe('Allow');
  });
});
