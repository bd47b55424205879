// Reads policies in Cedar's JSON policy format (the EST) into the
// validator's expression language. Malformed input is reported, not thrown.
import type { EntityUid } from '../schema/index.js';
import type {
  ActionConstraint,
  BinaryOp,
  Condition,
  EntityTarget,
  Expr,
  PatternElement,
  ScopeConstraint,
  ValidatorPolicy,
  Var,
} from './expr.js';

class EstFailure extends Error {}

export type EstResult =
  { readonly ok: true; readonly policy: ValidatorPolicy } | { readonly ok: false; readonly message: string };

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, what: string): JsonObject {
  if (!isObject(value)) throw new EstFailure(`expected ${what} to be an object`);
  return value;
}

function string(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new EstFailure(`expected ${what} to be a string`);
  return value;
}

function list(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new EstFailure(`expected ${what} to be an array`);
  return value;
}

function entityUid(value: unknown): EntityUid {
  const raw = object(value, 'an entity reference');
  const inner = isObject(raw['__entity']) ? raw['__entity'] : raw;
  return { type: string(inner['type'], 'an entity type'), id: string(inner['id'], 'an entity id') };
}

function entityTarget(constraint: JsonObject): EntityTarget {
  const slot = constraint['slot'];
  if (slot === '?principal' || slot === '?resource') return { kind: 'slot', id: slot };
  return { kind: 'entity', uid: entityUid(constraint['entity']) };
}

function scope(value: unknown, what: string): ScopeConstraint {
  const constraint = object(value, what);
  switch (constraint['op']) {
    case 'All':
      return { op: 'all' };
    case '==':
      return { op: '==', target: entityTarget(constraint) };
    case 'in':
      return { op: 'in', target: entityTarget(constraint) };
    case 'is': {
      const entityType = string(constraint['entity_type'], 'the type in an `is` scope');
      const inner = constraint['in'];
      return inner === undefined
        ? { op: 'is', entityType }
        : { op: 'is', entityType, in: entityTarget(object(inner, 'the `in` of an `is` scope')) };
    }
    default:
      throw new EstFailure(`unknown ${what} operator \`${String(constraint['op'])}\``);
  }
}

function actionScope(value: unknown): ActionConstraint {
  const constraint = object(value, 'the action scope');
  switch (constraint['op']) {
    case 'All':
      return { op: 'all' };
    case '==':
      return { op: '==', uid: entityUid(constraint['entity']) };
    case 'in':
      if (Array.isArray(constraint['entities']))
        return { op: 'in', uids: constraint['entities'].map(entityUid), isList: true };
      return { op: 'in', uids: [entityUid(constraint['entity'])], isList: false };
    default:
      throw new EstFailure(`unknown action scope operator \`${String(constraint['op'])}\``);
  }
}

const VARS: readonly Var[] = ['principal', 'action', 'resource', 'context'];

const BINARY_OPS: readonly BinaryOp[] = [
  '==',
  '!=',
  'in',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  'contains',
  'containsAll',
  'containsAny',
  'getTag',
  'hasTag',
];

/** A value written in the entity-JSON style (`{ "Value": ... }`) as an expression. */
function valueExpr(value: unknown): Expr {
  if (typeof value === 'boolean') return { kind: 'lit', value: { type: 'bool', value } };
  if (typeof value === 'number' || typeof value === 'bigint')
    return { kind: 'lit', value: { type: 'long', value: BigInt(value) } };
  if (typeof value === 'string') return { kind: 'lit', value: { type: 'string', value } };
  if (Array.isArray(value)) return { kind: 'set', elements: value.map(valueExpr) };
  const raw = object(value, 'a value');
  if (isObject(raw['__entity'])) return { kind: 'lit', value: { type: 'entity', uid: entityUid(raw) } };
  if (isObject(raw['__extn'])) {
    const call = raw['__extn'];
    const args = Array.isArray(call['args']) ? call['args'] : [call['arg']];
    return { kind: 'call', fn: string(call['fn'], 'an extension function name'), args: args.map(valueExpr) };
  }
  return {
    kind: 'record',
    fields: Object.entries(raw).map(([key, item]) => [key, valueExpr(item)] as const),
  };
}

function pattern(value: unknown): PatternElement[] {
  return list(value, 'a `like` pattern').map((element) => {
    if (element === 'Wildcard') return { kind: 'wildcard' };
    return {
      kind: 'literal',
      text: string(object(element, 'a pattern element')['Literal'], 'a pattern literal'),
    };
  });
}

function leftRight(body: unknown): { left: Expr; right: Expr } {
  const operands = object(body, 'operands');
  return { left: expr(operands['left']), right: expr(operands['right']) };
}

export function expr(value: unknown): Expr {
  const node = object(value, 'an expression');
  const keys = Object.keys(node);
  const [key] = keys;
  if (key === undefined || keys.length !== 1)
    throw new EstFailure('expected an expression object with exactly one key');
  const body = node[key];
  if (key === 'Value') return valueExpr(body);
  if (key === 'Var') {
    const name = string(body, 'a variable');
    if (!(VARS as readonly string[]).includes(name)) throw new EstFailure(`unknown variable \`${name}\``);
    return { kind: 'var', name: name as Var };
  }
  if (key === 'Slot') return { kind: 'slot', id: string(body, 'a slot') };
  if (key === '!' || key === 'neg' || key === 'isEmpty') {
    const arg = expr(object(body, 'an operand')['arg']);
    return key === '!'
      ? { kind: 'not', arg }
      : key === 'neg'
        ? { kind: 'neg', arg }
        : { kind: 'isEmpty', arg };
  }
  if (key === '&&' || key === '||') {
    const { left, right } = leftRight(body);
    return { kind: key === '&&' ? 'and' : 'or', left, right };
  }
  if ((BINARY_OPS as readonly string[]).includes(key))
    return { kind: 'binary', op: key as BinaryOp, ...leftRight(body) };
  if (key === '.') {
    const access = object(body, 'an attribute access');
    return { kind: 'getAttr', arg: expr(access['left']), attr: string(access['attr'], 'an attribute name') };
  }
  if (key === 'has') return hasExpr(object(body, 'a `has` test'));
  if (key === 'like') {
    const like = object(body, 'a `like` test');
    return { kind: 'like', arg: expr(like['left']), pattern: pattern(like['pattern']) };
  }
  if (key === 'is') {
    const is = object(body, 'an `is` test');
    const arg = expr(is['left']);
    const test: Expr = { kind: 'is', arg, entityType: string(is['entity_type'], 'the type of an `is` test') };
    if (is['in'] === undefined) return test;
    return { kind: 'and', left: test, right: { kind: 'binary', op: 'in', left: arg, right: expr(is['in']) } };
  }
  if (key === 'if-then-else') {
    const ite = object(body, 'an if-then-else');
    return { kind: 'ite', cond: expr(ite['if']), then: expr(ite['then']), else: expr(ite['else']) };
  }
  if (key === 'Set') return { kind: 'set', elements: list(body, 'a set').map(expr) };
  if (key === 'Record')
    return {
      kind: 'record',
      fields: Object.entries(object(body, 'a record')).map(([name, item]) => [name, expr(item)] as const),
    };
  return { kind: 'call', fn: key, args: list(body, `the arguments of \`${key}\``).map(expr) };
}

/** `e has a.b.c` is `e has a && e.a has b && e.a.b has c`. */
function hasExpr(has: JsonObject): Expr {
  const target = expr(has['left']);
  const attrs = Array.isArray(has['attr'])
    ? has['attr'].map((attr) => string(attr, 'an attribute name'))
    : [string(has['attr'], 'an attribute name')];
  let result: Expr | undefined;
  let prefix = target;
  for (const attr of attrs) {
    const test: Expr = { kind: 'hasAttr', arg: prefix, attr };
    result = result === undefined ? test : { kind: 'and', left: result, right: test };
    prefix = { kind: 'getAttr', arg: prefix, attr };
  }
  if (result === undefined) throw new EstFailure('a `has` test names no attribute');
  return result;
}

function condition(value: unknown): Condition {
  const clause = object(value, 'a condition');
  const kind = clause['kind'];
  if (kind !== 'when' && kind !== 'unless')
    throw new EstFailure(`unknown condition kind \`${String(kind)}\``);
  return { kind, body: expr(clause['body']) };
}

function hasSlot(constraint: ScopeConstraint): boolean {
  if (constraint.op === 'all') return false;
  const target = constraint.op === 'is' ? constraint.in : constraint.target;
  return target?.kind === 'slot';
}

/** Reads one policy of the JSON policy format. */
export function policyFromEst(id: string, value: unknown): EstResult {
  try {
    const policy = object(value, 'a policy');
    const effect = policy['effect'];
    if (effect !== 'permit' && effect !== 'forbid')
      throw new EstFailure(`unknown effect \`${String(effect)}\``);
    const principal = scope(policy['principal'], 'principal scope');
    const resource = scope(policy['resource'], 'resource scope');
    return {
      ok: true,
      policy: {
        id,
        kind: hasSlot(principal) || hasSlot(resource) ? 'template' : 'static',
        effect,
        annotations: [],
        principal,
        action: actionScope(policy['action']),
        resource,
        conditions: list(policy['conditions'] ?? [], 'conditions').map(condition),
      },
    };
  } catch (error) {
    if (error instanceof EstFailure) return { ok: false, message: error.message };
    throw error;
  }
}
