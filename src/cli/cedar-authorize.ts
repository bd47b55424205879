// `keyaki cedar authorize`: decides one request, in the shape of the official
// `cedar authorize` command (ALLOW or DENY, and with --verbose the determining
// and erroring policies). Allow exits 0, deny 1, unusable input 2.
import type { Command } from 'commander';
import {
  isAuthorized,
  makeRequest,
  parseCedarSchema,
  parseEntities,
  parseJsonText,
  parsePolicySet,
  parseSchema,
  type AuthorizationRequestInput,
  type Schema,
} from '../cedar/index.js';
import { printCodeFrames, readInput } from './cedar-translate-schema.js';
import { ExitCode, UsageError } from './io.js';

interface AuthorizeOptions {
  policies: string;
  entities: string;
  schema?: string;
  principal?: string;
  action?: string;
  resource?: string;
  context?: string;
  requestJson?: string;
  requestValidation: boolean;
  verbose?: boolean;
}

/** Reads an entity uid written as in Cedar, `Namespace::Type::"id"`. */
export function parseEntityUidText(text: string, optionName: string): { type: string; id: string } {
  const match = /^\s*((?:[_a-zA-Z][_a-zA-Z0-9]*\s*::\s*)+)("(?:[^"\\]|\\.)*")\s*$/.exec(text);
  if (match === null)
    throw new UsageError(`invalid entity uid \`${text}\` given to ${optionName}: expected \`Type::"id"\``);
  const type = (match[1] ?? '').replace(/\s/g, '').replace(/::$/, '');
  try {
    return { type, id: JSON.parse(match[2] ?? '""') as string };
  } catch {
    throw new UsageError(`invalid entity id in \`${text}\` given to ${optionName}`);
  }
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readJson(path: string, optionName: string): unknown {
  const input = readInput(path, optionName);
  try {
    return parseJsonText(input.text);
  } catch (error) {
    throw new UsageError(
      `\`${input.source}\` given to ${optionName} is not JSON: ${(error as Error).message}`,
    );
  }
}

function requestFrom(options: AuthorizeOptions): AuthorizationRequestInput {
  if (options.requestJson !== undefined) {
    const json = readJson(options.requestJson, '--request-json');
    if (!isObject(json)) throw new UsageError('the request given to --request-json must be an object');
    const uid = (name: string): { type: string; id: string } => {
      const value = json[name];
      if (typeof value === 'string') return parseEntityUidText(value, `--request-json \`${name}\``);
      if (isObject(value) && typeof value['type'] === 'string' && typeof value['id'] === 'string')
        return { type: value['type'], id: value['id'] };
      throw new UsageError(`the request given to --request-json needs \`${name}\``);
    };
    return {
      principal: uid('principal'),
      action: uid('action'),
      resource: uid('resource'),
      context: json['context'],
    };
  }
  const required = (value: string | undefined, name: string): { type: string; id: string } => {
    if (value === undefined) throw new UsageError(`${name} is required unless --request-json is given`);
    return parseEntityUidText(value, name);
  };
  return {
    principal: required(options.principal, '--principal'),
    action: required(options.action, '--action'),
    resource: required(options.resource, '--resource'),
    context: options.context === undefined ? undefined : readJson(options.context, '--context'),
  };
}

function readSchema(path: string): Schema | undefined {
  const input = readInput(path, '--schema');
  const schema = path.endsWith('.json') ? parseSchema(input.text, 'json') : parseCedarSchema(input.text);
  if (schema.ok) return schema.value;
  printCodeFrames(input, schema.errors);
  return undefined;
}

export function registerCedarAuthorize(group: Command): void {
  group
    .command('authorize')
    .description('Decide an authorization request against Cedar policies and entities')
    .requiredOption('-p, --policies <file>', 'the policies, in the Cedar syntax')
    .requiredOption('--entities <file>', 'the entities, in the entity JSON format')
    .option('-s, --schema <file>', 'a schema (.cedarschema, or JSON when the name ends in .json)')
    .option('-l, --principal <uid>', 'the principal, e.g. User::"alice"')
    .option('-a, --action <uid>', 'the action, e.g. Action::"view"')
    .option('-r, --resource <uid>', 'the resource, e.g. Photo::"a.jpg"')
    .option('-c, --context <file>', 'the context, a JSON object')
    .option('--request-json <file>', 'the whole request as JSON: principal, action, resource, context')
    .option('--no-request-validation', 'with a schema, do not validate the request against it')
    .option('-v, --verbose', 'also print the determining and erroring policies')
    .action((options: AuthorizeOptions) => {
      const schema = options.schema === undefined ? undefined : readSchema(options.schema);
      if (options.schema !== undefined && schema === undefined) {
        process.exitCode = ExitCode.unusableInput;
        return;
      }
      const policiesInput = readInput(options.policies, '--policies');
      const policies = parsePolicySet(policiesInput.text, { idAnnotation: true });
      if (!policies.ok) {
        printCodeFrames(policiesInput, policies.errors);
        process.exitCode = ExitCode.unusableInput;
        return;
      }
      const entities = parseEntities(readJson(options.entities, '--entities'), schema);
      if (!entities.ok) {
        for (const error of entities.errors) process.stderr.write(`${options.entities}: error: ${error}\n`);
        process.exitCode = ExitCode.unusableInput;
        return;
      }
      const input = requestFrom(options);
      const request = makeRequest(input, options.requestValidation ? schema : undefined);
      if (!request.ok) {
        for (const error of request.errors) process.stderr.write(`error: request: ${error}\n`);
        process.exitCode = ExitCode.unusableInput;
        return;
      }
      const answer = isAuthorized(policies.policySet, request.request, entities.entities);
      process.stdout.write(`${answer.decision === 'allow' ? 'ALLOW' : 'DENY'}\n`);
      if (options.verbose === true) {
        if (answer.reason.length === 0) process.stdout.write('\nnote: no policies applied to this request\n');
        else {
          process.stdout.write('\nnote: this decision was due to the following policies:\n');
          for (const id of answer.reason) process.stdout.write(`  ${id}\n`);
        }
      }
      if (answer.errors.length > 0) {
        process.stdout.write('\nerrors while evaluating policies:\n');
        for (const error of answer.errors) process.stdout.write(`  ${error.policyId}: ${error.message}\n`);
      }
      process.exitCode = answer.decision === 'allow' ? ExitCode.ok : ExitCode.negative;
    });
}
