// How deep an expression tree is, measured without recursion, so that the
// stages that walk expressions recursively can refuse a tree too deep for the
// stack with an error instead of overflowing it.
import type { Expr } from './ast.js';

/**
 * The deepest tree, chains aside, that the parser accepts: every later stage
 * walks at least this deep recursively with room to spare on Node's default
 * stack (they fail from about 2,000 levels). cedar-wasm itself fails from
 * about 200 nested parentheses or 500 chained operands.
 */
export const MAX_EXPRESSION_DEPTH = 1000;

/**
 * The longest path of a \`has\` test. \`x has a.b.c\` stands for one test per
 * prefix of the path, so its cost grows with the square of the path's length
 * (Cedar's too); a path this long is already far beyond any real policy.
 */
export const MAX_HAS_PATH = 100;

export const HAS_PATH_TOO_LONG = `a \`has\` path may name at most ${MAX_HAS_PATH} attributes`;

/** The direct subexpressions of an expression, in order. */
export function exprChildren(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case 'lit':
    case 'var':
    case 'slot':
      return [];
    case 'ite':
      return [expr.cond, expr.then, expr.else];
    case 'and':
    case 'or':
    case 'binary':
      return [expr.left, expr.right];
    case 'is':
      return expr.in === undefined ? [expr.arg] : [expr.arg, expr.in];
    case 'not':
    case 'neg':
    case 'isEmpty':
    case 'like':
    case 'getAttr':
    case 'has':
      return [expr.arg];
    case 'set':
      return expr.elements;
    case 'record':
      return expr.fields.map(([, value]) => value);
    case 'call':
      return expr.args;
    default: {
      const unreachable: never = expr;
      return unreachable;
    }
  }
}

/** Whether `child` continues the chain of `parent` (`a && b && ...`, `a + b - ...`) as its left operand. */
function continuesChain(parent: Expr, child: Expr): boolean {
  return (
    (parent.kind === 'and' || parent.kind === 'or' || parent.kind === 'binary') &&
    parent.left === child &&
    child.kind === parent.kind
  );
}

/**
 * The number of levels of an expression tree. With `chainsFlat`, the links of
 * a chain `a && b && ...` (or `||`, or binary operators) count as one level,
 * as for the stages that walk chains with loops; otherwise every node counts.
 */
export function exprDepth(root: Expr, chainsFlat: boolean): number {
  let deepest = 0;
  const pending: { expr: Expr; depth: number }[] = [{ expr: root, depth: 1 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { expr, depth } = item;
    if (depth > deepest) deepest = depth;
    // `x has a.b.c` stands for tests on `x.a.b`: each step of its path is a level.
    const below = expr.kind === 'has' ? depth + expr.path.length : depth + 1;
    if (below - 1 > deepest) deepest = below - 1;
    for (const child of exprChildren(expr)) {
      const flat = chainsFlat && continuesChain(expr, child);
      pending.push({ expr: child, depth: flat ? depth : below });
    }
  }
  return deepest;
}
