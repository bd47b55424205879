import { describe, expect, it } from 'vitest';
import { validate } from '../../src/cedar/compat.js';
import { escapeDebug, isSingleScript } from '../../src/cedar/validator/text-checks.js';

const schema = 'entity User { name: String }; action view appliesTo { principal: User, resource: User };';

/** The warnings of `validate` on one policy, as cedar-wasm writes them. */
function warnings(policy: string): { message: string; at: readonly { start: number; end: number }[] }[] {
  const answer = validate({ schema, policies: { staticPolicies: policy } });
  if (answer.type !== 'success') throw new Error(answer.errors[0]?.message);
  return answer.validationWarnings.map((warning) => ({
    message: warning.error.message,
    at: (warning.error.sourceLocations ?? []).map(({ start, end }) => ({ start, end })),
  }));
}

describe('validation warnings about text', () => {
  it('a string mixing Latin and Cyrillic is located at the literal, in UTF-8 bytes', () => {
    const policy = 'permit(principal, action, resource) when { principal.name == "say_\u04bbello" };';
    expect(warnings(policy)).toEqual([
      {
        message: 'for policy `policy0`, string `"say_\u04bbello"` contains mixed scripts',
        // UTF-8 bytes, as cedar-wasm counts: `һ` takes two.
        at: [{ start: 61, end: 73 }],
      },
    ]);
  });

  it('an entity id of the scope is an identifier and carries no location', () => {
    expect(warnings('permit(principal == User::"say_\u04bbello", action, resource);')).toEqual([
      { message: 'for policy `policy0`, identifier `say_\u04bbello` contains mixed scripts', at: [] },
    ]);
  });

  it('direction controls in a string come before mixed scripts (the Trojan Source case)', () => {
    const policy =
      'permit(principal, action, resource) when { principal.name != "user\u202e \u2066&& admin\u2069 \u2066" };';
    expect(warnings(policy).map((warning) => warning.message)).toEqual([
      'for policy `policy0`, string `"user\u202e \u2066&& admin\u2069 \u2066"` contains BIDI control characters',
    ]);
  });

  it('identifier characters outside the General Security Profile are shown escaped', () => {
    expect(
      warnings('permit(principal == User::"is\u200bAdmin", action, resource);').map((w) => w.message),
    ).toEqual([
      'for policy `policy0`, identifier `is\\u{200b}Admin` contains the character `\\u{200b}` which is not a printable ASCII character and falls outside of the General Security Profile for Identifiers',
    ]);
    expect(
      warnings('permit(principal == User::"new\\nline", action, resource);').map((w) => w.message),
    ).toEqual([
      'for policy `policy0`, identifier `new\\nline` contains the character `\\n` which is not a printable ASCII character and falls outside of the General Security Profile for Identifiers',
    ]);
  });

  it('record keys, attributes and patterns are checked, each occurrence on its own', () => {
    const policy =
      'permit(principal, action, resource) when { {"x\u04bby": 1} has "x\u04bby" && principal.name like "*\u04bb\\*a" };';
    expect(
      warnings(policy)
        .map((warning) => warning.message)
        .sort(),
    ).toEqual([
      'for policy `policy0`, identifier `x\u04bby` contains mixed scripts',
      'for policy `policy0`, identifier `x\u04bby` contains mixed scripts',
      'for policy `policy0`, string `"*\u04bb\\*a"` contains mixed scripts',
    ]);
  });

  it('accented Latin, and Han with kana, are single-script; an unassigned code point is not', () => {
    expect(warnings('permit(principal == User::"\u00e9t\u00e9", action, resource);')).toEqual([]);
    expect(isSingleScript('\u6f22\u5b57\u3072\u3089\u304c\u306a')).toBe(true);
    expect(isSingleScript('\u6f22\ud55c')).toBe(true);
    expect(isSingleScript('\u3072\ud55c')).toBe(false);
    expect(isSingleScript('a\u0378')).toBe(false);
    expect(isSingleScript('\u0410b')).toBe(false);
    expect(isSingleScript('123 - _ !')).toBe(true);
  });

  it("escapes as Rust's escape_debug: quotes, backslashes, controls, a leading combining mark", () => {
    expect(escapeDebug('a"b\'c\\d\te\0')).toBe('a\\"b\\\'c\\\\d\\te\\0');
    expect(escapeDebug('\u0301a\u0301\u0085\u{1F34C}')).toBe('\\u{301}a\u0301\\u{85}\u{1F34C}');
  });
});
