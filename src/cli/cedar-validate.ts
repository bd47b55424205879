// `keyaki cedar validate`: strict validation of policies against a schema, in
// the shape of the official `cedar validate` command, with code frames. Exits
// as that command does: 0 valid, 3 validation errors (or warnings, with
// --deny-warnings), 1 when the policies or the schema cannot be read.
import type { Command } from 'commander';
import { parsePolicyText, validatePolicies, type SchemaFormat } from '../cedar/index.js';
import { CedarExit, cedarAction, printCodeFrames, readInput, readSchemaFile } from './cedar-io.js';
import { UsageError, codeFrame, parseOutputFormat, type OutputFormat } from './io.js';

function parseSchemaFormat(value: string): SchemaFormat {
  if (value === 'cedarschema' || value === 'json') return value;
  throw new UsageError(`unknown schema format \`${value}\`: expected \`cedarschema\` or \`json\``);
}

interface ValidateOptions {
  policies: string;
  schema: string;
  schemaFormat?: SchemaFormat;
  output: OutputFormat;
  denyWarnings?: boolean;
}

export function registerCedarValidate(group: Command): void {
  group
    .command('validate')
    .description('Validate Cedar policies against a schema (strict mode)')
    .requiredOption('-p, --policies <file>', 'the policies, in the Cedar syntax')
    .requiredOption('-s, --schema <file>', 'the schema')
    .option(
      '--schema-format <format>',
      'cedarschema or json (default: from the file name)',
      parseSchemaFormat,
    )
    .option('--output <format>', 'text or json', parseOutputFormat, 'text')
    .option('--deny-warnings', 'exit 3 on warnings too')
    .action(
      cedarAction((options: ValidateOptions) => {
        // As the official command, the policies are read first; a policy error stops before the schema.
        const policiesInput = readInput(options.policies, '--policies');
        const policies = parsePolicyText(policiesInput.text, { idAnnotation: true });
        if (!policies.ok) {
          printCodeFrames(policiesInput, policies.errors);
          return CedarExit.failure;
        }
        const schema = readSchemaFile(options.schema, options.schemaFormat);
        if (schema === undefined) return CedarExit.failure;
        const result = validatePolicies(schema, policies.policies);
        const failed =
          result.errors.length > 0 || (options.denyWarnings === true && result.warnings.length > 0);
        if (options.output === 'json') {
          process.stdout.write(
            `${JSON.stringify({ valid: result.errors.length === 0, errors: result.errors, warnings: result.warnings }, null, 2)}\n`,
          );
        } else {
          const report = (
            kind: 'error' | 'warning',
            found: { policyId: string; message: string; span?: { start: number; end: number } },
          ): void => {
            const frame = codeFrame(
              policiesInput.source,
              policiesInput.text,
              `for policy \`${found.policyId}\`, ${found.message}`,
              found.span,
            );
            process.stdout.write(kind === 'error' ? frame : frame.replace(': error: ', ': warning: '));
          };
          for (const error of result.errors) report('error', error);
          for (const warning of result.warnings) report('warning', warning);
          process.stdout.write(
            result.errors.length === 0
              ? 'policies are valid\n'
              : `${result.errors.length} validation error${result.errors.length === 1 ? '' : 's'}\n`,
          );
        }
        return failed ? CedarExit.validationFailure : CedarExit.success;
      }),
    );
}
