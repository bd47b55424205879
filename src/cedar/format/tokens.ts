// The formatter's view of policy text: tokens with their spans, and the
// comments around them. As in Cedar's formatter, the text between two tokens is
// split at its first line break: comments before it trail the earlier token,
// comments after it lead the later one. Layout code takes ("consumes") the
// comments of the tokens it prints, so that a comment nobody took can be found.
import type { SourceSpan } from '../syntax/index.js';

export type TokenKind = 'word' | 'number' | 'string' | 'slot' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly span: SourceSpan;
}

/** The comments of one token: whole lines before it, and one at the end of its line. */
export interface TokenComments {
  readonly leading: readonly string[];
  readonly trailing: string;
}

export const NO_COMMENTS: TokenComments = { leading: [], trailing: '' };

export interface LexResult {
  readonly tokens: readonly Token[];
  readonly comments: CommentStore;
  /** Comment lines after the last token's line. */
  readonly endOfFile: readonly string[];
}

const TWO_CHARACTER_PUNCTUATION = ['::', '==', '!=', '<=', '>=', '||', '&&'];
const ONE_CHARACTER_PUNCTUATION = new Set('@.,;:(){}[]<>+-*/%!');

const WORD = /[_a-zA-Z][_a-zA-Z0-9]*/y;
const NUMBER = /[0-9]+/y;
const STRING = /"(\\[\s\S]|[^"\\])*"/y;
const SLOT = /\?(principal|resource)(?![_a-zA-Z0-9])/y;
const SKIP = /(\s+|\/\/[^\n\r]*)+/y;
const COMMENT = /\/\/[^\n\r]*/g;

function matchAt(pattern: RegExp, input: string, index: number): string | undefined {
  pattern.lastIndex = index;
  return pattern.exec(input)?.[0];
}

function commentLines(gap: string): string[] {
  return Array.from(gap.matchAll(COMMENT), (match) => match[0].trim());
}

function splitGap(gap: string): readonly [trailing: string, rest: string] {
  const newline = gap.indexOf('\n');
  return newline === -1 ? [gap, ''] : [gap.slice(0, newline), gap.slice(newline + 1)];
}

/** The token starting at `index`, or undefined when no Cedar token starts there. */
function tokenAt(input: string, index: number): Token | undefined {
  const make = (kind: TokenKind, text: string): Token => ({
    kind,
    text,
    span: { start: index, end: index + text.length },
  });
  const word = matchAt(WORD, input, index);
  if (word !== undefined) return make('word', word);
  const number = matchAt(NUMBER, input, index);
  if (number !== undefined) return make('number', number);
  const string = matchAt(STRING, input, index);
  if (string !== undefined) return make('string', string);
  const slot = matchAt(SLOT, input, index);
  if (slot !== undefined) return make('slot', slot);
  const pair = TWO_CHARACTER_PUNCTUATION.find((candidate) => input.startsWith(candidate, index));
  if (pair !== undefined) return make('punct', pair);
  const single = input[index];
  return single !== undefined && ONE_CHARACTER_PUNCTUATION.has(single) ? make('punct', single) : undefined;
}

/** Splits `input` into tokens and comments; undefined when it holds a character Cedar has no token for. */
export function lex(input: string): LexResult | undefined {
  const tokens: Token[] = [];
  let index = 0;
  while (index < input.length) {
    const skipped = matchAt(SKIP, input, index);
    if (skipped !== undefined && skipped.length > 0) {
      index += skipped.length;
      continue;
    }
    const token = tokenAt(input, index);
    if (token === undefined) return undefined;
    tokens.push(token);
    index = token.span.end;
  }
  const comments: TokenComments[] = [];
  let leadingText = input.slice(0, tokens[0]?.span.start ?? input.length);
  for (const [position, token] of tokens.entries()) {
    const next = tokens[position + 1];
    const [trailing, rest] = splitGap(input.slice(token.span.end, next?.span.start ?? input.length));
    comments.push({ leading: commentLines(leadingText), trailing: trailing.trim() });
    leadingText = rest;
  }
  return { tokens, comments: new CommentStore(tokens, comments), endOfFile: commentLines(leadingText) };
}

/** The comments of every token, taken at most once each. */
export class CommentStore {
  private readonly leading: (readonly string[])[];
  private readonly trailing: string[];

  constructor(
    private readonly tokens: readonly Token[],
    comments: readonly TokenComments[],
  ) {
    this.leading = comments.map((comment) => comment.leading);
    this.trailing = comments.map((comment) => comment.trailing);
  }

  private take(index: number | undefined): TokenComments {
    if (index === undefined) return NO_COMMENTS;
    const comments = { leading: this.leading[index] ?? [], trailing: this.trailing[index] ?? '' };
    this.leading[index] = [];
    this.trailing[index] = '';
    return comments;
  }

  /** The index of the first token starting at or after `offset`. */
  private lowerBound(offset: number): number {
    let low = 0;
    let high = this.tokens.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.tokens[middle] as Token).span.start < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private startingAt(offset: number): number | undefined {
    const index = this.lowerBound(offset);
    return this.tokens[index]?.span.start === offset ? index : undefined;
  }

  private endingAt(offset: number): number | undefined {
    const index = this.lowerBound(offset) - 1;
    return index >= 0 && this.tokens[index]?.span.end === offset ? index : undefined;
  }

  /** The comments of the token that starts where `span` starts. */
  atStart(span: SourceSpan): TokenComments {
    return this.take(this.startingAt(span.start));
  }

  /** Only the leading comments of the token that starts where `span` starts. */
  leadingAtStart(span: SourceSpan): readonly string[] {
    const index = this.startingAt(span.start);
    if (index === undefined) return [];
    const leading = this.leading[index] ?? [];
    this.leading[index] = [];
    return leading;
  }

  /** The comments of the token that ends where `span` ends. */
  atEnd(span: SourceSpan): TokenComments {
    return this.take(this.endingAt(span.end));
  }

  /** The comments of the first token after `span` (of the first token of all when none follows, as Cedar does). */
  afterEnd(span: SourceSpan): TokenComments {
    const index = this.lowerBound(span.end);
    return this.take(index < this.tokens.length ? index : this.tokens.length > 0 ? 0 : undefined);
  }

  /** The comments of each token inside `[start, end)`. */
  inRange(start: number, end: number): TokenComments[] {
    const taken: TokenComments[] = [];
    for (let index = this.lowerBound(start); index < this.tokens.length; index += 1) {
      if ((this.tokens[index] as Token).span.end > end) break;
      taken.push(this.take(index));
    }
    return taken;
  }

  /** Comments no layout took, with the token they are attached to. */
  untaken(): { readonly token: Token; readonly comment: string }[] {
    return this.tokens.flatMap((token, index) => [
      ...(this.leading[index] ?? []).map((comment) => ({ token, comment })),
      ...((this.trailing[index] ?? '') === '' ? [] : [{ token, comment: this.trailing[index] as string }]),
    ]);
  }
}
