// The types the typechecker assigns. Booleans carry what is known of their
// value, which is what lets `&&`, `||` and `if` skip branches that cannot run.
import type { ExtensionTypeName, SchemaType } from '../schema/index.js';

export type BoolType = 'true' | 'false' | 'any';

export type Type =
  | { readonly kind: 'bool'; readonly value: BoolType }
  | { readonly kind: 'long' }
  | { readonly kind: 'string' }
  | { readonly kind: 'entity'; readonly name: string }
  | { readonly kind: 'set'; readonly element: Type }
  | RecordTypeT
  | { readonly kind: 'extension'; readonly name: ExtensionTypeName };

export interface RecordTypeT {
  readonly kind: 'record';
  readonly attributes: ReadonlyMap<string, QualifiedType>;
}

export interface QualifiedType {
  readonly type: Type;
  readonly required: boolean;
}

export const ANY_BOOL: Type = { kind: 'bool', value: 'any' };
export const TRUE_TYPE: Type = { kind: 'bool', value: 'true' };
export const FALSE_TYPE: Type = { kind: 'bool', value: 'false' };
export const LONG: Type = { kind: 'long' };
export const STRING: Type = { kind: 'string' };

export function boolType(value: boolean): Type {
  return value ? TRUE_TYPE : FALSE_TYPE;
}

export function fromSchemaType(type: SchemaType): Type {
  switch (type.kind) {
    case 'boolean':
      return ANY_BOOL;
    case 'long':
    case 'string':
      return type;
    case 'entity':
    case 'extension':
      return type;
    case 'set':
      return { kind: 'set', element: fromSchemaType(type.element) };
    case 'record':
      return {
        kind: 'record',
        attributes: new Map(
          [...type.attributes].map(([name, attribute]) => [
            name,
            { type: fromSchemaType(attribute.type), required: attribute.required },
          ]),
        ),
      };
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

/** The least upper bound of two types in strict mode, if they have one. */
export function lub(left: Type, right: Type): Type | undefined {
  if (left.kind === 'bool' && right.kind === 'bool') return left.value === right.value ? left : ANY_BOOL;
  if (left.kind === 'set' && right.kind === 'set') {
    const element = lub(left.element, right.element);
    return element === undefined ? undefined : { kind: 'set', element };
  }
  if (left.kind === 'record' && right.kind === 'record') {
    if (left.attributes.size !== right.attributes.size) return undefined;
    const attributes = new Map<string, QualifiedType>();
    for (const [name, leftAttribute] of left.attributes) {
      const rightAttribute = right.attributes.get(name);
      if (rightAttribute === undefined) return undefined;
      const type = lub(leftAttribute.type, rightAttribute.type);
      if (type === undefined) return undefined;
      attributes.set(name, { type, required: leftAttribute.required && rightAttribute.required });
    }
    return { kind: 'record', attributes };
  }
  return typesEqual(left, right) ? left : undefined;
}

export function typesEqual(left: Type, right: Type): boolean {
  switch (left.kind) {
    case 'bool':
      return right.kind === 'bool' && right.value === left.value;
    case 'long':
    case 'string':
      return right.kind === left.kind;
    case 'entity':
    case 'extension':
      return right.kind === left.kind && right.name === left.name;
    case 'set':
      return right.kind === 'set' && typesEqual(left.element, right.element);
    case 'record': {
      if (right.kind !== 'record' || right.attributes.size !== left.attributes.size) return false;
      for (const [name, attribute] of left.attributes) {
        const other = right.attributes.get(name);
        if (
          other === undefined ||
          other.required !== attribute.required ||
          !typesEqual(attribute.type, other.type)
        )
          return false;
      }
      return true;
    }
    default: {
      const unreachable: never = left;
      return unreachable;
    }
  }
}

/** Whether `sub` is a subtype of `sup`. */
export function isSubtype(sub: Type, sup: Type): boolean {
  const joined = lub(sub, sup);
  return joined !== undefined && typesEqual(joined, sup);
}

/** The type as Cedar writes it in messages. */
export function showType(type: Type): string {
  switch (type.kind) {
    case 'bool':
      return type.value === 'any'
        ? 'Bool'
        : type.value === 'true'
          ? '__cedar::internal::True'
          : '__cedar::internal::False';
    case 'long':
      return 'Long';
    case 'string':
      return 'String';
    case 'entity':
    case 'extension':
      return type.name;
    case 'set':
      return `Set<${showType(type.element)}>`;
    case 'record':
      return `{${[...type.attributes].map(([name, attribute]) => `${name}${attribute.required ? '' : '?'}: ${showType(attribute.type)}`).join(', ')}}`;
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}
