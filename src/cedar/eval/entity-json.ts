// Cedar values from the entity JSON format, read without a schema: the
// `__entity` and `__extn` escapes, entity type names, integers exact.
import { isLosslessNumber } from 'lossless-json';
import { isEntityTypeName as isTypeName } from '../syntax/index.js';
import { callExtension } from './extensions.js';
import { isIntegerLiteral } from './json-text.js';
import { EntityRef, EvaluationError, I64_MAX, I64_MIN, RecordValue, makeSet, type Value } from './values.js';

export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value of the entity JSON format that Cedar refuses; the message says where. */
export class JsonValueError extends Error {}

// Names already checked: a store names a few types many times over. Bounded, as the input chooses the names.
const checkedTypeNames = new Set<string>();
const CHECKED_TYPE_NAMES_LIMIT = 4096;

/** Whether Cedar accepts a string as an entity type name, as it does when reading entity JSON. */
export function isEntityTypeName(name: string): boolean {
  if (checkedTypeNames.has(name)) return true;
  if (!isTypeName(name)) return false;
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
function escapedValue(key: string, inner: unknown, where: string, depth: number): Value | undefined {
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
      const values = args.map((arg: unknown, index) =>
        valueFromJson(arg, `${where}.__extn.args[${index}]`, depth + 1),
      );
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

/** A safe integer as a Long. */
export function longOf(value: number): bigint {
  return SMALL_LONGS[value + SMALL_LONG_BIAS] ?? BigInt(value);
}

// As `serde_json` refuses JSON text nested deeper, which Cedar reads its JSON with; a JavaScript value
// has no such bound of its own, and reading it recursively must not exhaust the stack.
const MAX_VALUE_DEPTH = 127;

/**
 * Reads a value of the entity JSON format without a schema, where only the
 * escapes say what is not a record. `depth` counts the sets and records
 * around it.
 */
export function valueFromJson(json: unknown, where: string, depth = 0): Value {
  if (typeof json === 'boolean' || typeof json === 'string') return json;
  if (typeof json === 'bigint') {
    if (json < I64_MIN || json > I64_MAX)
      throw new JsonValueError(`${where}: integer \`${json}\` is out of range`);
    return json;
  }
  if (typeof json === 'number') {
    if (!Number.isSafeInteger(json)) throw new JsonValueError(`${where}: \`${json}\` is not an integer`);
    return longOf(json);
  }
  if (isLosslessNumber(json)) {
    if (!isIntegerLiteral(json.value))
      throw new JsonValueError(`${where}: \`${json.value}\` is not an integer`);
    return valueFromJson(BigInt(json.value), where);
  }
  if (typeof json === 'object' && json !== null && depth >= MAX_VALUE_DEPTH)
    throw new JsonValueError(
      `${where}: values are nested too deeply: the limit is ${MAX_VALUE_DEPTH} levels`,
    );
  if (Array.isArray(json))
    return makeSet(json.map((element, index) => valueFromJson(element, `${where}[${index}]`, depth + 1)));
  if (!isObject(json)) throw new JsonValueError(`${where}: \`null\` is not a Cedar value`);
  const keys = Object.keys(json);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const escaped = escapedValue(key, json[key], where, depth);
    if (escaped !== undefined) return escaped;
  }
  const fields = new Map<string, Value>();
  for (const key of keys) fields.set(key, valueFromJson(json[key], `${where}.${key}`, depth + 1));
  return new RecordValue(fields);
}
