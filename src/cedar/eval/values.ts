// Cedar's runtime values. Primitives are plain JavaScript values (a Long is a
// bigint so that all of i64 is exact); the rest are small classes so that the
// evaluator can tell them apart with `typeof` and `instanceof` alone.
import type { EntityUid } from '../schema/index.js';

export const I64_MIN = -9223372036854775808n;
export const I64_MAX = 9223372036854775807n;

/** An evaluation error: the policy that raised it is skipped and reported. */
export class EvaluationError extends Error {}

// The characters `JSON.stringify` escapes in a string (lone surrogates too, so every surrogate is sent its way).
const ESCAPED_IN_JSON = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A reference to an entity; `key` is its canonical text (`Type::"id"`), used for hashing and in messages. */
export class EntityRef implements EntityUid {
  // Computed on first use: most references read from entity JSON are never hashed.
  #key: string | undefined = undefined;

  constructor(
    readonly type: string,
    readonly id: string,
  ) {}

  get key(): string {
    // Most ids need no escape, and quoting them directly is several times cheaper.
    this.#key ??= ESCAPED_IN_JSON.test(this.id)
      ? `${this.type}::${JSON.stringify(this.id)}`
      : `${this.type}::"${this.id}"`;
    return this.#key;
  }

  /** Whether two references name the same entity. */
  equals(other: EntityRef): boolean {
    return this.id === other.id && this.type === other.type;
  }
}

/** A set, kept free of duplicates; `keys` are the canonical keys of its elements. */
export class SetValue {
  private keyIndex: Set<string> | undefined;
  constructor(readonly elements: readonly Value[]) {}

  get keys(): Set<string> {
    this.keyIndex ??= new Set(this.elements.map(valueKey));
    return this.keyIndex;
  }

  has(value: Value): boolean {
    return this.keys.has(valueKey(value));
  }
}

export class RecordValue {
  constructor(readonly fields: ReadonlyMap<string, Value>) {}
}

/** A `decimal`: the value times 10^4, as an i64. */
export class DecimalValue {
  constructor(readonly scaled: bigint) {}
}

/** An `ipaddr`: an IPv4 or IPv6 address with its prefix length, as written. */
export class IpValue {
  constructor(
    readonly isV4: boolean,
    readonly address: bigint,
    readonly prefix: number,
  ) {}
}

/** A `datetime`: milliseconds since the Unix epoch, as an i64. */
export class DatetimeValue {
  constructor(readonly ms: bigint) {}
}

/** A `duration`: milliseconds, as an i64. */
export class DurationValue {
  constructor(readonly ms: bigint) {}
}

export type ExtensionValue = DecimalValue | IpValue | DatetimeValue | DurationValue;

export type Value = boolean | bigint | string | EntityRef | SetValue | RecordValue | ExtensionValue;

/** The name Cedar gives a value's type in error messages. */
export function typeName(value: Value): string {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'long';
  if (typeof value === 'string') return 'string';
  if (value instanceof EntityRef) return `(entity of type \`${value.type}\`)`;
  if (value instanceof SetValue) return 'set';
  if (value instanceof RecordValue) return 'record';
  if (value instanceof DecimalValue) return 'decimal';
  if (value instanceof IpValue) return 'ipaddr';
  if (value instanceof DatetimeValue) return 'datetime';
  return 'duration';
}

/** A canonical text for a value: two values are equal exactly when their keys are. */
export function valueKey(value: Value): string {
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (typeof value === 'bigint') return `L${value}`;
  if (typeof value === 'string') return `S${JSON.stringify(value)}`;
  if (value instanceof EntityRef) return `E${value.key}`;
  if (value instanceof SetValue) return `[${[...value.keys].sort().join(',')}]`;
  if (value instanceof RecordValue) {
    const fields = [...value.fields.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, field]) => `${JSON.stringify(name)}:${valueKey(field)}`);
    return `{${fields.join(',')}}`;
  }
  if (value instanceof DecimalValue) return `D${value.scaled}`;
  if (value instanceof IpValue) return `I${value.isV4 ? 4 : 6}/${value.address}/${value.prefix}`;
  if (value instanceof DatetimeValue) return `T${value.ms}`;
  return `U${value.ms}`;
}

/** Cedar's `==`: structural, and never an error (values of different types are unequal). */
export function valuesEqual(left: Value, right: Value): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object') return false;
  if (left instanceof EntityRef) return right instanceof EntityRef && left.equals(right);
  return valueKey(left) === valueKey(right);
}

/** Makes a set from elements, dropping duplicates. */
export function makeSet(elements: readonly Value[]): SetValue {
  if (elements.length < 2) return new SetValue(elements);
  const seen = new Set<string>();
  const unique: Value[] = [];
  for (const element of elements) {
    const key = valueKey(element);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(element);
  }
  return new SetValue(unique);
}

export function checkedLong(value: bigint, what: string): bigint {
  if (value < I64_MIN || value > I64_MAX)
    throw new EvaluationError(`integer overflow while attempting to ${what}`);
  return value;
}
