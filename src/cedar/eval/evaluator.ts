// Compiles a policy's expression into closures once, folding constant
// subexpressions, so that evaluating it per request is a chain of direct calls.
// Error semantics follow Cedar's: `==` never fails; every other operator checks
// the types of its operands; `&&`, `||` and `if` evaluate only what they need.
import type { EntityUid } from '../schema/index.js';
import type { Expr } from '../validator/index.js';
import type { Entity, EntityStore } from './entities.js';
import { callExtension } from './extensions.js';
import {
  DatetimeValue,
  DurationValue,
  EntityRef,
  EvaluationError,
  RecordValue,
  SetValue,
  I64_MAX,
  I64_MIN,
  makeSet,
  typeName,
  valuesEqual,
  type Value,
} from './values.js';

export interface Request {
  readonly principal: EntityRef;
  readonly action: EntityRef;
  readonly resource: EntityRef;
  readonly context: RecordValue;
}

export interface Environment extends Request {
  readonly entities: EntityStore;
}

export type Compiled = (env: Environment) => Value;

/** Values for template slots, keyed `?principal` and `?resource`. */
export type SlotValues = ReadonlyMap<string, EntityUid>;

type Node = { readonly run: Compiled; readonly constant?: Value };

/** Thrown while folding when a subexpression turns out to need the request or the entities. */
class NotConstant extends Error {}

const FOLDING_ENVIRONMENT: Environment = new Proxy({} as Environment, {
  get(): never {
    throw new NotConstant();
  },
});

// How Cedar names "any entity" in type errors.
const ANY_ENTITY = '(entity of type `any_entity_type`)';

function typeError(expected: string, actual: Value): EvaluationError {
  return new EvaluationError(`type error: expected ${expected}, got ${typeName(actual)}`);
}

function expectBool(value: Value): boolean {
  if (typeof value === 'boolean') return value;
  throw typeError('bool', value);
}

function expectLong(value: Value): bigint {
  if (typeof value === 'bigint') return value;
  throw typeError('long', value);
}

function expectString(value: Value): string {
  if (typeof value === 'string') return value;
  throw typeError('string', value);
}

function expectEntity(value: Value): EntityRef {
  if (value instanceof EntityRef) return value;
  throw typeError(ANY_ENTITY, value);
}

function expectSet(value: Value): SetValue {
  if (value instanceof SetValue) return value;
  throw typeError('set', value);
}

function lookupEntity(env: Environment, uid: EntityRef): Entity {
  const entity = env.entities.get(uid);
  if (entity === undefined) throw new EvaluationError(`entity \`${uid.key}\` does not exist`);
  return entity;
}

function isIn(env: Environment, left: EntityRef, right: EntityRef): boolean {
  return left.equals(right) || (env.entities.get(left)?.ancestors.has(right.key) ?? false);
}

function inOperator(env: Environment, leftValue: Value, rightValue: Value): boolean {
  const left = expectEntity(leftValue);
  if (rightValue instanceof EntityRef) return isIn(env, left, rightValue);
  if (!(rightValue instanceof SetValue)) throw typeError(`one of [set, ${ANY_ENTITY}]`, rightValue);
  let found = false;
  for (const element of rightValue.elements) {
    if (isIn(env, left, expectEntity(element))) found = true;
  }
  return found;
}

/** `<` and friends: on Longs, and on two datetimes or two durations. */
function compare(left: Value, right: Value): number {
  if (typeof left === 'bigint') {
    const r = expectLong(right);
    return left < r ? -1 : left > r ? 1 : 0;
  }
  if (
    (left instanceof DatetimeValue && right instanceof DatetimeValue) ||
    (left instanceof DurationValue && right instanceof DurationValue)
  ) {
    return left.ms < right.ms ? -1 : left.ms > right.ms ? 1 : 0;
  }
  if (left instanceof DatetimeValue || left instanceof DurationValue) throw typeError(typeName(left), right);
  throw typeError('long', left);
}

function arithmetic(
  left: Value,
  right: Value,
  apply: (a: bigint, b: bigint) => bigint,
  verb: string,
): bigint {
  const a = expectLong(left);
  const b = expectLong(right);
  const result = apply(a, b);
  if (result < I64_MIN || result > I64_MAX) {
    throw new EvaluationError(
      `integer overflow while attempting to ${verb} the values \`${a}\` and \`${b}\``,
    );
  }
  return result;
}

function getAttr(env: Environment, value: Value, attr: string): Value {
  if (value instanceof RecordValue) {
    const field = value.fields.get(attr);
    if (field === undefined) throw new EvaluationError(`record does not have the attribute \`${attr}\``);
    return field;
  }
  if (value instanceof EntityRef) {
    const field = lookupEntity(env, value).attrs.get(attr);
    if (field === undefined) {
      throw new EvaluationError(`\`${value.key}\` does not have the attribute \`${attr}\``);
    }
    return field;
  }
  throw typeError(`one of [record, ${ANY_ENTITY}]`, value);
}

function hasAttr(env: Environment, value: Value, attr: string): boolean {
  if (value instanceof RecordValue) return value.fields.has(attr);
  if (value instanceof EntityRef) return env.entities.get(value)?.attrs.has(attr) ?? false;
  throw typeError(`one of [record, ${ANY_ENTITY}]`, value);
}

function likePattern(pattern: Extract<Expr, { kind: 'like' }>['pattern']): RegExp {
  const source = pattern
    .map((element) =>
      element.kind === 'wildcard' ? '[\\s\\S]*' : element.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 'u');
}

type BinaryApply = (env: Environment, left: Value, right: Value) => Value;

const ARITHMETIC_OPS: ReadonlySet<string> = new Set(['+', '-', '*']);

/** The operands of `e1 && e2 && ...` (or `||`) written as a left-nested tree, left to right. */
function logicalOperands(top: Expr & { kind: 'and' | 'or' }): Expr[] {
  const operands: Expr[] = [];
  let bottom: Expr = top;
  while (bottom.kind === top.kind && (bottom.kind === 'and' || bottom.kind === 'or')) {
    operands.push(bottom.right);
    bottom = bottom.left;
  }
  operands.push(bottom);
  return operands.reverse();
}

function binary(op: Extract<Expr, { kind: 'binary' }>['op']): BinaryApply {
  switch (op) {
    case '==':
      return (_env, left, right) => valuesEqual(left, right);
    case '!=':
      return (_env, left, right) => !valuesEqual(left, right);
    case 'in':
      return inOperator;
    case '<':
      return (_env, left, right) => compare(left, right) < 0;
    case '<=':
      return (_env, left, right) => compare(left, right) <= 0;
    case '>':
      return (_env, left, right) => compare(left, right) > 0;
    case '>=':
      return (_env, left, right) => compare(left, right) >= 0;
    case '+':
      return (_env, left, right) => arithmetic(left, right, (a, b) => a + b, 'add');
    case '-':
      return (_env, left, right) => arithmetic(left, right, (a, b) => a - b, 'subtract');
    case '*':
      return (_env, left, right) => arithmetic(left, right, (a, b) => a * b, 'multiply');
    case 'contains':
      return (_env, left, right) => expectSet(left).has(right);
    case 'containsAll':
      return (_env, left, right) => {
        const container = expectSet(left);
        return expectSet(right).elements.every((element) => container.has(element));
      };
    case 'containsAny':
      return (_env, left, right) => {
        const container = expectSet(left);
        return expectSet(right).elements.some((element) => container.has(element));
      };
    case 'getTag':
      return (env, left, right) => {
        const uid = expectEntity(left);
        const key = expectString(right);
        const tag = lookupEntity(env, uid).tags.get(key);
        if (tag === undefined) throw new EvaluationError(`\`${uid.key}\` does not have the tag \`${key}\``);
        return tag;
      };
    case 'hasTag':
      return (env, left, right) => {
        const uid = expectEntity(left);
        const key = expectString(right);
        return env.entities.get(uid)?.tags.has(key) ?? false;
      };
    default: {
      const unreachable: never = op;
      return unreachable;
    }
  }
}

class Compiler {
  constructor(private readonly slots: SlotValues) {}

  compile(expr: Expr): Compiled {
    return this.node(expr).run;
  }

  /** Folds a node whose operands are all constant, unless it needs the request or fails. */
  private fold(run: Compiled, operands: readonly Node[]): Node {
    if (!operands.every((operand) => operand.constant !== undefined)) return { run };
    try {
      const constant = run(FOLDING_ENVIRONMENT);
      return { run: () => constant, constant };
    } catch (error) {
      if (error instanceof NotConstant || error instanceof EvaluationError) return { run };
      throw error;
    }
  }

  /**
   * `a && b && ...` (or `||`), written as a left-nested tree, compiled as one
   * loop over its operands: a chain may have thousands of them, more than the
   * stack takes one frame per operand, while compiling and while evaluating.
   * Operands are evaluated left to right and each must be a Boolean, until one
   * decides the result; a constant operand that cannot decide it (`true` in
   * `&&`) is dropped.
   */
  private logicalChain(top: Expr & { kind: 'and' | 'or' }): Node {
    const decisive = top.kind === 'or';
    const operands = logicalOperands(top).map((operand) => this.node(operand));
    const live = operands.filter((operand) => operand.constant !== !decisive);
    const runs = live.map((operand) => operand.run);
    const [first, second] = runs;
    if (first === undefined) return { run: () => !decisive, constant: !decisive };
    if (runs.length === 1) return this.fold((env) => expectBool(first(env)), live);
    if (runs.length === 2 && second !== undefined) {
      return this.fold(
        decisive
          ? (env) => expectBool(first(env)) || expectBool(second(env))
          : (env) => expectBool(first(env)) && expectBool(second(env)),
        live,
      );
    }
    return this.fold((env) => {
      for (const run of runs) if (expectBool(run(env)) === decisive) return decisive;
      return !decisive;
    }, live);
  }

  /** `a + b - c * ...` with a left-nested tree of `+`, `-` and `*`, compiled as one loop (see `logicalChain`). */
  private arithmeticChain(top: Expr & { kind: 'binary' }): Node {
    const links: (Expr & { kind: 'binary' })[] = [];
    let bottom: Expr = top;
    while (bottom.kind === 'binary' && ARITHMETIC_OPS.has(bottom.op)) {
      links.push(bottom);
      bottom = bottom.left;
    }
    links.reverse();
    const first = this.node(bottom);
    const rights = links.map((link) => this.node(link.right));
    const applies = links.map((link) => binary(link.op));
    const start = first.run;
    const runs = rights.map((right) => right.run);
    const operands = [first, ...rights];
    const [apply] = applies;
    const [right] = runs;
    if (runs.length === 1 && apply !== undefined && right !== undefined)
      return this.fold((env) => apply(env, start(env), right(env)), operands);
    return this.fold((env) => {
      let value = start(env);
      for (let index = 0; index < runs.length; index += 1)
        value = (applies[index] as BinaryApply)(env, value, (runs[index] as Compiled)(env));
      return value;
    }, operands);
  }

  private node(expr: Expr): Node {
    switch (expr.kind) {
      case 'lit': {
        const literal = expr.value;
        const value: Value =
          literal.type === 'entity' ? new EntityRef(literal.uid.type, literal.uid.id) : literal.value;
        return { run: () => value, constant: value };
      }
      case 'var': {
        const name = expr.name;
        return { run: (env) => env[name] };
      }
      case 'slot': {
        const uid = this.slots.get(expr.id);
        if (uid === undefined) throw new EvaluationError(`slot \`${expr.id}\` is not linked`);
        const value = new EntityRef(uid.type, uid.id);
        return { run: () => value, constant: value };
      }
      case 'ite': {
        const cond = this.node(expr.cond);
        const then = this.node(expr.then).run;
        const otherwise = this.node(expr.else).run;
        if (cond.constant !== undefined && typeof cond.constant === 'boolean') {
          return cond.constant ? { run: then } : { run: otherwise };
        }
        const test = cond.run;
        return { run: (env) => (expectBool(test(env)) ? then(env) : otherwise(env)) };
      }
      case 'and':
      case 'or':
        return this.logicalChain(expr);
      case 'not': {
        const arg = this.node(expr.arg);
        const a = arg.run;
        return this.fold((env) => !expectBool(a(env)), [arg]);
      }
      case 'neg': {
        const arg = this.node(expr.arg);
        const a = arg.run;
        return this.fold(
          (env) => {
            const value = expectLong(a(env));
            if (value === I64_MIN) {
              throw new EvaluationError(`integer overflow while attempting to negate the value \`${value}\``);
            }
            return -value;
          },
          [arg],
        );
      }
      case 'isEmpty': {
        const arg = this.node(expr.arg);
        const a = arg.run;
        return this.fold((env) => expectSet(a(env)).elements.length === 0, [arg]);
      }
      case 'like': {
        const arg = this.node(expr.arg);
        const a = arg.run;
        const pattern = likePattern(expr.pattern);
        return this.fold((env) => pattern.test(expectString(a(env))), [arg]);
      }
      case 'is': {
        const arg = this.node(expr.arg);
        const a = arg.run;
        const entityType = expr.entityType;
        return this.fold((env) => expectEntity(a(env)).type === entityType, [arg]);
      }
      case 'binary': {
        if (ARITHMETIC_OPS.has(expr.op)) return this.arithmeticChain(expr);
        const left = this.node(expr.left);
        const right = this.node(expr.right);
        const l = left.run;
        const r = right.run;
        const apply = binary(expr.op);
        return this.fold((env) => apply(env, l(env), r(env)), [left, right]);
      }
      case 'getAttr': {
        const arg = this.node(expr.arg);
        const a = arg.run;
        const attr = expr.attr;
        return this.fold((env) => getAttr(env, a(env), attr), [arg]);
      }
      case 'hasAttr': {
        const arg = this.node(expr.arg);
        const a = arg.run;
        const attr = expr.attr;
        return this.fold((env) => hasAttr(env, a(env), attr), [arg]);
      }
      case 'set': {
        const elements = expr.elements.map((element) => this.node(element));
        const runs = elements.map((element) => element.run);
        return this.fold((env) => makeSet(runs.map((run) => run(env))), elements);
      }
      case 'record': {
        const fields = expr.fields.map(([name, value]) => [name, this.node(value)] as const);
        const runs = fields.map(([name, value]) => [name, value.run] as const);
        return this.fold(
          (env) => new RecordValue(new Map(runs.map(([name, run]) => [name, run(env)]))),
          fields.map(([, value]) => value),
        );
      }
      case 'call': {
        const args = expr.args.map((arg) => this.node(arg));
        const runs = args.map((arg) => arg.run);
        const fn = expr.fn;
        return this.fold(
          (env) =>
            callExtension(
              fn,
              runs.map((run) => run(env)),
            ),
          args,
        );
      }
      default: {
        const unreachable: never = expr;
        return unreachable;
      }
    }
  }
}

/** Compiles an expression; slots take the values a template is linked with. */
export function compileExpr(expr: Expr, slots: SlotValues = new Map()): Compiled {
  return new Compiler(slots).compile(expr);
}
