import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPolicies } from '../../src/cedar/format/index.js';
import { lex } from '../../src/cedar/format/tokens.js';
import { commentedPolicies, policyText } from './format-arbitraries.js';
import { joinedAsCedarJoins, oracleFormat as oracle } from './format-support.js';

function formatted(text: string, options: { lineWidth?: number; indentWidth?: number } = {}): string {
  const result = formatPolicies(text, options);
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('; '));
  return result.text;
}

const COMMENT = /\/\/[^\n\r]*/g;

function commentTexts(text: string): string[] {
  const withoutStrings = text.replace(/"(?:\\[\s\S]|[^"\\])*"/g, '""');
  return Array.from(withoutStrings.matchAll(COMMENT), (match) => match[0].trim()).sort();
}

describe('the Cedar formatter', () => {
  it('puts a scope without constraints on one line and the conditions under it', () => {
    expect(formatted('permit(principal,action,resource) when {principal.age>=18};')).toBe(
      'permit (principal, action, resource)\nwhen { principal.age >= 18 };\n',
    );
  });

  it('puts each constrained scope variable on its own line', () => {
    expect(
      formatted('@id("p") forbid(principal == User::"a", action, resource is Photo in Album::"x");'),
    ).toBe(
      '@id("p")\nforbid (\n  principal == User::"a",\n  action,\n  resource is Photo in Album::"x"\n);\n',
    );
  });

  it('breaks a long && chain with the operator at the end of each line', () => {
    const text =
      'permit(principal, action, resource) when { context.first == 1 && context.second == 2 && context.third == 3 };';
    expect(formatted(text, { lineWidth: 40 })).toBe(
      'permit (principal, action, resource)\nwhen\n{\n  context.first == 1 &&\n  context.second == 2 &&\n  context.third == 3\n};\n',
    );
  });

  it('indents by the indent width', () => {
    expect(formatted('permit(principal == User::"a", action, resource);', { indentWidth: 4 })).toBe(
      'permit (\n    principal == User::"a",\n    action,\n    resource\n);\n',
    );
  });

  it('keeps parentheses, string escapes and the written form of attribute access', () => {
    expect(formatted('permit(principal,action,resource) when { (context["a b"] like "x\\*y*") };')).toBe(
      'permit (principal, action, resource)\nwhen { (context["a b"] like "x\\*y*") };\n',
    );
  });

  it('keeps comments at the end of a line and on lines of their own', () => {
    const text =
      '// header\npermit(principal, action, resource) // why\nwhen {\n  // the rule\n  true\n};\n// footer';
    expect(formatted(text)).toBe(
      '// header\npermit (principal, action, resource) // why\nwhen\n{\n  // the rule\n  true\n};\n// footer\n',
    );
  });

  it('separates policies by one blank line', () => {
    expect(formatted('permit(principal,action,resource);\n\n\n\nforbid(principal,action,resource);')).toBe(
      'permit (principal, action, resource);\n\nforbid (principal, action, resource);\n',
    );
  });

  it('reports the parse errors of text that is not Cedar', () => {
    const result = formatPolicies('permit(principal, action, resource) when { x };');
    expect(result.ok).toBe(false);
  });

  it('formats the empty policy set to a single line break, as Cedar does', () => {
    expect(formatted('')).toBe(oracle(''));
    expect(formatted('// only a comment')).toBe('\n// only a comment\n');
  });

  it('splits the text between two tokens at its first line break: trailing comments, then leading ones', () => {
    const lexed = lex('permit // after permit\n// own line\n(principal, action, resource); // end\n// last');
    expect(lexed?.endOfFile).toEqual(['// last']);
    const [permit, open] = lexed?.tokens ?? [];
    if (lexed === undefined || permit === undefined || open === undefined) throw new Error('no tokens');
    expect(lexed.comments.atStart(permit.span)).toEqual({ leading: [], trailing: '// after permit' });
    expect(lexed.comments.atStart(open.span)).toEqual({ leading: ['// own line'], trailing: '' });
    // Comments are taken once: what nobody took is what the formatter refuses to drop.
    expect(lexed.comments.atStart(permit.span)).toEqual({ leading: [], trailing: '' });
    expect(lexed.comments.untaken().map(({ comment }) => comment)).toEqual(['// end']);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(commentedPolicies, ({ text }) => {
        const result = formatPolicies(text);
        fc.pre(result.ok);
        if (result.ok) expect(formatted(result.text)).toBe(result.text);
      }),
      { numRuns: 300 },
    );
  });

  it('never loses a comment', () => {
    fc.assert(
      fc.property(commentedPolicies, ({ text, comments }) => {
        const result = formatPolicies(text);
        fc.pre(result.ok);
        if (result.ok) {
          expect(commentTexts(result.text)).toEqual([...comments].sort());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with cedar-wasm byte for byte on generated policies with comments', () => {
    fc.assert(
      fc.property(
        commentedPolicies,
        fc.constantFrom(undefined, 40, 80, 120),
        fc.constantFrom(undefined, 2, 4),
        ({ text }, lineWidth, indentWidth) => {
          const options = {
            ...(lineWidth === undefined ? {} : { lineWidth }),
            ...(indentWidth === undefined ? {} : { indentWidth }),
          };
          const expected = oracle(text, options);
          fc.pre(expected !== undefined);
          expect(joinedAsCedarJoins(formatted(text, options))).toBe(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('measures text in terminal columns as Cedar does: wide, combining and invisible characters', () => {
    const blocks: [number, number][] = [
      [0x20, 0x7e],
      [0xa0, 0x36f],
      [0x600, 0xdff],
      [0x1100, 0x11ff],
      [0x2000, 0x206f],
      [0x2e80, 0x9fff],
      [0xac00, 0xd7ff],
      [0xfe00, 0xffef],
      [0x1f000, 0x1faff],
      [0x20000, 0x3ffff],
      [0xe0000, 0xe007f],
    ];
    const character = fc
      .constantFrom(...blocks)
      .chain(([low, high]) => fc.integer({ min: low, max: high }))
      .filter((code) => code < 0xd800 || code > 0xdfff)
      .map((code) => String.fromCodePoint(code))
      .filter((value) => value !== '"' && value !== '\\');
    fc.assert(
      fc.property(
        fc.array(character, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 50, max: 80 }),
        (characters, filler) => {
          const text = `permit(principal, action, resource) when { "${characters.join('')}" == "${'a'.repeat(filler)}" };`;
          const expected = oracle(text);
          fc.pre(expected !== undefined);
          expect(formatted(text)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('generates policies that Cedar accepts', () => {
    // Guards the tests on generated policies against vacuity: most generated texts must parse.
    const samples = fc.sample(policyText, { numRuns: 200, seed: 7 });
    const accepted = samples.filter((text) => oracle(text) !== undefined).length;
    expect(accepted).toBeGreaterThan(150);
  });
});
