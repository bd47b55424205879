// `keyaki cedar evaluate`: evaluates one Cedar expression against a request
// and entities, in the shape of the official `cedar evaluate` command. Prints
// the value in Cedar syntax and exits 0; as in the official command, any
// failure — unusable input, an expression that does not parse, an evaluation
// error — exits 1.
import type { Command } from 'commander';
import { evaluateExpression, formatValue } from '../cedar/index.js';
import { parseEntityUidText, readRequest, requestSource } from './cedar-authorize.js';
import { CedarExit, cedarAction, printCodeFrames, readEntitiesFile, readSchemaFile } from './cedar-io.js';

interface EvaluateOptions {
  entities?: string;
  schema?: string;
  principal?: string;
  action?: string;
  resource?: string;
  context?: string;
  requestJson?: string;
}

/** A request variable left out refers to an entity no store holds, so using it in a way that needs one errors. */
function uidOrPlaceholder(text: string | undefined, optionName: string): { type: string; id: string } {
  return text === undefined
    ? { type: 'Unspecified', id: optionName.slice('--'.length) }
    : parseEntityUidText(text, optionName);
}

export function registerCedarEvaluate(group: Command): void {
  group
    .command('evaluate')
    .description('Evaluate a Cedar expression against a request and entities')
    .argument('<expression>', 'the expression, e.g. \'principal in Group::"admins"\'')
    .option('--entities <file>', 'the entities, in the entity JSON format')
    .option('-s, --schema <file>', 'a schema (.cedarschema, or JSON when the name ends in .json)')
    .option('-l, --principal <uid>', 'the principal (default: Unspecified::"principal")')
    .option('-a, --action <uid>', 'the action (default: Unspecified::"action")')
    .option('-r, --resource <uid>', 'the resource (default: Unspecified::"resource")')
    .option('-c, --context <file>', 'the context, a JSON object')
    .option('--request-json <file>', 'the whole request as JSON: principal, action, resource, context')
    .action(
      cedarAction((expression: string, options: EvaluateOptions) => {
        const schema = options.schema === undefined ? undefined : readSchemaFile(options.schema);
        if (options.schema !== undefined && schema === undefined) return CedarExit.failure;
        const source = requestSource(options, uidOrPlaceholder);
        const request = source === undefined ? undefined : readRequest(source, schema);
        if (request === undefined) return CedarExit.failure;
        const entities = readEntitiesFile(options.entities, schema);
        if (entities === undefined) return CedarExit.failure;
        const result = evaluateExpression(expression, request, entities);
        if (result.ok) {
          process.stdout.write(`${formatValue(result.value)}\n`);
          return CedarExit.success;
        }
        if (result.kind === 'parse')
          printCodeFrames({ source: '<expression>', text: expression }, result.errors);
        else process.stderr.write(`error: ${result.message}\n`);
        return CedarExit.failure;
      }),
    );
}
