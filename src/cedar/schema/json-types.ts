// The JSON schema format as data, in the shape `@cedar-policy/cedar-wasm`
// declares it (`SchemaJson<string>`): what `schemaToJson` produces.

export type AnnotationsJson = Record<string, string>;

export type TypeJson =
  | { type: 'String' | 'Long' | 'Boolean' }
  | { type: 'Set'; element: TypeJson }
  | RecordTypeJson
  | { type: 'Entity' | 'EntityOrCommon' | 'Extension'; name: string }
  /** A reference to a common type by name. */
  | { type: string };

export interface RecordTypeJson {
  type: 'Record';
  attributes: Record<string, AttributeTypeJson>;
  additionalAttributes?: boolean;
}

export type AttributeTypeJson = TypeJson & { required?: boolean; annotations?: AnnotationsJson };

export type EntityTypeJson =
  | { memberOfTypes?: string[]; shape?: TypeJson; tags?: TypeJson; annotations?: AnnotationsJson }
  | { enum: string[]; annotations?: AnnotationsJson };

export interface ActionJson {
  memberOf?: { id: string; type?: string }[];
  appliesTo?: { principalTypes: string[]; resourceTypes: string[]; context?: TypeJson };
  annotations?: AnnotationsJson;
}

export interface NamespaceJson {
  commonTypes?: Record<string, TypeJson & { annotations?: AnnotationsJson }>;
  entityTypes: Record<string, EntityTypeJson>;
  actions: Record<string, ActionJson>;
  annotations?: AnnotationsJson;
}

export type SchemaJson = Record<string, NamespaceJson>;
