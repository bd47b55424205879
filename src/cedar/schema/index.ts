// Entry points of the schema module: parse either syntax into the resolved
// model, and read the action entities a schema defines.
import type { SchemaAst, SchemaResult } from './ast.js';
import { schemaAstToJson, schemaAstToText } from './convert.js';
import { parseSchemaJsonText, parseSchemaJsonValue } from './json-parser.js';
import type { SchemaJson } from './json-types.js';
import { uidKey, type EntityUid, type Schema } from './model.js';
import { resolveSchema } from './resolve.js';
import { parseSchemaText } from './text-parser.js';

export type { SchemaError, SchemaResult, SourceSpan, SchemaAst } from './ast.js';
export type {
  ActionDef,
  AppliesToDef,
  AttributeType,
  EntityTypeDef,
  EntityUid,
  ExtensionTypeName,
  RecordType,
  Schema,
  SchemaType,
} from './model.js';
export { uidKey, isActionEntityType } from './model.js';
export { parseSchemaText } from './text-parser.js';
export { resolveSchema } from './resolve.js';

/** Parses and resolves a schema in the human-readable `.cedarschema` syntax. */
export function parseCedarSchema(text: string): SchemaResult<Schema> {
  const ast = parseSchemaText(text);
  return ast.ok ? resolveSchema(ast.value) : ast;
}

/** An action entity as the schema defines it: its uid and its direct parent action groups. */
export interface ActionEntity {
  readonly uid: EntityUid;
  readonly parents: readonly EntityUid[];
}

/** The action entities of a schema, in declaration order, each with its direct parents. */
export function schemaActionEntities(schema: Schema): ActionEntity[] {
  return [...schema.actions.values()].map((action) => ({ uid: action.uid, parents: action.memberOf }));
}

/** Whether `ancestor` is `action` itself or one of its transitive action groups. */
export function actionIsIn(schema: Schema, action: EntityUid, ancestor: EntityUid): boolean {
  const key = uidKey(ancestor);
  return uidKey(action) === key || (schema.actions.get(uidKey(action))?.ancestors.has(key) ?? false);
}

export type { SchemaJson } from './json-types.js';
export { parseSchemaJsonText, parseSchemaJsonValue } from './json-parser.js';
export { schemaAstToJson, schemaAstToText, cedarStringLiteral } from './convert.js';

export type SchemaFormat = 'cedarschema' | 'json';

/** Parses a schema as written, in either syntax; a non-string input is taken as already-parsed JSON. */
export function parseSchemaSyntax(input: string | object, format: SchemaFormat): SchemaResult<SchemaAst> {
  if (typeof input !== 'string') return parseSchemaJsonValue(input);
  return format === 'json' ? parseSchemaJsonText(input) : parseSchemaText(input);
}

/** Parses and resolves a schema in either syntax. */
export function parseSchema(input: string | object, format: SchemaFormat): SchemaResult<Schema> {
  const ast = parseSchemaSyntax(input, format);
  return ast.ok ? resolveSchema(ast.value) : ast;
}

/** Translates a schema to the JSON format, checking it first as Cedar does. */
export function schemaToJson(input: string | object, format: SchemaFormat): SchemaResult<SchemaJson> {
  const ast = parseSchemaSyntax(input, format);
  if (!ast.ok) return ast;
  const resolved = resolveSchema(ast.value);
  return resolved.ok ? { ok: true, value: schemaAstToJson(ast.value) } : resolved;
}

/** Translates a schema to the `.cedarschema` syntax, checking it first as Cedar does. */
export function schemaToText(input: string | object, format: SchemaFormat): SchemaResult<string> {
  const ast = parseSchemaSyntax(input, format);
  if (!ast.ok) return ast;
  const resolved = resolveSchema(ast.value);
  return resolved.ok ? { ok: true, value: schemaAstToText(ast.value) } : resolved;
}
