// Specifications of the decision across policy kinds: "Policy evaluation
// logic", "Policy evaluation for requests within a single account",
// "Cross-account policy evaluation logic", permissions boundaries, session
// policies, SCPs and RCPs.
import { describe, expect, it } from 'vitest';
import { evaluate, type EvaluationPolicies } from '../../src/iam/evaluate/evaluate.js';
import type { RequestPrincipal } from '../../src/iam/evaluate/request.js';
import {
  account,
  alice,
  allow,
  bucket,
  decide,
  deny,
  object,
  otherAccount,
  policy,
  request,
} from './evaluate-helpers.js';

const getObject = policy(allow({ Sid: 'Get', Action: 's3:GetObject' }));
const nothing = policy(allow({ Sid: 'OnlyEc2', Action: 'ec2:*' }));
const roleArn = `arn:aws:iam::${account}:role/app/reporting`;
const session: RequestPrincipal = {
  kind: 'aws',
  arn: `arn:aws:sts::${account}:assumed-role/reporting/job-42`,
  roleArn,
};
const resourceGrant = (principal: unknown): EvaluationPolicies['resourcePolicy'] =>
  policy(allow({ Sid: 'Grant', Principal: principal, Action: 's3:GetObject', Resource: `${bucket}/*` }));

describe('permissions boundaries', () => {
  it('limit identity-based grants ("only the actions allowed by both its identity-based policies and its permissions boundaries")', () => {
    expect(decide({}, { identityPolicies: [getObject], permissionsBoundary: nothing })).toBe('ImplicitDeny');
    expect(decide({}, { identityPolicies: [getObject], permissionsBoundary: getObject })).toBe('Allow');
    expect(decide({}, { identityPolicies: [nothing], permissionsBoundary: getObject })).toBe('ImplicitDeny');
  });

  it('name the boundary as the reason when identity-based policies allow and it does not', () => {
    const result = evaluate(request(), { identityPolicies: [getObject], permissionsBoundary: nothing });
    expect(result.decision === 'ImplicitDeny' && result.reasons).toEqual([{ kind: 'permissionsBoundary' }]);
  });

  it('an explicit deny in the boundary denies', () => {
    expect(
      decide(
        {},
        {
          identityPolicies: [getObject],
          permissionsBoundary: policy(allow({}), deny({ Action: 's3:Get*' })),
        },
      ),
    ).toBe('ExplicitDeny');
  });

  it('do not limit a same-account resource-based grant to the IAM user ("an implicit deny in a permissions boundary does not limit the permissions granted to an IAM user by a resource-based policy")', () => {
    expect(decide({}, { resourcePolicy: resourceGrant({ AWS: alice }), permissionsBoundary: nothing })).toBe(
      'Allow',
    );
  });

  it('limit a same-account resource-based grant to the role ("an implicit deny in a permissions boundary does limit the permissions granted to the ARN of the underlying IAM role")', () => {
    const policies = { resourcePolicy: resourceGrant({ AWS: roleArn }), permissionsBoundary: nothing };
    expect(decide({ principal: session }, policies)).toBe('ImplicitDeny');
    expect(decide({ principal: session }, { ...policies, permissionsBoundary: getObject })).toBe('Allow');
  });

  it('do not limit a same-account resource-based grant to the role session itself', () => {
    const sessionGrant = resourceGrant({ AWS: `arn:aws:sts::${account}:assumed-role/reporting/job-42` });
    expect(
      decide({ principal: session }, { resourcePolicy: sessionGrant, permissionsBoundary: nothing }),
    ).toBe('Allow');
  });

  it('limit cross-account access: the caller side must pass its boundary', () => {
    const carol = { principal: `arn:aws:iam::${otherAccount}:user/carol`, resourceAccount: account };
    const policies = {
      resourcePolicy: resourceGrant({ AWS: carol.principal }),
      identityPolicies: [getObject],
    };
    expect(decide(carol, policies)).toBe('Allow');
    expect(decide(carol, { ...policies, permissionsBoundary: nothing })).toBe('ImplicitDeny');
  });

  it('make a resource-policy Deny with NotPrincipal deny every principal with a boundary, whatever it names ("will always deny any IAM principal that has a permissions boundary policy attached")', () => {
    const resourcePolicy = policy(
      allow({ Principal: { AWS: alice }, Action: 's3:GetObject' }),
      deny({ NotPrincipal: { AWS: alice }, Action: 's3:GetObject' }),
    );
    expect(decide({}, { resourcePolicy })).toBe('Allow');
    expect(decide({}, { resourcePolicy, permissionsBoundary: getObject })).toBe('ExplicitDeny');
  });
});

describe('session policies', () => {
  it('limit the identity-based grants of the session ("the intersection of the identity-based policies and the session policies")', () => {
    const policies = { identityPolicies: [policy(allow({ Action: 's3:*' }))] };
    expect(decide({ principal: session }, { ...policies, sessionPolicies: [getObject] })).toBe('Allow');
    expect(
      decide({ principal: session, action: 's3:PutObject' }, { ...policies, sessionPolicies: [getObject] }),
    ).toBe('ImplicitDeny');
    const result = evaluate(request({ principal: session }), { ...policies, sessionPolicies: [nothing] });
    expect(result.decision === 'ImplicitDeny' && result.reasons).toEqual([{ kind: 'sessionPolicy' }]);
  });

  it('allow when any one of several session policies allows', () => {
    const policies = { identityPolicies: [getObject], sessionPolicies: [nothing, getObject] };
    expect(decide({ principal: session }, policies)).toBe('Allow');
  });

  it('do not limit a resource-based grant to the session ARN ("the session policy doesn\'t limit them")', () => {
    const sessionGrant = resourceGrant({ AWS: session.kind === 'aws' ? session.arn : '' });
    expect(decide({ principal: session }, { resourcePolicy: sessionGrant, sessionPolicies: [nothing] })).toBe(
      'Allow',
    );
  });

  it('limit a resource-based grant to the role ARN ("the session policy limits the total permissions")', () => {
    expect(
      decide(
        { principal: session },
        { resourcePolicy: resourceGrant({ AWS: roleArn }), sessionPolicies: [nothing] },
      ),
    ).toBe('ImplicitDeny');
    expect(
      decide(
        { principal: session },
        { resourcePolicy: resourceGrant({ AWS: roleArn }), sessionPolicies: [getObject] },
      ),
    ).toBe('Allow');
  });
});

describe('role sessions in resource-based policies', () => {
  it('a role ARN names the sessions of that role, whatever its path', () => {
    expect(decide({ principal: session }, { resourcePolicy: resourceGrant({ AWS: roleArn }) })).toBe('Allow');
    const withoutPath = `arn:aws:iam::${account}:role/reporting`;
    expect(
      decide(
        { principal: `arn:aws:sts::${account}:assumed-role/reporting/job-1` },
        { resourcePolicy: resourceGrant({ AWS: withoutPath }) },
      ),
    ).toBe('Allow');
  });

  it('another role or a session of another role is not named', () => {
    const other = `arn:aws:iam::${account}:role/auditing`;
    expect(decide({ principal: session }, { resourcePolicy: resourceGrant({ AWS: other }) })).toBe(
      'ImplicitDeny',
    );
  });

  it('a Deny with NotPrincipal naming a role spares the sessions of that role and no one else', () => {
    const resourcePolicy = policy(
      allow({ Principal: '*', Action: 's3:GetObject' }),
      deny({ NotPrincipal: { AWS: [roleArn, account] }, Action: 's3:GetObject' }),
    );
    expect(decide({ principal: session }, { resourcePolicy })).toBe('Allow');
    const carol = { principal: `arn:aws:iam::${otherAccount}:user/carol`, resourceAccount: account };
    expect(decide(carol, { resourcePolicy, identityPolicies: [getObject] })).toBe('ExplicitDeny');
    const onlyRole = policy(allow({ Principal: '*' }), deny({ NotPrincipal: { AWS: roleArn } }));
    expect(decide({}, { resourcePolicy: onlyRole })).toBe('ExplicitDeny');
  });

  it('aws:PrincipalArn of a session is its role ARN', () => {
    const identityPolicies = [policy(allow({ Condition: { ArnEquals: { 'aws:PrincipalArn': roleArn } } }))];
    expect(decide({ principal: session }, { identityPolicies })).toBe('Allow');
  });
});

describe('service control policies', () => {
  const identityPolicies = [policy(allow({}))];

  it('every level must allow: root, each OU, the account', () => {
    const full = policy(allow({ Sid: 'FullAWSAccess' }));
    const s3Only = policy(allow({ Action: 's3:*' }));
    expect(decide({}, { identityPolicies, serviceControlPolicies: [[full], [s3Only], [full]] })).toBe(
      'Allow',
    );
    expect(
      decide(
        { action: 'ec2:RunInstances', resource: '*' },
        { identityPolicies, serviceControlPolicies: [[full], [s3Only], [full]] },
      ),
    ).toBe('ImplicitDeny');
    const result = evaluate(request({ action: 'ec2:RunInstances', resource: '*' }), {
      identityPolicies,
      serviceControlPolicies: [[full], [s3Only], [full]],
    });
    expect(result.decision === 'ImplicitDeny' && result.reasons).toEqual([
      { kind: 'serviceControlPolicy', level: 1 },
    ]);
  });

  it('within a level, any one SCP allowing is enough', () => {
    expect(decide({}, { identityPolicies, serviceControlPolicies: [[nothing, getObject]] })).toBe('Allow');
  });

  it('grant nothing by themselves ("SCPs alone are not sufficient to grant permissions")', () => {
    expect(decide({}, { serviceControlPolicies: [[policy(allow({}))]] })).toBe('ImplicitDeny');
  });

  it('limit resource-based grants to principals of the account too', () => {
    expect(
      decide({}, { resourcePolicy: resourceGrant({ AWS: alice }), serviceControlPolicies: [[nothing]] }),
    ).toBe('ImplicitDeny');
  });

  it('a Deny in any SCP denies explicitly', () => {
    expect(
      decide(
        {},
        { identityPolicies, serviceControlPolicies: [[policy(allow({}), deny({ Action: 's3:GetObject' }))]] },
      ),
    ).toBe('ExplicitDeny');
  });

  it('do not apply to service principals, which are not principals of a member account', () => {
    const resourcePolicy = resourceGrant({ Service: 'logging.s3.amazonaws.com' });
    expect(
      decide(
        { principal: 'logging.s3.amazonaws.com' },
        { resourcePolicy, serviceControlPolicies: [[nothing]] },
      ),
    ).toBe('Allow');
  });

  const denyAll = policy(deny({ Sid: 'DenyAll' }));
  const serviceLinkedRole = `arn:aws:iam::${account}:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk`;

  it('do not affect users or roles of the management account, their Deny statements included', () => {
    const scps = { identityPolicies, serviceControlPolicies: [[nothing], [denyAll]] };
    expect(decide({ managementAccount: account }, scps)).toBe('Allow');
    expect(decide({ managementAccount: otherAccount }, scps)).toBe('ExplicitDeny');
    expect(decide({}, scps)).toBe('ExplicitDeny');
  });

  it('do not affect a service-linked role: its path is /aws-service-role/, or the request says so for a session', () => {
    const scps = { identityPolicies, serviceControlPolicies: [[denyAll]] };
    expect(decide({ principal: serviceLinkedRole }, scps)).toBe('Allow');
    const sessionArn = `arn:aws:sts::${account}:assumed-role/AWSServiceRoleForElasticBeanstalk/session`;
    expect(decide({ principal: { kind: 'aws', arn: sessionArn, roleArn: serviceLinkedRole } }, scps)).toBe(
      'Allow',
    );
    expect(decide({ principal: { kind: 'aws', arn: sessionArn, isServiceLinkedRole: true } }, scps)).toBe(
      'Allow',
    );
    // A session ARN carries no path: without the role ARN or the flag, it is an ordinary role's session.
    expect(decide({ principal: sessionArn }, scps)).toBe('ExplicitDeny');
    expect(
      decide({ principal: { kind: 'aws', arn: serviceLinkedRole, isServiceLinkedRole: false } }, scps),
    ).toBe('ExplicitDeny');
  });
});

describe('resource control policies', () => {
  const denyAll = policy(deny({ Sid: 'DenyAll', Principal: '*' }));

  it('do not affect resources of the management account, whoever asks', () => {
    const carol = { principal: `arn:aws:iam::${otherAccount}:user/carol`, resourceAccount: account };
    const policies = {
      resourcePolicy: resourceGrant({ AWS: otherAccount }),
      identityPolicies: [getObject],
      resourceControlPolicies: [[denyAll]],
    };
    expect(decide({ ...carol, managementAccount: account }, policies)).toBe('Allow');
    expect(decide({ ...carol, managementAccount: otherAccount }, policies)).toBe('ExplicitDeny');
  });

  it('do not restrict AWS service principals', () => {
    const resourcePolicy = resourceGrant({ Service: 'logging.s3.amazonaws.com' });
    expect(
      decide(
        { principal: 'logging.s3.amazonaws.com' },
        { resourcePolicy, resourceControlPolicies: [[nothing], [denyAll]] },
      ),
    ).toBe('Allow');
  });

  it('do not restrict service-linked roles', () => {
    const serviceLinkedRole = `arn:aws:iam::${account}:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk`;
    const policies = { identityPolicies: [getObject], resourceControlPolicies: [[denyAll]] };
    expect(decide({ principal: serviceLinkedRole }, policies)).toBe('Allow');
    expect(decide({}, policies)).toBe('ExplicitDeny');
  });

  it('every level must allow, for IAM and anonymous callers alike', () => {
    const rcp = policy(allow({ Principal: '*', Action: 's3:GetObject' }));
    const resourcePolicy = resourceGrant('*');
    expect(decide({ principal: '*' }, { resourcePolicy, resourceControlPolicies: [[rcp]] })).toBe('Allow');
    expect(decide({ principal: '*' }, { resourcePolicy, resourceControlPolicies: [[rcp], [nothing]] })).toBe(
      'ImplicitDeny',
    );
    const result = evaluate(request({ principal: '*' }), {
      resourcePolicy,
      resourceControlPolicies: [[rcp], [nothing]],
    });
    expect(result.decision === 'ImplicitDeny' && result.reasons).toEqual([
      { kind: 'resourceControlPolicy', level: 1 },
    ]);
  });

  it('a Deny in an RCP denies explicitly (the data perimeter pattern)', () => {
    const perimeter = policy(
      allow({ Principal: '*' }),
      deny({
        Principal: '*',
        Action: 's3:*',
        Condition: {
          StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-example' },
          Bool: { 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    const carol = { principal: `arn:aws:iam::${otherAccount}:user/carol`, resourceAccount: account };
    const policies = { resourcePolicy: resourceGrant({ AWS: otherAccount }), identityPolicies: [getObject] };
    expect(decide(carol, { ...policies, resourceControlPolicies: [[perimeter]] })).toBe('ExplicitDeny');
    expect(
      decide(
        { ...carol, context: { 'aws:PrincipalOrgID': 'o-example' } },
        { ...policies, resourceControlPolicies: [[perimeter]] },
      ),
    ).toBe('Allow');
  });
});

describe('same account and cross-account', () => {
  it('within one account, either an identity-based or a resource-based policy is enough ("if either ... allows the request and the other doesn\'t, the request is still allowed")', () => {
    expect(decide({}, { identityPolicies: [getObject] })).toBe('Allow');
    expect(decide({}, { resourcePolicy: resourceGrant({ AWS: alice }) })).toBe('Allow');
  });

  it('an explicit deny in the resource-based policy overrides an identity-based allow', () => {
    expect(
      decide({}, { identityPolicies: [getObject], resourcePolicy: policy(deny({ Principal: '*' })) }),
    ).toBe('ExplicitDeny');
  });

  it('the resource owner is the account in the resource ARN when it names one', () => {
    const queue = `arn:aws:sqs:us-east-1:${otherAccount}:jobs`;
    const identityPolicies = [policy(allow({ Action: 'sqs:SendMessage' }))];
    expect(decide({ action: 'sqs:SendMessage', resource: queue }, { identityPolicies })).toBe('ImplicitDeny');
    expect(
      decide(
        { action: 'sqs:SendMessage', resource: queue },
        {
          identityPolicies,
          resourcePolicy: policy(allow({ Principal: { AWS: account }, Action: 'sqs:SendMessage' })),
        },
      ),
    ).toBe('Allow');
  });

  it('cross-account, a resource policy naming the caller account needs the identity-based policy too', () => {
    const carol = { principal: `arn:aws:iam::${otherAccount}:user/carol`, resourceAccount: account };
    const resourcePolicy = resourceGrant({ AWS: otherAccount });
    expect(decide(carol, { resourcePolicy, identityPolicies: [getObject] })).toBe('Allow');
    const result = evaluate(request(carol), { resourcePolicy, identityPolicies: [nothing] });
    expect(result.decision === 'ImplicitDeny' && result.reasons).toEqual([{ kind: 'identityPolicy' }]);
  });

  it('the account root user has full access in its own account ("with the exception of the AWS account root user")', () => {
    const root = `arn:aws:iam::${account}:root`;
    expect(decide({ principal: root }, {})).toBe('Allow');
    expect(decide({ principal: account }, {})).toBe('Allow');
    expect(decide({ principal: root }, { serviceControlPolicies: [[nothing]] })).toBe('ImplicitDeny');
    expect(decide({ principal: root }, { resourcePolicy: policy(deny({ Principal: '*' })) })).toBe(
      'ExplicitDeny',
    );
  });

  it('the root user needs no identity-based policy, but a boundary given for it still limits it', () => {
    const root = `arn:aws:iam::${account}:root`;
    expect(decide({ principal: root }, { permissionsBoundary: nothing })).toBe('ImplicitDeny');
    expect(decide({ principal: root }, { permissionsBoundary: getObject })).toBe('Allow');
  });

  it('a root user of another account needs the resource policy to grant to its account', () => {
    const root = { principal: `arn:aws:iam::${otherAccount}:root`, resourceAccount: account };
    expect(decide(root, {})).toBe('ImplicitDeny');
    expect(decide(root, { resourcePolicy: resourceGrant({ AWS: otherAccount }) })).toBe('Allow');
  });

  it('callers with no identity-based policies are allowed by the resource-based policy alone', () => {
    const anonymous = { principal: '*' };
    expect(decide(anonymous, { resourcePolicy: resourceGrant('*') })).toBe('Allow');
    expect(decide(anonymous, { identityPolicies: [getObject] })).toBe('ImplicitDeny');
    const federated = {
      principal: { kind: 'federated', provider: 'cognito-identity.amazonaws.com' } as const,
    };
    const trust = policy(
      allow({
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
      }),
    );
    expect(
      decide(
        { ...federated, action: 'sts:AssumeRoleWithWebIdentity', resource: roleArn },
        { resourcePolicy: trust },
      ),
    ).toBe('Allow');
  });

  it('reports why: nothing allows within one account', () => {
    const result = evaluate(request(), { identityPolicies: [nothing] });
    expect(result).toEqual({ decision: 'ImplicitDeny', reasons: [{ kind: 'identityOrResourcePolicy' }] });
  });

  it('the statement locations point into the policy text', () => {
    const result = evaluate(request({ resource: object }), { identityPolicies: [getObject] });
    expect(result.decision === 'Allow' && result.allowedBy[0]?.location.path).toEqual([
      { value: 'Statement' },
      { index: 0 },
    ]);
  });
});

describe('KMS key policies and role trust policies decide whether identity-based policies count', () => {
  const key = `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const decrypt = { action: 'kms:Decrypt', resource: key };
  const identityPolicies = [policy(allow({ Action: 'kms:Decrypt' }))];
  const keyPolicy = (principal: unknown) =>
    policy(allow({ Principal: principal, Action: 'kms:*', Resource: '*' }));

  it('a key policy that does not name the account makes IAM policies ineffective ("unless the key policy explicitly allows it, you cannot use IAM policies")', () => {
    const otherUser = `arn:aws:iam::${account}:user/bob`;
    const result = evaluate(request(decrypt), {
      identityPolicies,
      resourcePolicy: keyPolicy({ AWS: otherUser }),
    });
    expect(result.decision === 'ImplicitDeny' && result.reasons).toEqual([{ kind: 'resourcePolicy' }]);
  });

  it('a key policy naming the account root enables IAM policies, but grants nothing by itself', () => {
    expect(
      decide(decrypt, {
        identityPolicies,
        resourcePolicy: keyPolicy({ AWS: `arn:aws:iam::${account}:root` }),
      }),
    ).toBe('Allow');
    expect(decide(decrypt, { resourcePolicy: keyPolicy({ AWS: `arn:aws:iam::${account}:root` }) })).toBe(
      'ImplicitDeny',
    );
  });

  it('a key policy naming the user allows without an IAM policy', () => {
    expect(decide(decrypt, { resourcePolicy: keyPolicy({ AWS: alice }) })).toBe('Allow');
  });

  it('the rule needs the key policy: evaluated without one, IAM policies decide (the default key policy)', () => {
    expect(decide(decrypt, { identityPolicies })).toBe('Allow');
  });

  it('a role trust policy must trust the caller or its account, even within one account', () => {
    const assume = { action: 'sts:AssumeRole', resource: roleArn };
    const canAssume = [policy(allow({ Action: 'sts:AssumeRole' }))];
    const trusting = (principal: unknown) =>
      policy(allow({ Principal: principal, Action: 'sts:AssumeRole', Resource: undefined }));
    expect(
      decide(assume, {
        identityPolicies: canAssume,
        resourcePolicy: trusting({ Service: 'ec2.amazonaws.com' }),
      }),
    ).toBe('ImplicitDeny');
    expect(decide(assume, { identityPolicies: canAssume, resourcePolicy: trusting({ AWS: account }) })).toBe(
      'Allow',
    );
    expect(decide(assume, { resourcePolicy: trusting({ AWS: account }) })).toBe('ImplicitDeny');
    expect(decide(assume, { resourcePolicy: trusting({ AWS: alice }) })).toBe('Allow');
  });

  it('other services keep the same-account rule: an identity-based policy alone is enough', () => {
    const bucketPolicy = policy(
      allow({ Principal: { AWS: `arn:aws:iam::${account}:user/bob` }, Action: 's3:GetObject' }),
    );
    expect(decide({}, { identityPolicies: [getObject], resourcePolicy: bucketPolicy })).toBe('Allow');
  });
});

describe('VPC endpoint policies', () => {
  const endpointPolicy = policy(allow({ Principal: '*', Action: 's3:GetObject', Resource: `${bucket}/*` }));

  it('filter every request through the endpoint: the endpoint policy must allow too ("does not override or replace identity-based policies")', () => {
    expect(decide({}, { identityPolicies: [getObject], vpcEndpointPolicy: endpointPolicy })).toBe('Allow');
    expect(
      decide(
        { action: 's3:PutObject' },
        { identityPolicies: [policy(allow({}))], vpcEndpointPolicy: endpointPolicy },
      ),
    ).toBe('ImplicitDeny');
    const result = evaluate(request({ action: 's3:PutObject' }), {
      identityPolicies: [policy(allow({}))],
      vpcEndpointPolicy: endpointPolicy,
    });
    expect(result.decision === 'ImplicitDeny' && result.reasons).toEqual([{ kind: 'vpcEndpointPolicy' }]);
  });

  it('grant nothing by themselves, and a Deny in them denies', () => {
    expect(decide({}, { vpcEndpointPolicy: endpointPolicy })).toBe('ImplicitDeny');
    const denying = policy(allow({ Principal: '*' }), deny({ Principal: '*', Action: 's3:GetObject' }));
    expect(decide({}, { identityPolicies: [getObject], vpcEndpointPolicy: denying })).toBe('ExplicitDeny');
  });

  it('name principals: an endpoint policy for one account filters out the others', () => {
    const ownAccountOnly = policy(allow({ Principal: { AWS: account } }));
    const carol = { principal: `arn:aws:iam::${otherAccount}:user/carol`, resourceAccount: account };
    const grants = { identityPolicies: [getObject], resourcePolicy: resourceGrant({ AWS: otherAccount }) };
    expect(decide(carol, grants)).toBe('Allow');
    expect(decide(carol, { ...grants, vpcEndpointPolicy: ownAccountOnly })).toBe('ImplicitDeny');
    expect(decide({}, { identityPolicies: [getObject], vpcEndpointPolicy: ownAccountOnly })).toBe('Allow');
  });
});
