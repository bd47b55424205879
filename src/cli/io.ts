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
  try {
    return { source: path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new UsageError(`cannot read \`${path}\` given to ${optionName}: ${reason}`);
  }
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
  const before = text.slice(0, span.start);
  const lineNumber = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', span.start);
  const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
  const column = span.start - lineStart;
  const width = Math.max(1, Math.min(span.end, lineStart + line.length) - span.start);
  const gutter = String(lineNumber).length;
  return [
    `${source}:${lineNumber}:${column + 1}: error: ${message}`,
    `  ${lineNumber} | ${line}`,
    `  ${' '.repeat(gutter)} | ${' '.repeat(column)}${'^'.repeat(width)}`,
    '',
  ].join('\n');
}
