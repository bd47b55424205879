// `keyaki cedar check-parse`: checks that policies (and optionally entities)
// parse, as the official `cedar check-parse` command does. Exit 0 when they
// do, 2 with a code frame per error when they do not.
import type { Command } from 'commander';
import { parseEntities, parsePolicySet } from '../cedar/index.js';
import { readJson } from './cedar-authorize.js';
import { codeFrame, readInput } from './cedar-translate-schema.js';
import { ExitCode } from './io.js';

interface CheckParseOptions {
  policies?: string;
  entities?: string;
}

export function registerCedarCheckParse(group: Command): void {
  group
    .command('check-parse')
    .description('Check that Cedar policies, and optionally entities, parse')
    .option('-p, --policies <file>', 'the policies, in the Cedar syntax (default: standard input)')
    .option('--entities <file>', 'entities to check too, in the entity JSON format')
    .action((options: CheckParseOptions) => {
      const input = readInput(options.policies, '--policies');
      const policies = parsePolicySet(input.text, { idAnnotation: true });
      let ok = true;
      if (!policies.ok) {
        ok = false;
        for (const error of policies.errors)
          process.stderr.write(codeFrame(input.source, input.text, error.message, error.span));
      }
      if (options.entities !== undefined) {
        const entities = parseEntities(readJson(options.entities, '--entities'));
        if (!entities.ok) {
          ok = false;
          for (const error of entities.errors) process.stderr.write(`${options.entities}: error: ${error}\n`);
        }
      }
      if (ok)
        process.stdout.write(`${policies.ok ? policies.policySet.policies.length : 0} policies parsed\n`);
      process.exitCode = ok ? ExitCode.ok : ExitCode.unusableInput;
    });
}
