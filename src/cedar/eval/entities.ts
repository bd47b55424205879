// Reading entities: Cedar's entity JSON format (as values or text, with or
// without a schema) into an entity store, and contexts into records.
import type { EntityUid, Schema } from '../schema/index.js';
import { validateEntities, type SchemaEntity, type TypedValue } from '../validator/index.js';
import { readContextText, readEntitiesText } from './entities-text.js';
import { JsonValueError, entityRefOf, isObject, valueFromJson } from './entity-json.js';
import { NO_PARENTS, NO_VALUES, StoreBuilder, type EntitiesResult } from './entity-store.js';
import { callExtension } from './extensions.js';
import { parseJsonText } from './json-text.js';
import { EntityRef, EvaluationError, RecordValue, makeSet, type Value } from './values.js';

export type { Entity, EntityStore, EntitiesResult } from './entity-store.js';
export { entityRefOf, isEntityTypeName, valueFromJson } from './entity-json.js';

/** Turns a value the schema-directed reader produced into a runtime value. */
export function valueFromTyped(typed: TypedValue): Value {
  switch (typed.kind) {
    case 'bool':
    case 'long':
    case 'string':
      return typed.value;
    case 'entity':
      return new EntityRef(typed.uid.type, typed.uid.id);
    case 'extension':
      return callExtension(typed.fn, typed.args.map(valueFromTyped));
    case 'set':
      return makeSet(typed.elements.map(valueFromTyped));
    case 'record': {
      const fields = new Map<string, Value>();
      for (const [name, field] of typed.fields) fields.set(name, valueFromTyped(field));
      return new RecordValue(fields);
    }
    default: {
      const unreachable: never = typed;
      return unreachable;
    }
  }
}

/** Reads `attrs` or `tags`; only `tags` may be left out. */
function readValueMap(json: unknown, field: 'attrs' | 'tags'): ReadonlyMap<string, Value> {
  if (json === undefined && field === 'tags') return NO_VALUES;
  if (json === undefined) throw new JsonValueError(`missing field \`${field}\``);
  if (!isObject(json)) throw new JsonValueError(`${field} must be an object`);
  const keys = Object.keys(json);
  if (keys.length === 0) return NO_VALUES;
  const map = new Map<string, Value>();
  for (const key of keys) map.set(key, valueFromJson(json[key], `${field}.${key}`));
  return map;
}

function readParents(json: unknown): readonly EntityRef[] {
  if (json === undefined) throw new JsonValueError('missing field `parents`');
  if (!Array.isArray(json)) throw new JsonValueError('`parents` must be an array');
  if (json.length === 0) return NO_PARENTS;
  const parents: EntityRef[] = [];
  for (const parent of json) {
    const ref = entityRefOf(parent);
    if (ref === undefined) throw new JsonValueError('invalid parent');
    parents.push(ref);
  }
  return parents;
}

function addEntityFromJson(builder: StoreBuilder, json: unknown, index: number): void {
  if (!isObject(json)) throw new JsonValueError(`entity ${index} must be an object`);
  const uid = entityRefOf(json['uid']);
  if (uid === undefined) throw new JsonValueError(`entity ${index} has no valid \`uid\``);
  try {
    builder.add(
      uid,
      readValueMap(json['attrs'], 'attrs'),
      readParents(json['parents']),
      readValueMap(json['tags'], 'tags'),
    );
  } catch (error) {
    // The entity is named only on failure, so that reading never builds the text of a uid.
    if (error instanceof JsonValueError) throw new JsonValueError(`entity \`${uid.key}\`: ${error.message}`);
    throw error;
  }
}

function addEntityFromSchema(builder: StoreBuilder, entity: SchemaEntity): void {
  const convert = (map: ReadonlyMap<string, TypedValue>): ReadonlyMap<string, Value> =>
    map.size === 0 ? NO_VALUES : new Map([...map].map(([key, typed]) => [key, valueFromTyped(typed)]));
  builder.add(
    new EntityRef(entity.uid.type, entity.uid.id),
    convert(entity.attrs),
    entity.parents.map((parent: EntityUid) => new EntityRef(parent.type, parent.id)),
    convert(entity.tags),
  );
}

/**
 * Reads entities in Cedar's entity JSON format (an array, or its JSON text).
 * With a schema, values are read against the declared types (so the short
 * forms are allowed) and the schema's action entities are added.
 */
export function parseEntities(input: unknown, schema?: Schema): EntitiesResult {
  if (typeof input === 'string' && schema === undefined) {
    const read = readEntitiesText(input);
    if (read !== undefined) return read;
  }
  try {
    const json = typeof input === 'string' ? parseJsonText(input) : input;
    const builder = new StoreBuilder();
    if (schema !== undefined) {
      const read = validateEntities(schema, json);
      if (!read.ok) return read;
      for (const entity of read.value) addEntityFromSchema(builder, entity);
      return builder.finish();
    }
    if (!Array.isArray(json)) return { ok: false, errors: ['entities must be an array'] };
    json.forEach((entity, index) => addEntityFromJson(builder, entity, index));
    return builder.finish();
  } catch (error) {
    if (error instanceof JsonValueError || error instanceof EvaluationError || error instanceof SyntaxError) {
      return { ok: false, errors: [error.message] };
    }
    throw error;
  }
}

/** Reads a context (a record, or its JSON text) without a schema; `undefined` and `null` mean the empty record. */
export function contextFromInput(input: unknown): RecordValue {
  const read = typeof input === 'string' ? readContextText(input) : undefined;
  if (read !== undefined) return read;
  return contextFromJson(typeof input === 'string' ? parseJsonText(input) : input);
}

/** Reads a context (a record) without a schema; `undefined` and `null` mean the empty record. */
export function contextFromJson(json: unknown): RecordValue {
  if (json === undefined || json === null) return new RecordValue(new Map());
  const value = valueFromJson(json, 'context');
  if (!(value instanceof RecordValue)) throw new JsonValueError('context must be a record');
  return value;
}

export { JsonValueError, parseJsonText };
