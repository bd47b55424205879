// The schema as written, in either syntax: names are not yet resolved, and
// every declaration keeps its source span so later errors can point at it.

/** Offsets into the schema text, `end` exclusive. */
export interface SourceSpan {
  readonly start: number;
  readonly end: number;
}

export type Annotations = Readonly<Record<string, string>>;

export type PrimitiveName = 'String' | 'Long' | 'Boolean';

export type TypeExpr =
  /** A name that may denote a common type, an entity type or a built-in type. */
  | { readonly kind: 'name'; readonly name: string; readonly span?: SourceSpan }
  /** A name the JSON format marks as an entity type. */
  | { readonly kind: 'entity'; readonly name: string; readonly span?: SourceSpan }
  /** A name the JSON format marks as an extension type. */
  | { readonly kind: 'extension'; readonly name: string; readonly span?: SourceSpan }
  /** A name the JSON format gives as `{"type": NAME}`: a common type or a built-in one. */
  | { readonly kind: 'common'; readonly name: string; readonly span?: SourceSpan }
  | { readonly kind: 'primitive'; readonly name: PrimitiveName; readonly span?: SourceSpan }
  | { readonly kind: 'set'; readonly element: TypeExpr; readonly span?: SourceSpan }
  | RecordTypeExpr;

export interface RecordTypeExpr {
  readonly kind: 'record';
  readonly attributes: readonly AttributeDecl[];
  readonly additionalAttributes: boolean;
  readonly span?: SourceSpan;
}

export interface AttributeDecl {
  readonly name: string;
  readonly type: TypeExpr;
  readonly required: boolean;
  readonly annotations: Annotations;
  readonly span?: SourceSpan;
}

export interface NameRef {
  readonly name: string;
  readonly span?: SourceSpan;
}

export interface CommonTypeDecl {
  readonly name: string;
  readonly type: TypeExpr;
  readonly annotations: Annotations;
  readonly span?: SourceSpan;
}

export type EntityDecl = StandardEntityDecl | EnumEntityDecl;

export interface StandardEntityDecl {
  readonly kind: 'standard';
  readonly name: string;
  readonly memberOfTypes: readonly NameRef[];
  /** Absent means an empty record. */
  readonly shape?: TypeExpr;
  readonly tags?: TypeExpr;
  readonly annotations: Annotations;
  readonly span?: SourceSpan;
}

export interface EnumEntityDecl {
  readonly kind: 'enum';
  readonly name: string;
  readonly choices: readonly string[];
  readonly annotations: Annotations;
  readonly span?: SourceSpan;
}

export interface ActionRef {
  readonly id: string;
  /** The action entity type as written, such as `NS::Action`; absent means this namespace's `Action`. */
  readonly type?: string;
  readonly span?: SourceSpan;
}

export interface AppliesTo {
  readonly principalTypes: readonly NameRef[];
  readonly resourceTypes: readonly NameRef[];
  /** Absent means an empty record. */
  readonly context?: TypeExpr;
}

export interface ActionDecl {
  readonly name: string;
  readonly memberOf: readonly ActionRef[];
  /** Absent: the action applies to no request. */
  readonly appliesTo?: AppliesTo;
  readonly annotations: Annotations;
  readonly span?: SourceSpan;
}

export interface NamespaceDecl {
  /** `""` is the empty namespace. */
  readonly name: string;
  readonly annotations: Annotations;
  readonly commonTypes: readonly CommonTypeDecl[];
  readonly entityTypes: readonly EntityDecl[];
  readonly actions: readonly ActionDecl[];
  readonly span?: SourceSpan;
}

export interface SchemaAst {
  readonly namespaces: readonly NamespaceDecl[];
}

/** An error in schema input, located in the text when the syntax allows. */
export interface SchemaError {
  readonly message: string;
  readonly span?: SourceSpan;
}

export type SchemaResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly SchemaError[] };
