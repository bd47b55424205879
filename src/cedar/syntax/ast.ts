// The policy AST: what a policy says, as written. It keeps what the text and
// the JSON policy format (EST) distinguish — annotations in source order, `has`
// paths, `is ... in`, `!=` and `>`, method-style calls — so that a formatter
// and the EST writer can reproduce the policy; the engine lowers it with
// `lowerPolicy` (validator/expr.ts) into the smaller expression language that
// the evaluator and the typechecker work on.
//
// Contract for readers of text-built ASTs:
// - `span`s are offsets into the parsed JavaScript string (UTF-16 code units,
//   end exclusive). Policies, annotations, scope constraints, conditions and
//   every expression node carry one when read from text; ASTs read from the
//   EST or built by hand have none. The written form of a literal (string
//   escapes, `e["a"]` versus `e.a`, parentheses) is `text.slice(span.start,
//   span.end)`; comments are returned beside the policies by the parser.
// - A `long` literal is the value written, sign included: `-5` is the literal
//   -5, while `-(5)` is `neg` of 5 and `- -5` is `neg` of the literal -5, as in
//   Cedar's EST.
// - `like` patterns merge adjacent literal characters into one element.
// - Record fields are in source order (the EST writer sorts them as Cedar does).
import type { EntityUid, SourceSpan } from '../schema/index.js';

export type { EntityUid, SourceSpan };

export type Var = 'principal' | 'action' | 'resource' | 'context';

export type SlotId = '?principal' | '?resource';

export type Effect = 'permit' | 'forbid';

/** `@key` (no `value`) or `@key("value")`; the two are different annotations. */
export interface Annotation {
  readonly key: string;
  readonly value?: string;
  readonly span?: SourceSpan;
}

/** A `//` comment: `text` is everything after the slashes up to the end of the line. */
export interface Comment {
  readonly text: string;
  readonly span: SourceSpan;
}

export type Literal =
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'long'; readonly value: bigint }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'entity'; readonly uid: EntityUid };

/** Operators with two operands; the method-style ones are written `left.op(right)`. */
export type BinaryOp =
  | '=='
  | '!='
  | 'in'
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | 'contains'
  | 'containsAll'
  | 'containsAny'
  | 'getTag'
  | 'hasTag';

export type PatternElement =
  { readonly kind: 'wildcard' } | { readonly kind: 'literal'; readonly text: string };

export type Expr = ExprNode & { readonly span?: SourceSpan };

export type ExprNode =
  | { readonly kind: 'lit'; readonly value: Literal }
  | { readonly kind: 'var'; readonly name: Var }
  | { readonly kind: 'slot'; readonly id: SlotId }
  | { readonly kind: 'ite'; readonly cond: Expr; readonly then: Expr; readonly else: Expr }
  | { readonly kind: 'and'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'not'; readonly arg: Expr }
  | { readonly kind: 'neg'; readonly arg: Expr }
  | { readonly kind: 'isEmpty'; readonly arg: Expr }
  | { readonly kind: 'like'; readonly arg: Expr; readonly pattern: readonly PatternElement[] }
  | { readonly kind: 'is'; readonly arg: Expr; readonly entityType: string; readonly in?: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'getAttr'; readonly arg: Expr; readonly attr: string }
  /** `arg has a.b.c`: `path` is never empty. */
  | { readonly kind: 'has'; readonly arg: Expr; readonly path: readonly [string, ...string[]] }
  | { readonly kind: 'set'; readonly elements: readonly Expr[] }
  | { readonly kind: 'record'; readonly fields: readonly (readonly [string, Expr])[] }
  /**
   * An extension function: `fn(args)`, or `args[0].fn(args[1..])` when
   * `extensionCallStyle(fn)` is `method`.
   */
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Expr[] };

/** An entity in a scope: a literal uid, or a template slot. */
export type EntityTarget =
  { readonly kind: 'entity'; readonly uid: EntityUid } | { readonly kind: 'slot'; readonly id: SlotId };

export type ScopeConstraint = (
  | { readonly op: 'all' }
  | { readonly op: '=='; readonly target: EntityTarget }
  | { readonly op: 'in'; readonly target: EntityTarget }
  | { readonly op: 'is'; readonly entityType: string; readonly in?: EntityTarget }
) & { readonly span?: SourceSpan };

/** `isList` tells `action in [A::"x"]` from `action in A::"x"`. */
export type ActionConstraint = (
  | { readonly op: 'all' }
  | { readonly op: '=='; readonly uid: EntityUid }
  | { readonly op: 'in'; readonly uids: readonly EntityUid[]; readonly isList: boolean }
) & { readonly span?: SourceSpan };

/** A `when` or `unless` clause; `span` runs from the keyword to the closing brace. */
export interface Condition<Body = Expr> {
  readonly kind: 'when' | 'unless';
  readonly body: Body;
  readonly span?: SourceSpan;
}

/**
 * A static policy or a template (a policy whose scope holds `?principal` or
 * `?resource`). `id` is `policy0`, `policy1`, ... in the order of the text,
 * templates included, or the `@id` annotation when the reader was asked to.
 */
export interface Policy<Body = Expr> {
  readonly id: string;
  readonly kind: 'static' | 'template';
  readonly effect: Effect;
  readonly annotations: readonly Annotation[];
  readonly principal: ScopeConstraint;
  readonly action: ActionConstraint;
  readonly resource: ScopeConstraint;
  readonly conditions: readonly Condition<Body>[];
  readonly span?: SourceSpan;
}
