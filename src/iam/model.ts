// The typed model of an IAM policy document. The parser (parse.ts) builds it;
// the validator, the concrete evaluator and the logic encoding read it.
// Every element keeps where it came from so findings and reasons can point at
// the exact JSON path and line/column the user wrote.

/** One step of a JSON path, shaped like Access Analyzer's PathElement. */
export type PathElement = { readonly index: number } | { readonly value: string } | { readonly key: string };

export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 0-based column, as Access Analyzer reports it. */
  readonly column: number;
  /** 0-based offset into the document text. */
  readonly offset: number;
}

export interface Span {
  readonly start: Position;
  readonly end: Position;
}

export interface Location {
  readonly path: readonly PathElement[];
  readonly span: Span;
}

export type PolicyVersion = '2012-10-17' | '2008-10-17';

/**
 * A string pattern as written in Action, Resource or a condition value, split
 * into the parts that matter for matching. Policy variables only exist in
 * policies of Version 2012-10-17; in 2008-10-17 `${...}` is plain text.
 */
export interface Pattern {
  readonly raw: string;
  readonly parts: readonly PatternPart[];
}

export type PatternPart =
  | { readonly kind: 'literal'; readonly text: string }
  /** `*` matches any sequence of characters, `?` exactly one. */
  | { readonly kind: 'wildcard'; readonly wildcard: '*' | '?' }
  /** `${aws:username}` or `${aws:username, 'default'}`; key as written. */
  | { readonly kind: 'variable'; readonly key: string; readonly defaultValue?: string };

export type Effect = 'Allow' | 'Deny';

export type PrincipalType = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';

export interface PrincipalEntry {
  readonly type: PrincipalType;
  /** As written: `*`, an account id, an ARN, a service name, a provider, a canonical user id. */
  readonly value: string;
  readonly location: Location;
}

/** `"Principal": "*"` is `everyone`; the object form lists typed entries. */
export type PrincipalValue =
  | { readonly kind: 'everyone'; readonly location: Location }
  | { readonly kind: 'entries'; readonly entries: readonly PrincipalEntry[]; readonly location: Location };

export interface PrincipalElement {
  readonly kind: 'Principal' | 'NotPrincipal';
  readonly value: PrincipalValue;
  readonly location: Location;
}

export interface PatternEntry {
  readonly pattern: Pattern;
  readonly location: Location;
}

export interface ActionElement {
  readonly kind: 'Action' | 'NotAction';
  readonly entries: readonly PatternEntry[];
  readonly location: Location;
}

export interface ResourceElement {
  readonly kind: 'Resource' | 'NotResource';
  readonly entries: readonly PatternEntry[];
  readonly location: Location;
}

/** The operators AWS documents, without the IfExists suffix and set prefix. */
export type BaseOperator =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'NumericEquals'
  | 'NumericNotEquals'
  | 'NumericLessThan'
  | 'NumericLessThanEquals'
  | 'NumericGreaterThan'
  | 'NumericGreaterThanEquals'
  | 'DateEquals'
  | 'DateNotEquals'
  | 'DateLessThan'
  | 'DateLessThanEquals'
  | 'DateGreaterThan'
  | 'DateGreaterThanEquals'
  | 'Bool'
  | 'BinaryEquals'
  | 'IpAddress'
  | 'NotIpAddress'
  | 'ArnEquals'
  | 'ArnNotEquals'
  | 'ArnLike'
  | 'ArnNotLike'
  | 'Null';

export type SetOperator = 'ForAllValues' | 'ForAnyValue';

export interface ConditionOperator {
  /** As written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly name: string;
  readonly base: BaseOperator;
  readonly ifExists: boolean;
  readonly setOperator?: SetOperator;
}

/**
 * One value of a condition, as written in JSON. String values that may carry
 * policy variables (String*, Arn* operators in 2012-10-17 policies) are also
 * split into a pattern.
 */
export interface ConditionValue {
  readonly value: string | number | boolean;
  readonly pattern: Pattern;
  readonly location: Location;
}

/** One `operator: { key: values }` pair; a block with several keys gives several conditions. */
export interface Condition {
  readonly operator: ConditionOperator;
  /** The condition key as written; keys compare case-insensitively. */
  readonly key: string;
  readonly values: readonly ConditionValue[];
  readonly location: Location;
}

export interface Statement {
  /** Position in the Statement array (0 when Statement is a single object). */
  readonly index: number;
  readonly sid?: string;
  /** Where the Sid value is written, when there is one. */
  readonly sidLocation?: Location;
  readonly effect: Effect;
  readonly principal?: PrincipalElement;
  readonly action: ActionElement;
  readonly resource?: ResourceElement;
  readonly conditions: readonly Condition[];
  readonly location: Location;
}

export interface Policy {
  /** Absent Version means 2008-10-17 semantics (no policy variables). */
  readonly version?: PolicyVersion;
  readonly id?: string;
  readonly statements: readonly Statement[];
  readonly location: Location;
}
