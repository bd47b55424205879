// The expression language the typechecker works on: the policy with its scope
// turned into conditions, as Cedar's formal model does. Method calls are plain
// extension calls with the receiver first; `!=`, `>` and `>=` keep their own
// operators because the typing rules treat them like `==`, `<` and `<=`.
import type { EntityUid, SourceSpan } from '../schema/index.js';

export type Var = 'principal' | 'action' | 'resource' | 'context';

export type Literal =
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'long'; readonly value: bigint }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'entity'; readonly uid: EntityUid };

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

/** An expression; `span` locates it in policy text when it was read from text. */
export type Expr = ExprNode & { readonly span?: SourceSpan };

type ExprNode =
  | { readonly kind: 'lit'; readonly value: Literal }
  | { readonly kind: 'var'; readonly name: Var }
  | { readonly kind: 'slot'; readonly id: string }
  | { readonly kind: 'ite'; readonly cond: Expr; readonly then: Expr; readonly else: Expr }
  | { readonly kind: 'and'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'not'; readonly arg: Expr }
  | { readonly kind: 'neg'; readonly arg: Expr }
  | { readonly kind: 'isEmpty'; readonly arg: Expr }
  | { readonly kind: 'like'; readonly arg: Expr; readonly pattern: readonly PatternElement[] }
  | { readonly kind: 'is'; readonly arg: Expr; readonly entityType: string }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'getAttr'; readonly arg: Expr; readonly attr: string }
  | { readonly kind: 'hasAttr'; readonly arg: Expr; readonly attr: string }
  | { readonly kind: 'set'; readonly elements: readonly Expr[] }
  | { readonly kind: 'record'; readonly fields: readonly (readonly [string, Expr])[] }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Expr[] };

export type Effect = 'permit' | 'forbid';

export type ScopeConstraint =
  | { readonly op: 'all' }
  | { readonly op: '=='; readonly target: EntityTarget }
  | { readonly op: 'in'; readonly target: EntityTarget }
  | { readonly op: 'is'; readonly entityType: string; readonly in?: EntityTarget };

/** An entity in a scope: a literal uid, or a template slot such as `?principal`. */
export type EntityTarget =
  { readonly kind: 'entity'; readonly uid: EntityUid } | { readonly kind: 'slot'; readonly id: string };

export type ActionConstraint =
  | { readonly op: 'all' }
  | { readonly op: '=='; readonly uid: EntityUid }
  | { readonly op: 'in'; readonly uids: readonly EntityUid[]; readonly isList: boolean };

export interface Condition {
  readonly kind: 'when' | 'unless';
  readonly body: Expr;
}

/** A policy or template, as the validator sees it. */
export interface ValidatorPolicy {
  readonly id: string;
  readonly effect: Effect;
  readonly principal: ScopeConstraint;
  readonly action: ActionConstraint;
  readonly resource: ScopeConstraint;
  readonly conditions: readonly Condition[];
  /** Where the policy was written, when it was read from text. */
  readonly span?: SourceSpan;
}

const TRUE: Expr = { kind: 'lit', value: { type: 'bool', value: true } };

function entityLiteral(uid: EntityUid): Expr {
  return { kind: 'lit', value: { type: 'entity', uid } };
}

function targetExpr(target: EntityTarget): Expr {
  return target.kind === 'entity' ? entityLiteral(target.uid) : { kind: 'slot', id: target.id };
}

function scopeExpr(variable: 'principal' | 'resource', constraint: ScopeConstraint): Expr {
  const self: Expr = { kind: 'var', name: variable };
  switch (constraint.op) {
    case 'all':
      return TRUE;
    case '==':
      return { kind: 'binary', op: '==', left: self, right: targetExpr(constraint.target) };
    case 'in':
      return { kind: 'binary', op: 'in', left: self, right: targetExpr(constraint.target) };
    case 'is': {
      const is: Expr = { kind: 'is', arg: self, entityType: constraint.entityType };
      if (constraint.in === undefined) return is;
      return {
        kind: 'and',
        left: is,
        right: { kind: 'binary', op: 'in', left: self, right: targetExpr(constraint.in) },
      };
    }
    default: {
      const unreachable: never = constraint;
      return unreachable;
    }
  }
}

function actionScopeExpr(constraint: ActionConstraint): Expr {
  const self: Expr = { kind: 'var', name: 'action' };
  switch (constraint.op) {
    case 'all':
      return TRUE;
    case '==':
      return { kind: 'binary', op: '==', left: self, right: entityLiteral(constraint.uid) };
    case 'in': {
      const [single] = constraint.uids;
      const right: Expr =
        !constraint.isList && single !== undefined
          ? entityLiteral(single)
          : { kind: 'set', elements: constraint.uids.map(entityLiteral) };
      return { kind: 'binary', op: 'in', left: self, right };
    }
    default: {
      const unreachable: never = constraint;
      return unreachable;
    }
  }
}

/** The whole policy as one Boolean expression: scope, then conditions in order. */
export function policyCondition(policy: ValidatorPolicy): Expr {
  const parts: Expr[] = [
    scopeExpr('principal', policy.principal),
    actionScopeExpr(policy.action),
    scopeExpr('resource', policy.resource),
    ...policy.conditions.map((condition): Expr =>
      condition.kind === 'when' ? condition.body : { kind: 'not', arg: condition.body },
    ),
  ];
  // INVARIANT: `parts` always holds the three scope expressions.
  return parts.reduceRight((rest, part) => ({ kind: 'and', left: part, right: rest }));
}
