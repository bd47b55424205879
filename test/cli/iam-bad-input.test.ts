// Bad input never crashes a `keyaki iam` command: mutated documents (cut,
// spliced, values of the wrong shape, bytes that are not UTF-8), wrong option
// values and unknown options. Each run must exit with a documented code, print
// no stack trace, and on exit 2 say what is wrong: the file it read, or the
// option (and, for a document, its file). Runs the command line in process (program.ts). KEYAKI_FUZZ_RUNS
// raises the number of cases per command (default 25).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runKeyaki } from '../../src/cli/program.js';

const runs = Number(process.env.KEYAKI_FUZZ_RUNS ?? 25);
const directory = mkdtempSync(join(tmpdir(), 'keyaki-bad-input-'));
const examples = new URL('../../examples/', import.meta.url);
const seeds = ['iam/identity-policy.json', 'iam/bucket-policy.json', 'refine/lambda-s3.json'].map((name) =>
  readFileSync(new URL(name, examples), 'utf8'),
);
const unusedSeed = readFileSync(new URL('refine/lambda-s3.unused.json', examples), 'utf8');
const contextSeed = '{"aws:SourceIp": "203.0.113.7", "aws:MultiFactorAuthPresent": true}';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function keyaki(args: readonly string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await runKeyaki(args);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

/** All JSON paths of a value, so a mutation can replace any node. */
function paths(value: unknown, prefix: readonly (string | number)[] = []): (string | number)[][] {
  const here = [[...prefix]];
  if (Array.isArray(value))
    return [...here, ...value.flatMap((item, index) => paths(item, [...prefix, index]))];
  if (typeof value === 'object' && value !== null)
    return [...here, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))];
  return here;
}

function replaceAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value))
    return value.map((item, index) => (index === head ? replaceAt(item, rest, replacement) : item));
  const record = value as Record<string, unknown>;
  return { ...record, [head!]: replaceAt(record[head!], rest, replacement) };
}

const tokens = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ',',
  ':',
  '\\',
  '\u0000',
  '\uFEFF',
  '\n',
  '1e999',
  'null',
  '"*"',
  '${',
];

/** A mutation of a JSON text, applied as bytes so it can also break the UTF-8 encoding. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    remove: fc.integer({ min: 0, max: 12 }),
    insert: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 6 })),
  }),
  fc.record({
    kind: fc.constant('value' as const),
    pick: fc.double({ min: 0, max: 1, noNaN: true }),
    value: fc.jsonValue({ maxDepth: 3 }),
  }),
  fc.record({
    kind: fc.constant('bytes' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bytes: fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0x80]),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, change: Mutation): Buffer {
  const bytes = Buffer.from(text);
  switch (change.kind) {
    case 'cut':
      return bytes.subarray(0, Math.floor(change.at * bytes.length));
    case 'splice': {
      const at = Math.floor(change.at * bytes.length);
      return Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from(change.insert),
        bytes.subarray(at + change.remove),
      ]);
    }
    case 'value': {
      const document = JSON.parse(text) as unknown;
      const all = paths(document);
      const path = all[Math.min(all.length - 1, Math.floor(change.pick * all.length))]!;
      return Buffer.from(JSON.stringify(replaceAt(document, path, change.value), null, 2));
    }
    case 'bytes': {
      const at = Math.floor(change.at * bytes.length);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(change.bytes), bytes.subarray(at)]);
    }
    default:
      return change satisfies never;
  }
}

let fileCount = 0;
function writeCase(contents: Buffer | string): string {
  const path = join(directory, `case-${fileCount++}.json`);
  writeFileSync(path, contents);
  return path;
}

const documentedCodes = [0, 1, 2, 3];

/** What every run must satisfy; `mutated` is the file whose problem an exit 2 must name. */
function expectWellBehaved(outcome: Outcome, args: readonly string[], mutated?: string): void {
  const context = `keyaki ${args.join(' ')}\n${outcome.stderr}`;
  expect(documentedCodes, context).toContain(outcome.code);
  expect(outcome.stderr, context).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n|TypeError|RangeError|ReferenceError/);
  if (outcome.code === 2) {
    expect(outcome.stderr.trim(), context).not.toBe('');
    const stdoutIsEmpty = outcome.stdout === '';
    expect(stdoutIsEmpty, context).toBe(true);
    if (mutated !== undefined) expect(outcome.stderr, context).toContain(mutated);
  }
  if ((outcome.code === 0 || outcome.code === 1 || outcome.code === 3) && args.includes('--output') === false)
    expect(() => JSON.parse(outcome.stdout) as unknown, context).not.toThrow();
}

/** The command lines under test, each reading the mutated document from `file`. */
const commands: readonly [string, (file: string, seed: string) => string[]][] = [
  [
    'validate-policy',
    (f) => ['iam', 'validate-policy', '--policy-document', `file://${f}`, '--policy-type', 'IDENTITY_POLICY'],
  ],
  [
    'check-no-new-access',
    (f, seed) => [
      'iam',
      'check-no-new-access',
      '--existing-policy-document',
      `file://${writeCase(seed)}`,
      '--new-policy-document',
      `file://${f}`,
      '--policy-type',
      'IDENTITY_POLICY',
    ],
  ],
  [
    'check-access-not-granted',
    (f) => [
      'iam',
      'check-access-not-granted',
      '--policy-document',
      `file://${f}`,
      '--access',
      '[{"actions":["s3:DeleteBucket","s3:PutObject"]}]',
      '--policy-type',
      'IDENTITY_POLICY',
    ],
  ],
  [
    'check-no-public-access',
    (f) => [
      'iam',
      'check-no-public-access',
      '--policy-document',
      `file://${f}`,
      '--resource-type',
      'AWS::S3::Bucket',
    ],
  ],
  [
    'find-external-access',
    (f) => [
      'iam',
      'find-external-access',
      '--policy-document',
      `file://${f}`,
      '--resource-type',
      'AWS::S3::Bucket',
      '--owner-account',
      '111122223333',
    ],
  ],
  [
    'refine',
    (f) => [
      'iam',
      'refine',
      '--policy-document',
      `file://${f}`,
      '--unused-permissions',
      `file://${writeCase(unusedSeed)}`,
    ],
  ],
  [
    'simulate',
    (f) => [
      'iam',
      'simulate',
      '--action-names',
      's3:GetObject',
      '--resource-arns',
      'arn:aws:s3:::example-reports/shared/a',
      '--caller-arn',
      'arn:aws:iam::111122223333:role/ReportReader',
      '--policy-input-list',
      `file://${f}`,
    ],
  ],
];

describe('keyaki iam commands on mutated documents', () => {
  for (const [name, commandLine] of commands)
    it(`${name}: documented exit code, no stack trace, the problem named`, { timeout: 120_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...seeds), mutation, async (seed, change) => {
          const file = writeCase(mutate(seed, change));
          const args = commandLine(file, seed);
          expectWellBehaved(await keyaki(args), args, file);
        }),
        { numRuns: runs },
      );
    });
});

/** Side inputs: [test name, seed text, command line reading the mutated seed from `file`, whether errors name the file]. */
const sideInputs: readonly [string, string, (file: string) => string[], boolean][] = [
  [
    'refine: mutated unused-permission findings',
    unusedSeed,
    (f) => [
      'iam',
      'refine',
      '--policy-document',
      `file://${writeCase(seeds[2]!)}`,
      '--unused-permissions',
      `file://${f}`,
    ],
    true,
  ],
  [
    'simulate: mutated --context documents',
    contextSeed,
    (f) => [
      'iam',
      'simulate',
      '--action-names',
      's3:GetObject',
      '--policy-input-list',
      `file://${writeCase(seeds[0]!)}`,
      '--context',
      `file://${f}`,
    ],
    true,
  ],
  [
    // --access errors name the option and the entry, not the file.
    'check-access-not-granted: mutated --access lists',
    '[{"actions": ["s3:DeleteBucket"], "resources": ["arn:aws:s3:::b"]}]',
    (f) => [
      'iam',
      'check-access-not-granted',
      '--policy-document',
      `file://${writeCase(seeds[0]!)}`,
      '--access',
      `file://${f}`,
      '--policy-type',
      'IDENTITY_POLICY',
    ],
    false,
  ],
];

describe('keyaki iam side inputs', () => {
  for (const [name, seed, commandLine, namesFile] of sideInputs)
    it(name, { timeout: 120_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(mutation, async (change) => {
          const file = writeCase(mutate(seed, change));
          const args = commandLine(file);
          expectWellBehaved(await keyaki(args), args, namesFile ? file : undefined);
        }),
        { numRuns: runs },
      );
    });
});

describe('keyaki iam option values', () => {
  const optionValue = fc.oneof(
    fc.constantFrom(
      '',
      '-',
      '--',
      'file://',
      'file:///',
      'json',
      'TEXT',
      'IDENTITY_POLICY',
      '*',
      '123',
      'AWS::S3::Bucket',
    ),
    fc.string({ maxLength: 12 }),
  );

  const required = new Set([
    '--policy-document',
    '--policy-type',
    '--resource-type',
    '--owner-account',
    '--action-names',
  ]);

  it('wrong values, unknown and missing options exit 2 with a message', { timeout: 120_000 }, async () => {
    const policy = `file://${writeCase(seeds[1]!)}`;
    const lines: readonly (readonly string[])[] = [
      ['iam', 'validate-policy', '--policy-document', policy, '--policy-type', 'RESOURCE_POLICY'],
      ['iam', 'check-no-public-access', '--policy-document', policy, '--resource-type', 'AWS::S3::Bucket'],
      [
        'iam',
        'find-external-access',
        '--policy-document',
        policy,
        '--resource-type',
        'AWS::S3::Bucket',
        '--owner-account',
        '111122223333',
      ],
      [
        'iam',
        'simulate',
        '--action-names',
        's3:GetObject',
        '--resource-policy',
        policy,
        '--caller-arn',
        '444455556666',
      ],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...lines),
        fc.nat(),
        optionValue,
        fc.constantFrom('replace', 'drop', 'unknown'),
        async (line, pick, value, how) => {
          const options = line.flatMap((word, index) => (word.startsWith('--') ? [index] : []));
          const at = options[pick % options.length]!;
          const args =
            how === 'replace'
              ? [...line.slice(0, at + 1), value, ...line.slice(at + 2)]
              : how === 'drop'
                ? [...line.slice(0, at), ...line.slice(at + 2)]
                : [...line, `--no-such-${pick % 7}`, value];
          const outcome = await keyaki(args);
          expectWellBehaved(outcome, args);
          if (how === 'unknown' || (how === 'drop' && required.has(line[at]!)))
            expect(outcome.code, args.join(' ')).toBe(2);
        },
      ),
      { numRuns: runs * 2 },
    );
  });
});
