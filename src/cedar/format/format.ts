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

function withoutSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'span')
      .map(([key, inner]) => [key, withoutSpans(inner)]),
  );
}

function sameMeaning(before: readonly Policy[], after: readonly Policy[]): boolean {
  const print = (policies: readonly Policy[]): string =>
    JSON.stringify(withoutSpans(policies), (_key, value: unknown) =>
      typeof value === 'bigint' ? `${value}n` : value,
    );
  return print(before) === print(after);
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
