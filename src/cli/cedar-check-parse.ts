// `keyaki cedar check-parse`: checks that policies, an expression, a schema
// and entities parse, as the official `cedar check-parse` command does (with
// none of them given, it reads policies from standard input). Exit 0 when all
// given parse, 1 with a code frame per error (and Cedar's help, when it has
// one) when one does not. Policy errors are Cedar's own, word for word.
import type { Command } from 'commander';
import { parseExpression, parsePolicies } from '../cedar/index.js';
import {
  CedarExit,
  cedarAction,
  printCodeFrames,
  readEntitiesFile,
  readInput,
  readSchemaFile,
} from './cedar-io.js';

interface CheckParseOptions {
  policies?: string;
  expression?: string;
  schema?: string;
  entities?: string;
}

/** Checks the policies, printing a count or the errors; whether they parse. */
function checkPolicies(path: string | undefined): boolean {
  const input = readInput(path, '--policies');
  const parsed = parsePolicies(input.text, { idAnnotation: true });
  if (!parsed.ok) {
    printCodeFrames(input, parsed.errors);
    return false;
  }
  const templates = parsed.policies.filter((policy) => policy.kind === 'template').length;
  const note = templates === 0 ? '' : ` (${templates} ${templates === 1 ? 'template' : 'templates'})`;
  process.stdout.write(`${parsed.policies.length} policies parsed${note}\n`);
  return true;
}

export function registerCedarCheckParse(group: Command): void {
  group
    .command('check-parse')
    .description('Check that Cedar policies, an expression, a schema and entities parse')
    .option(
      '-p, --policies <file>',
      'the policies, in the Cedar syntax (standard input when nothing is given)',
    )
    .option('--expression <expression>', 'an expression to check')
    .option('-s, --schema <file>', 'a schema (.cedarschema, or JSON when the name ends in .json)')
    .option('--entities <file>', 'entities, in the entity JSON format (against the schema, if given)')
    .action(
      cedarAction((options: CheckParseOptions) => {
        const nothingGiven =
          options.policies === undefined &&
          options.expression === undefined &&
          options.schema === undefined &&
          options.entities === undefined;
        let ok = true;
        if (nothingGiven || options.policies !== undefined) ok = checkPolicies(options.policies);
        if (options.expression !== undefined) {
          const expression = parseExpression(options.expression);
          if (!expression.ok) {
            printCodeFrames({ source: '<expression>', text: options.expression }, expression.errors);
            ok = false;
          }
        }
        const schema = options.schema === undefined ? undefined : readSchemaFile(options.schema);
        if (options.schema !== undefined && schema === undefined) ok = false;
        if (options.entities !== undefined && readEntitiesFile(options.entities, schema) === undefined)
          ok = false;
        return ok ? CedarExit.success : CedarExit.failure;
      }),
    );
}
