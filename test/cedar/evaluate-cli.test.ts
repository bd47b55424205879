import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGroup } from '../cli/run-group.js';
import { registerCedarEvaluate } from '../../src/cli/cedar-evaluate.js';

const run = (args: string[]) => runGroup('cedar', [registerCedarEvaluate], args);

const directory = mkdtempSync(join(tmpdir(), 'keyaki-evaluate-'));
const entities = join(directory, 'entities.json');
writeFileSync(
  entities,
  JSON.stringify([
    {
      uid: { type: 'User', id: 'alice' },
      attrs: { age: 30, tags: ['a', 'b'] },
      parents: [{ type: 'Group', id: 'admins' }],
    },
  ]),
);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('keyaki cedar evaluate', () => {
  it('prints values in Cedar syntax', async () => {
    const cases: [string, string][] = [
      ['principal in Group::"admins"', 'true'],
      ['principal.age * 2', '60'],
      ['{a: principal.tags, b: principal}', '{"a": ["a", "b"], "b": User::"alice"}'],
      ['decimal("-1.5")', 'decimal("-1.5000")'],
      ['ip("10.0.0.1")', 'ip("10.0.0.1/32")'],
      ['datetime("2024-01-01").offset(duration("1h"))', 'datetime("2024-01-01T01:00:00.000Z")'],
    ];
    for (const [expression, printed] of cases) {
      const result = await run([
        'evaluate',
        expression,
        '--entities',
        entities,
        '--principal',
        'User::"alice"',
      ]);
      expect({ expression, out: result.stdout.trim(), code: result.exitCode }).toEqual({
        expression,
        out: printed,
        code: 0,
      });
    }
  });

  it('exits 1 with the message when evaluation fails', async () => {
    const result = await run([
      'evaluate',
      'principal.age + 9223372036854775807',
      '--entities',
      entities,
      '-l',
      'User::"alice"',
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('overflow');
  });

  it('exits 1 with a code frame pointing into the expression when it does not parse', async () => {
    const result = await run(['evaluate', '1 + + ']);
    expect(result.exitCode).toBe(1);
    // The expression is read on its own, as Cedar reads it: no policy around it shows in the errors.
    const unfinished = await run(['evaluate', '1 +']);
    expect(unfinished.stderr).toBe(
      '<expression>:1:4: error: unexpected end of input\n  1 | 1 +\n    |    ^ expected `!`, `(`, `-`, `[`, `{`, `false`, identifier, `if`, number, `?principal`, `?resource`, string literal, or `true`\n',
    );
    expect(result.stderr).toContain('<expression>');
    expect(result.stderr).toContain('^');
  });
});
