// `keyaki cedar format`: Cedar's formatter, in the shape of the official
// `cedar format` command. The formatted policies go to standard output (or
// back to the file with --write); as in the official command, --check exits 1
// when the input was not already formatted (a CI gate), and so does input
// that does not parse.
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { formatPolicies } from '../cedar/index.js';
import { CedarExit, cedarAction, printCodeFrames, readInput } from './cedar-io.js';
import { UsageError } from './io.js';

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
  const command = group
    .command('format')
    .description('Format Cedar policies as the official formatter does, keeping comments')
    .option('-p, --policies <file>', 'the policies, in the Cedar syntax (default: standard input)')
    .option('-l, --line-width <columns>', 'the line width', count('--line-width', 1), 80)
    .option('-i, --indent-width <spaces>', 'the indentation width', count('--indent-width', 0), 2)
    .addOption(
      new Option('-c, --check', 'exit 1 when the policies are not already formatted').conflicts('write'),
    )
    .option('-w, --write', 'write the formatted policies back to the --policies file');
  command.action(
    cedarAction((options: FormatCommandOptions) => {
      // A command-line error, as `clap` reports the official command's `requires`: exit 2.
      if (options.write === true && options.policies === undefined)
        command.error('error: option `--write` requires `--policies`', { exitCode: 2 });
      const input = readInput(options.policies, '--policies');
      const result = formatPolicies(input.text, {
        lineWidth: options.lineWidth,
        indentWidth: options.indentWidth,
      });
      if (!result.ok) {
        printCodeFrames(input, result.errors);
        return CedarExit.failure;
      }
      const unchanged = result.text === input.text;
      if (options.write === true && options.policies !== undefined) {
        if (!unchanged) writeFileSync(options.policies, result.text);
      } else {
        process.stdout.write(result.text);
      }
      if (options.check === true && !unchanged) {
        process.stderr.write(`${input.source}: not formatted\n`);
        return CedarExit.failure;
      }
      return CedarExit.success;
    }),
  );
}
