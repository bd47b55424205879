// `keyaki cedar check-parse`: checks that policies (and optionally entities)
// parse, as the official `cedar check-parse` command does. Exit 0 when they
// do, 2 with a code frame per error (and Cedar's help, when it has one) when
// they do not. Errors are Cedar's own, word for word.
import type { Command } from 'commander';
import { parseEntities, parsePolicies, type ParseError } from '../cedar/index.js';
import { readJson } from './cedar-authorize.js';
import { codeFrame, readInput } from './cedar-translate-schema.js';
import { ExitCode } from './io.js';

interface CheckParseOptions {
  policies?: string;
  entities?: string;
}

function policyErrorReport(source: string, text: string, error: ParseError): string {
  const frame = codeFrame(source, text, error.message, error.span);
  return error.help === undefined ? frame : `${frame}  = help: ${error.help}\n`;
}

export function registerCedarCheckParse(group: Command): void {
  group
    .command('check-parse')
    .description('Check that Cedar policies, and optionally entities, parse')
    .option('-p, --policies <file>', 'the policies, in the Cedar syntax (default: standard input)')
    .option('--entities <file>', 'entities to check too, in the entity JSON format')
    .action((options: CheckParseOptions) => {
      const input = readInput(options.policies, '--policies');
      const parsed = parsePolicies(input.text, { idAnnotation: true });
      let ok = parsed.ok;
      if (!parsed.ok)
        for (const error of parsed.errors)
          process.stderr.write(policyErrorReport(input.source, input.text, error));
      if (options.entities !== undefined) {
        const entities = parseEntities(readJson(options.entities, '--entities'));
        if (!entities.ok) {
          ok = false;
          for (const error of entities.errors) process.stderr.write(`${options.entities}: error: ${error}\n`);
        }
      }
      if (ok && parsed.ok) {
        const templates = parsed.policies.filter((policy) => policy.kind === 'template').length;
        const note = templates === 0 ? '' : ` (${templates} ${templates === 1 ? 'template' : 'templates'})`;
        process.stdout.write(`${parsed.policies.length} policies parsed${note}\n`);
      }
      process.exitCode = ok ? ExitCode.ok : ExitCode.unusableInput;
    });
}
