import fc from 'fast-check';
import { LosslessNumber, parse as parseLossless } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonText } from '../../src/cedar/eval/json-text.js';

/**
 * What the reader must give for a number as written, decided independently of
 * it: `serde_json` reads an integer literal as an integer (except `-0`, which
 * it reads as a float), everything else as a float.
 */
function expectedNumber(literal: string): number | bigint | LosslessNumber {
  if (!/^-?[0-9]+$/.test(literal) || literal === '-0') return new LosslessNumber(literal);
  const exact = BigInt(literal);
  return exact >= BigInt(Number.MIN_SAFE_INTEGER) && exact <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(exact)
    : exact;
}

/** The oracle: lossless-json keeps every number as written, so its answer can be mapped to the expected one. */
function oracle(text: string): unknown {
  return parseLossless(text, null, expectedNumber);
}

// Whitespace JSON allows between tokens, in runs.
const whitespace = fc
  .array(fc.constantFrom(' ', '\t', '\n', '\r'), { maxLength: 3 })
  .map((chars) => chars.join(''));

// Any JSON number as written: integers of every size (i64's edges included), fractions, exponents, `-0`.
const numberLiteral = fc.oneof(
  fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String),
  fc.constantFrom(
    '9223372036854775807',
    '-9223372036854775808',
    '9223372036854775808',
    '-9223372036854775809',
    '9007199254740991',
    '9007199254740992',
    '-9007199254740993',
    '0',
    '-0',
    '1.0',
    '-0.0',
    '1e3',
    '1E+3',
    '2e-1',
    '1E400',
    '123456789012345678901234567890',
  ),
  fc
    .tuple(fc.integer({ min: -999, max: 999 }), fc.nat(99), fc.integer({ min: -30, max: 30 }))
    .map(([whole, fraction, exponent]) => `${whole}.${fraction}e${exponent}`),
);

// A string literal, each character written plainly or escaped in any of the ways JSON allows.
const stringLiteral = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        fc.constantFrom('"', '\\', '/', '\n', '\u2028'),
      ),
      fc.nat(2),
    ),
    { maxLength: 12 },
  )
  .map((chars) => {
    const written = chars.map(([char, style]) => {
      const code = char.charCodeAt(0);
      if (style === 0 || code < 0x20 || char === '"' || char === '\\') {
        if (style === 1) return `\\u${code.toString(16).padStart(4, '0')}`;
        return JSON.stringify(char).slice(1, -1);
      }
      return style === 1 ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}` : char;
    });
    return `"${written.join('')}"`;
  });

/** JSON text without duplicate keys, with whitespace anywhere it may go. */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ text: string }>((tie) => ({
  text: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberLiteral,
    stringLiteral,
    fc.constantFrom('true', 'false', 'null'),
    fc
      .array(fc.tuple(whitespace, tie('text'), whitespace), { maxLength: 4 })
      .map((items) => `[${items.map((parts) => parts.join('')).join(',')}]`),
    fc
      .uniqueArray(fc.tuple(fc.string({ maxLength: 4 }), whitespace, tie('text')), {
        maxLength: 4,
        selector: ([key]) => key,
      })
      .map(
        (entries) =>
          `{${entries.map(([key, space, value]) => `${space}${JSON.stringify(key)}${space}:${space}${value}`).join(',')}}`,
      ),
  ),
})).text;

describe('reading JSON text', () => {
  it('gives what lossless-json gives, with integers exact and every other number as written', () => {
    fc.assert(
      fc.property(whitespace, jsonText, whitespace, (before, text, after) => {
        const full = `${before}${text}${after}`;
        expect(parseJsonText(full)).toEqual(oracle(full));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads strings exactly as JSON.parse does: escapes, surrogates, any unicode', () => {
    fc.assert(
      fc.property(stringLiteral, (literal) => {
        expect(parseJsonText(literal)).toBe(JSON.parse(literal));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses exactly the texts JSON.parse refuses, once duplicate keys are set aside', () => {
    const edit = fc.tuple(
      fc.nat(),
      fc.constantFrom('delete', 'insert', 'replace'),
      fc.constantFrom(...'{}[],:"\\ -+0123.eEtrufalsn\u0000\u001f'),
    );
    fc.assert(
      fc.property(jsonText, fc.array(edit, { minLength: 1, maxLength: 3 }), (text, edits) => {
        let mutated = text;
        for (const [at, kind, char] of edits) {
          const index = mutated.length === 0 ? 0 : at % mutated.length;
          const rest = kind === 'insert' ? index : index + 1;
          mutated = `${mutated.slice(0, index)}${kind === 'delete' ? '' : char}${mutated.slice(rest)}`;
        }
        try {
          JSON.parse(mutated);
        } catch {
          expect(() => parseJsonText(mutated)).toThrow(JsonSyntaxError);
          return;
        }
        let read: unknown;
        try {
          read = parseJsonText(mutated);
        } catch (error) {
          // An edit can make two keys of one object equal, which Cedar refuses and JSON.parse does not.
          expect(error).toBeInstanceOf(JsonSyntaxError);
          expect((error as Error).message).toMatch(/occurs two or more times in the same JSON object/);
          return;
        }
        expect(read).toEqual(oracle(mutated));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps i64 edge values exact and safe integers as numbers', () => {
    expect(
      parseJsonText('[9223372036854775807, -9223372036854775808, 9007199254740991, 9007199254740992]'),
    ).toEqual([9223372036854775807n, -9223372036854775808n, 9007199254740991, 9007199254740992n]);
    expect(parseJsonText('-12')).toBe(-12);
    expect(() => parseJsonText('[00]')).toThrow(JsonSyntaxError);
  });

  it('keeps numbers Cedar does not read as integers as written: 1.0, 1e3, -0', () => {
    expect(parseJsonText('[1.0, 1e3, -0, 1E400]')).toEqual(
      ['1.0', '1e3', '-0', '1E400'].map((literal) => new LosslessNumber(literal)),
    );
  });

  it('refuses a key that occurs twice in one object, as Cedar does, naming it and where', () => {
    expect(() => parseJsonText('{"a": 1,\n "b": {"c": 1, "c": 1}}')).toThrow(
      'the key `c` occurs two or more times in the same JSON object at line 2 column 16',
    );
    expect(parseJsonText('[{"a": 1}, {"a": 2}]')).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('reads `__proto__` as an ordinary key', () => {
    const read = parseJsonText('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    expect(Object.keys(read)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(read, '__proto__')?.value).toEqual({ x: 1 });
  });

  it('refuses nesting deeper than serde_json reads (127 levels)', () => {
    expect(parseJsonText(`${'['.repeat(127)}${']'.repeat(127)}`)).toBeInstanceOf(Array);
    expect(() => parseJsonText(`${'['.repeat(128)}${']'.repeat(128)}`)).toThrow('recursion limit exceeded');
    expect(() => parseJsonText('['.repeat(100_000))).toThrow(JsonSyntaxError);
  });

  it('says where malformed text goes wrong', () => {
    expect(() => parseJsonText('{"a": 1\n  "b": 2}')).toThrow('expected `,` or `}` at line 2 column 3');
    expect(() => parseJsonText('[1, 2')).toThrow('EOF while parsing a list at line 1 column 6');
    expect(() => parseJsonText('"tab\there"')).toThrow('control character');
    expect(() => parseJsonText('[1] x')).toThrow('trailing characters at line 1 column 5');
    expect(() => parseJsonText('\ufeff[]')).toThrow(JsonSyntaxError);
  });
});
