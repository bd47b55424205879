// The entity store: entities read from Cedar's entity JSON format (with or
// without a schema), and the transitive closure of the hierarchy that `in`
// consults.
import { parse as parseLossless, isInteger } from 'lossless-json';
import type { EntityUid, Schema } from '../schema/index.js';
import { validateEntities, type SchemaEntity, type TypedValue } from '../validator/index.js';
import { callExtension } from './extensions.js';
import { EntityRef, EvaluationError, I64_MAX, I64_MIN, RecordValue, makeSet, type Value } from './values.js';

export interface Entity {
  readonly uid: EntityRef;
  readonly attrs: ReadonlyMap<string, Value>;
  /** Keys of every ancestor, direct or not. */
  readonly ancestors: ReadonlySet<string>;
  readonly tags: ReadonlyMap<string, Value>;
}

export type EntityStore = ReadonlyMap<string, Entity>;

export type EntitiesResult =
  | { readonly ok: true; readonly entities: EntityStore }
  | { readonly ok: false; readonly errors: readonly string[] };

interface RawEntity {
  readonly uid: EntityRef;
  readonly attrs: ReadonlyMap<string, Value>;
  readonly parents: readonly EntityRef[];
  readonly tags: ReadonlyMap<string, Value>;
}

/** Parses JSON text keeping every integer exact (as a bigint). */
export function parseJsonText(text: string): unknown {
  return parseLossless(text, null, (digits) => (isInteger(digits) ? BigInt(digits) : Number(digits)));
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class JsonValueError extends Error {}

/** Reads an entity uid: `{"type", "id"}` or the escape `{"__entity": {"type", "id"}}`. */
export function entityRefOf(json: unknown): EntityRef | undefined {
  if (!isObject(json)) return undefined;
  const inner = '__entity' in json ? json['__entity'] : json;
  if (!isObject(inner)) return undefined;
  const { type, id } = inner;
  return typeof type === 'string' && typeof id === 'string' ? new EntityRef(type, id) : undefined;
}

/** Reads a value of the entity JSON format without a schema, where only the escapes say what is not a record. */
export function valueFromJson(json: unknown, where: string): Value {
  if (typeof json === 'boolean' || typeof json === 'string') return json;
  if (typeof json === 'bigint') {
    if (json < I64_MIN || json > I64_MAX)
      throw new JsonValueError(`${where}: integer \`${json}\` is out of range`);
    return json;
  }
  if (typeof json === 'number') {
    if (!Number.isSafeInteger(json)) throw new JsonValueError(`${where}: \`${json}\` is not an integer`);
    return BigInt(json);
  }
  if (Array.isArray(json))
    return makeSet(json.map((element, index) => valueFromJson(element, `${where}[${index}]`)));
  if (!isObject(json)) throw new JsonValueError(`${where}: \`null\` is not a Cedar value`);
  const keys = Object.keys(json);
  if (keys.length === 1 && keys[0] === '__entity') {
    const uid = entityRefOf(json);
    if (uid === undefined) throw new JsonValueError(`${where}: invalid \`__entity\` escape`);
    return uid;
  }
  if (keys.length === 1 && keys[0] === '__extn') {
    const extension = json['__extn'];
    if (!isObject(extension) || typeof extension['fn'] !== 'string') {
      throw new JsonValueError(`${where}: invalid \`__extn\` escape`);
    }
    const args = 'args' in extension ? extension['args'] : [extension['arg']];
    if (!Array.isArray(args)) throw new JsonValueError(`${where}: invalid \`__extn\` escape`);
    try {
      return callExtension(
        extension['fn'],
        args.map((arg, index) => valueFromJson(arg, `${where}.__extn.args[${index}]`)),
      );
    } catch (error) {
      if (error instanceof EvaluationError) throw new JsonValueError(`${where}: ${error.message}`);
      throw error;
    }
  }
  const fields = new Map<string, Value>();
  for (const key of keys) fields.set(key, valueFromJson(json[key], `${where}.${key}`));
  return new RecordValue(fields);
}

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

function readValueMap(json: unknown, where: string): Map<string, Value> {
  const map = new Map<string, Value>();
  if (json === undefined || json === null) return map;
  if (!isObject(json)) throw new JsonValueError(`${where} must be an object`);
  for (const [key, value] of Object.entries(json)) map.set(key, valueFromJson(value, `${where}.${key}`));
  return map;
}

function rawEntityFromJson(json: unknown, index: number): RawEntity {
  if (!isObject(json)) throw new JsonValueError(`entity ${index} must be an object`);
  const uid = entityRefOf(json['uid']);
  if (uid === undefined) throw new JsonValueError(`entity ${index} has no valid \`uid\``);
  const where = `entity \`${uid.key}\``;
  const parentsJson = json['parents'] ?? [];
  if (!Array.isArray(parentsJson)) throw new JsonValueError(`${where}: \`parents\` must be an array`);
  const parents = parentsJson.map((parent) => {
    const ref = entityRefOf(parent);
    if (ref === undefined) throw new JsonValueError(`${where}: invalid parent`);
    return ref;
  });
  return {
    uid,
    attrs: readValueMap(json['attrs'], `${where}: attrs`),
    parents,
    tags: readValueMap(json['tags'], `${where}: tags`),
  };
}

function rawEntityFromSchema(entity: SchemaEntity): RawEntity {
  const convert = (map: ReadonlyMap<string, TypedValue>): Map<string, Value> =>
    new Map([...map].map(([key, typed]) => [key, valueFromTyped(typed)]));
  return {
    uid: new EntityRef(entity.uid.type, entity.uid.id),
    attrs: convert(entity.attrs),
    parents: entity.parents.map((parent: EntityUid) => new EntityRef(parent.type, parent.id)),
    tags: convert(entity.tags),
  };
}

/**
 * The first entity found on a cycle of the parent relation, if there is one.
 * Iterative, so that deep hierarchies cannot exhaust the stack.
 */
function entityOnCycle(byKey: ReadonlyMap<string, RawEntity>): string | undefined {
  const done = new Set<string>();
  const onPath = new Set<string>();
  for (const root of byKey.keys()) {
    if (done.has(root)) continue;
    const stack: { key: string; next: number }[] = [{ key: root, next: 0 }];
    onPath.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { key: string; next: number };
      const parents = byKey.get(top.key)?.parents ?? [];
      const parent = parents[top.next];
      if (parent === undefined) {
        stack.pop();
        onPath.delete(top.key);
        done.add(top.key);
        continue;
      }
      top.next += 1;
      if (onPath.has(parent.key)) return parent.key;
      if (done.has(parent.key)) continue;
      onPath.add(parent.key);
      stack.push({ key: parent.key, next: 0 });
    }
  }
  return undefined;
}

/**
 * An entity of the store. Its ancestors are computed on first use and kept:
 * a request usually consults a handful of entities, so closing the whole
 * hierarchy up front would be wasted work for one-shot calls.
 */
class StoredEntity implements Entity {
  private closure: Set<string> | undefined;

  constructor(
    private readonly raw: RawEntity,
    private readonly store: ReadonlyMap<string, StoredEntity>,
  ) {}

  get uid(): EntityRef {
    return this.raw.uid;
  }

  get attrs(): ReadonlyMap<string, Value> {
    return this.raw.attrs;
  }

  get tags(): ReadonlyMap<string, Value> {
    return this.raw.tags;
  }

  get ancestors(): ReadonlySet<string> {
    if (this.closure !== undefined) return this.closure;
    const closure = new Set<string>();
    const pending = this.raw.parents.map((parent) => parent.key);
    for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
      if (closure.has(key)) continue;
      closure.add(key);
      const stored = this.store.get(key);
      if (stored === undefined) continue;
      // A parent whose closure is already known contributes it whole.
      if (stored.closure !== undefined) for (const ancestor of stored.closure) closure.add(ancestor);
      else for (const parent of stored.raw.parents) pending.push(parent.key);
    }
    this.closure = closure;
    return closure;
  }
}

/** Builds the store; the hierarchy must be acyclic, as in Cedar (parents need not be listed themselves). */
export function buildEntityStore(raws: readonly RawEntity[]): EntitiesResult {
  const byKey = new Map<string, RawEntity>();
  for (const raw of raws) {
    if (byKey.has(raw.uid.key)) return { ok: false, errors: [`duplicate entity entry \`${raw.uid.key}\``] };
    byKey.set(raw.uid.key, raw);
  }
  const cycle = entityOnCycle(byKey);
  if (cycle !== undefined) {
    return {
      ok: false,
      errors: [
        `transitive closure computation/enforcement error: input graph has a cycle containing vertex \`${cycle}\``,
      ],
    };
  }
  const entities = new Map<string, StoredEntity>();
  for (const raw of byKey.values()) entities.set(raw.uid.key, new StoredEntity(raw, entities));
  return { ok: true, entities };
}

/**
 * Reads entities in Cedar's entity JSON format (an array, or its JSON text).
 * With a schema, values are read against the declared types (so the short
 * forms are allowed) and the schema's action entities are added.
 */
export function parseEntities(input: unknown, schema?: Schema): EntitiesResult {
  try {
    const json = typeof input === 'string' ? parseJsonText(input) : input;
    if (schema !== undefined) {
      const read = validateEntities(schema, json);
      return read.ok ? buildEntityStore(read.value.map(rawEntityFromSchema)) : read;
    }
    if (!Array.isArray(json)) return { ok: false, errors: ['entities must be an array'] };
    return buildEntityStore(json.map(rawEntityFromJson));
  } catch (error) {
    if (error instanceof JsonValueError || error instanceof EvaluationError || error instanceof SyntaxError) {
      return { ok: false, errors: [error.message] };
    }
    throw error;
  }
}

/** Reads a context (a record) without a schema; `undefined` and `null` mean the empty record. */
export function contextFromJson(json: unknown): RecordValue {
  if (json === undefined || json === null) return new RecordValue(new Map());
  const value = valueFromJson(json, 'context');
  if (!(value instanceof RecordValue)) throw new JsonValueError('context must be a record');
  return value;
}

export { JsonValueError };
