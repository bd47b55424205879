// The fast path of parsePolicy (clean.ts) held to the full reader (policy.ts)
// as objects, not only as JSON: locations made on demand must behave as the
// plain `{ path, span }` objects the full reader makes; duplicate keys hidden
// by whitespace, escaped quotes or colons in strings must still send the
// document to the full reader; patterns read without the general reader must
// be what a plain reading gives.
import { inspect, isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { managedPolicyPairs } from '../../bench/managed-policies.js';
import type { Location, Pattern, PatternPart, Policy } from '../../src/iam/model.js';
import { parseCleanPolicy, SHARED_PATTERNS_FROM } from '../../src/iam/parse/clean.js';
import { parsePattern, sharedPattern, type PatternSyntax } from '../../src/iam/parse/patterns.js';
import { parsePolicy, parsePolicyInFull } from '../../src/iam/parse/policy.js';

function full(text: string): Policy {
  const result = parsePolicyInFull(text);
  if (!result.ok) throw new Error(`expected a clean policy: ${JSON.stringify(result.errors)}`);
  return result.policy;
}

function fast(text: string): Policy {
  const policy = parseCleanPolicy(text);
  if (policy === undefined) throw new Error('expected the fast path to read the document');
  return policy;
}

describe('locations of the fast path', () => {
  const text =
    '{\n  "Version": "2012-10-17",\n  "Statement": [{"Sid": "A", "Effect": "Allow",\n    "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}]\n}';
  const entryOf = (policy: Policy, index: number): Location | undefined =>
    policy.statements[0]?.action.entries[index]?.location;

  it('compare equal to the full reader’s plain objects, and unequal to another location', () => {
    const location = entryOf(fast(text), 1);
    const plain = entryOf(full(text), 1);
    expect(location).toStrictEqual(plain);
    expect(isDeepStrictEqual(location, plain)).toBe(true);
    expect(location).not.toEqual(entryOf(full(text), 0));
    expect(isDeepStrictEqual(location, entryOf(full(text), 0))).toBe(false);
  });

  it('have exactly the own enumerable properties path and span, and spread, serialise and print like them', () => {
    const location = entryOf(fast(text), 0);
    const plain = entryOf(full(text), 0);
    expect(Object.keys(location ?? {})).toEqual(['path', 'span']);
    expect({ ...location }).toStrictEqual(plain);
    expect(JSON.stringify(location)).toBe(JSON.stringify(plain));
    expect(location !== undefined && 'span' in location && Object.hasOwn(location, 'path')).toBe(true);
    expect(Object.getPrototypeOf(location)).toBe(Object.prototype);
    expect(String(location)).toBe('[object Object]');
    expect(inspect(location, { depth: 4 })).toBe(inspect(plain, { depth: 4 }));
    expect(text.slice(location?.span.start.offset, location?.span.end.offset)).toBe('"s3:GetObject"');
  });

  it('give the same path and span objects on every read, and refuse changes', () => {
    const location = entryOf(fast(text), 0) as Location;
    expect(location.path).toBe(location.path);
    expect(location.span).toBe(location.span);
    const writable = location as { span: unknown };
    expect(() => {
      writable.span = undefined;
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(location, 'extra', { value: 1 })).toThrow(TypeError);
    expect(location.span.start.line).toBe(4);
  });
});

describe('locations of array items', () => {
  // Items of different arrays at the same index share their proxies' target, the index.
  const text = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:Put*"], "Resource": ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"],
     "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:root"], "Service": ["ec2.amazonaws.com"]},
     "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}, "Bool": {"aws:SecureTransport": [true]}}},
    {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "NotResource": ["arn:aws:iam::*:role/x"]}
  ]
}`;

  it('are the full reader’s, in Action, Resource, Principal and condition value arrays', () => {
    const policy = fast(text);
    expect(isDeepStrictEqual(policy, full(text))).toBe(true);
    const [first, second] = policy.statements;
    const principal = first?.principal?.value;
    const items = [
      first?.action.entries[1]?.location,
      first?.resource?.entries[1]?.location,
      principal?.kind === 'entries' ? principal.entries[1]?.location : undefined,
      principal?.kind === 'entries' ? principal.entries[2]?.location : undefined,
      first?.conditions[0]?.values[1]?.location,
      first?.conditions[1]?.values[0]?.location,
      second?.action.entries[1]?.location,
    ];
    const written = items.map((location) =>
      location === undefined ? undefined : text.slice(location.span.start.offset, location.span.end.offset),
    );
    expect(written).toEqual([
      '"s3:Put*"',
      '"arn:aws:s3:::b/*"',
      '"arn:aws:iam::444455556666:root"',
      '"ec2.amazonaws.com"',
      '"b"',
      'true',
      '"sts:*"',
    ]);
    expect(items[2]?.path).toEqual([
      { value: 'Statement' },
      { index: 0 },
      { value: 'Principal' },
      { value: 'AWS' },
      { index: 1 },
    ]);
    const plain = full(text).statements[0]?.conditions[0]?.values[1]?.location;
    expect(inspect(items[4], { depth: 4 })).toBe(inspect(plain, { depth: 4 }));
  });
});

describe('the fast path on the AWS managed policies', () => {
  // The latest version of each policy by default (CI time); KEYAKI_PARSE_CORPUS=all checks all 6,000+.
  const all = managedPolicyPairs().versions;
  const versions =
    process.env.KEYAKI_PARSE_CORPUS === 'all'
      ? all
      : [...new Map(all.map((version) => [version.name.split('@')[0], version])).values()];

  it('gives the full reader’s model as objects (paths and spans included), or leaves the document to it', () => {
    let clean = 0;
    for (const { name, document } of versions) {
      const policy = parseCleanPolicy(document);
      if (policy === undefined) continue;
      clean++;
      if (!isDeepStrictEqual(policy, full(document))) expect.fail(`${name}: fast and full models differ`);
    }
    expect(clean).toBeGreaterThan(versions.length * 0.9);
  });
});

// Documents written by hand rather than by JSON.stringify: whitespace on
// either side of colons, a member written twice, strings with escaped quotes
// and colons. The full reader is the reference for each.
const gap = fc.constantFrom('', '', ' ', '  ', '\n', '\t', '\r\n  ');
const member = fc.constantFrom('Effect', 'Action', 'Resource', 'Sid', 'Condition', 'Principal');
const text = fc.constantFrom(
  '*',
  's3:GetObject',
  ':x',
  'say "hi":there',
  'a\\":b',
  'arn:aws:s3:::b/${aws:username}',
  'Allow',
  'Deny',
);
const value = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 1, arbitrary: fc.array(text, { minLength: 1, maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.record({ StringEquals: fc.dictionary(fc.constantFrom('aws:username', 's3:x'), text) }),
  },
);

interface Written {
  readonly members: readonly (readonly [string, unknown])[];
  readonly gaps: readonly string[];
}

const statementText = fc
  .record({
    members: fc.array(fc.tuple(member, value), { minLength: 1, maxLength: 6 }),
    gaps: fc.array(gap, { minLength: 1, maxLength: 6 }),
  })
  .map(({ members, gaps }): Written => ({
    // Effect and Action first and valid, so that most statements are clean when nothing is repeated.
    members: [
      ['Effect', 'Allow'],
      ['Action', 's3:GetObject'],
      ...members.filter(([name]) => name !== 'Effect'),
    ],
    gaps,
  }));

/** JSON text with the chosen whitespace around each colon, members written as listed (repeats kept). */
function write({ members, gaps }: Written): string {
  let next = 0;
  const around = (): string => gaps[next++ % gaps.length] ?? '';
  const body = members
    .map(
      ([name, memberValue]) => `${JSON.stringify(name)}${around()}:${around()}${JSON.stringify(memberValue)}`,
    )
    .join(',');
  return `{"Version":"2012-10-17","Statement":{${body}}}`;
}

describe('the fast path on hand-written documents', () => {
  it('gives the full reader’s result exactly, duplicate keys included', () => {
    let clean = 0;
    let repeated = 0;
    fc.assert(
      fc.property(statementText, (statement) => {
        const document = write(statement);
        const names = statement.members.map(([name]) => name);
        if (new Set(names).size < names.length) repeated++;
        if (parseCleanPolicy(document) !== undefined) clean++;
        const result = parsePolicy(document);
        expect(result).toStrictEqual(parsePolicyInFull(document));
        expect(JSON.stringify(result)).toBe(JSON.stringify(parsePolicyInFull(document)));
      }),
      { numRuns: 2000, seed: 20261207 },
    );
    // Both sides must be reached: clean documents, and documents with a repeated member.
    expect(clean).toBeGreaterThan(100);
    expect(repeated).toBeGreaterThan(100);
  });

  it.each([
    [
      'whitespace before the colon of the repeat',
      '{"Statement":{"Effect":"Allow","Action" :"*","Action":"s3:*"}}',
    ],
    [
      'a value that starts with a colon, making up the count',
      '{"Statement":{"Effect":"Allow","Action":":x","Action"\n:"s3:*"}}',
    ],
    ['an escaped quote before a colon', '{"Statement":{"Effect":"Allow","Sid":"a\\":b","Sid" :"c"}}'],
  ])('sends a repeated key hidden by %s to the full reader', (_, document) => {
    expect(parseCleanPolicy(document)).toBeUndefined();
    const result = parsePolicy(document);
    expect(result.ok ? [] : result.errors.map((error) => error.code)).toContain('JSON_SYNTAX_ERROR');
  });
});

/**
 * Patterns read plainly, one character at a time: the reference for the
 * parser's shortcuts (literal text found by indexOf, `*` shared). Only for
 * texts whose variables are well formed, as the generator below writes them.
 */
function plainPattern(raw: string, syntax: PatternSyntax): Pattern {
  const parts: PatternPart[] = [];
  const literal = (text: string): void => {
    const last = parts.at(-1);
    if (last?.kind === 'literal') parts[parts.length - 1] = { kind: 'literal', text: last.text + text };
    else parts.push({ kind: 'literal', text });
  };
  for (let index = 0; index < raw.length; index++) {
    const char = raw.charAt(index);
    if (syntax.wildcards && (char === '*' || char === '?')) parts.push({ kind: 'wildcard', wildcard: char });
    else if (syntax.variables && raw.startsWith('${', index)) {
      const close = raw.indexOf('}', index);
      const body = raw.slice(index + 2, close);
      const [key = '', fallback] = body.split(',').map((piece) => piece.trim());
      if (body === '*' || body === '?' || body === '$') literal(body);
      else
        parts.push(
          fallback === undefined
            ? { kind: 'variable', key }
            : { kind: 'variable', key, defaultValue: fallback.slice(1, -1) },
        );
      index = close;
    } else literal(char);
  }
  return { raw, parts };
}

describe('patterns', () => {
  const piece = fc.constantFrom(
    'a',
    ':',
    '/',
    '*',
    '?',
    '$',
    '${aws:username}',
    "${aws:PrincipalTag/team, 'x'}",
    '${*}',
    '${?}',
    '${$}',
  );
  const syntax = fc.record({ wildcards: fc.boolean(), variables: fc.boolean() });

  it('are what a plain reading gives, under every syntax', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), syntax, (pieces, chosen) => {
        const raw = pieces.join('');
        const result = parsePattern(raw, chosen);
        expect(result).toStrictEqual({ ok: true, pattern: plainPattern(raw, chosen) });
      }),
      { numRuns: 3000, seed: 20261207 },
    );
  });

  it('are shared between reads of one text under one syntax, and never across syntaxes', () => {
    const syntaxes: PatternSyntax[] = [
      { wildcards: false, variables: false },
      { wildcards: false, variables: true },
      { wildcards: true, variables: false },
      { wildcards: true, variables: true },
    ];
    const raw = 'arn:aws:s3:::b-?/${aws:username}/*';
    const first = syntaxes.map((chosen) => sharedPattern(raw, chosen));
    syntaxes.forEach((chosen, index) => {
      expect(first[index]).toStrictEqual(plainPattern(raw, chosen));
      expect(sharedPattern(raw, chosen)).toBe(first[index]);
    });
    expect(new Set(first).size).toBe(4);
    expect(sharedPattern('a/${aws:username', { wildcards: true, variables: true })).toBeUndefined();
  });

  it('of a big clean document are shared with a later parse of it, those of a small one are not', () => {
    const statement = (index: number): string =>
      `{"Effect":"Allow","Action":["s3:Get${index}*","s3:List${index}"],"Resource":"arn:aws:s3:::b${index}/*"}`;
    const document = (count: number): string =>
      `{"Version":"2012-10-17","Statement":[${Array.from({ length: count }, (_, index) => statement(index)).join(',')}]}`;
    const small = document(3);
    let count = 3;
    while (document(count).length < SHARED_PATTERNS_FROM) count *= 2;
    const big = document(count);
    const patterns = (text: string): Pattern[] =>
      fast(text).statements.flatMap((each) => [
        ...each.action.entries.map((entry) => entry.pattern),
        ...(each.resource?.entries.map((entry) => entry.pattern) ?? []),
      ]);
    const [once, twice] = [patterns(big), patterns(big)];
    expect(twice.every((pattern, index) => pattern === once[index])).toBe(true);
    expect(isDeepStrictEqual(fast(big), full(big))).toBe(true);
    const [smallOnce, smallTwice] = [patterns(small), patterns(small)];
    expect(smallTwice.some((pattern, index) => pattern === smallOnce[index])).toBe(false);
    expect(smallTwice).toStrictEqual(smallOnce);
  });

  it('with malformed variables report their problem on every read', () => {
    const syntax = { wildcards: true, variables: true };
    const problem = { ok: false, code: 'MISSING_BRACE_IN_VARIABLE' };
    expect(parsePattern('a/${aws:username', syntax)).toMatchObject(problem);
    expect(parsePattern('a/${aws:username', syntax)).toMatchObject(problem);
  });
});
