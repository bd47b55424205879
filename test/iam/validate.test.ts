import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadValidationCatalogs,
  validatePolicy,
  validatePolicyWithCatalogs,
  type ValidationCatalogs,
  type PolicyType,
  type ValidatePolicyFinding,
} from '../../src/iam/index.js';

let catalogs: ValidationCatalogs;
beforeAll(async () => {
  catalogs = await loadValidationCatalogs();
});

function validate(
  document: unknown,
  policyType: PolicyType = 'IDENTITY_POLICY',
): readonly ValidatePolicyFinding[] {
  const text = typeof document === 'string' ? document : JSON.stringify(document, null, 2);
  return validatePolicyWithCatalogs({ policyDocument: text, policyType }, catalogs).findings;
}

const codes = (findings: readonly ValidatePolicyFinding[]): string[] => findings.map((f) => f.issueCode);

function policy(statement: Record<string, unknown> | Record<string, unknown>[]): unknown {
  return { Version: '2012-10-17', Statement: statement };
}

const allow = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::bucket/*',
  ...extra,
});

describe('a clean policy', () => {
  it('has no findings', () => {
    expect(validate(policy([allow(), { Effect: 'Deny', Action: 'ec2:*', Resource: '*' }]))).toEqual([]);
  });

  it('is validated by the asynchronous entry point with the bundled catalog too', async () => {
    const { findings } = await validatePolicy({
      policyDocument: JSON.stringify(policy(allow())),
      policyType: 'IDENTITY_POLICY',
    });
    expect(findings).toEqual([]);
  });
});

describe('findings are shaped like Access Analyzer findings', () => {
  it('carry type, code, details, a reference link and an exact location', () => {
    const text =
      '{\n  "Version": "2012-10-17",\n  "Statement": {\n    "Effect": "Allow",\n    "Action": "s3:GetObjekt",\n    "Resource": "*"\n  }\n}';
    expect(validate(text)).toEqual([
      {
        findingType: 'ERROR',
        issueCode: 'INVALID_ACTION',
        findingDetails: 'no action `GetObjekt` exists in service `s3`',
        learnMoreLink:
          'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-action',
        locations: [
          {
            path: [{ value: 'Statement' }, { value: 'Action' }],
            span: { start: { line: 5, column: 14, offset: 83 }, end: { line: 5, column: 28, offset: 97 } },
          },
        ],
      },
    ]);
  });

  it('link each Access Analyzer code to its entry in the policy check reference, and Keyaki codes nowhere', () => {
    const [boolFinding] = validate(policy(allow({ Condition: { Bool: { 'aws:SecureTransport': 'yes' } } })));
    expect(boolFinding?.learnMoreLink).toMatch(
      /#access-analyzer-reference-policy-checks-general-warning-type-mismatch-boolean$/,
    );
    const [own] = validate(policy(allow({ Action: undefined, NotAction: 's3:GetObject' })));
    expect(own?.issueCode).toBe('ALLOW_WITH_NOT_ACTION');
    expect(own).not.toHaveProperty('learnMoreLink');
  });

  it('come sorted by position in the document', () => {
    const findings = validate(policy([allow({ Action: 's3:Nope' }), allow({ Action: 'nope:Get' })]));
    const offsets = findings.map((f) => f.locations[0]?.span.start.offset ?? -1);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(codes(findings)).toEqual(['INVALID_ACTION', 'INVALID_SERVICE_IN_ACTION']);
  });

  it('report malformed JSON as a JSON_SYNTAX_ERROR error', () => {
    expect(validate('{"Version": "2012-10-17", "Statement": [')).toMatchObject([
      {
        findingType: 'ERROR',
        issueCode: 'JSON_SYNTAX_ERROR',
        locations: [{ span: { start: { line: 1, column: 40 } } }],
      },
    ]);
  });
});

describe('Version', () => {
  it('warns when it is missing', () => {
    expect(validate({ Statement: allow() })).toMatchObject([
      { findingType: 'WARNING', issueCode: 'MISSING_VERSION', locations: [{ path: [] }] },
    ]);
  });

  it('is an error when it is not a known version, and then not also missing', () => {
    expect(codes(validate({ Version: '2012-10-18', Statement: allow() }))).toEqual(['INVALID_VERSION']);
  });

  it('makes variables in a 2008-10-17 policy an error, since they are matched as text', () => {
    const findings = validate({
      Version: '2008-10-17',
      Statement: allow({ Resource: 'arn:aws:s3:::b/${aws:username}' }),
    });
    expect(codes(findings)).toEqual(['VARIABLE_UNSUPPORTED_IN_VERSION']);
  });
});

describe('actions', () => {
  it('accepts known actions in any case and wildcards that match something', () => {
    expect(
      validate(policy(allow({ Action: ['S3:getobject', 's3:List*', 'ec2:Describe?nstances'] }))),
    ).toEqual([]);
  });

  it.each([
    ['s3:GetObjekt', 'INVALID_ACTION'],
    ['s3:Frobnicate*', 'INVALID_ACTION'],
    ['GetObject', 'INVALID_ACTION'],
    ['s3:', 'INVALID_ACTION'],
    ['nosuchservice:GetObject', 'INVALID_SERVICE_IN_ACTION'],
    ['zz*:Get*', 'INVALID_SERVICE_IN_ACTION'],
  ])('reports `%s` as %s', (action, code) => {
    expect(codes(validate(policy(allow({ Action: action }))))).toContain(code);
  });

  it('suggests naming services rather than wildcarding them', () => {
    expect(validate(policy(allow({ Action: 's3*:GetObject' })))).toMatchObject([
      { findingType: 'SUGGESTION', issueCode: 'WILDCARD_IN_SERVICE_NAME' },
    ]);
  });

  it('suggests dropping repeated actions and actions a wildcard already covers', () => {
    const findings = validate(
      policy(allow({ Action: ['s3:GetObject', 's3:Get*', 's3:getobject', 's3:ListBucket'] })),
    );
    expect(findings.map((f) => [f.issueCode, f.locations[0]?.path.at(-1)])).toEqual([
      ['REDUNDANT_ACTION', { index: 0 }],
      ['REDUNDANT_ACTION', { index: 2 }],
    ]);
  });

  it('warns about Allow with NotAction', () => {
    expect(validate(policy(allow({ Action: undefined, NotAction: 'iam:*' })))).toMatchObject([
      {
        findingType: 'WARNING',
        issueCode: 'ALLOW_WITH_NOT_ACTION',
        locations: [{ path: [{ value: 'Statement' }, { value: 'NotAction' }] }],
      },
    ]);
    expect(validate(policy({ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }))).toEqual([]);
  });

  it('rejects policy variables in Action', () => {
    expect(codes(validate(policy(allow({ Action: 's3:${aws:username}' }))))).toContain(
      'VARIABLE_UNSUPPORTED_IN_ELEMENT',
    );
  });

  it('flags iam:PassRole on every role as a security warning at the `*` resource', () => {
    const findings = validate(policy(allow({ Action: ['iam:PassRole'], Resource: ['*'] })));
    expect(findings).toMatchObject([
      {
        findingType: 'SECURITY_WARNING',
        issueCode: 'PASS_ROLE_WITH_STAR_IN_RESOURCE',
        locations: [{ path: [{ value: 'Statement' }, { value: 'Resource' }, { index: 0 }] }],
      },
    ]);
  });
});

describe('iam:PassRole and iam:CreateServiceLinkedRole on broad resources', () => {
  it.each([
    [{ Action: 'iam:PassRole', Resource: '*' }, 'PASS_ROLE_WITH_STAR_IN_RESOURCE'],
    [{ Action: 'iam:*', Resource: '*' }, 'PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE'],
    [
      { Action: 'iam:PassRole', NotResource: 'arn:aws:iam::123456789012:role/Admin' },
      'PASS_ROLE_WITH_NOT_RESOURCE',
    ],
    [
      { Action: 'iam:Pass*', NotResource: 'arn:aws:iam::123456789012:role/Admin' },
      'PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE',
    ],
    [{ NotAction: 's3:*', NotResource: 'arn:aws:s3:::b' }, 'PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE'],
    [{ NotAction: 's3:*', Resource: '*' }, 'PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION'],
    [{ Action: 'iam:CreateServiceLinkedRole', Resource: '*' }, 'CREATE_SLR_WITH_STAR_IN_RESOURCE'],
  ])('reports %j as %s', (statement, code) => {
    expect(codes(validate(policy({ Effect: 'Allow', ...statement })))).toContain(code);
  });

  it('reports both actions for `iam:*` on every resource, PassRole as a security warning and SLR as a warning', () => {
    expect(
      validate(policy({ Effect: 'Allow', Action: 'iam:*', Resource: '*' })).map((f) => [
        f.findingType,
        f.issueCode,
      ]),
    ).toEqual([
      ['SECURITY_WARNING', 'PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE'],
      ['WARNING', 'CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE'],
    ]);
  });

  it('stays quiet for named roles, for Deny, and for NotAction that excludes the action', () => {
    expect(
      validate(
        policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::123456789012:role/App' }),
      ),
    ).toEqual([]);
    expect(validate(policy({ Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' }))).toEqual([]);
    expect(
      codes(
        validate(
          policy({
            Effect: 'Allow',
            NotAction: ['iam:PassRole', 'iam:CreateServiceLinkedRole'],
            Resource: '*',
          }),
        ),
      ),
    ).toEqual(['ALLOW_WITH_NOT_ACTION']);
  });
});

describe('resources', () => {
  it('accepts well-formed ARNs with wildcards and variables in any segment', () => {
    const resources = [
      'arn:aws:s3:::bucket/${aws:username}/*',
      'arn:aws:dynamodb:us-east-1:123456789012:table/Books',
      'arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/*',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:lambda:*:*:function:*',
      'arn:aws:logs:${aws:RequestedRegion}:123456789012:log-group:x:*',
    ];
    expect(validate(policy(allow({ Action: '*', Resource: resources })))).toEqual([]);
  });

  it.each([
    ['bucket/key', 'INVALID_ARN_PREFIX'],
    ['arn:aws:s3', 'MISSING_ARN_FIELD'],
    ['arn:amazon:s3:::b', 'INVALID_PARTITION'],
    ['arn:aws:S3:::b', 'INVALID_ARN_SERVICE_CASE'],
    ['arn:aws:dynamodb:moon-base-1a:123456789012:table/x', 'INVALID_ARN_REGION'],
    ['arn:aws:dynamodb:us-east-1:12345:table/x', 'INVALID_ARN_ACCOUNT'],
    ['arn:aws:s3:::', 'INVALID_ARN_RESOURCE'],
    ['arn:aws:s3::123456789012:bucket', 'ARN_ACCOUNT_NOT_ALLOWED'],
    ['arn:aws:iam:us-east-1:123456789012:role/x', 'ARN_REGION_NOT_ALLOWED'],
  ])('reports `%s` as %s', (resource, code) => {
    expect(codes(validate(policy(allow({ Action: '*', Resource: resource }))))).toEqual([code]);
  });

  it('knows from the ARN formats where a Region and an account belong', () => {
    const findings = (resource: string) =>
      codes(validate(policy(allow({ Action: '*', Resource: resource }))));
    expect(findings('arn:aws:kms:::key/*')).toEqual(['MISSING_ARN_REGION']);
    expect(findings('arn:aws:s3:us-east-1:123456789012:accesspoint/reports')).toEqual([]);
    expect(findings('arn:aws:s3::123456789012:reports/*')).toEqual(['ARN_ACCOUNT_NOT_ALLOWED']);
    expect(findings('arn:aws:apigateway:us-east-1::/tags')).toEqual([]);
  });

  it('requires Resource in identity policies', () => {
    expect(validate(policy({ Effect: 'Allow', Action: 's3:GetObject' }))).toMatchObject([
      {
        findingType: 'ERROR',
        issueCode: 'MISSING_RESOURCE',
        locations: [{ path: [{ value: 'Statement' }] }],
      },
    ]);
  });

  it('warns about Allow with NotResource', () => {
    expect(
      codes(validate(policy(allow({ Resource: undefined, NotResource: 'arn:aws:s3:::secret/*' })))),
    ).toEqual(['ALLOW_WITH_NOT_RESOURCE']);
  });

  it('suggests dropping resources a wider one covers', () => {
    expect(
      codes(validate(policy(allow({ Resource: ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/private/*'] })))),
    ).toEqual(['REDUNDANT_RESOURCE']);
  });
});

describe('principals by policy type', () => {
  const trust = (principal: unknown, effect = 'Allow'): Record<string, unknown> => ({
    Effect: effect,
    Action: 'sts:AssumeRole',
    Principal: principal,
  });

  it('rejects Principal in identity policies, at the element', () => {
    expect(validate(policy(allow({ Principal: '*' })))).toMatchObject([
      {
        issueCode: 'UNSUPPORTED_PRINCIPAL',
        locations: [{ path: [{ value: 'Statement' }, { value: 'Principal' }] }],
      },
    ]);
  });

  it('requires a principal in resource policies', () => {
    expect(codes(validate(policy(allow()), 'RESOURCE_POLICY'))).toEqual(['MISSING_PRINCIPAL']);
  });

  it('accepts every documented principal form in resource policies', () => {
    const principal = {
      AWS: [
        '*',
        '123456789012',
        'arn:aws:iam::123456789012:root',
        'arn:aws:iam::123456789012:user/path/alice',
        'arn:aws:iam::123456789012:role/Admin',
        'arn:aws:sts::123456789012:assumed-role/Admin/session',
      ],
      Service: ['lambda.amazonaws.com', 'states.us-east-1.amazonaws.com'],
      Federated: [
        'accounts.google.com',
        'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      ],
      CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
    };
    expect(validate(policy(trust(principal)), 'RESOURCE_POLICY')).toEqual([]);
  });

  it('rejects policy variables in principals', () => {
    expect(
      codes(
        validate(policy(trust({ AWS: 'arn:aws:iam::123456789012:user/${aws:username}' })), 'RESOURCE_POLICY'),
      ),
    ).toEqual(['VARIABLE_UNSUPPORTED_IN_ELEMENT']);
  });

  it('warns about IAM role and user ids in place of ARNs', () => {
    expect(
      codes(
        validate(
          policy(trust({ AWS: ['AROAEXAMPLEID123456789', 'AIDAEXAMPLEID123456789'] })),
          'RESOURCE_POLICY',
        ),
      ),
    ).toEqual(['INVALID_ROLE_REFERENCE', 'INVALID_USER_REFERENCE']);
  });

  it.each([
    [{ AWS: 'alice' }, 'INVALID_PRINCIPAL_FORMAT'],
    [{ AWS: 'arn:aws:s3:::bucket' }, 'INVALID_PRINCIPAL_FORMAT'],
    [{ AWS: 'arn:aws:iam::123456789012:role/*' }, 'UNSUPPORTED_WILDCARD_IN_PRINCIPAL'],
    [{ Service: 'lambda' }, 'INVALID_SERVICE_PRINCIPAL_FORMAT'],
    [{ Federated: 'example.com' }, 'INVALID_PRINCIPAL_FORMAT'],
    [{ CanonicalUser: 'abc' }, 'INVALID_PRINCIPAL_FORMAT'],
  ])('reports principal %j as %s', (principal, code) => {
    expect(codes(validate(policy(trust(principal)), 'RESOURCE_POLICY'))).toEqual([code]);
  });

  it('raises a security warning for Allow with NotPrincipal, not for Deny', () => {
    expect(
      validate(policy({ ...trust(undefined), NotPrincipal: { AWS: '123456789012' } }), 'RESOURCE_POLICY'),
    ).toMatchObject([{ findingType: 'SECURITY_WARNING', issueCode: 'ALLOW_WITH_NOT_PRINCIPAL' }]);
    expect(
      validate(
        policy({ ...trust(undefined, 'Deny'), NotPrincipal: { AWS: '123456789012' } }),
        'RESOURCE_POLICY',
      ),
    ).toEqual([]);
  });
});

describe('service control policies', () => {
  const scp = (statement: Record<string, unknown>) => validate(policy(statement), 'SERVICE_CONTROL_POLICY');

  it('accept the usual deny-list and allow-list shapes', () => {
    expect(scp({ Effect: 'Allow', Action: '*', Resource: '*' })).toEqual([]);
    expect(
      scp({
        Effect: 'Deny',
        Action: ['ec2:*'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
      }),
    ).toEqual([]);
  });

  it('accept the full policy language SCPs take since 2025: Allow with conditions, ARNs, NotAction, NotResource', () => {
    expect(
      scp({
        Effect: 'Allow',
        Action: ['s3:Get*', 'ec2:*Instances'],
        Resource: 'arn:aws:s3:::reports/*',
        Condition: { Bool: { 'aws:SecureTransport': 'true' } },
      }),
    ).toEqual([]);
    expect(scp({ Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:iam::*:role/Admin' })).toEqual(
      [],
    );
  });

  it.each([
    [{ Effect: 'Deny', Action: '*', Resource: '*', Principal: '*' }, 'SCP_SYNTAX_ERROR_PRINCIPAL'],
    [{ Effect: 'Deny', Action: 's3:*' }, 'MISSING_RESOURCE'],
  ])('reject %j with %s', (statement, code) => {
    expect(codes(scp(statement))).toEqual([code]);
  });
});

describe('resource control policies', () => {
  const rcp = (statement: Record<string, unknown>) => validate(policy(statement), 'RESOURCE_CONTROL_POLICY');
  const deny = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' };

  it('need Version 2012-10-17', () => {
    expect(codes(validate({ Statement: deny }, 'RESOURCE_CONTROL_POLICY'))).toEqual([
      'RCP_SYNTAX_ERROR_VERSION',
    ]);
    expect(codes(validate({ Version: '2008-10-17', Statement: deny }, 'RESOURCE_CONTROL_POLICY'))).toEqual([
      'RCP_SYNTAX_ERROR_VERSION',
    ]);
  });

  it('accept a Deny for every principal', () => {
    expect(rcp({ ...deny, Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } })).toEqual([]);
  });

  it.each([
    [{ ...deny, Effect: 'Allow' }, 'RCP_SYNTAX_ERROR_ALLOW'],
    [{ ...deny, Principal: { AWS: '123456789012' } }, 'RCP_SYNTAX_ERROR_PRINCIPAL'],
    [{ ...deny, Principal: undefined }, 'MISSING_PRINCIPAL'],
    [{ ...deny, Action: undefined, NotAction: 's3:GetObject' }, 'RCP_SYNTAX_ERROR_NOTACTION'],
    [{ ...deny, Resource: undefined }, 'MISSING_RESOURCE'],
    [{ ...deny, Principal: { AWS: '*' } }, 'RCP_SYNTAX_ERROR_PRINCIPAL'],
    [{ ...deny, Action: ['*'] }, 'RCP_SYNTAX_ERROR_ACTION_WILDCARD'],
  ])('reject %j with %s', (statement, code) => {
    expect(codes(rcp(statement))).toEqual([code]);
  });
});

describe('conditions', () => {
  const withCondition = (condition: Record<string, unknown>, effect = 'Allow') =>
    validate(policy(allow({ Effect: effect, Condition: condition })));

  it('accept well-typed values for every operator family', () => {
    expect(
      withCondition({
        StringLike: { 's3:prefix': ['home/${aws:username}/*'] },
        NumericEquals: { 'aws:MultiFactorAuthAge': ['3600', '-1.5', '+7'] },
        NumericGreaterThan: { 'aws:MultiFactorAuthAge': 7200 },
        DateGreaterThan: {
          'aws:CurrentTime': ['2024-01-01', '2024-01-01T12:30:00Z', '2024-01-01T12:30:00.5+02:00'],
        },
        Bool: { 'aws:SecureTransport': 'true' },
        BinaryEquals: { 'a:b': 'QmluYXJ5VmFsdWU=' },
        IpAddress: {
          'aws:SourceIp': [
            '203.0.113.0/24',
            '198.51.100.7',
            '2001:DB8:1234:5678::/64',
            '::1',
            '::ffff:192.0.2.1',
          ],
        },
        ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:topic' },
        Null: { 'aws:TokenIssueTime': 'false' },
      }),
    ).toEqual([]);
  });

  it.each([
    [{ NumericEquals: { 'aws:MultiFactorAuthAge': 'ten' } }, 'TYPE_MISMATCH_NUMBER'],
    [{ DateLessThan: { 'aws:CurrentTime': '2024-13-01' } }, 'TYPE_MISMATCH_DATE'],
    [{ DateLessThan: { 'aws:CurrentTime': 'yesterday' } }, 'TYPE_MISMATCH_DATE'],
    [{ Bool: { 'aws:SecureTransport': 'yes' } }, 'TYPE_MISMATCH_BOOL'],
    [{ Null: { 'aws:TokenIssueTime': 1 } }, 'TYPE_MISMATCH_BOOL'],
    [{ BinaryEquals: { 'a:b': 'not base64!' } }, 'TYPE_MISMATCH_STRING'],
    [{ IpAddress: { 'aws:SourceIp': '203.0.113.0/33' } }, 'TYPE_MISMATCH_IP_RANGE'],
    [{ IpAddress: { 'aws:SourceIp': '256.1.1.1' } }, 'TYPE_MISMATCH_IP_RANGE'],
    [{ NotIpAddress: { 'aws:SourceIp': '2001:db8::1::/64' } }, 'TYPE_MISMATCH_IP_RANGE'],
    [{ ArnEquals: { 'aws:SourceArn': 'my-topic' } }, 'TYPE_MISMATCH'],
    [{ StringEquals: { 'aws:SourceIp': '203.0.113.1' } }, 'TYPE_MISMATCH'],
    [{ StringEquals: { 's3:prefix': 'home/*' } }, 'WILDCARD_WITHOUT_LIKE_OPERATOR'],
    [{ NullIfExists: { 'aws:TokenIssueTime': 'true' } }, 'NULL_WITH_IF_EXISTS'],
    [{ Bool: { 'aws:SecureTransport': ['true', 'false'] } }, 'INVALID_CONDITION_MULTIPLE_BOOLEAN'],
    [{ StringEquals: { 'aws:NoSuchKey': 'x' } }, 'INVALID_GLOBAL_CONDITION_KEY'],
    [{ StringEquals: { 'aws:RequestTag/': 'x' } }, 'MISSING_TAG_KEY_IN_CONDITION'],
    [{ StringEquals: { username: 'x' } }, 'INVALID_CONDITION_KEY_FORMAT'],
    [{ NumericEquals: { 'a:b': '${aws:EpochTime}' } }, 'INVALID_VARIABLE_FOR_OPERATOR'],
  ])('report %j as %s', (condition, code) => {
    expect(codes(withCondition(condition))).toEqual([code]);
  });

  it('knows service condition keys, tag-key templates included', () => {
    expect(
      withCondition({
        StringLike: {
          's3:prefix': 'home/*',
          's3:ExistingObjectTag/team': 'red',
          'ec2:ResourceTag/Name': 'web',
          'secretsmanager:ResourceTag/owner': 'me',
        },
      }),
    ).toEqual([]);
  });

  it('reports a service condition key the service does not have', () => {
    expect(withCondition({ StringLike: { 's3:prefx': 'home/*' } })).toMatchObject([
      {
        findingType: 'ERROR',
        issueCode: 'INVALID_SERVICE_CONDITION_KEY',
        findingDetails: 'service `s3` has no condition key `s3:prefx`',
      },
    ]);
  });

  it('leaves keys of non-service prefixes such as identity providers alone', () => {
    expect(
      withCondition({
        StringEquals: {
          'saml:aud': 'https://signin.aws.amazon.com/saml',
          'token.actions.githubusercontent.com:sub': 'repo:o/r:ref:refs/heads/main',
        },
      }),
    ).toEqual([]);
  });

  it('judges operators against the type of service keys too', () => {
    expect(codes(withCondition({ NumericLessThan: { 's3:prefix': '3' } }))).toEqual(['TYPE_MISMATCH']);
  });

  it('does not judge service keys when no condition key catalog is given', () => {
    const text = JSON.stringify(policy(allow({ Condition: { StringLike: { 's3:prefx': 'x' } } })));
    expect(
      validatePolicyWithCatalogs(
        { policyDocument: text, policyType: 'IDENTITY_POLICY' },
        { actions: catalogs.actions },
      ).findings,
    ).toEqual([]);
  });

  it('rejects only-private address ranges for aws:SourceIp, which only ever holds public addresses', () => {
    expect(withCondition({ IpAddress: { 'aws:SourceIp': ['10.1.0.0/16', '192.168.0.0/16'] } })).toMatchObject(
      [{ findingType: 'ERROR', issueCode: 'PRIVATE_IP_ADDRESS', locations: [{ path: { length: 4 } }] }],
    );
    expect(
      withCondition({ IpAddress: { 'aws:SourceIp': ['10.1.0.0/16', '198.51.100.0/24'] } }),
    ).toMatchObject([
      {
        findingType: 'SUGGESTION',
        issueCode: 'PRIVATE_IP_ADDRESS_SUBSET',
        locations: [{ path: { length: 5 } }],
      },
    ]);
    expect(codes(withCondition({ NotIpAddress: { 'aws:SourceIp': '192.168.1.1' } }, 'Deny'))).toEqual([
      'PRIVATE_NOT_IP_ADDRESS',
    ]);
    expect(
      withCondition({ IpAddress: { 'aws:SourceIp': '172.32.0.0/16', 'aws:VpcSourceIp': '10.0.0.0/8' } }),
    ).toEqual([]);
  });

  it('rejects aws:RequestedRegion values that are not Region codes', () => {
    expect(
      codes(withCondition({ StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'europe'] } })),
    ).toEqual(['INVALID_REGION']);
    expect(withCondition({ StringLike: { 'aws:RequestedRegion': 'eu-*' } })).toEqual([]);
  });

  it('suggests the network address when bits after the mask are set', () => {
    expect(withCondition({ IpAddress: { 'aws:SourceIp': '203.0.113.77/24' } })).toMatchObject([
      {
        findingType: 'SUGGESTION',
        issueCode: 'IMPROVE_IP_RANGE',
        findingDetails: 'bits after the mask of `203.0.113.77/24` are ignored: write `203.0.113.0/24`',
      },
    ]);
  });

  it('warns that epoch dates might not resolve as expected', () => {
    expect(codes(withCondition({ DateGreaterThan: { 'aws:CurrentTime': '1700000000' } }))).toEqual([
      'INVALID_DATE_VALUE',
    ]);
    expect(codes(withCondition({ DateLessThan: { 'aws:TokenIssueTime': 1700000000 } }))).toEqual([
      'INVALID_DATE_VALUE',
    ]);
  });

  it('requires a set operator on multi-valued keys', () => {
    expect(withCondition({ StringEquals: { 'aws:TagKeys': 'team' } })).toMatchObject([
      { findingType: 'ERROR', issueCode: 'MISSING_QUALIFIER' },
    ]);
    expect(withCondition({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } })).toEqual([]);
    expect(withCondition({ Null: { 'aws:TagKeys': 'false' } })).toEqual([]);
  });

  it('suggests dropping set operators from Null', () => {
    expect(codes(withCondition({ 'ForAnyValue:Null': { 'aws:TagKeys': 'false' } }))).toEqual([
      'NULL_WITH_QUALIFIER',
    ]);
  });

  it('suggests a single bound for ordering operators with several values', () => {
    expect(codes(withCondition({ NumericLessThan: { 'aws:MultiFactorAuthAge': ['2700', '3600'] } }))).toEqual(
      ['REDUNDANT_CONDITION_VALUE_NUM'],
    );
  });

  it('warns about the deprecated aws:ARN key', () => {
    expect(codes(withCondition({ ArnEquals: { 'aws:ARN': 'arn:aws:iam::123456789012:role/R' } }))).toEqual([
      'DEPRECATED_GLOBAL_CONDITION_KEY',
    ]);
  });

  it('names the empty-values case of each operator form', () => {
    expect(
      codes(
        withCondition(
          {
            'ForAllValues:StringEquals': { 'aws:TagKeys': [] },
            'ForAnyValue:StringEquals': { 'aws:TagKeys': [] },
            StringEqualsIfExists: { 'aws:username': [] },
          },
          'Deny',
        ),
      ),
    ).toEqual([
      'EMPTY_ARRAY_CONDITION_FORALLVALUES',
      'EMPTY_ARRAY_CONDITION_FORANYVALUE',
      'EMPTY_ARRAY_CONDITION_IFEXISTS',
    ]);
  });

  it('checks the keys of policy variables like condition keys', () => {
    expect(codes(validate(policy(allow({ Resource: 'arn:aws:s3:::b/${aws:usrname}/*' }))))).toEqual([
      'INVALID_GLOBAL_CONDITION_KEY',
    ]);
    expect(codes(withCondition({ StringEquals: { 's3:prefix': '${s3:prefx}' } }))).toEqual([
      'INVALID_SERVICE_CONDITION_KEY',
    ]);
    expect(
      validate(policy(allow({ Resource: 'arn:aws:s3:::b/${aws:PrincipalTag/team}/${aws:userid}' }))),
    ).toEqual([]);
  });

  it('treats ${*} in StringEquals as an intended literal star', () => {
    expect(withCondition({ StringEquals: { 's3:prefix': 'home/${*}' } })).toEqual([]);
  });

  it('looks global keys up case-insensitively and accepts any tag key', () => {
    expect(
      withCondition({ StringEquals: { 'AWS:PrincipalTag/CostCenter': 'x', 'aws:sourcevpc': 'vpc-1' } }),
    ).toEqual([]);
  });

  it('raises a security warning for ForAllValues on a single-valued key', () => {
    expect(withCondition({ 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-123' } })).toMatchObject([
      {
        findingType: 'SECURITY_WARNING',
        issueCode: 'FORALLVALUES_WITH_SINGLE_VALUED_KEY',
        findingDetails:
          '`aws:PrincipalOrgID` has a single value: `ForAllValues:StringEquals` is also true when it is absent, use `StringEquals`',
      },
    ]);
    expect(codes(withCondition({ 'ForAllValues:StringLike': { 's3:prefix': 'a*' } }))).toEqual([
      'FORALLVALUES_WITH_SINGLE_VALUED_KEY',
    ]);
  });

  it('warns that ForAllValues with Allow passes when the key is absent, unless a Null check requires it', () => {
    const forAll = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } };
    expect(withCondition(forAll)).toMatchObject([
      { findingType: 'SECURITY_WARNING', issueCode: 'FORALLVALUES_WITH_ALLOW' },
    ]);
    expect(withCondition({ ...forAll, Null: { 'aws:TagKeys': 'false' } })).toEqual([]);
    expect(withCondition(forAll, 'Deny')).toEqual([]);
  });

  it('points at the offending value inside an array', () => {
    const text = JSON.stringify(
      policy(allow({ Condition: { IpAddress: { 'aws:SourceIp': ['198.51.100.0/24', '198.51.100.300'] } } })),
    );
    const [finding] = validate(text);
    expect(finding?.locations[0]?.path).toEqual([
      { value: 'Statement' },
      { value: 'Condition' },
      { value: 'IpAddress' },
      { value: 'aws:SourceIp' },
      { index: 1 },
    ]);
    expect(text.slice(finding?.locations[0]?.span.start.offset, finding?.locations[0]?.span.end.offset)).toBe(
      '"198.51.100.300"',
    );
  });
});

describe('policy size', () => {
  /** A clean identity policy of exactly `size` characters without whitespace, padded through its Sid. */
  function policyOfSize(size: number): string {
    const base = JSON.stringify(policy(allow({ Sid: '' })));
    return JSON.stringify(policy(allow({ Sid: 'S'.repeat(size - base.length) })), null, 4);
  }

  it('accepts an identity policy at the 6,144 character quota, whitespace not counted', () => {
    expect(validate(policyOfSize(6144))).toEqual([]);
  });

  it('warns about an identity policy one character over the quota', () => {
    expect(validate(policyOfSize(6145))).toMatchObject([
      {
        findingType: 'WARNING',
        issueCode: 'POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA',
        findingDetails: 'policy has 6145 characters without whitespace, more than the 6144 allowed',
        locations: [{ path: [] }],
      },
    ]);
  });

  it('holds service control policies to 5,120 characters and leaves resource policies to their service', () => {
    const large = JSON.stringify(
      policy({ Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::' + 'b'.repeat(5200) }),
    );
    expect(codes(validate(large, 'SERVICE_CONTROL_POLICY'))).toEqual(['POLICY_SIZE_EXCEEDS_SCP_QUOTA']);
    const resourcePolicy = JSON.parse(large) as { Statement: Record<string, unknown> };
    resourcePolicy.Statement.Principal = '*';
    expect(validate(resourcePolicy, 'RESOURCE_POLICY')).toEqual([]);
  });
});

describe('statements', () => {
  it('only recommend unique Sids in resource policies', () => {
    const statements = [1, 2].map((n) => ({
      ...allow({ Sid: 'Same', Action: n === 1 ? 's3:GetObject' : 's3:PutObject' }),
      Principal: '*',
    }));
    expect(codes(validate(policy(statements), 'RESOURCE_POLICY'))).toEqual(['UNIQUE_SIDS_RECOMMENDED']);
  });

  it('require unique Sids, reported at the repeat', () => {
    const findings = validate(policy([allow({ Sid: 'One' }), allow({ Sid: 'One', Action: 's3:PutObject' })]));
    expect(findings).toMatchObject([
      {
        issueCode: 'UNIQUE_SIDS_REQUIRED',
        locations: [{ path: [{ value: 'Statement' }, { index: 1 }, { value: 'Sid' }] }],
      },
    ]);
  });

  it('allow only letters and digits in Sids outside resource policies', () => {
    expect(codes(validate(policy(allow({ Sid: 'read-all' }))))).toEqual(['UNSUPPORTED_SID']);
    expect(
      validate(
        policy({ ...allow({ Sid: 'read all' }), Principal: { AWS: '123456789012' } }),
        'RESOURCE_POLICY',
      ),
    ).toEqual([]);
  });

  it('suggest removing an empty Sid', () => {
    expect(codes(validate(policy(allow({ Sid: '' }))))).toEqual(['EMPTY_SID_VALUE']);
  });

  it('suggest removing a statement that repeats another', () => {
    const findings = validate(policy([allow({ Sid: 'A' }), allow({ Sid: 'B' })]));
    expect(findings).toMatchObject([
      {
        findingType: 'SUGGESTION',
        issueCode: 'REDUNDANT_STATEMENT',
        locations: [{ path: [{ value: 'Statement' }, { index: 1 }] }],
      },
    ]);
  });

  it('still check the well-formed statements when another statement is broken', () => {
    const findings = validate(
      policy([{ Effect: 'Perhaps', Action: '*', Resource: '*' }, allow({ Action: 's3:Nope' })]),
    );
    expect(codes(findings)).toEqual(['INVALID_EFFECT', 'INVALID_ACTION']);
  });

  it('report empty arrays and objects as suggestions', () => {
    const findings = validate(policy(allow({ Action: [], Condition: {} })));
    expect(findings.map((f) => [f.findingType, f.issueCode])).toEqual([
      ['SUGGESTION', 'EMPTY_ARRAY_ACTION'],
      ['SUGGESTION', 'EMPTY_OBJECT_CONDITION'],
    ]);
  });
});
