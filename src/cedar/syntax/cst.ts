// The concrete syntax tree: what Cedar's grammar accepts, before any of the
// checks that turn it into a policy (reserved words, variables, scope shapes,
// escapes, arities). Keeping the two steps apart is what lets the errors be
// Cedar's own: its grammar is looser than the language, and most messages
// come from the second step. Levels of the grammar with a single operand are
// not kept (an `Add` without `+` is its `Mult`).
import type { SourceSpan } from './ast.js';
import type { Token } from './lexer.js';

/** `A::B::c`: every segment is an identifier token, keywords included. */
export interface CstName {
  readonly segments: readonly Token[];
  readonly span: SourceSpan;
}

export type RelOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | '=';

export type CstAccess =
  | { readonly kind: 'field'; readonly name: Token; readonly span: SourceSpan }
  | { readonly kind: 'call'; readonly args: readonly CstExpr[]; readonly span: SourceSpan }
  | { readonly kind: 'index'; readonly arg: CstExpr; readonly span: SourceSpan };

export interface CstRecordInit {
  readonly key: CstExpr;
  readonly value: CstExpr;
  readonly span: SourceSpan;
}

export type CstExpr = CstNode & { readonly span: SourceSpan };

type CstNode =
  | { readonly kind: 'if'; readonly cond: CstExpr; readonly then: CstExpr; readonly else: CstExpr }
  | { readonly kind: 'or' | 'and'; readonly operands: readonly CstExpr[] }
  | {
      readonly kind: 'relation';
      readonly first: CstExpr;
      readonly rest: readonly { readonly op: RelOp; readonly right: CstExpr }[];
    }
  | { readonly kind: 'has'; readonly target: CstExpr; readonly field: CstExpr }
  | { readonly kind: 'like'; readonly target: CstExpr; readonly pattern: CstExpr }
  | { readonly kind: 'is'; readonly target: CstExpr; readonly type: CstExpr; readonly in?: CstExpr }
  | {
      readonly kind: 'arith';
      readonly first: CstExpr;
      readonly rest: readonly { readonly op: '+' | '-' | '*' | '/' | '%'; readonly right: CstExpr }[];
    }
  | { readonly kind: 'unary'; readonly op: '!' | '-'; readonly count: number; readonly item: CstExpr }
  | { readonly kind: 'member'; readonly item: CstExpr; readonly access: readonly CstAccess[] }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'number'; readonly token: Token }
  | { readonly kind: 'string'; readonly token: Token }
  | { readonly kind: 'ref'; readonly name: CstName; readonly id: Token }
  /** `A::{ ... }`, an old entity form Cedar parses only to reject. */
  | { readonly kind: 'refInits'; readonly name: CstName }
  | { readonly kind: 'name'; readonly name: CstName }
  | { readonly kind: 'slot'; readonly token: Token }
  | { readonly kind: 'paren'; readonly inner: CstExpr }
  | { readonly kind: 'list'; readonly elements: readonly CstExpr[] }
  | { readonly kind: 'record'; readonly inits: readonly CstRecordInit[] }
  /** Where the parser recovered from an error; never converted, since the error is reported. */
  | { readonly kind: 'error' };

export interface CstAnnotation {
  readonly key: Token;
  readonly value?: Token;
  readonly span: SourceSpan;
}

/** `variable [: Name] [is Add] [RelOp Expr]`, one element of a policy scope. */
export interface CstVariableDef {
  readonly variable: Token;
  readonly typeConstraint: CstName | undefined;
  readonly entityType: CstExpr | undefined;
  readonly relation: { readonly op: RelOp; readonly target: CstExpr } | undefined;
  readonly span: SourceSpan;
}

export interface CstCondition {
  readonly keyword: Token;
  /** Absent for `when {}`, which the grammar accepts so that the error can say why. */
  readonly body?: CstExpr;
  readonly span: SourceSpan;
}

export interface CstPolicy {
  readonly annotations: readonly CstAnnotation[];
  readonly effect: Token;
  readonly variables: readonly CstVariableDef[];
  readonly openParen: Token;
  readonly conditions: readonly CstCondition[];
  readonly span: SourceSpan;
}
