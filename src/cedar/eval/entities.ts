// The entity store: entities read from Cedar's entity JSON format (with or
// without a schema), and the transitive closure of the hierarchy that `in`
// consults.
import { isLosslessNumber } from 'lossless-json';
import type { EntityUid, Schema } from '../schema/index.js';
import { validateEntities, type SchemaEntity, type TypedValue } from '../validator/index.js';
import { callExtension } from './extensions.js';
import { isIntegerLiteral, parseJsonText } from './json-text.js';
import { EntityRef, EvaluationError, I64_MAX, I64_MIN, RecordValue, makeSet, type Value } from './values.js';

export interface Entity {
  readonly uid: EntityRef;
  readonly attrs: ReadonlyMap<string, Value>;
  /** Keys of every ancestor, direct or not. */
  readonly ancestors: ReadonlySet<string>;
  readonly tags: ReadonlyMap<string, Value>;
}

/** The entities of a request, read once and consulted by uid. */
export interface EntityStore {
  /** The entity a uid names, if the store has it. */
  get(uid: EntityUid): Entity | undefined;
  readonly size: number;
  /** Every entity, in the order it was read. */
  values(): IterableIterator<Entity>;
}

export type EntitiesResult =
  | { readonly ok: true; readonly entities: EntityStore }
  | { readonly ok: false; readonly errors: readonly string[] };

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class JsonValueError extends Error {}

// An entity type name: identifiers joined by `::`, none of them reserved.
const ENTITY_TYPE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*(?:::[_a-zA-Z][_a-zA-Z0-9]*)*$/;
const RESERVED_IDENTIFIERS = new Set([
  'true',
  'false',
  'if',
  'then',
  'else',
  'in',
  'is',
  'like',
  'has',
  '__cedar',
]);
// Names already checked: a store names a few types many times over. Bounded, as the input chooses the names.
const checkedTypeNames = new Set<string>();
const CHECKED_TYPE_NAMES_LIMIT = 4096;

/** Whether Cedar accepts a string as an entity type name, as it does when reading entity JSON. */
export function isEntityTypeName(name: string): boolean {
  if (checkedTypeNames.has(name)) return true;
  if (!ENTITY_TYPE_NAME.test(name) || name.split('::').some((part) => RESERVED_IDENTIFIERS.has(part)))
    return false;
  if (checkedTypeNames.size < CHECKED_TYPE_NAMES_LIMIT) checkedTypeNames.add(name);
  return true;
}

/** `{"type", "id"}` with two strings (other keys are ignored, as Cedar ignores them), else `undefined`. */
function typeAndId(json: unknown): EntityRef | undefined {
  if (!isObject(json)) return undefined;
  const { type, id } = json;
  return typeof type === 'string' && typeof id === 'string' ? new EntityRef(type, id) : undefined;
}

/** Reads an entity uid: `{"__entity": {"type", "id"}}` or `{"type", "id"}`, with a valid type name. */
export function entityRefOf(json: unknown): EntityRef | undefined {
  if (!isObject(json)) return undefined;
  const uid = ('__entity' in json ? typeAndId(json['__entity']) : undefined) ?? typeAndId(json);
  return uid !== undefined && isEntityTypeName(uid.type) ? uid : undefined;
}

/**
 * The value an object of one key stands for when that key is an escape, or
 * `undefined` when the object is a plain record. As in Cedar, an escape of the
 * wrong shape is a record (`{"__entity": 1}` is a record with an `__entity`
 * field); one of the right shape must then be valid.
 */
function escapedValue(key: string, inner: unknown, where: string): Value | undefined {
  switch (key) {
    case '__entity': {
      const uid = typeAndId(inner);
      if (uid !== undefined && !isEntityTypeName(uid.type)) {
        throw new JsonValueError(`${where}: \`${uid.type}\` is not a valid entity type name`);
      }
      return uid;
    }
    case '__extn': {
      if (!isObject(inner) || typeof inner['fn'] !== 'string') return undefined;
      // Cedar reads `{"fn", "arg"}` first, then `{"fn", "args": [...]}`.
      const args = 'arg' in inner ? [inner['arg']] : inner['args'];
      if (!Array.isArray(args)) return undefined;
      const values = args.map((arg: unknown, index) => valueFromJson(arg, `${where}.__extn.args[${index}]`));
      try {
        return callExtension(inner['fn'], values);
      } catch (error) {
        if (error instanceof EvaluationError) throw new JsonValueError(`${where}: ${error.message}`);
        throw error;
      }
    }
    case '__expr':
      if (typeof inner === 'string') {
        throw new JsonValueError(`${where}: the \`__expr\` escape is no longer supported`);
      }
      return undefined;
    default:
      return undefined;
  }
}

// Attributes are mostly small numbers; sharing their bigints spares an allocation per value.
const SMALL_LONG_BIAS = 128;
const SMALL_LONGS: readonly bigint[] = Array.from({ length: 1152 }, (_, index) =>
  BigInt(index - SMALL_LONG_BIAS),
);

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
    return SMALL_LONGS[json + SMALL_LONG_BIAS] ?? BigInt(json);
  }
  if (isLosslessNumber(json)) {
    if (!isIntegerLiteral(json.value))
      throw new JsonValueError(`${where}: \`${json.value}\` is not an integer`);
    return valueFromJson(BigInt(json.value), where);
  }
  if (Array.isArray(json))
    return makeSet(json.map((element, index) => valueFromJson(element, `${where}[${index}]`)));
  if (!isObject(json)) throw new JsonValueError(`${where}: \`null\` is not a Cedar value`);
  const keys = Object.keys(json);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const escaped = escapedValue(key, json[key], where);
    if (escaped !== undefined) return escaped;
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

/**
 * An entity of the store. Its ancestors are computed on first use and kept:
 * a request usually consults a handful of entities, so closing the whole
 * hierarchy up front would be wasted work for one-shot calls.
 */
class StoredEntity implements Entity {
  private closure: Set<string> | undefined;
  /** Where the cycle check has got to: 0 not reached, 1 on the current path, 2 no cycle through it. */
  visit = 0;

  constructor(
    readonly uid: EntityRef,
    readonly attrs: ReadonlyMap<string, Value>,
    readonly parents: readonly EntityRef[],
    readonly tags: ReadonlyMap<string, Value>,
    private readonly store: EntityTable,
  ) {}

  get ancestors(): ReadonlySet<string> {
    if (this.closure !== undefined) return this.closure;
    const closure = new Set<string>();
    const pending = [...this.parents];
    for (let parent = pending.pop(); parent !== undefined; parent = pending.pop()) {
      if (closure.has(parent.key)) continue;
      closure.add(parent.key);
      const stored = this.store.get(parent);
      if (stored === undefined) continue;
      // A parent whose closure is already known contributes it whole.
      if (stored.closure !== undefined) for (const ancestor of stored.closure) closure.add(ancestor);
      else pending.push(...stored.parents);
    }
    this.closure = closure;
    return closure;
  }
}

/**
 * Entities by type, then by id. Looking a uid up this way hashes strings the
 * input already holds (and V8 caches their hashes), where one map keyed by
 * the uid's canonical text would build and hash a new string per entity.
 */
class EntityTable implements EntityStore {
  private readonly byType = new Map<string, Map<string, StoredEntity>>();
  /** Every entity, in the order it was added. */
  readonly all: StoredEntity[] = [];

  get size(): number {
    return this.all.length;
  }

  get(uid: EntityUid): StoredEntity | undefined {
    return this.byType.get(uid.type)?.get(uid.id);
  }

  /** Adds an entity unless one with its uid is there already; says whether it did. */
  add(entity: StoredEntity): boolean {
    const { type, id } = entity.uid;
    let ids = this.byType.get(type);
    if (ids === undefined) {
      ids = new Map();
      this.byType.set(type, ids);
    }
    // One hash lookup instead of two; a duplicate fails the whole store, so overwriting it is harmless.
    const before = ids.size;
    ids.set(id, entity);
    if (ids.size === before) return false;
    this.all.push(entity);
    return true;
  }

  values(): IterableIterator<Entity> {
    return this.all.values();
  }
}

/**
 * The first entity found on a cycle of the parent relation, if there is one.
 * Iterative, so that deep hierarchies cannot exhaust the stack.
 */
function entityOnCycle(store: EntityTable): EntityRef | undefined {
  const path: StoredEntity[] = [];
  const next: number[] = [];
  for (const root of store.all) {
    if (root.visit !== 0) continue;
    root.visit = 1;
    path.push(root);
    next.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const entity = path[top] as StoredEntity;
      const index = next[top] as number;
      const parentRef = entity.parents[index];
      if (parentRef === undefined) {
        entity.visit = 2;
        path.pop();
        next.pop();
        continue;
      }
      next[top] = index + 1;
      const parent = store.get(parentRef);
      if (parent === undefined || parent.visit === 2) continue;
      if (parent.visit === 1) return parentRef;
      parent.visit = 1;
      path.push(parent);
      next.push(0);
    }
  }
  return undefined;
}

/** Collects entities into a store: uids must be unique and the hierarchy acyclic, as in Cedar (parents need not be listed themselves). */
class StoreBuilder {
  private readonly table = new EntityTable();
  private duplicate: EntityRef | undefined;

  add(
    uid: EntityRef,
    attrs: ReadonlyMap<string, Value>,
    parents: readonly EntityRef[],
    tags: ReadonlyMap<string, Value>,
  ): void {
    if (!this.table.add(new StoredEntity(uid, attrs, parents, tags, this.table))) this.duplicate ??= uid;
  }

  finish(): EntitiesResult {
    if (this.duplicate !== undefined)
      return { ok: false, errors: [`duplicate entity entry \`${this.duplicate.key}\``] };
    const cycle = entityOnCycle(this.table);
    if (cycle !== undefined) {
      return {
        ok: false,
        errors: [
          `transitive closure computation/enforcement error: input graph has a cycle containing vertex \`${cycle.key}\``,
        ],
      };
    }
    return { ok: true, entities: this.table };
  }
}

const NO_VALUES: ReadonlyMap<string, Value> = new Map();
const NO_PARENTS: readonly EntityRef[] = [];

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

/** Reads a context (a record) without a schema; `undefined` and `null` mean the empty record. */
export function contextFromJson(json: unknown): RecordValue {
  if (json === undefined || json === null) return new RecordValue(new Map());
  const value = valueFromJson(json, 'context');
  if (!(value instanceof RecordValue)) throw new JsonValueError('context must be a record');
  return value;
}

export { JsonValueError, parseJsonText };
