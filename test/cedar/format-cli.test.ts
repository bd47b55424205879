import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerCedarFormat } from '../../src/cli/cedar-format.js';
import { UsageError } from '../../src/cli/io.js';
import { runGroup } from '../cli/run-group.js';

const UNFORMATTED = 'permit(principal,action,resource) when {principal.age>=18}; // adults\n';
const FORMATTED = 'permit (principal, action, resource)\nwhen { principal.age >= 18 }; // adults\n';

function policyFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'keyaki-format-')), 'policies.cedar');
  writeFileSync(path, text);
  return path;
}

const format = (...args: string[]) => runGroup('cedar', [registerCedarFormat], ['format', ...args]);

describe('keyaki cedar format', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints the formatted policies and exits 0', async () => {
    const outcome = await format('--policies', policyFile(UNFORMATTED));
    expect(outcome).toEqual({ stdout: FORMATTED, stderr: '', exitCode: 0 });
  });

  it('uses the line and indentation widths it is given', async () => {
    const outcome = await format(
      '-p',
      policyFile('permit(principal == User::"a", action, resource);'),
      '-l',
      '20',
      '-i',
      '4',
    );
    expect(outcome.stdout).toBe(
      'permit (\n    principal ==\n        User::"a",\n    action,\n    resource\n);\n',
    );
  });

  it('with --check, exits 1 when the policies are not formatted and 0 when they are', async () => {
    const unformatted = await format('--check', '--policies', policyFile(UNFORMATTED));
    expect(unformatted.exitCode).toBe(1);
    expect(unformatted.stderr).toContain('not formatted');
    const formatted = await format('--check', '--policies', policyFile(FORMATTED));
    expect(formatted.exitCode).toBe(0);
  });

  it('with --write, rewrites the file in place and prints nothing', async () => {
    const path = policyFile(UNFORMATTED);
    const outcome = await format('--write', '--policies', path);
    expect(outcome).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(readFileSync(path, 'utf8')).toBe(FORMATTED);
  });

  it('exits 1 with a code frame when the policies do not parse, as the official command', async () => {
    const outcome = await format('--policies', policyFile('permit(principal, action, resource) when { x };'));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(
      /policies\.cedar:1:44: error: invalid variable: x\n {2}1 \| permit.*\n.*\^\n/,
    );
  });

  it('refuses a line width that is not a positive integer', async () => {
    await expect(format('--line-width', 'wide', '--policies', policyFile(FORMATTED))).rejects.toThrow(
      UsageError,
    );
  });
});
