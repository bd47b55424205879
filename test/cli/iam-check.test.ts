// `keyaki iam check-*` as CI uses them: exit codes 0 PASS, 1 FAIL, 2 unusable
// input; JSON output is the response object; SARIF points at the statement.
// Runs the built CLI (npm test builds before it runs vitest).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'keyaki-check-'));

function file(name: string, policy: object): string {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify(policy, null, 2));
  return `file://${path}`;
}

function keyaki(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const readOnly = file('old.json', {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
});
const readWrite = file('new.json', {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Write', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }],
});

/** `check-no-new-access` on two documents as identity policies, with extra options. */
function checkNoNewAccess(existing: string, updated: string, ...extra: string[]) {
  return keyaki(
    'iam',
    'check-no-new-access',
    '--existing-policy-document',
    existing,
    '--new-policy-document',
    updated,
    '--policy-type',
    'IDENTITY_POLICY',
    ...extra,
  );
}

describe('keyaki iam check-no-new-access', () => {
  it('exits 1 with the response as JSON when the new policy adds an action', () => {
    const run = checkNoNewAccess(readOnly, readWrite);
    expect(run.status).toBe(1);
    const response = JSON.parse(run.stdout) as {
      result: string;
      reasons: { statementIndex: number; statementId: string }[];
      counterexample: { action: string };
    };
    expect(response.result).toBe('FAIL');
    expect(response.reasons).toEqual([expect.objectContaining({ statementIndex: 0, statementId: 'Write' })]);
    expect(response.counterexample.action.toLowerCase()).toBe('s3:putobject');
  });

  it('exits 0 when the new policy only removes access', () => {
    const run = checkNoNewAccess(readWrite, readOnly, '--output', 'text');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^PASS/);
  });

  it('points SARIF results at the statement that grants the new access', () => {
    const run = checkNoNewAccess(readOnly, readWrite, '--output', 'sarif');
    const sarif = JSON.parse(run.stdout) as {
      runs: { results: { locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[];
    };
    expect(sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.region.startLine).toBe(4);
  });

  it('exits 2 on a document that is not a policy', () => {
    const run = checkNoNewAccess('{', readOnly);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^<inline>:1:2: error: existingPolicyDocument: invalid JSON/);
    expect(run.stderr).toContain('  1 | {\n');
  });

  it('points at the file and line of a malformed new policy', () => {
    const broken = join(directory, 'broken.json');
    writeFileSync(broken, '{\n  "Version": "2012-10-17",\n  "Statement": [}\n');
    const run = checkNoNewAccess(readOnly, `file://${broken}`);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^${broken}:3:17: error: newPolicyDocument: `));
  });
});

describe('keyaki iam check-access-not-granted', () => {
  it('exits 1 when a listed action is granted and 0 when none is', () => {
    const args = [
      'iam',
      'check-access-not-granted',
      '--policy-document',
      readWrite,
      '--policy-type',
      'IDENTITY_POLICY',
      '--access',
    ];
    expect(keyaki(...args, '[{"actions":["s3:PutObject"]}]').status).toBe(1);
    expect(keyaki(...args, '[{"actions":["s3:DeleteBucket"]}]').status).toBe(0);
    expect(keyaki(...args, '{"actions":[]}').status).toBe(2);
  });
});

describe('keyaki iam check-no-public-access', () => {
  it('exits 1 for a bucket open to everyone and 0 when a Deny with NotPrincipal keeps one account', () => {
    const open = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
    const fence = { Effect: 'Deny', NotPrincipal: { AWS: '123456789012' }, Action: '*', Resource: '*' };
    const args = ['iam', 'check-no-public-access', '--resource-type', 'AWS::S3::Bucket', '--policy-document'];
    expect(keyaki(...args, file('open.json', { Version: '2012-10-17', Statement: [open] })).status).toBe(1);
    expect(
      keyaki(...args, file('fenced.json', { Version: '2012-10-17', Statement: [open, fence] })).status,
    ).toBe(0);
  });

  it('exits 2 for a resource type Access Analyzer does not list', () => {
    expect(
      keyaki(
        'iam',
        'check-no-public-access',
        '--resource-type',
        'AWS::EC2::Instance',
        '--policy-document',
        readOnly,
      ).status,
    ).toBe(2);
  });
});

describe('keyaki iam output into a pipe closed early', () => {
  it('ends quietly, as `keyaki ... | head` expects, instead of an EPIPE stack trace', async () => {
    const actions = Array.from({ length: 3000 }, (_, index) => `s3:NoSuchAction${index}`);
    const policy = file('many-findings.json', {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: actions, Resource: '*' },
    });
    const child = spawn(process.execPath, [
      cli,
      'iam',
      'validate-policy',
      '--policy-document',
      policy,
      '--policy-type',
      'IDENTITY_POLICY',
    ]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect([0, 1]).toContain(code);
  });
});
