// The expression language the typechecker and the evaluator work on: the
// policy AST of syntax/ with its sugar removed, as Cedar's formal model has
// it. `has a.b` becomes `has a && .a has b`, `is T in E` becomes `is T && in E`;
// method calls stay plain extension calls with the receiver first; `!=`, `>`
// and `>=` keep their own operators because the typing rules treat them like
// `==`, `<` and `<=`.
import type {
  ActionConstraint,
  BinaryOp,
  Condition as SyntaxCondition,
  EntityTarget,
  EntityUid,
  Expr as SyntaxExpr,
  Literal,
  PatternElement,
  Policy,
  ScopeConstraint,
  SourceSpan,
  Var,
} from '../syntax/index.js';

export type {
  ActionConstraint,
  BinaryOp,
  Effect,
  EntityTarget,
  Literal,
  PatternElement,
  ScopeConstraint,
  Var,
} from '../syntax/index.js';

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

export type Condition = SyntaxCondition<Expr>;

/** A policy or template with its conditions lowered; annotations and spans are kept. */
export type ValidatorPolicy = Policy<Expr>;

function withSpan(expr: Expr, span: SourceSpan | undefined): Expr {
  return span === undefined ? expr : { ...expr, span };
}

/** Removes the sugar of the policy AST; spans of sugared forms go to every node they become. */
export function lowerExpr(expr: SyntaxExpr): Expr {
  const span = expr.span;
  switch (expr.kind) {
    case 'lit':
    case 'var':
    case 'slot':
      return expr;
    case 'ite':
      return withSpan(
        { kind: 'ite', cond: lowerExpr(expr.cond), then: lowerExpr(expr.then), else: lowerExpr(expr.else) },
        span,
      );
    case 'and':
    case 'or':
    case 'binary':
      return lowerChain(expr);
    case 'not':
    case 'neg':
    case 'isEmpty':
      return withSpan({ kind: expr.kind, arg: lowerExpr(expr.arg) }, span);
    case 'like':
      return withSpan({ kind: 'like', arg: lowerExpr(expr.arg), pattern: expr.pattern }, span);
    case 'is': {
      const arg = lowerExpr(expr.arg);
      const is = withSpan({ kind: 'is', arg, entityType: expr.entityType }, span);
      if (expr.in === undefined) return is;
      const inTest = withSpan({ kind: 'binary', op: 'in', left: arg, right: lowerExpr(expr.in) }, span);
      return withSpan({ kind: 'and', left: is, right: inTest }, span);
    }
    case 'getAttr':
      return withSpan({ kind: 'getAttr', arg: lowerExpr(expr.arg), attr: expr.attr }, span);
    case 'has':
      return lowerHas(lowerExpr(expr.arg), expr.path, span);
    case 'set':
      return withSpan({ kind: 'set', elements: expr.elements.map(lowerExpr) }, span);
    case 'record':
      return withSpan(
        { kind: 'record', fields: expr.fields.map(([key, value]) => [key, lowerExpr(value)] as const) },
        span,
      );
    case 'call':
      return withSpan({ kind: 'call', fn: expr.fn, args: expr.args.map(lowerExpr) }, span);
    default: {
      const unreachable: never = expr;
      return unreachable;
    }
  }
}

type ChainNode = Extract<SyntaxExpr, { readonly kind: 'and' | 'or' | 'binary' }>;

function isChainLink(expr: SyntaxExpr, kind: ChainNode['kind']): expr is ChainNode {
  return expr.kind === kind;
}

/**
 * A left-nested chain of one kind (`a && b && ...`, `a + b - ...`) lowered
 * with a loop: the parser accepts chains of many thousands of operands, more
 * than the call stack takes one frame per operand.
 */
function lowerChain(top: ChainNode): Expr {
  const spine: ChainNode[] = [top];
  let bottom: SyntaxExpr = top.left;
  while (isChainLink(bottom, top.kind)) {
    spine.push(bottom);
    bottom = bottom.left;
  }
  let result = lowerExpr(bottom);
  for (let index = spine.length - 1; index >= 0; index -= 1) {
    const link = spine[index] as ChainNode;
    const right = lowerExpr(link.right);
    const node: Expr =
      link.kind === 'binary'
        ? { kind: 'binary', op: link.op, left: result, right }
        : { kind: link.kind, left: result, right };
    result = withSpan(node, link.span);
  }
  return result;
}

/** `e has a.b.c` is `e has a && e.a has b && e.a.b has c`, left-nested as Cedar builds it. */
function lowerHas(target: Expr, path: readonly [string, ...string[]], span: SourceSpan | undefined): Expr {
  const [first, ...rest] = path;
  let result = withSpan({ kind: 'hasAttr', arg: target, attr: first }, span);
  let prefix = withSpan({ kind: 'getAttr', arg: target, attr: first }, span);
  for (const attr of rest) {
    result = withSpan(
      { kind: 'and', left: result, right: withSpan({ kind: 'hasAttr', arg: prefix, attr }, span) },
      span,
    );
    prefix = withSpan({ kind: 'getAttr', arg: prefix, attr }, span);
  }
  return result;
}

/** The policy the engine runs: the same policy with lowered conditions. */
export function lowerPolicy(policy: Policy): ValidatorPolicy {
  return {
    ...policy,
    conditions: policy.conditions.map((condition) => ({ ...condition, body: lowerExpr(condition.body) })),
  };
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
