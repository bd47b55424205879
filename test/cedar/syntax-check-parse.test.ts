import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerCedarCheckParse } from '../../src/cli/cedar-check-parse.js';
import { runGroup } from '../cli/run-group.js';

const run = (args: string[]) => runGroup('cedar', [registerCedarCheckParse], args);

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'keyaki-check-parse-')), name);
  writeFileSync(path, text);
  return path;
}

/** The errors check-parse prints for a file holding `text`, which it must refuse with exit code 1; the file is named `FILE`. */
async function refused(text: string): Promise<string> {
  const policies = file('refused.cedar', text);
  const result = await run(['check-parse', '--policies', policies]);
  expect(result.exitCode).toBe(1);
  return result.stderr.replaceAll(policies, 'FILE');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('keyaki cedar check-parse', () => {
  it('counts the policies and templates it read', async () => {
    const policies = file(
      'ok.cedar',
      'permit(principal, action, resource);\npermit(principal == ?principal, action, resource);\n',
    );
    const result = await run(['check-parse', '--policies', policies]);
    expect(result).toEqual({ stdout: '2 policies parsed (1 template)\n', stderr: '', exitCode: 0 });
  });

  it("shows every error with its line, a caret under the place and Cedar's help", async () => {
    const stderr = await refused(
      'permit(principal, action, resource)\n  when { x };\nforbid(principal, action, resource) when { 1 < 2 < 3 };\n',
    );
    expect(stderr).toBe(
      [
        `FILE:2:10: error: invalid variable: x`,
        '  2 |   when { x };',
        '    |          ^',
        '  = help: the valid Cedar variables are `principal`, `action`, `resource`, and `context`; did you mean to enclose `x` in quotes to make a string?',
        `FILE:3:44: error: multiple relational operators (>, ==, in, etc.) must be used with parentheses to make ordering explicit`,
        '  3 | forbid(principal, action, resource) when { 1 < 2 < 3 };',
        '    |                                            ^^^^^^^^^',
        '',
      ].join('\n'),
    );
  });

  it('labels an unexpected token with the tokens Cedar expected there, after the caret', async () => {
    const stderr = await refused(
      'permit(principal, action, resource) when { 1 + };\npermit(principal, action, resource) when { (1 ] };\n',
    );
    expect(stderr).toBe(
      [
        'FILE:1:48: error: unexpected token `}`',
        '  1 | permit(principal, action, resource) when { 1 + };',
        '    |                                                ^ expected `!`, `(`, `-`, `[`, `{`, `false`, identifier, `if`, number, `?principal`, `?resource`, string literal, or `true`',
        'FILE:2:47: error: unexpected token `]`',
        '  2 | permit(principal, action, resource) when { (1 ] };',
        '    |                                               ^ expected `)`',
        '',
      ].join('\n'),
    );
  });
});
