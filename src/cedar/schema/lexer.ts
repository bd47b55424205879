// Tokens of the Cedar schema syntax. Keywords are contextual there
// (`entity`, `appliesTo`, ... are also valid attribute names), so the lexer
// only knows identifiers and leaves keywords to the parser.
import type { SchemaError, SourceSpan } from './ast.js';

export type Token =
  | { readonly kind: 'ident'; readonly text: string; readonly span: SourceSpan }
  | { readonly kind: 'string'; readonly value: string; readonly span: SourceSpan }
  | { readonly kind: 'punct'; readonly text: Punctuation; readonly span: SourceSpan }
  | { readonly kind: 'eof'; readonly span: SourceSpan };

export type Punctuation =
  '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | ',' | ';' | ':' | '::' | '?' | '=' | '@';

const SINGLE_PUNCTUATION = new Set<string>(['{', '}', '[', ']', '<', '>', '(', ')', ',', ';', '?', '=', '@']);

function isIdentStart(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_';
}

function isIdentPart(ch: string): boolean {
  return isIdentStart(ch) || (ch >= '0' && ch <= '9');
}

function isWhitespace(ch: string): boolean {
  return (
    ch === ' ' ||
    ch === '\t' ||
    ch === '\n' ||
    ch === '\r' ||
    ch === '\f' ||
    ch === '\v' ||
    ch === '\u00a0' ||
    ch === '\ufeff'
  );
}

export type LexResult =
  | { readonly ok: true; readonly tokens: readonly Token[] }
  | { readonly ok: false; readonly error: SchemaError };

export function tokenize(text: string): LexResult {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const ch = text[index] as string;
    if (isWhitespace(ch)) {
      index += 1;
    } else if (text.startsWith('//', index)) {
      const newline = text.indexOf('\n', index);
      index = newline === -1 ? text.length : newline + 1;
    } else if (isIdentStart(ch)) {
      const start = index;
      while (index < text.length && isIdentPart(text[index] as string)) index += 1;
      tokens.push({ kind: 'ident', text: text.slice(start, index), span: { start, end: index } });
    } else if (ch === '"') {
      const literal = readString(text, index);
      if (!literal.ok) return literal;
      tokens.push({ kind: 'string', value: literal.value, span: { start: index, end: literal.end } });
      index = literal.end;
    } else if (text.startsWith('::', index)) {
      tokens.push({ kind: 'punct', text: '::', span: { start: index, end: index + 2 } });
      index += 2;
    } else if (ch === ':') {
      tokens.push({ kind: 'punct', text: ':', span: { start: index, end: index + 1 } });
      index += 1;
    } else if (SINGLE_PUNCTUATION.has(ch)) {
      tokens.push({ kind: 'punct', text: ch as Punctuation, span: { start: index, end: index + 1 } });
      index += 1;
    } else {
      const codePoint = String.fromCodePoint(text.codePointAt(index) ?? 0);
      return {
        ok: false,
        error: {
          message: `unexpected character \`${codePoint}\``,
          span: { start: index, end: index + codePoint.length },
        },
      };
    }
  }
  tokens.push({ kind: 'eof', span: { start: text.length, end: text.length } });
  return { ok: true, tokens };
}

type StringResult =
  | { readonly ok: true; readonly value: string; readonly end: number }
  | { readonly ok: false; readonly error: SchemaError };

/** Reads a double-quoted Cedar string literal starting at `start`, applying Cedar's escapes. */
export function readString(text: string, start: number): StringResult {
  let value = '';
  let index = start + 1;
  while (index < text.length) {
    const ch = text[index] as string;
    if (ch === '"') return { ok: true, value, end: index + 1 };
    if (ch !== '\\') {
      value += ch;
      index += 1;
      continue;
    }
    const escape = unescapeAt(text, index);
    if (escape === undefined) {
      const shown = text.slice(index, Math.min(index + 2, text.length));
      return {
        ok: false,
        error: {
          message: `invalid escape sequence \`${shown}\` in string literal`,
          span: { start: index, end: index + shown.length },
        },
      };
    }
    value += escape.value;
    index = escape.end;
  }
  return { ok: false, error: { message: 'unterminated string literal', span: { start, end: text.length } } };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '\\': '\\',
  '0': '\0',
  "'": "'",
  '"': '"',
};

function unescapeAt(text: string, backslash: number): { value: string; end: number } | undefined {
  const next = text[backslash + 1];
  if (next === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[next];
  if (simple !== undefined) return { value: simple, end: backslash + 2 };
  if (next !== 'u' || text[backslash + 2] !== '{') return undefined;
  const close = text.indexOf('}', backslash + 3);
  if (close === -1) return undefined;
  const hex = text.slice(backslash + 3, close);
  if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) return undefined;
  const codePoint = Number.parseInt(hex, 16);
  if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return undefined;
  return { value: String.fromCodePoint(codePoint), end: close + 1 };
}
