// Schema-directed reading of request contexts, entity attributes and tags
// from Cedar's entity JSON format. The schema says what each value must be,
// which also allows the short forms: `{"type", "id"}` for an entity and a bare
// string for an extension value such as `"10.0.0.1"` for an `ipaddr`.
import {
  isActionEntityType,
  uidKey,
  type EntityUid,
  type RecordType,
  type Schema,
  type SchemaType,
} from '../schema/index.js';
import { CONSTRUCTORS, FUNCTIONS } from './extensions.js';
import type { Type } from './types.js';

/** A value read against its schema type: what the entities parser turns into runtime values. */
export type TypedValue =
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'long'; readonly value: bigint }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'entity'; readonly uid: EntityUid }
  /**
   * An extension value, as the call that makes it: a constructor applied to a
   * string known to be valid for it, or a function applied to extension values.
   */
  | { readonly kind: 'extension'; readonly fn: string; readonly args: readonly TypedValue[] }
  | { readonly kind: 'set'; readonly elements: readonly TypedValue[] }
  | { readonly kind: 'record'; readonly fields: ReadonlyMap<string, TypedValue> };

export type ConformResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly string[] };

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

/** The constructor that reads a bare string as a value of each extension type. */
const CONSTRUCTOR_OF: Readonly<Record<string, string>> = {
  ipaddr: 'ip',
  decimal: 'decimal',
  datetime: 'datetime',
  duration: 'duration',
};

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resultIs(type: Type, extensionName: string): boolean {
  return type.kind === 'extension' && type.name === extensionName;
}

/** An integer from JSON: a number, a bigint, or a lossless-json number. */
function integerOf(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  // Numbers beyond 2^53 have already lost precision; read the text with
  // lossless-json to keep them exact.
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
  // In JSON text, Cedar (serde_json) reads `-0` as a float, which is no Long;
  // the JavaScript value -0 is an integer to cedar-wasm, and so to Keyaki.
  if (isObject(value) && value['isLosslessNumber'] === true && typeof value['value'] === 'string') {
    return /^(0|-?[1-9][0-9]*)$/.test(value['value']) ? BigInt(value['value']) : undefined;
  }
  return undefined;
}

function describeSchemaType(type: SchemaType): string {
  switch (type.kind) {
    case 'boolean':
      return 'Bool';
    case 'long':
      return 'Long';
    case 'string':
      return 'String';
    case 'entity':
      return `(entity of type \`${type.name}\`)`;
    case 'extension':
      return type.name;
    case 'set':
      return `Set<${describeSchemaType(type.element)}>`;
    case 'record':
      return 'record';
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

/** Reads an entity reference, explicit (`{"__entity": ...}`) or implicit (`{"type", "id"}`). */
export function entityUidOf(value: unknown): EntityUid | undefined {
  if (!isObject(value)) return undefined;
  const inner = isObject(value['__entity']) ? value['__entity'] : value;
  const keys = Object.keys(inner);
  if (keys.length !== 2 || typeof inner['type'] !== 'string' || typeof inner['id'] !== 'string')
    return undefined;
  return { type: inner['type'], id: inner['id'] };
}

export class Conformer {
  constructor(private readonly schema: Schema) {}

  /** Errors about an entity reference the schema does not know. */
  checkUid(uid: EntityUid, where: string): string[] {
    if (this.schema.actions.has(uidKey(uid))) return [];
    const entityType = this.schema.entityTypes.get(uid.type);
    if (entityType === undefined) {
      return [
        isActionEntityType(uid.type)
          ? `${where}: action \`${uidKey(uid)}\` is not declared in the schema`
          : `${where}: entity type \`${uid.type}\` is not declared in the schema`,
      ];
    }
    if (entityType.choices !== undefined && !entityType.choices.includes(uid.id)) {
      return [
        `${where}: entity \`${uidKey(uid)}\` is of an enumerated entity type, but \`${JSON.stringify(uid.id)}\` is not one of its valid ids`,
      ];
    }
    return [];
  }

  value(json: unknown, type: SchemaType, where: string): ConformResult<TypedValue> {
    const mismatch = (): ConformResult<TypedValue> => ({
      ok: false,
      errors: [
        `${where}: expected a value of type ${describeSchemaType(type)}, found \`${JSON.stringify(json, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item))}\``,
      ],
    });
    switch (type.kind) {
      case 'boolean':
        return typeof json === 'boolean' ? { ok: true, value: { kind: 'bool', value: json } } : mismatch();
      case 'long': {
        const integer = integerOf(json);
        if (integer === undefined) return mismatch();
        if (integer > I64_MAX || integer < I64_MIN)
          return { ok: false, errors: [`${where}: integer \`${integer}\` is out of the 64-bit range`] };
        return { ok: true, value: { kind: 'long', value: integer } };
      }
      case 'string':
        return typeof json === 'string' ? { ok: true, value: { kind: 'string', value: json } } : mismatch();
      case 'entity': {
        const uid = entityUidOf(json);
        if (uid === undefined) return mismatch();
        if (uid.type !== type.name)
          return {
            ok: false,
            errors: [`${where}: expected an entity of type \`${type.name}\`, found \`${uidKey(uid)}\``],
          };
        const errors = this.checkUid(uid, where);
        return errors.length === 0 ? { ok: true, value: { kind: 'entity', uid } } : { ok: false, errors };
      }
      case 'extension':
        return this.extension(json, type.name, where, mismatch);
      case 'set': {
        if (!Array.isArray(json)) return mismatch();
        const elements: TypedValue[] = [];
        const errors: string[] = [];
        for (const [index, element] of json.entries()) {
          const result = this.value(element, type.element, `${where}[${index}]`);
          if (result.ok) elements.push(result.value);
          else errors.push(...result.errors);
        }
        return errors.length === 0 ? { ok: true, value: { kind: 'set', elements } } : { ok: false, errors };
      }
      case 'record':
        return isObject(json) ? this.record(json, type, where) : mismatch();
      default: {
        const unreachable: never = type;
        return unreachable;
      }
    }
  }

  private extension(
    json: unknown,
    name: string,
    where: string,
    mismatch: () => ConformResult<TypedValue>,
  ): ConformResult<TypedValue> {
    let fn = CONSTRUCTOR_OF[name];
    let args: readonly unknown[] = [json];
    if (isObject(json)) {
      const call = isObject(json['__extn']) ? json['__extn'] : json;
      if (typeof call['fn'] !== 'string') return mismatch();
      fn = call['fn'];
      args = Array.isArray(call['args']) ? call['args'] : [call['arg']];
    }
    if (fn === undefined) return mismatch();
    const constructor = CONSTRUCTORS.get(fn);
    if (constructor !== undefined) {
      const [arg] = args;
      if (!resultIs(constructor.result, name) || args.length !== 1 || typeof arg !== 'string')
        return mismatch();
      if (!constructor.isValid(arg))
        return { ok: false, errors: [`${where}: \`${arg}\` is not a valid argument of \`${fn}\``] };
      return { ok: true, value: { kind: 'extension', fn, args: [{ kind: 'string', value: arg }] } };
    }
    const signature = FUNCTIONS.get(fn);
    if (
      signature === undefined ||
      !resultIs(signature.result, name) ||
      signature.params.length !== args.length
    )
      return mismatch();
    const values: TypedValue[] = [];
    for (const [index, param] of signature.params.entries()) {
      if (param.kind !== 'extension') return mismatch();
      const read = this.value(args[index], param, `${where}.${fn}[${index}]`);
      if (!read.ok) return read;
      values.push(read.value);
    }
    return { ok: true, value: { kind: 'extension', fn, args: values } };
  }

  record(
    json: Readonly<Record<string, unknown>>,
    type: RecordType,
    where: string,
  ): ConformResult<TypedValue & { kind: 'record' }> {
    const fields = new Map<string, TypedValue>();
    const errors: string[] = [];
    for (const [name, attribute] of type.attributes) {
      if (!Object.hasOwn(json, name)) {
        if (attribute.required) errors.push(`${where}: required attribute \`${name}\` is missing`);
        continue;
      }
      const result = this.value(json[name], attribute.type, `${where}.${name}`);
      if (result.ok) fields.set(name, result.value);
      else errors.push(...result.errors);
    }
    if (!type.open) {
      for (const name of Object.keys(json)) {
        if (!type.attributes.has(name))
          errors.push(`${where}: attribute \`${name}\` is not declared in the schema`);
      }
    }
    return errors.length === 0 ? { ok: true, value: { kind: 'record', fields } } : { ok: false, errors };
  }
}
