// String literal escapes, as Cedar reads them (Rust's string escapes):
// `\n \r \t \\ \0 \' \"`, `\xHH` up to 0x7f and `\u{H..}` with one to six hex
// digits naming a Unicode scalar value. In a `like` pattern a star is a
// wildcard, whether written `*` or as an escape such as `\u{2a}`, and `\*` is
// a literal star; elsewhere `\*` is an invalid escape.
import type { PatternElement } from './ast.js';

export type Unescaped<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly invalid: readonly string[] };

const SIMPLE: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '\\': '\\',
  '0': '\0',
  "'": "'",
  '"': '"',
};

function isHex(ch: string | undefined): boolean {
  return ch !== undefined && /^[0-9a-fA-F]$/.test(ch);
}

type Escape = { readonly text: string; readonly length: number } | { readonly invalid: string };

/** The escape starting at `index` (a backslash) in `body`. */
function escapeAt(body: string, index: number): Escape {
  const kind = body[index + 1] ?? '';
  const simple = SIMPLE[kind];
  if (simple !== undefined) return { text: simple, length: 2 };
  if (kind === 'x') {
    const digits = body.slice(index + 2, index + 4);
    if (digits.length === 2 && isHex(digits[0]) && isHex(digits[1])) {
      const code = Number.parseInt(digits, 16);
      if (code <= 0x7f) return { text: String.fromCharCode(code), length: 4 };
    }
    return { invalid: body.slice(index, index + 4) };
  }
  if (kind === 'u') return unicodeEscape(body, index);
  return { invalid: body.slice(index, index + 1 + Math.max(1, codePointLength(body, index + 1))) };
}

function codePointLength(text: string, index: number): number {
  const code = text.codePointAt(index);
  return code === undefined ? 0 : code > 0xffff ? 2 : 1;
}

/**
 * `\u{1F600}`; underscores may separate digits, as in Rust. An invalid escape
 * is reported up to the character that makes it invalid, as Rust reports it.
 */
function unicodeEscape(body: string, index: number): Escape {
  if (body[index + 2] !== '{') return { invalid: body.slice(index, index + 3) };
  let digits = '';
  for (let at = index + 3; at < body.length; at += 1) {
    const ch = body[at] as string;
    if (ch === '}') {
      const code = Number.parseInt(digits === '' ? 'x' : digits, 16);
      const valid = digits.length <= 6 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid
        ? { text: String.fromCodePoint(code), length: at + 1 - index }
        : { invalid: body.slice(index, at + 1) };
    }
    if (ch === '_' && at > index + 3) continue;
    if (!isHex(ch)) return { invalid: body.slice(index, at + 1) };
    digits += ch;
  }
  return { invalid: body.slice(index) };
}

/** The value of a string literal's body (the text between the quotes). */
export function unescapeString(body: string): Unescaped<string> {
  if (!body.includes('\\') && !body.includes('\r')) return { ok: true, value: body };
  let value = '';
  const invalid: string[] = [];
  let index = 0;
  while (index < body.length) {
    const ch = body[index] as string;
    if (ch === '\r') {
      // As in Rust, a carriage return must be written as an escape.
      invalid.push(ch);
      index += 1;
    } else if (ch !== '\\') {
      value += ch;
      index += 1;
    } else {
      const escape = escapeAt(body, index);
      if ('invalid' in escape) {
        invalid.push(escape.invalid);
        index += Math.max(2, escape.invalid.length);
      } else {
        value += escape.text;
        index += escape.length;
      }
    }
  }
  return invalid.length === 0 ? { ok: true, value } : { ok: false, invalid };
}

/** The elements of a `like` pattern; adjacent literal characters form one element. */
export function unescapePattern(body: string): Unescaped<PatternElement[]> {
  const elements: PatternElement[] = [];
  const invalid: string[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') elements.push({ kind: 'literal', text: literal });
    literal = '';
  };
  let index = 0;
  while (index < body.length) {
    const ch = body[index] as string;
    if (ch === '*') {
      flush();
      elements.push({ kind: 'wildcard' });
      index += 1;
    } else if (ch === '\r') {
      invalid.push(ch);
      index += 1;
    } else if (ch !== '\\') {
      literal += ch;
      index += 1;
    } else if (body[index + 1] === '*') {
      literal += '*';
      index += 2;
    } else {
      const escape = escapeAt(body, index);
      if ('invalid' in escape) {
        invalid.push(escape.invalid);
        index += Math.max(2, escape.invalid.length);
      } else if (escape.text === '*') {
        // Cedar unescapes before it looks for stars: `\u{2a}` is a wildcard.
        flush();
        elements.push({ kind: 'wildcard' });
        index += escape.length;
      } else {
        literal += escape.text;
        index += escape.length;
      }
    }
  }
  flush();
  return invalid.length === 0 ? { ok: true, value: elements } : { ok: false, invalid };
}
