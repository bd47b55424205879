// Entry points of the schema module: parse either syntax into the resolved
// model, and read the action entities a schema defines.
import type { SchemaResult } from './ast.js';
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
