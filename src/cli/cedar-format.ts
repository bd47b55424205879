// `keyaki cedar format`: Cedar's formatter, in the shape of the official
// `cedar format` command. The formatted policies go to standard output (or
// back to the file with --write); --check exits 1 when the input was not
// already formatted, so that CI can require formatted policies.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatPolicies } from '../cedar/index.js';
import { codeFrame, readInput } from './cedar-translate-schema.js';
import { ExitCode, UsageError } from './io.js';

interface FormatCommandOptions {
  policies?: string;
  lineWidth: number;
  indentWidth: number;
  check?: boolean;
  write?: boolean;
}

function count(optionName: string, least: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < least) {
      throw new UsageError(`invalid ${optionName} \`${value}\`: expected an integer of at least ${least}`);
    }
    return parsed;
  };
}

export function registerCedarFormat(group: Command): void {
  group
    .command('format')
    .description('Format Cedar policies as the official formatter does, keeping comments')
    .option('-p, --policies <file>', 'the policies, in the Cedar syntax (default: standard input)')
    .option('-l, --line-width <columns>', 'the line width', count('--line-width', 1), 80)
    .option('-i, --indent-width <spaces>', 'the indentation width', count('--indent-width', 0), 2)
    .option('-c, --check', 'exit 1 when the policies are not already formatted')
    .option('-w, --write', 'write the formatted policies back to the --policies file')
    .action((options: FormatCommandOptions) => {
      const input = readInput(options.policies, '--policies');
      const result = formatPolicies(input.text, {
        lineWidth: options.lineWidth,
        indentWidth: options.indentWidth,
      });
      if (!result.ok) {
        for (const error of result.errors) {
          const help = error.help === undefined ? '' : `  help: ${error.help}\n`;
          process.stderr.write(codeFrame(input.source, input.text, error.message, error.span) + help);
        }
        process.exitCode = ExitCode.unusableInput;
        return;
      }
      const unchanged = result.text === input.text;
      if (options.write === true && options.policies !== undefined) {
        if (!unchanged) writeFileSync(options.policies, result.text);
      } else {
        process.stdout.write(result.text);
      }
      if (options.check === true && !unchanged) {
        process.stderr.write(`${input.source}: not formatted\n`);
        process.exitCode = ExitCode.negative;
        return;
      }
      process.exitCode = ExitCode.ok;
    });
}
