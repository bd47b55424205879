// keyaki iam simulate: every action × resource evaluated, AWS-shaped JSON or
// text, exit 0 only when everything is allowed, 2 for unusable input.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerIamSimulate } from '../../src/cli/iam-simulate.js';
import { UsageError } from '../../src/cli/io.js';
import { runGroup } from './run-group.js';

const examples = fileURLToPath(new URL('../../examples/iam/simulate/', import.meta.url));
const file = (name: string): string => `file://${examples}${name}`;
const alice = 'arn:aws:iam::111122223333:user/alice';
const homeObject = 'arn:aws:s3:::amzn-s3-demo-bucket/home/alice/notes.txt';

interface EvaluationResultJson {
  readonly EvalActionName: string;
  readonly EvalResourceName: string;
  readonly EvalDecision: string;
  readonly MatchedStatements: readonly {
    readonly SourcePolicyId: string;
    readonly Sid?: string;
    readonly StartPosition: { readonly Line: number; readonly Column: number };
  }[];
  readonly DenialReasons?: readonly string[];
  readonly MissingContextValues: readonly string[];
}

function simulate(...args: string[]) {
  return runGroup('iam', [registerIamSimulate], ['simulate', ...args]);
}

/** An SCP that allows EC2 alone, written to a fresh temporary file. */
function ec2OnlyScp(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'keyaki-simulate-')), 'ec2-only.json');
  writeFileSync(
    path,
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
    }),
  );
  return path;
}

/** `s3:GetObject` under the example identity policy, with extra options. */
function simulateGetObject(...extra: string[]) {
  return simulate('--policy-input-list', file('identity.json'), '--action-names', 's3:GetObject', ...extra);
}

function results(stdout: string): EvaluationResultJson[] {
  return (JSON.parse(stdout) as { EvaluationResults: EvaluationResultJson[] }).EvaluationResults;
}

const bucketScenario = [
  '--policy-input-list',
  file('identity.json'),
  '--resource-policy',
  file('bucket-policy.json'),
  '--scp',
  file('scp-root.json'),
  '--scp',
  file('scp-workloads.json'),
  '--caller-arn',
  alice,
  '--resource-owner',
  '111122223333',
  '--context',
  file('context.json'),
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('keyaki iam simulate', () => {
  it('evaluates every action on every resource and exits 1 when one is denied', async () => {
    const outcome = await simulate(
      ...bucketScenario,
      '--action-names',
      's3:GetObject',
      's3:PutObject',
      's3:DeleteObject',
      '--resource-arns',
      homeObject,
    );
    const evaluated = results(outcome.stdout);
    expect(evaluated.map((result) => [result.EvalActionName, result.EvalDecision])).toEqual([
      ['s3:GetObject', 'allowed'],
      ['s3:PutObject', 'allowed'],
      ['s3:DeleteObject', 'implicitDeny'],
    ]);
    expect(
      evaluated[1]?.MatchedStatements.map((statement) => [statement.SourcePolicyId, statement.Sid]),
    ).toEqual([
      ['ServiceControlPolicy.1.1', 'FullAWSAccess'],
      ['ServiceControlPolicy.2.1', 'AllowS3'],
      ['PolicyInputList.1', 'WriteOwnPrefixFromOffice'],
    ]);
    expect(evaluated[2]?.DenialReasons).toEqual([
      'no identity-based or resource-based policy allows the request',
    ]);
    expect(outcome.exitCode).toBe(1);
  });

  it('points at the statement with 1-based line and column', async () => {
    const outcome = await simulate(
      ...bucketScenario,
      '--action-names',
      's3:GetObject',
      '--resource-arns',
      homeObject,
    );
    const statement = results(outcome.stdout)[0]?.MatchedStatements.find((s) => s.Sid === 'ReadReports');
    // identity.json: the first statement's `{` is on line 4, column 5.
    expect(statement?.StartPosition).toEqual({ Line: 4, Column: 5 });
    expect(outcome.exitCode).toBe(0);
  });

  it('lists the condition keys the policies read that the request leaves absent (MissingContextValues)', async () => {
    const outcome = await simulate(
      '--policy-input-list',
      file('identity.json'),
      '--resource-policy',
      file('bucket-policy.json'),
      '--caller-arn',
      alice,
      '--action-names',
      's3:PutObject',
      '--resource-arns',
      homeObject,
    );
    const [result] = results(outcome.stdout);
    // aws:username is derived from the caller; aws:SourceIp and aws:SecureTransport are not given.
    expect(result?.MissingContextValues).toEqual(['aws:SourceIp', 'aws:SecureTransport']);
    expect(result?.EvalDecision).toBe('implicitDeny');
  });

  it('reports an explicit deny with the denying statement', async () => {
    const outcome = await simulate(
      ...bucketScenario,
      '--context-entries',
      'ContextKeyName=aws:SecureTransport,ContextKeyValues=false,ContextKeyType=boolean',
      '--action-names',
      's3:GetObject',
      '--resource-arns',
      homeObject,
    );
    const [result] = results(outcome.stdout);
    expect(result?.EvalDecision).toBe('explicitDeny');
    expect(result?.MatchedStatements.map((s) => s.Sid)).toEqual(['DenyInsecureTransport']);
    expect(outcome.exitCode).toBe(1);
  });

  it('applies the permissions boundary to identity-based grants', async () => {
    const outcome = await simulate(
      ...bucketScenario,
      '--permissions-boundary-policy-input-list',
      file('boundary.json'),
      '--action-names',
      's3:GetObject',
      's3:PutObject',
      '--resource-arns',
      homeObject,
    );
    expect(results(outcome.stdout).map((result) => result.EvalDecision)).toEqual(['allowed', 'implicitDeny']);
  });

  it('evaluates a cross-account caller against the bucket policy and its own identity policy', async () => {
    const partner = 'arn:aws:iam::444455556666:role/reader';
    const outcome = await simulate(
      '--resource-policy',
      file('bucket-policy.json'),
      '--policy-input-list',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
      '--caller-arn',
      partner,
      '--resource-owner',
      '111122223333',
      '--action-names',
      's3:GetObject',
      '--resource-arns',
      'arn:aws:s3:::amzn-s3-demo-bucket/shared/a.csv',
      homeObject,
    );
    expect(results(outcome.stdout).map((result) => result.EvalDecision)).toEqual(['allowed', 'implicitDeny']);
  });

  it('reads typed context entries in AWS CLI shorthand and JSON, lists as multivalued keys', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ec2:CreateTags',
          Resource: '*',
          Condition: {
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] },
            NumericLessThan: { 'custom:count': '5' },
          },
        },
      ],
    });
    const decision = async (...entries: string[]): Promise<string | undefined> => {
      const outcome = await simulate(
        '--policy-input-list',
        policy,
        '--action-names',
        'ec2:CreateTags',
        '--context-entries',
        ...entries,
      );
      return results(outcome.stdout)[0]?.EvalDecision;
    };
    const count = 'ContextKeyName=custom:count,ContextKeyValues=3,ContextKeyType=numeric';
    expect(
      await decision('ContextKeyName=aws:TagKeys,ContextKeyValues=env,team,ContextKeyType=stringList', count),
    ).toBe('allowed');
    expect(
      await decision(
        'ContextKeyName=aws:TagKeys,ContextKeyValues=env,owner,ContextKeyType=stringList',
        count,
      ),
    ).toBe('implicitDeny');
    expect(
      await decision(
        JSON.stringify([
          { ContextKeyName: 'aws:TagKeys', ContextKeyValues: ['team'], ContextKeyType: 'stringList' },
          { ContextKeyName: 'custom:count', ContextKeyValues: ['7'], ContextKeyType: 'numeric' },
        ]),
      ),
    ).toBe('implicitDeny');
  });

  it('prints one line per evaluation with the deciding statements in text output', async () => {
    const outcome = await simulate(
      ...bucketScenario,
      '--action-names',
      's3:PutObject',
      's3:DeleteObject',
      '--resource-arns',
      homeObject,
      '--output',
      'text',
    );
    const lines = outcome.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`allowed: s3:PutObject on ${homeObject}`);
    expect(lines).toContain(
      `  allow by PolicyInputList.1 statement 1 (WriteOwnPrefixFromOffice) at ${examples}identity.json:10:5`,
    );
    expect(lines).toContain(`implicitDeny: s3:DeleteObject on ${homeObject}`);
    expect(lines.at(-1)).toBe('1 of 2 allowed');
  });

  it('exits 2 with file, line and column when a policy does not parse', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'keyaki-simulate-'));
    const broken = join(directory, 'broken.json');
    writeFileSync(
      broken,
      '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Permit", "Action": "*" }]\n}\n',
    );
    const outcome = await simulate(
      '--policy-input-list',
      `file://${broken}`,
      '--action-names',
      's3:GetObject',
    );
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain(`${broken}:3:29: error: INVALID_EFFECT: effect \`Permit\``);
    expect(outcome.stdout).toBe('');
  });

  it('limits a role session by its session policy and the resource by an RCP level', async () => {
    const session = 'arn:aws:sts::111122223333:assumed-role/reporting/job-7';
    const readOnly = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }],
    });
    const decisions = async (...extra: string[]): Promise<(string | undefined)[]> => {
      const outcome = await simulate(
        '--policy-input-list',
        file('identity.json'),
        '--caller-arn',
        session,
        '--context',
        file('context.json'),
        '--action-names',
        's3:GetObject',
        's3:ListBucket',
        '--resource-arns',
        'arn:aws:s3:::amzn-s3-demo-bucket/reports/a.csv',
        ...extra,
      );
      return results(outcome.stdout).map((result) => result.EvalDecision);
    };
    expect(await decisions()).toEqual(['allowed', 'allowed']);
    expect(await decisions('--session-policy', readOnly)).toEqual(['allowed', 'implicitDeny']);
    expect(await decisions('--rcp', file('scp-root.json'), '--rcp', readOnly)).toEqual([
      'allowed',
      'implicitDeny',
    ]);
  });

  it('filters through a VPC endpoint policy and names it as the reason', async () => {
    const endpoint = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
    });
    const outcome = await simulate(
      ...bucketScenario,
      '--vpc-endpoint-policy',
      endpoint,
      '--action-names',
      's3:GetObject',
      's3:PutObject',
      '--resource-arns',
      homeObject,
    );
    const evaluated = results(outcome.stdout);
    expect(evaluated.map((result) => result.EvalDecision)).toEqual(['allowed', 'implicitDeny']);
    expect(evaluated[0]?.MatchedStatements.map((statement) => statement.SourcePolicyId)).toContain(
      'VpcEndpointPolicy',
    );
    expect(evaluated[1]?.DenialReasons).toEqual(['the VPC endpoint policy does not allow the request']);
  });

  it('takes several SCPs of one level joined by commas, any one of which may allow', async () => {
    const ec2Only = ec2OnlyScp();
    const run = (level: string) =>
      simulate(
        '--policy-input-list',
        file('identity.json'),
        '--scp',
        level,
        '--action-names',
        's3:GetObject',
        '--resource-arns',
        homeObject,
      );
    expect((await run(`file://${ec2Only}`)).exitCode).toBe(1);
    const both = await run(`file://${ec2Only},${file('scp-root.json')}`);
    expect(results(both.stdout)[0]?.MatchedStatements.map((statement) => statement.SourcePolicyId)).toContain(
      'ServiceControlPolicy.1.2',
    );
    expect(both.exitCode).toBe(0);
  });

  it('spares principals of the management account and service-linked roles from SCPs', async () => {
    const ec2Only = ec2OnlyScp();
    const run = (...extra: string[]) =>
      simulate(
        '--policy-input-list',
        file('identity.json'),
        '--scp',
        `file://${ec2Only}`,
        '--action-names',
        's3:GetObject',
        '--resource-arns',
        homeObject,
        ...extra,
      );
    expect((await run('--caller-arn', alice)).exitCode).toBe(1);
    expect((await run('--caller-arn', alice, '--management-account', '111122223333')).exitCode).toBe(0);
    const session = 'arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/session';
    expect((await run('--caller-arn', session)).exitCode).toBe(1);
    expect((await run('--caller-arn', session, '--caller-is-service-linked-role')).exitCode).toBe(0);
  });

  it.each([
    [['--caller-arn', 'arn:aws:iam:111122223333:user/alice'], /--caller-arn .* is not an IAM or STS ARN/],
    [['--resource-owner', '1111'], /--resource-owner `1111` is not a 12-digit account id/],
    [['--management-account', 'o-1234'], /--management-account `o-1234` is not a 12-digit account id/],
    [
      ['--caller-arn', 's3.amazonaws.com', '--caller-is-service-linked-role'],
      /--caller-is-service-linked-role needs an IAM role or role session/,
    ],
    [['--action-names', 'GetObject'], /--action-names `GetObject` is not an action/],
    [['--resource-arns', 'notanarn'], /--resource-arns `notanarn` is not an ARN/],
    [['--resource-arns', '*', 'arn:aws:s3:bucket'], /--resource-arns `arn:aws:s3:bucket` is not an ARN/],
  ])('refuses a mistyped request option %j', async (extra, message) => {
    await expect(simulateGetObject(...extra)).rejects.toThrow(message);
  });

  it('without a caller, simulates an IAM user of the resource owner account', async () => {
    const queue = 'arn:aws:sqs:us-east-1:444455556666:jobs';
    const sendMessage =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}';
    const run = (...extra: string[]) =>
      simulate(
        '--policy-input-list',
        sendMessage,
        '--action-names',
        'sqs:SendMessage',
        '--resource-arns',
        queue,
        ...extra,
      );
    expect((await run('--resource-owner', '444455556666')).exitCode).toBe(0);
    expect((await run()).exitCode).toBe(0);
  });

  it('points at the line and column of malformed or ill-typed request context', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'keyaki-simulate-'));
    const write = (name: string, text: string): string => {
      writeFileSync(join(directory, name), text);
      return `file://${join(directory, name)}`;
    };
    await expect(
      simulateGetObject('--context', write('broken.json', '{\n  "aws:SourceIp": \n}\n')),
    ).rejects.toThrow(/broken\.json:3:1: error: malformed JSON: value expected\n  3 \| }/);
    await expect(
      simulateGetObject(
        '--context',
        write('nested.json', '{\n  "aws:SourceIp": "10.0.0.1",\n  "s3:prefix": {"a": 1}\n}'),
      ),
    ).rejects.toThrow(
      /nested\.json:3:16: error: context key `s3:prefix` must be a string, number, boolean or an array/,
    );
    await expect(simulateGetObject('--context', write('list.json', '["aws:SourceIp"]'))).rejects.toThrow(
      /list\.json:1:1: error: the context must be a JSON object/,
    );
    await expect(
      simulateGetObject('--context-entries', write('entries.json', '[{"ContextKeyName": "k"}, 3]')),
    ).rejects.toThrow(/entries\.json:1:27: error: a context entry must be an object/);
  });

  it('refuses a resource policy without a caller, and a context entry of an unknown type', async () => {
    await expect(
      simulate('--resource-policy', file('bucket-policy.json'), '--action-names', 's3:GetObject'),
    ).rejects.toThrow(UsageError);
    await expect(
      simulateGetObject(
        '--context-entries',
        'ContextKeyName=aws:SourceIp,ContextKeyValues=1.2.3.4,ContextKeyType=ipv4',
      ),
    ).rejects.toThrow(/unknown type `ipv4`/);
  });

  it.each([
    ['ip', '10.0.0.300'],
    ['ipList', '10.0.0.1,not-an-ip'],
    ['numeric', '1e3'],
    ['date', 'yesterday'],
    ['binary', 'not base64!'],
  ])('refuses a context value the evaluator cannot read as %s (%s)', async (type, values) => {
    await expect(
      simulateGetObject(
        '--context-entries',
        `ContextKeyName=custom:key,ContextKeyValues=${values},ContextKeyType=${type}`,
      ),
    ).rejects.toThrow(new RegExp(`is not a value of type \`${type.replace('List', '')}\``));
  });

  it('accepts context values of every type that the evaluator reads', async () => {
    const entries = [
      'ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.7,ContextKeyType=ip',
      'ContextKeyName=custom:n,ContextKeyValues=-2.5,ContextKeyType=numeric',
      'ContextKeyName=aws:CurrentTime,ContextKeyValues=2026-12-07T14:00:00Z,ContextKeyType=date',
      'ContextKeyName=custom:b,ContextKeyValues=aGVsbG8=,ContextKeyType=binary',
    ];
    const { exitCode } = await simulate(
      '--policy-input-list',
      file('identity.json'),
      '--action-names',
      's3:GetObject',
      '--context-entries',
      ...entries,
    );
    expect([0, 1]).toContain(exitCode);
  });
});
