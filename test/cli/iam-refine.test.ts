import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerIamRefine } from '../../src/cli/iam-refine.js';
import { UsageError } from '../../src/cli/io.js';

const examples = fileURLToPath(new URL('../../examples/refine/', import.meta.url));

async function run(...args: string[]): Promise<{ stdout: string; exitCode: number }> {
  const program = new Command('keyaki').exitOverride();
  registerIamRefine(program.command('iam').exitOverride());
  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['iam', 'refine', ...args], { from: 'user' });
  } finally {
    write.mockRestore();
  }
  return { stdout: chunks.join(''), exitCode: Number(process.exitCode ?? 0) };
}

afterEach(() => {
  process.exitCode = undefined;
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
