// What every command shares: reading AWS-CLI-style document arguments, the
// exit codes, turning bad input into a message instead of a stack trace, and
// code frames that show where in its input an error is.
import { readFileSync } from 'node:fs';

/** Exit codes of the `keyaki iam` commands (`keyaki cedar` follows the official `cedar` CLI: cedar-io.ts). */
export const ExitCode = {
  ok: 0,
  /** Findings of type ERROR, a denied request, a FAIL verdict. */
  negative: 1,
  /** The input could not be used: missing file, malformed JSON, bad option. */
  unusableInput: 2,
  /** The engine could not decide. */
  undecided: 3,
} as const;

/** Bad input from the user: printed as one line, exits with `unusableInput`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface DocumentArgument {
  /** Where the text came from: a file path, or `<inline>`. */
  readonly source: string;
  readonly text: string;
}

/**
 * Reads an argument the way the AWS CLI does: `file://path` reads the file,
 * anything else is the document itself.
 */
export function readDocumentArgument(argument: string, optionName: string): DocumentArgument {
  if (!argument.startsWith('file://')) return { source: '<inline>', text: argument };
  const path = argument.slice('file://'.length);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read \`${path}\` given to ${optionName}: ${readFailure(error)}`);
  }
  return { source: path, text: decodeUtf8(bytes, path, optionName) };
}

function readFailure(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'EACCES') return 'permission denied';
  return message;
}

/**
 * The file's text (a leading byte order mark dropped, as editors write it), or
 * a UsageError at the first byte that is not UTF-8: a lenient decoder would
 * turn it into U+FFFD and the policy would be judged on text the user never
 * wrote.
 */
function decodeUtf8(bytes: Uint8Array, path: string, optionName: string): string {
  const lenient = new TextDecoder('utf-8').decode(bytes);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return lenient;
  } catch {
    const at = firstInvalidCharacter(lenient, bytes);
    const message = `the file given to ${optionName} is not UTF-8 text`;
    throw new UsageError(codeFrame(path, lenient, message, { start: at, end: at + 1 }).trimEnd());
  }
}

/** Index in `text` of the first U+FFFD that stands for invalid bytes rather than an encoded U+FFFD. */
function firstInvalidCharacter(text: string, bytes: Uint8Array): number {
  const encoder = new TextEncoder();
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) {
    const offset = encoder.encode(text.slice(0, at)).length;
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) return at;
  }
  return 0;
}

export type OutputFormat = 'json' | 'text';

export function parseOutputFormat(value: string): OutputFormat {
  if (value === 'json' || value === 'text') return value;
  throw new UsageError(`unknown output format \`${value}\`: expected \`json\` or \`text\``);
}

/**
 * An error with its place in the source and the line it is on, caret-marked:
 *
 *     schema.cedarschema:3:17: error: undeclared entity type `Group`
 *       3 | entity User in [Group];
 *         |                 ^^^^^
 */
export function codeFrame(
  source: string,
  text: string,
  message: string,
  span?: { start: number; end: number },
): string {
  if (span === undefined) return `${source}: error: ${message}\n`;
  const framed = frameSpan(text, span);
  return `${source}:${framed.line}:${framed.column + 1}: error: ${message}\n${framed.frame}`;
}

/**
 * Where `span` starts (1-based line, 0-based column) and the two lines of
 * its code frame: the source line and the carets under the span's part on it.
 */
export function frameSpan(
  text: string,
  span: { start: number; end: number },
): { line: number; column: number; frame: string } {
  const before = text.slice(0, span.start);
  const lineNumber = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', span.start);
  const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, '');
  const column = span.start - lineStart;
  const width = Math.max(1, Math.min(span.end, lineStart + line.length) - span.start);
  const gutter = String(lineNumber).length;
  const shown = clipLine(line, column, width);
  const frame = [
    `  ${lineNumber} | ${shown.text}`,
    `  ${' '.repeat(gutter)} | ${' '.repeat(shown.column)}${'^'.repeat(shown.width)}`,
    '',
  ].join('\n');
  return { line: lineNumber, column, frame };
}

/** Widest source line a code frame shows whole; longer lines (minified JSON) are cut around the caret. */
const FRAME_LINE_WIDTH = 160;

function clipLine(
  line: string,
  column: number,
  width: number,
): { text: string; column: number; width: number } {
  if (line.length <= FRAME_LINE_WIDTH) return { text: line, column, width };
  const start = Math.max(0, Math.min(column - FRAME_LINE_WIDTH / 4, line.length - FRAME_LINE_WIDTH));
  const end = start + FRAME_LINE_WIDTH;
  const prefix = start > 0 ? '…' : '';
  const suffix = end < line.length ? '…' : '';
  return {
    text: `${prefix}${line.slice(start, end)}${suffix}`,
    column: column - start + prefix.length,
    width: Math.max(1, Math.min(width, end - column)),
  };
}
