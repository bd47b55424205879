// `keyaki iam find-external-access` as CI uses it: exit 0 without findings,
// 1 with findings, 2 on unusable input; JSON is `{ findings }`, SARIF points
// at the granting statement.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerIamFindExternalAccess } from '../../src/cli/iam-find-external-access.js';
import { runGroup, type CommandOutcome } from './run-group.js';

const directory = mkdtempSync(join(tmpdir(), 'keyaki-external-'));

function file(name: string, statements: object[]): string {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2));
  return `file://${path}`;
}

const partner = file('partner.json', [
  {
    Sid: 'Partner',
    Effect: 'Allow',
    Principal: { AWS: '444455556666' },
    Action: 's3:GetObject',
    Resource: '*',
  },
]);
const internal = file('internal.json', [
  { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:*', Resource: '*' },
]);

const run = (...args: string[]): Promise<CommandOutcome> =>
  runGroup(
    'iam',
    [registerIamFindExternalAccess],
    [
      'find-external-access',
      '--resource-type',
      'AWS::S3::Bucket',
      '--owner-account',
      '111122223333',
      ...args,
    ],
  );

afterEach(() => {
  vi.restoreAllMocks();
});

describe('keyaki iam find-external-access', () => {
  it('exits 1 and prints the findings as JSON', async () => {
    const outcome = await run('--policy-document', partner);
    expect(outcome.exitCode).toBe(1);
    const response = JSON.parse(outcome.stdout) as { findings: { principal: object; action: string[] }[] };
    expect(response.findings.map((finding) => [finding.principal, finding.action])).toEqual([
      [{ AWS: '444455556666' }, ['s3:GetObject']],
    ]);
  });

  it('exits 0 when only the owner account has access', async () => {
    const outcome = await run('--policy-document', internal, '--output', 'text');
    expect(outcome.exitCode ?? 0).toBe(0);
    expect(outcome.stdout).toBe('no external access\n');
  });

  it('prints one line per finding in text and points SARIF at the statement', async () => {
    const text = await run('--policy-document', partner, '--output', 'text');
    expect(text.stdout).toContain('FINDING: AWS `444455556666` has external access');
    expect(text.stdout).toContain('granted by statement Partner');
    const sarif = await run('--policy-document', partner, '--output', 'sarif');
    const log = JSON.parse(sarif.stdout) as {
      runs: {
        results: { level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
      }[];
    };
    const [result] = log.runs[0]?.results ?? [];
    expect(result?.level).toBe('error');
    expect(result?.locations[0]?.physicalLocation.region.startLine).toBe(4);
  });

  it('exits 2 on an unknown resource type or owner account', async () => {
    const outcome = await runGroup(
      'iam',
      [registerIamFindExternalAccess],
      [
        'find-external-access',
        '--policy-document',
        partner,
        '--resource-type',
        'AWS::EC2::Instance',
        '--owner-account',
        'me',
      ],
    );
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain('unsupported resource type `AWS::EC2::Instance`');
    expect(outcome.stderr).toContain('expected a 12-digit account id, not `me`');
  });
});
