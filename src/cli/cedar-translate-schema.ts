// `keyaki cedar translate-schema`: a schema from one syntax to the other, in
// the shape of the official `cedar translate-schema` command.
import type { Command } from 'commander';
import { schemaToJson, schemaToText } from '../cedar/index.js';
import { CedarExit, cedarAction, printCodeFrames, readInput } from './cedar-io.js';
import { UsageError } from './io.js';

type Direction = 'cedar-to-json' | 'json-to-cedar';

function parseDirection(value: string): Direction {
  if (value === 'cedar-to-json' || value === 'json-to-cedar') return value;
  throw new UsageError(`unknown direction \`${value}\`: expected \`cedar-to-json\` or \`json-to-cedar\``);
}

export function registerCedarTranslateSchema(group: Command): void {
  group
    .command('translate-schema')
    .description('Translate a Cedar schema between the .cedarschema syntax and the JSON format')
    .requiredOption('--direction <direction>', 'cedar-to-json or json-to-cedar', parseDirection)
    .option('-s, --schema <file>', 'the schema file (standard input if absent)')
    .action(
      cedarAction((options: { direction: Direction; schema?: string }) => {
        const input = readInput(options.schema, '--schema');
        const result =
          options.direction === 'cedar-to-json'
            ? schemaToJson(input.text, 'cedarschema')
            : schemaToText(input.text, 'json');
        if (!result.ok) {
          printCodeFrames(input, result.errors);
          return CedarExit.failure;
        }
        process.stdout.write(
          typeof result.value === 'string' ? result.value : `${JSON.stringify(result.value, null, 2)}\n`,
        );
        return CedarExit.success;
      }),
    );
}
