// The schema calls of `@cedar-policy/cedar-wasm` 4.13, with its argument and
// answer shapes, so that code written against it can switch to Keyaki.
import type { SchemaError } from './ast.js';
import type { SchemaJson } from './json-types.js';
import { schemaToJson as toJson, schemaToText as toText, parseSchema, type SchemaFormat } from './index.js';
import { utf8Span, type SourceSpan } from '../syntax/index.js';

export interface SourceLabel {
  start: number;
  end: number;
  label: string | null;
}

/** An error or warning as cedar-wasm reports it. */
export interface DetailedError {
  message: string;
  help: string | null;
  code: string | null;
  url: string | null;
  severity: 'advice' | 'warning' | 'error' | null;
  sourceLocations?: SourceLabel[];
  related?: DetailedError[];
}

/** A schema as cedar-wasm takes it: `.cedarschema` text, or the JSON format as a value. */
export type CompatSchema = string | SchemaJson;

export type CheckParseAnswer = { type: 'success' } | { type: 'failure'; errors: DetailedError[] };
export type SchemaToJsonAnswer =
  | { type: 'success'; json: SchemaJson; warnings: DetailedError[] }
  | { type: 'failure'; errors: DetailedError[] };
export type SchemaToTextAnswer =
  { type: 'success'; text: string; warnings: DetailedError[] } | { type: 'failure'; errors: DetailedError[] };

/** An error (severity `null`, as cedar-wasm leaves it) or a warning; `span` in UTF-8 bytes. */
export function detailedError(
  message: string,
  severity: 'warning' | null,
  span?: { start: number; end: number },
  help?: string,
  label?: string,
): DetailedError {
  return {
    message,
    help: help ?? null,
    code: null,
    url: null,
    severity,
    sourceLocations: span === undefined ? [] : [{ start: span.start, end: span.end, label: label ?? null }],
    related: [],
  };
}

/** An error in a text, such as a policy parse error. */
export interface TextError {
  readonly message: string;
  readonly span?: SourceSpan;
  readonly help?: string;
  readonly label?: string;
}

/**
 * Errors in `text` as cedar-wasm reports them: the first one, `prefix`ed,
 * with the others related to it; places counted in UTF-8 bytes.
 */
export function reportedTextErrors(
  text: string,
  errors: readonly TextError[],
  prefix: string,
): DetailedError[] {
  const [first, ...rest] = errors;
  if (first === undefined) return [];
  const reported = (error: TextError, message: string): DetailedError =>
    detailedError(
      message,
      null,
      error.span === undefined ? undefined : utf8Span(text, error.span),
      error.help,
      error.label,
    );
  return [
    {
      ...reported(first, `${prefix}${first.message}`),
      related: rest.map((error) => reported(error, error.message)),
    },
  ];
}

function schemaErrors(errors: readonly SchemaError[]): DetailedError[] {
  return errors.map((error) => detailedError(error.message, null, error.span));
}

/** cedar-wasm reads a string as the `.cedarschema` syntax, even one holding JSON, and a value as the JSON format. */
export function formatOf(schema: CompatSchema): SchemaFormat {
  return typeof schema === 'string' ? 'cedarschema' : 'json';
}

export function checkParseSchema(schema: CompatSchema): CheckParseAnswer {
  const result = parseSchema(schema, formatOf(schema));
  return result.ok ? { type: 'success' } : { type: 'failure', errors: schemaErrors(result.errors) };
}

export function schemaToJson(schema: CompatSchema): SchemaToJsonAnswer {
  const result = toJson(schema, formatOf(schema));
  return result.ok
    ? { type: 'success', json: result.value, warnings: [] }
    : { type: 'failure', errors: schemaErrors(result.errors) };
}

export function schemaToText(schema: CompatSchema): SchemaToTextAnswer {
  const result = toText(schema, formatOf(schema));
  return result.ok
    ? { type: 'success', text: result.value, warnings: [] }
    : { type: 'failure', errors: schemaErrors(result.errors) };
}
