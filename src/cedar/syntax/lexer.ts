// Cedar's tokens, as its grammar defines them: identifiers (keywords are
// identifiers whose role the parser decides), numbers, string literals with
// their escapes still in, slots, punctuation. Input that is no token becomes
// an `invalid` token so the parser reports it where it meets it, as Cedar's
// lazy lexer does.
import type { Comment } from './ast.js';

export type TokenKind = 'ident' | 'number' | 'string' | 'slot' | 'punct' | 'invalid' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token; a string keeps its quotes and escapes. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export interface Lexed {
  readonly tokens: readonly Token[];
  readonly comments: readonly Comment[];
}

const SINGLE_PUNCTUATION = new Set([
  '@',
  '.',
  ',',
  ';',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '+',
  '-',
  '*',
  '/',
  '%',
]);

/**
 * The punctuation token at `index` (longest match), or `undefined` when there
 * is none. The token texts are these constants, so that no string is cut out
 * of the source for them.
 */
function punctuationAt(text: string, index: number): string | undefined {
  const ch = text.charAt(index);
  const next = text.charAt(index + 1);
  switch (ch) {
    case ':':
      return next === ':' ? '::' : ':';
    case '=':
      return next === '=' ? '==' : '=';
    case '!':
      return next === '=' ? '!=' : '!';
    case '<':
      return next === '=' ? '<=' : '<';
    case '>':
      return next === '=' ? '>=' : '>';
    case '|':
      return next === '|' ? '||' : undefined;
    case '&':
      return next === '&' ? '&&' : undefined;
    default:
      return SINGLE_PUNCTUATION.has(ch) ? ch : undefined;
  }
}

const TAB = 0x09;
const CARRIAGE_RETURN = 0x0d;
const LINE_FEED = 0x0a;
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const QUESTION = 0x3f;

/** Unicode White_Space, which is what Cedar's `\s` skips. */
function isWhitespace(code: number): boolean {
  if (code <= SPACE) return code === SPACE || (code >= TAB && code <= CARRIAGE_RETURN);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

function isIdentStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isIdentPart(code: number): boolean {
  return isIdentStart(code) || isDigit(code);
}

/** The end of the string literal starting at `start`, or -1 when it is not closed. */
function stringEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) return index + 1;
    if (code === BACKSLASH) {
      // `\\.` in Cedar's token: the escaped character cannot be a line feed.
      if (index + 1 >= text.length || text.charCodeAt(index + 1) === LINE_FEED) return -1;
      index += 2;
    } else {
      index += 1;
    }
  }
  return -1;
}

/** Input that starts no token; `text` is its first character, which says what went wrong. */
function invalidToken(text: string, start: number): Token {
  return { kind: 'invalid', text: text.charAt(start), start, end: start };
}

export function tokenize(text: string): Lexed {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let index = 0;
  const push = (kind: TokenKind, start: number, end: number): void => {
    tokens.push({ kind, text: text.slice(start, end), start, end });
  };
  while (index < text.length) {
    const code = text.charCodeAt(index);
    const start = index;
    if (isWhitespace(code)) {
      index += 1;
    } else if (code === SLASH && text.charCodeAt(index + 1) === SLASH) {
      let end = index + 2;
      while (end < text.length) {
        const next = text.charCodeAt(end);
        if (next === LINE_FEED || next === CARRIAGE_RETURN) break;
        end += 1;
      }
      comments.push({ text: text.slice(index + 2, end), span: { start: index, end } });
      index = end;
    } else if (isIdentStart(code)) {
      index += 1;
      while (index < text.length && isIdentPart(text.charCodeAt(index))) index += 1;
      push('ident', start, index);
    } else if (isDigit(code)) {
      index += 1;
      while (index < text.length && isDigit(text.charCodeAt(index))) index += 1;
      push('number', start, index);
    } else if (code === QUOTE) {
      const end = stringEnd(text, index);
      if (end === -1) {
        tokens.push(invalidToken(text, start));
        break;
      }
      index = end;
      push('string', start, end);
    } else if (code === QUESTION && isIdentStart(text.charCodeAt(index + 1))) {
      index += 2;
      while (index < text.length && isIdentPart(text.charCodeAt(index))) index += 1;
      push('slot', start, index);
    } else {
      const punctuation = punctuationAt(text, index);
      if (punctuation === undefined) {
        tokens.push(invalidToken(text, start));
        break;
      }
      index += punctuation.length;
      tokens.push({ kind: 'punct', text: punctuation, start, end: index });
    }
  }
  const last = tokens.at(-1);
  // Cedar places the end of input right after the last token, not after trailing space.
  const eofAt = last === undefined ? 0 : last.kind === 'invalid' ? last.start : last.end;
  tokens.push({ kind: 'eof', text: '', start: eofAt, end: eofAt });
  return { tokens, comments };
}
