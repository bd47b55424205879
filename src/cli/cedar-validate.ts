// `keyaki cedar validate`: strict validation of policies against a schema, in
// the shape of the official `cedar validate` command, with code frames.
import type { Command } from 'commander';
import { parsePolicyText, parseSchema, validatePolicies, type SchemaFormat } from '../cedar/index.js';
import { codeFrame, printCodeFrames, readInput } from './cedar-translate-schema.js';
import { ExitCode, UsageError, parseOutputFormat, type OutputFormat } from './io.js';

function parseSchemaFormat(value: string): SchemaFormat {
  if (value === 'cedarschema' || value === 'json') return value;
  throw new UsageError(`unknown schema format \`${value}\`: expected \`cedarschema\` or \`json\``);
}

interface ValidateOptions {
  policies: string;
  schema: string;
  schemaFormat?: SchemaFormat;
  output: OutputFormat;
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
    .action((options: ValidateOptions) => {
      const schemaInput = readInput(options.schema, '--schema');
      const format = options.schemaFormat ?? (options.schema.endsWith('.json') ? 'json' : 'cedarschema');
      const schema = parseSchema(schemaInput.text, format);
      if (!schema.ok) {
        printCodeFrames(schemaInput, schema.errors);
        process.exitCode = ExitCode.unusableInput;
        return;
      }
      const policiesInput = readInput(options.policies, '--policies');
      const policies = parsePolicyText(policiesInput.text, { idAnnotation: true });
      if (!policies.ok) {
        printCodeFrames(policiesInput, policies.errors);
        process.exitCode = ExitCode.unusableInput;
        return;
      }
      const result = validatePolicies(schema.value, policies.policies);
      if (options.output === 'json') {
        process.stdout.write(
          `${JSON.stringify({ valid: result.errors.length === 0, errors: result.errors, warnings: result.warnings }, null, 2)}\n`,
        );
      } else {
        for (const error of result.errors) {
          process.stdout.write(
            codeFrame(
              policiesInput.source,
              policiesInput.text,
              `for policy \`${error.policyId}\`, ${error.message}`,
              error.span,
            ),
          );
        }
        for (const warning of result.warnings) {
          const frame = codeFrame(
            policiesInput.source,
            policiesInput.text,
            `for policy \`${warning.policyId}\`, ${warning.message}`,
            warning.span,
          );
          process.stdout.write(frame.replace(': error: ', ': warning: '));
        }
        process.stdout.write(
          result.errors.length === 0
            ? 'policies are valid\n'
            : `${result.errors.length} validation error${result.errors.length === 1 ? '' : 's'}\n`,
        );
      }
      process.exitCode = result.errors.length === 0 ? ExitCode.ok : ExitCode.negative;
    });
}
