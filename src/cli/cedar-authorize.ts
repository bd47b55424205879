// `keyaki cedar authorize`: decides one request, in the shape of the official
// `cedar authorize` command (ALLOW or DENY, and with --verbose the determining
// and erroring policies). Exits as that command does: 0 ALLOW, 2 DENY, 1 when
// an input cannot be used — after reporting every input that cannot.
import type { Command } from 'commander';
import {
  isAuthorized,
  makeRequest,
  parsePolicySet,
  type AuthorizationRequestInput,
  type Request,
  type Schema,
} from '../cedar/index.js';
import {
  CedarExit,
  cedarAction,
  contextErrorSpan,
  printCodeFrames,
  readEntitiesFile,
  readInput,
  readJson,
  readSchemaFile,
  type CedarInput,
} from './cedar-io.js';
import { UsageError } from './io.js';

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

/** A request as given, and the document its context came from (with the context's place in it). */
export interface RequestSource {
  readonly request: AuthorizationRequestInput;
  readonly contextFrom?: { readonly input: CedarInput; readonly at: (string | number)[] };
}

function requestFromJson(path: string): RequestSource | undefined {
  const read = readJson(path, '--request-json');
  if (!read.ok) return undefined;
  const json = read.json;
  if (!isObject(json)) throw new UsageError('the request given to --request-json must be an object');
  const uid = (name: string): { type: string; id: string } => {
    const value = json[name];
    if (typeof value === 'string') return parseEntityUidText(value, `--request-json \`${name}\``);
    if (isObject(value) && typeof value['type'] === 'string' && typeof value['id'] === 'string')
      return { type: value['type'], id: value['id'] };
    throw new UsageError(`the request given to --request-json needs \`${name}\``);
  };
  return {
    request: {
      principal: uid('principal'),
      action: uid('action'),
      resource: uid('resource'),
      context: json['context'],
    },
    contextFrom: { input: read.input, at: ['context'] },
  };
}

/** The request the options give; `undefined` when a file of theirs could not be read (the reason is printed). */
export function requestSource(
  options: Pick<AuthorizeOptions, 'principal' | 'action' | 'resource' | 'context' | 'requestJson'>,
  variable: (value: string | undefined, name: string) => { type: string; id: string },
): RequestSource | undefined {
  if (options.requestJson !== undefined) return requestFromJson(options.requestJson);
  const principal = variable(options.principal, '--principal');
  const action = variable(options.action, '--action');
  const resource = variable(options.resource, '--resource');
  if (options.context === undefined) return { request: { principal, action, resource } };
  const context = readJson(options.context, '--context');
  if (!context.ok) return undefined;
  return {
    request: { principal, action, resource, context: context.json },
    contextFrom: { input: context.input, at: [] },
  };
}

/** Makes the request, printing each error at its place in the context when it has one. */
export function readRequest(source: RequestSource, schema: Schema | undefined): Request | undefined {
  const made = makeRequest(source.request, schema);
  if (made.ok) return made.request;
  const from = source.contextFrom;
  if (from === undefined) for (const error of made.errors) process.stderr.write(`error: request: ${error}\n`);
  else
    printCodeFrames(
      from.input,
      made.errors.map((error) => ({
        message: `request: ${error}`,
        span: contextErrorSpan(from.input.text, from.at, error),
      })),
    );
  return undefined;
}

function required(value: string | undefined, name: string): { type: string; id: string } {
  if (value === undefined) throw new UsageError(`${name} is required unless --request-json is given`);
  return parseEntityUidText(value, name);
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
    .action(
      cedarAction((options: AuthorizeOptions) => {
        // As the official command does, every input is read and every unusable one reported.
        const policiesInput = readInput(options.policies, '--policies');
        const policies = parsePolicySet(policiesInput.text, { idAnnotation: true });
        if (!policies.ok) printCodeFrames(policiesInput, policies.errors);
        const schema = options.schema === undefined ? undefined : readSchemaFile(options.schema);
        const schemaOk = options.schema === undefined || schema !== undefined;
        const entities = schemaOk ? readEntitiesFile(options.entities, schema) : undefined;
        const source = requestSource(options, required);
        const request =
          source === undefined || !schemaOk
            ? undefined
            : readRequest(source, options.requestValidation ? schema : undefined);
        if (!policies.ok || entities === undefined || request === undefined) return CedarExit.failure;
        const answer = isAuthorized(policies.policySet, request, entities);
        process.stdout.write(`${answer.decision === 'allow' ? 'ALLOW' : 'DENY'}\n`);
        if (options.verbose === true) {
          if (answer.reason.length === 0)
            process.stdout.write('\nnote: no policies applied to this request\n');
          else {
            process.stdout.write('\nnote: this decision was due to the following policies:\n');
            for (const id of answer.reason) process.stdout.write(`  ${id}\n`);
          }
        }
        if (answer.errors.length > 0) {
          process.stdout.write('\nerrors while evaluating policies:\n');
          for (const error of answer.errors) process.stdout.write(`  ${error.policyId}: ${error.message}\n`);
        }
        return answer.decision === 'allow' ? CedarExit.success : CedarExit.authorizeDeny;
      }),
    );
}
