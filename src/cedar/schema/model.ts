// The resolved schema: every name is fully qualified, common types are
// inlined, and the entity and action hierarchies are closed transitively.
// This is what the validator and the request/entity checks consume.
import type { Annotations, SourceSpan } from './ast.js';

export type ExtensionTypeName = 'ipaddr' | 'decimal' | 'datetime' | 'duration';

export const EXTENSION_TYPE_NAMES: readonly ExtensionTypeName[] = [
  'ipaddr',
  'decimal',
  'datetime',
  'duration',
];

export type SchemaType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'long' }
  | { readonly kind: 'string' }
  | { readonly kind: 'entity'; readonly name: string }
  | { readonly kind: 'set'; readonly element: SchemaType }
  | RecordType
  | { readonly kind: 'extension'; readonly name: ExtensionTypeName };

export interface RecordType {
  readonly kind: 'record';
  readonly attributes: ReadonlyMap<string, AttributeType>;
  /** Whether attributes beyond those declared may be present (`additionalAttributes`). */
  readonly open: boolean;
}

export interface AttributeType {
  readonly type: SchemaType;
  readonly required: boolean;
}

export interface EntityUid {
  readonly type: string;
  readonly id: string;
}

export interface EntityTypeDef {
  readonly name: string;
  /** Direct parent types (`memberOfTypes`). */
  readonly memberOfTypes: readonly string[];
  /** Every type an entity of this type may have as an ancestor, transitively. */
  readonly ancestorTypes: ReadonlySet<string>;
  readonly shape: RecordType;
  readonly tags?: SchemaType;
  /** For `enum` entity types: the only valid entity ids. */
  readonly choices?: readonly string[];
  readonly annotations: Annotations;
  readonly span?: SourceSpan;
}

export interface AppliesToDef {
  readonly principalTypes: readonly string[];
  readonly resourceTypes: readonly string[];
  readonly context: RecordType;
}

export interface ActionDef {
  readonly uid: EntityUid;
  /** Direct parent action groups. */
  readonly memberOf: readonly EntityUid[];
  /** Every action group this action is in, transitively, as `uidKey`s. */
  readonly ancestors: ReadonlySet<string>;
  /** Absent: the action applies to no request. */
  readonly appliesTo?: AppliesToDef;
  readonly annotations: Annotations;
  readonly span?: SourceSpan;
}

export interface Schema {
  readonly entityTypes: ReadonlyMap<string, EntityTypeDef>;
  /** Keyed by `uidKey(action.uid)`. */
  readonly actions: ReadonlyMap<string, ActionDef>;
  /** The entity types of actions, such as `Action` and `NS::Action`. */
  readonly actionEntityTypes: ReadonlySet<string>;
}

/** A map key for an entity uid: `Type::"id"` with the id JSON-quoted. */
export function uidKey(uid: EntityUid): string {
  return `${uid.type}::${JSON.stringify(uid.id)}`;
}

export function isActionEntityType(name: string): boolean {
  return name === 'Action' || name.endsWith('::Action');
}

export const EMPTY_RECORD: RecordType = { kind: 'record', attributes: new Map(), open: false };
