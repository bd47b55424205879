// `keyaki cedar evaluate`: evaluates one Cedar expression against a request
// and entities, in the shape of the official `cedar evaluate` command. Prints
// the value in Cedar syntax; an evaluation error exits 1, unusable input 2.
import type { Command } from 'commander';
import { evaluateExpression, formatValue, makeRequest, parseEntities } from '../cedar/index.js';
import { parseEntityUidText, readJson } from './cedar-authorize.js';
import { codeFrame } from './cedar-translate-schema.js';
import { ExitCode } from './io.js';

interface EvaluateOptions {
  entities?: string;
  principal?: string;
  action?: string;
  resource?: string;
  context?: string;
}

/** A request variable left out refers to an entity no store holds, so using it in a way that needs one errors. */
function uidOrPlaceholder(
  text: string | undefined,
  optionName: string,
  role: string,
): { type: string; id: string } {
  return text === undefined ? { type: 'Unspecified', id: role } : parseEntityUidText(text, optionName);
}

export function registerCedarEvaluate(group: Command): void {
  group
    .command('evaluate')
    .description('Evaluate a Cedar expression against a request and entities')
    .argument('<expression>', 'the expression, e.g. \'principal in Group::"admins"\'')
    .option('--entities <file>', 'the entities, in the entity JSON format')
    .option('-l, --principal <uid>', 'the principal (default: Unspecified::"principal")')
    .option('-a, --action <uid>', 'the action (default: Unspecified::"action")')
    .option('-r, --resource <uid>', 'the resource (default: Unspecified::"resource")')
    .option('-c, --context <file>', 'the context, a JSON object')
    .action((expression: string, options: EvaluateOptions) => {
      const entities = parseEntities(
        options.entities === undefined ? [] : readJson(options.entities, '--entities'),
      );
      if (!entities.ok) {
        for (const error of entities.errors)
          process.stderr.write(`${options.entities ?? ''}: error: ${error}\n`);
        process.exitCode = ExitCode.unusableInput;
        return;
      }
      const request = makeRequest({
        principal: uidOrPlaceholder(options.principal, '--principal', 'principal'),
        action: uidOrPlaceholder(options.action, '--action', 'action'),
        resource: uidOrPlaceholder(options.resource, '--resource', 'resource'),
        context: options.context === undefined ? undefined : readJson(options.context, '--context'),
      });
      if (!request.ok) {
        for (const error of request.errors) process.stderr.write(`error: request: ${error}\n`);
        process.exitCode = ExitCode.unusableInput;
        return;
      }
      const result = evaluateExpression(expression, request.request, entities.entities);
      if (result.ok) {
        process.stdout.write(`${formatValue(result.value)}\n`);
        process.exitCode = ExitCode.ok;
      } else if (result.kind === 'parse') {
        for (const error of result.errors)
          process.stderr.write(codeFrame('<expression>', expression, error.message, error.span));
        process.exitCode = ExitCode.unusableInput;
      } else {
        process.stderr.write(`error: ${result.message}\n`);
        process.exitCode = ExitCode.negative;
      }
    });
}
