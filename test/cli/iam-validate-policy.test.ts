import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerIamValidatePolicy } from '../../src/cli/iam-validate-policy.js';
import { UsageError } from '../../src/cli/io.js';

const directory = mkdtempSync(join(tmpdir(), 'keyaki-validate-'));

function policyFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `iam validate-policy` in process; returns what it printed and the exit code it set. */
async function run(...args: string[]): Promise<{ stdout: string; exitCode: number }> {
  const program = new Command('keyaki').exitOverride();
  registerIamValidatePolicy(program.command('iam').exitOverride());
  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['iam', 'validate-policy', ...args], { from: 'user' });
  } finally {
    write.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  return { stdout: chunks.join(''), exitCode };
}

afterEach(() => {
  process.exitCode = undefined;
});

const clean = JSON.stringify({
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
});
const broken =
  '{\n  "Version": "2012-10-17",\n  "Statement": {\n    "Effect": "Allow",\n    "Action": "s3:GetObjekt",\n    "Resource": "*"\n  }\n}\n';

describe('keyaki iam validate-policy', () => {
  it('prints the ValidatePolicy response as JSON and exits 0 for a clean policy', async () => {
    const { stdout, exitCode } = await run(
      '--policy-document',
      `file://${policyFile('clean.json', clean)}`,
      '--policy-type',
      'IDENTITY_POLICY',
    );
    expect(JSON.parse(stdout)).toEqual({ findings: [] });
    expect(exitCode).toBe(0);
  });

  it('exits 1 when there is an ERROR finding, printing it in Access Analyzer shape', async () => {
    const { stdout, exitCode } = await run(
      '--policy-document',
      `file://${policyFile('broken.json', broken)}`,
      '--policy-type',
      'IDENTITY_POLICY',
    );
    expect(JSON.parse(stdout)).toMatchObject({
      findings: [
        {
          findingType: 'ERROR',
          issueCode: 'INVALID_ACTION',
          locations: [{ span: { start: { line: 5, column: 14 } } }],
        },
      ],
    });
    expect(exitCode).toBe(1);
  });

  it('exits 0 when the findings are only warnings and suggestions', async () => {
    const text = JSON.stringify({
      Statement: { Effect: 'Allow', Action: ['s3:GetObject', 's3:Get*'], Resource: '*' },
    });
    const { stdout, exitCode } = await run('--policy-document', text, '--policy-type', 'IDENTITY_POLICY');
    expect(JSON.parse(stdout).findings.map((f: { issueCode: string }) => f.issueCode)).toEqual([
      'MISSING_VERSION',
      'REDUNDANT_ACTION',
    ]);
    expect(exitCode).toBe(0);
  });

  it('prints one line per finding with file, line and 1-based column, a code frame, and a summary', async () => {
    const path = policyFile('text.json', broken);
    const { stdout, exitCode } = await run(
      '--policy-document',
      `file://${path}`,
      '--policy-type',
      'IDENTITY_POLICY',
      '--output',
      'text',
    );
    expect(stdout).toBe(
      [
        `${path}:5:15: ERROR INVALID_ACTION: no action \`GetObjekt\` exists in service \`s3\``,
        '  5 |     "Action": "s3:GetObjekt",',
        '    |               ^^^^^^^^^^^^^^',
        `${path}: 1 error`,
        '',
      ].join('\n'),
    );
    expect(exitCode).toBe(1);
  });

  it('prints SARIF 2.1.0 with one rule per issue code and 1-based regions', async () => {
    const path = policyFile('sarif.json', broken);
    const { stdout, exitCode } = await run(
      '--policy-document',
      `file://${path}`,
      '--policy-type',
      'IDENTITY_POLICY',
      '--output',
      'sarif',
    );
    const log = JSON.parse(stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].tool.driver.rules.map((rule: { id: string }) => rule.id)).toEqual(['INVALID_ACTION']);
    expect(log.runs[0].results).toEqual([
      {
        ruleId: 'INVALID_ACTION',
        level: 'error',
        message: { text: 'no action `GetObjekt` exists in service `s3`' },
        properties: { findingType: 'ERROR' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: path },
              region: { startLine: 5, startColumn: 15, endLine: 5, endColumn: 29 },
            },
          },
        ],
      },
    ]);
    expect(exitCode).toBe(1);
  });

  it('reports malformed JSON in the document as an ERROR finding (exit 1), not unusable input', async () => {
    const { stdout, exitCode } = await run(
      '--policy-document',
      '{"Version": ',
      '--policy-type',
      'RESOURCE_POLICY',
      '--output',
      'text',
    );
    expect(stdout).toMatch(
      /^<inline>:1:13: ERROR JSON_SYNTAX_ERROR: invalid JSON: value expected at end of document\n/,
    );
    expect(exitCode).toBe(1);
  });

  it('rejects a missing file and an unknown policy type as usage errors', async () => {
    await expect(
      run(
        '--policy-document',
        `file://${join(directory, 'missing.json')}`,
        '--policy-type',
        'IDENTITY_POLICY',
      ),
    ).rejects.toThrow(UsageError);
    await expect(run('--policy-document', clean, '--policy-type', 'IDENTITY')).rejects.toThrow(
      /unknown policy type `IDENTITY`/,
    );
    await expect(
      run('--policy-document', clean, '--policy-type', 'IDENTITY_POLICY', '--output', 'yaml'),
    ).rejects.toThrow(/unknown output format `yaml`/);
  });

  it('validates the bundled example without errors', async () => {
    const { exitCode } = await run(
      '--policy-document',
      `file://${new URL('../../examples/iam/identity-policy.json', import.meta.url).pathname}`,
      '--policy-type',
      'IDENTITY_POLICY',
    );
    expect(exitCode).toBe(0);
  });
});
