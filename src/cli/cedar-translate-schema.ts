// `keyaki cedar translate-schema`: a schema from one syntax to the other, in
// the shape of the official `cedar translate-schema` command.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { schemaToJson, schemaToText } from '../cedar/index.js';
import { ExitCode, UsageError } from './io.js';

type Direction = 'cedar-to-json' | 'json-to-cedar';

function parseDirection(value: string): Direction {
  if (value === 'cedar-to-json' || value === 'json-to-cedar') return value;
  throw new UsageError(`unknown direction \`${value}\`: expected \`cedar-to-json\` or \`json-to-cedar\``);
}

/** Reads a file, or standard input when no path is given. */
export function readInput(path: string | undefined, optionName: string): { source: string; text: string } {
  if (path === undefined) return { source: '<stdin>', text: readFileSync(0, 'utf8') };
  try {
    return { source: path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new UsageError(`cannot read \`${path}\` given to ${optionName}: ${reason}`);
  }
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

/** Writes each error of an input (schema, policies) to stderr with its code frame. */
export function printCodeFrames(
  input: { readonly source: string; readonly text: string },
  errors: readonly { readonly message: string; readonly span?: { start: number; end: number } }[],
): void {
  for (const error of errors)
    process.stderr.write(codeFrame(input.source, input.text, error.message, error.span));
}

export function registerCedarTranslateSchema(group: Command): void {
  group
    .command('translate-schema')
    .description('Translate a Cedar schema between the .cedarschema syntax and the JSON format')
    .requiredOption('--direction <direction>', 'cedar-to-json or json-to-cedar', parseDirection)
    .option('-s, --schema <file>', 'the schema file (standard input if absent)')
    .action((options: { direction: Direction; schema?: string }) => {
      const input = readInput(options.schema, '--schema');
      if (options.direction === 'cedar-to-json') {
        const result = schemaToJson(input.text, 'cedarschema');
        if (!result.ok) {
          printCodeFrames(input, result.errors);
          process.exitCode = ExitCode.unusableInput;
          return;
        }
        process.stdout.write(`${JSON.stringify(result.value, null, 2)}\n`);
        return;
      }
      const result = schemaToText(input.text, 'json');
      if (!result.ok) {
        printCodeFrames(input, result.errors);
        process.exitCode = ExitCode.unusableInput;
        return;
      }
      process.stdout.write(result.value);
    });
}
