import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerIamRefine } from '../../src/cli/iam-refine.js';
import { UsageError } from '../../src/cli/io.js';
import { runGroup, type CommandOutcome } from './run-group.js';

const examples = fileURLToPath(new URL('../../examples/refine/', import.meta.url));

const run = (...args: string[]): Promise<CommandOutcome> =>
  runGroup('iam', [registerIamRefine], ['refine', ...args]);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('keyaki iam refine', () => {
  it('prints the recommendation as JSON for one policy and finding', async () => {
    const { stdout, exitCode } = await run(
      '--policy-document',
      `file://${examples}lambda-s3.json`,
      '--unused-permissions',
      `file://${examples}lambda-s3.unused.json`,
    );
    const result = JSON.parse(stdout) as {
      recommendedAction: string;
      recommendedPolicy: { Statement: { Action: string[] }[] };
    };
    expect(result.recommendedAction).toBe('CREATE_POLICY');
    expect(result.recommendedPolicy.Statement[0]?.Action).toEqual(['lambda:Invoke*']);
    expect(exitCode).toBe(0);
  });

  it('prints a per-statement diff', async () => {
    const { stdout } = await run(
      '--policy-document',
      `file://${examples}lambda-s3.json`,
      '--unused-permissions',
      `file://${examples}lambda-s3.unused.json`,
      '--output',
      'diff',
    );
    expect(stdout).toContain('@@ Statement[1] Allow Action: narrowed @@\n- s3:Get*\n+ s3:GetAccess*\n');
    expect(stdout).toContain('  s3:List*\n');
    expect(stdout).toContain('- lambda:AddPermission\n');
  });

  it('refines every NAME.json with a NAME.unused.json in a folder', async () => {
    const { stdout } = await run('--policies-dir', examples);
    expect(Object.keys(JSON.parse(stdout) as object)).toEqual(['lambda-s3']);
  });

  it('rejects a malformed finding and a missing option as usage errors', async () => {
    await expect(
      run(
        '--policy-document',
        `file://${examples}lambda-s3.json`,
        '--unused-permissions',
        '[{"actions":[]}]',
      ),
    ).rejects.toThrow(UsageError);
    await expect(run('--policy-document', `file://${examples}lambda-s3.json`)).rejects.toThrow(UsageError);
  });
});
