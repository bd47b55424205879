import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect(Object.keys(result).sort()).toEqual(
      ['catalogVersion', 'changes', 'recommendedAction', 'recommendedPolicy', 'warnings'].sort(),
    );
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
    const results = JSON.parse(stdout) as Record<string, object>;
    expect(Object.keys(results)).toEqual(['lambda-s3']);
    expect(results['lambda-s3']).not.toHaveProperty('ok');
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

describe('keyaki iam refine on bad input', () => {
  const folder = mkdtempSync(join(tmpdir(), 'keyaki-refine-'));
  const file = (name: string, text: string): string => {
    writeFileSync(join(folder, name), text);
    return join(folder, name);
  };
  const policy = file(
    'p.json',
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}',
  );
  const finding = file('f.json', '[{"serviceNamespace":"s3","actions":["GetObject"]}]');
  const refine = (policyPath: string, findingPath: string): Promise<CommandOutcome> =>
    run('--policy-document', `file://${policyPath}`, '--unused-permissions', `file://${findingPath}`);

  it('points at the line and column of malformed JSON, in the policy or the finding', async () => {
    const broken = file('broken.json', '{"Version":"2012-10-17",\n  "Statement":[{"Effect":"Allow",}]}');
    await expect(refine(broken, finding)).rejects.toThrow(
      new UsageError(`\`${broken}:2:34\`: malformed json: property name expected`),
    );
    const brokenFinding = file(
      'broken-finding.json',
      '[{"serviceNamespace":"s3",\n "actions":["GetObject",]}]',
    );
    await expect(refine(policy, brokenFinding)).rejects.toThrow(
      `\`${brokenFinding}:2:25\`: malformed json: value expected`,
    );
  });

  it("names the JSON path and place of a finding that is not Access Analyzer's shape", async () => {
    const numbers = file('numbers.json', '[{"serviceNamespace":"s3","actions":["GetObject", 3]}]');
    await expect(refine(policy, numbers)).rejects.toThrow(
      new UsageError(`\`${numbers}:1:51\` at [0].actions[1]: expected an action name string`),
    );
    const noNamespace = file('no-namespace.json', '[{"serviceNamespace":"s3"},\n {"actions":[]}]');
    await expect(refine(policy, noNamespace)).rejects.toThrow(
      `\`${noNamespace}:2:2\` at [1].serviceNamespace: expected a service namespace string`,
    );
    const object = file('object.json', '{"serviceNamespace":"s3"}');
    await expect(refine(policy, object)).rejects.toThrow(`\`${object}:1:1\`: expected an array`);
  });

  it('names the JSON path and place of a statement the refinement cannot read', async () => {
    const numeric = file(
      'numeric.json',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":5}]}',
    );
    await expect(refine(numeric, finding)).rejects.toThrow(
      new UsageError(`\`${numeric}:1:65\` at Statement[0].Action: expected a string or an array of strings`),
    );
  });

  it('refuses absurd nesting and a byte order mark alone is no error', async () => {
    const deep = file('deep.json', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    await expect(refine(deep, finding)).rejects.toThrow(`\`${deep}\`: the document nests too deeply`);
    const marked = file(
      'marked.json',
      `\uFEFF${'{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}'}`,
    );
    const { stdout } = await refine(marked, finding);
    expect((JSON.parse(stdout) as { recommendedAction: string }).recommendedAction).toBe('DETACH_POLICY');
  });

  it('stops a batch at the first bad pair, naming its file', async () => {
    const batch = mkdtempSync(join(tmpdir(), 'keyaki-refine-batch-'));
    writeFileSync(
      join(batch, 'a.json'),
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}',
    );
    writeFileSync(join(batch, 'a.unused.json'), '[]');
    writeFileSync(
      join(batch, 'b.json'),
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}',
    );
    writeFileSync(join(batch, 'b.unused.json'), '[{"serviceNamespace":7}]');
    await expect(run('--policies-dir', batch)).rejects.toThrow(
      new UsageError(
        `\`${join(batch, 'b.unused.json')}:1:22\` at [0].serviceNamespace: expected a service namespace string`,
      ),
    );
  });
});
