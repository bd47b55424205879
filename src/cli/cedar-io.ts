// What the `keyaki cedar` commands share: the official `cedar` CLI's exit
// codes, reading files or standard input, and reporting bad input (with a code
// frame where the input has a place) instead of a stack trace.
import { readFileSync } from 'node:fs';
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import {
  JsonSyntaxError,
  parseEntities,
  parseJsonText,
  parseSchema,
  type EntityStore,
  type Schema,
  type SchemaFormat,
} from '../cedar/index.js';
import { UsageError, codeFrame } from './io.js';

/**
 * The exit codes of the official `cedar` CLI (its `CedarExitCode`). Command
 * lines that do not parse (an unknown option, a missing required one, a value
 * the option refuses) exit 2 before any command runs, as `clap` makes the
 * official CLI do; `keyaki`'s main maps commander's errors the same way.
 */
export const CedarExit = {
  /** The command succeeded: ALLOW, valid policies, parsed input, a value. */
  success: 0,
  /** The command could not complete: unreadable or invalid input, an evaluation error, unformatted input under `--check`. */
  failure: 1,
  /** `authorize` decided DENY. */
  authorizeDeny: 2,
  /** `validate` found validation errors (or warnings, with `--deny-warnings`). */
  validationFailure: 3,
} as const;

export type CedarExitCode = (typeof CedarExit)[keyof typeof CedarExit];

/**
 * Wraps a command's action: it returns its exit code, and bad input it
 * throws as a `UsageError` (or a recursion too deep for the stack, which the
 * library refuses before it happens, kept as a last line of defence) exits
 * with Cedar's `Failure` and a one-line message.
 */
export function cedarAction<Args extends unknown[]>(
  action: (...args: Args) => CedarExitCode,
): (...args: Args) => void {
  return (...args) => {
    try {
      process.exitCode = action(...args);
    } catch (error) {
      if (error instanceof UsageError) process.stderr.write(`error: ${error.message}\n`);
      else if (error instanceof RangeError && /call stack/.test(error.message))
        process.stderr.write('error: the input is nested too deeply to be processed\n');
      else throw error;
      process.exitCode = CedarExit.failure;
    }
  };
}

export interface CedarInput {
  /** Where the text came from: the path, or `<stdin>`. */
  readonly source: string;
  readonly text: string;
}

/** Reads a file, or standard input when no path is given. */
export function readInput(path: string | undefined, optionName: string): CedarInput {
  if (path === undefined) return { source: '<stdin>', text: readFileSync(0, 'utf8') };
  try {
    return { source: path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new UsageError(`cannot read \`${path}\` given to ${optionName}: ${reason}`);
  }
}

export interface Located {
  readonly message: string;
  readonly span?: { start: number; end: number } | undefined;
  readonly help?: string | undefined;
  /** What the parser could have taken there ("expected `)` or `,`"), shown after the carets as Cedar shows it under them. */
  readonly label?: string | undefined;
}

/** Writes each error of an input to stderr with its code frame, its label and Cedar's help, when it has them. */
export function printCodeFrames(input: CedarInput, errors: readonly Located[]): void {
  for (const error of errors) {
    const frame = labelled(codeFrame(input.source, input.text, error.message, error.span), error.label);
    process.stderr.write(error.help === undefined ? frame : `${frame}  = help: ${error.help}\n`);
  }
}

/** The frame with `label` after its carets (its last line), when it has carets. */
function labelled(frame: string, label: string | undefined): string {
  return label === undefined || !frame.endsWith('^\n') ? frame : `${frame.slice(0, -1)} ${label}\n`;
}

/** A JSON document read from a file, or the code frame of its syntax error. */
export type JsonInput =
  { readonly ok: true; readonly input: CedarInput; readonly json: unknown } | { readonly ok: false };

/**
 * Reads a JSON file exactly (integers beyond 2^53 kept, repeated keys
 * refused). A syntax error is printed with a code frame at its place.
 */
export function readJson(path: string, optionName: string): JsonInput {
  return parseJsonInput(readInput(path, optionName), optionName);
}

/** Parses an input's JSON text as `readJson` does. */
export function parseJsonInput(input: CedarInput, optionName: string): JsonInput {
  try {
    return { ok: true, input, json: parseJsonText(input.text) };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const at = { start: error.offset, end: error.offset + 1 };
    printCodeFrames(input, [{ message: `${optionName}: invalid JSON: ${error.problem}`, span: at }]);
    return { ok: false };
  }
}

/** The span of the value at a path of JSON text, if the text has one there. */
export function jsonPathSpan(text: string, path: JsonPath): Span | undefined {
  const root = parseTree(text);
  return root === undefined ? undefined : deepestSpan(root, [], path);
}

type Span = { start: number; end: number };

// `entity 3 ...` or `entity `User::"alice"`...`: how the entity readers name the entity an error is about.
const ENTITY_NAMED = /^(?:duplicate )?entity (?:entry )?(?:(\d+)\b|`((?:[^`\\]|\\.)*)`)/;
// One step of a value's place as the readers write it: `.name` or `[3]`.
const STEP = /^(?:\.([^.[:\s`]+)|\[(\d+)\])/;
// The attribute or tag a message ends on: `: attribute `name` ...`, ` tag `name``.
const NAMED_FIELD = /^:? (?:required )?(attribute|tag) `([^`]+)`/;

export type JsonPath = (string | number)[];

/** Reads the steps at the start of a message (`.a.b[2]`) and the attribute it names after them, if any. */
function messagePath(message: string): JsonPath {
  const path: JsonPath = [];
  let rest = message;
  for (let step = STEP.exec(rest); step !== null; step = STEP.exec(rest)) {
    path.push(step[1] ?? Number(step[2]));
    rest = rest.slice(step[0].length);
  }
  const field = NAMED_FIELD.exec(rest);
  if (field !== null && !rest.includes('is missing')) path.push(field[2] ?? '');
  return path;
}

/**
 * The span of the deepest node along a path that the text has (the first
 * steps are required): the value, or its key when the message is about the
 * key being there at all.
 */
function deepestSpan(root: Node, required: JsonPath, path: JsonPath, message = ''): Span | undefined {
  for (let length = path.length; length >= 0; length -= 1) {
    const node = findNodeAtLocation(root, [...required, ...path.slice(0, length)]);
    if (node === undefined) continue;
    const key = length === path.length && UNDECLARED.test(message) ? node.parent?.children?.[0] : undefined;
    const at = key ?? node;
    return { start: at.offset, end: at.offset + at.length };
  }
  return undefined;
}

// An error about a key that should not be there, whose value does not matter.
const UNDECLARED = /(?:attribute|tag) `[^`]*` is not declared in the schema$/;

function uidKeyOf(json: unknown): string | undefined {
  if (!isRecord(json)) return undefined;
  const inner = isRecord(json['__entity']) ? json['__entity'] : json;
  const { type, id } = inner;
  return typeof type === 'string' && typeof id === 'string' ? `${type}::${JSON.stringify(id)}` : undefined;
}

/** The path inside an entity that the rest of a message names: `: attrs.a`, `.a` (an attribute), ` tag `t``. */
function entityFieldPath(rest: string): JsonPath {
  const group = /^: (attrs|tags|parents)\b/.exec(rest);
  if (group !== null) return [group[1] ?? '', ...messagePath(rest.slice(group[0].length))];
  if (/\bparents?\b/.test(rest)) return ['parents'];
  const tag = /^ tag `([^`]+)`/.exec(rest);
  if (tag !== null) return ['tags', tag[1] ?? '', ...messagePath(rest.slice(tag[0].length))];
  const path = messagePath(rest);
  return path.length === 0 ? ['uid'] : ['attrs', ...path];
}

/**
 * Where in entity JSON text an error of the entity readers is: the attribute,
 * tag or field it names, else the entity's `uid`. The readers word their
 * errors for people, naming the entity by its position or its uid; the text
 * is read again here, with places, only when there is an error to show.
 */
export function entityErrorSpan(text: string, json: unknown, message: string): Span | undefined {
  const named = ENTITY_NAMED.exec(message);
  if (named === null || !Array.isArray(json)) return undefined;
  const key = named[2];
  const sameUid = (entity: unknown): boolean => isRecord(entity) && uidKeyOf(entity['uid']) === key;
  const index =
    named[1] !== undefined
      ? Number(named[1])
      : message.startsWith('duplicate')
        ? json.findLastIndex(sameUid)
        : json.findIndex(sameUid);
  const root = parseTree(text);
  if (index < 0 || root === undefined) return undefined;
  return deepestSpan(root, [index], entityFieldPath(message.slice(named[0].length)), message);
}

/** Where in a context's JSON text (at `prefix` in its document) an error about `context...` is. */
export function contextErrorSpan(text: string, prefix: JsonPath, message: string): Span | undefined {
  const root = message.startsWith('context') ? parseTree(text) : undefined;
  if (root === undefined) return undefined;
  return deepestSpan(root, prefix, messagePath(message.slice('context'.length)), message);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a schema file, in the format given or else the one its name says (`.json`: JSON); errors are printed. */
export function readSchemaFile(path: string, format?: SchemaFormat): Schema | undefined {
  const input = readInput(path, '--schema');
  const schema = parseSchema(input.text, format ?? (path.endsWith('.json') ? 'json' : 'cedarschema'));
  if (schema.ok) return schema.value;
  printCodeFrames(input, schema.errors);
  return undefined;
}

/**
 * Reads an entities file (none: no entities but the schema's actions), against
 * a schema when one is given; errors are printed where they are.
 */
export function readEntitiesFile(path: string | undefined, schema?: Schema): EntityStore | undefined {
  const read =
    path === undefined
      ? { ok: true as const, input: { source: '', text: '[]' }, json: [] }
      : readJson(path, '--entities');
  if (!read.ok) return undefined;
  const entities = parseEntities(read.json, schema);
  if (entities.ok) return entities.entities;
  printCodeFrames(
    read.input,
    entities.errors.map((message) => ({
      message,
      span: entityErrorSpan(read.input.text, read.json, message),
    })),
  );
  return undefined;
}
