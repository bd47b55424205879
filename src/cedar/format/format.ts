// The Cedar formatter: policy text in, the same policies laid out as Cedar's
// formatter lays them out (cedar-policy-formatter 4.x), comments kept.
//
// INVARIANT: the output parses to the same policies as the input (checked
// before it is returned), holds every comment of the input, and formatting it
// again changes nothing.
import { parsePolicies, type Policy, type SourceSpan } from '../syntax/index.js';
import { ConcreteSyntaxError, parseConcrete } from './cst.js';
import { render } from './doc.js';
import { PolicyLayout } from './layout.js';
import { lex } from './tokens.js';

export interface FormatOptions {
  /** Columns per line; 80 by default. */
  readonly lineWidth?: number;
  /** Spaces per indentation level; 2 by default. */
  readonly indentWidth?: number;
}

/** A parse error of the input, or a comment the formatter has no place for. */
export interface FormatError {
  readonly message: string;
  readonly span?: SourceSpan;
  readonly help?: string;
  /** For a parse error, the tokens Cedar's parser could have taken there ("expected …"). */
  readonly label?: string;
}

export type FormatResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly errors: readonly FormatError[] };

const STRING_OR_COMMENT = /"(?:\\[\s\S]|[^"\\])*"|\/\/[^\n\r]*/g;

/**
 * Drops the lines of `rendered` that hold only spaces, except inside string
 * literals, and trims the ends. Cedar's formatter also drops a line that only
 * ends in spaces after a string literal, which joins a comment to the line
 * above it and makes formatting not idempotent; Keyaki keeps that line.
 */
function removeEmptyLines(rendered: string): string {
  const insideString: [number, number][] = [];
  for (const match of rendered.matchAll(STRING_OR_COMMENT)) {
    if (match[0].startsWith('"')) insideString.push([match.index, match.index + match[0].length]);
  }
  const inString = (offset: number): boolean =>
    insideString.some(([start, end]) => start < offset && offset < end);
  const kept: string[] = [];
  let lineStart = 0;
  for (const line of rendered.split('\n')) {
    const lineEnd = lineStart + line.length;
    if (line.trim() !== '' || inString(lineStart) || inString(lineEnd)) kept.push(line);
    lineStart = lineEnd + 1;
  }
  return kept.join('\n').trim();
}

/** The keys of a tree node that say what it means: not where it was written, nor absent fields. */
function meaningfulKeys(node: object): string[] {
  return Object.entries(node)
    .filter(([key, value]) => key !== 'span' && value !== undefined)
    .map(([key]) => key);
}

/**
 * Whether two policy sets are the same trees, spans aside. The walk keeps a
 * stack of its own: a chain `a && b && ...` is a tree as deep as it is long.
 */
function sameMeaning(before: readonly Policy[], after: readonly Policy[]): boolean {
  const pending: [unknown, unknown][] = [[before, after]];
  for (let pair = pending.pop(); pair !== undefined; pair = pending.pop()) {
    const [left, right] = pair;
    if (typeof left !== 'object' || left === null || typeof right !== 'object' || right === null) {
      if (left !== right) return false;
      continue;
    }
    if (Array.isArray(left) !== Array.isArray(right)) return false;
    const keys = meaningfulKeys(left);
    if (keys.length !== meaningfulKeys(right).length) return false;
    for (const key of keys) {
      if (!Object.hasOwn(right, key)) return false;
      pending.push([(left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]]);
    }
  }
  return true;
}

function failure(message: string, span?: SourceSpan): FormatResult {
  return { ok: false, errors: [span === undefined ? { message } : { message, span }] };
}

/** Formats a policy set. Errors are the parse errors of the input, or a comment that has no place. */
export function formatPolicies(policyText: string, options: FormatOptions = {}): FormatResult {
  const lineWidth = options.lineWidth ?? 80;
  const indentWidth = options.indentWidth ?? 2;
  const parsed = parsePolicies(policyText);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const lexed = lex(policyText);
  if (lexed === undefined) return failure('cannot get token stream');
  let policies;
  try {
    policies = parseConcrete(lexed.tokens);
  } catch (error) {
    if (!(error instanceof ConcreteSyntaxError)) throw error;
    return failure('unexpected token', { start: error.offset, end: error.offset });
  }
  const layout = new PolicyLayout(lexed.comments, indentWidth);
  const body = policies
    .map((policy) => removeEmptyLines(render(layout.policy(policy), lineWidth)))
    .join('\n\n');
  const formatted = `${body}\n${lexed.endOfFile.map((comment) => `${comment}\n`).join('')}`;
  const [lost] = lexed.comments.untaken();
  if (lost !== undefined) {
    return failure(
      `cannot place the comment \`${lost.comment}\` near \`${lost.token.text}\``,
      lost.token.span,
    );
  }
  const reparsed = parsePolicies(formatted);
  if (!reparsed.ok || !sameMeaning(parsed.policies, reparsed.policies)) {
    throw new Error(`the formatter changed the meaning of the policies:\n${formatted}`);
  }
  return { ok: true, text: formatted };
}
