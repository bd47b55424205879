// Cedar's JSON policy format (the EST), both ways. The writer produces what
// cedar-wasm's `policyToJson` produces: annotations and record keys in Cedar's
// (code point) order, `like` patterns one element per character, `has` paths
// as arrays, entity literals as `{ "__entity": ... }` values. Longs are
// numbers, or bigints beyond 2^53 so that nothing is rounded; serialize with
// `estToJsonText` (or lossless-json) to keep them exact. The reader takes the
// same format, and also numbers read by lossless-json; malformed input is
// reported, not thrown.
import type {
  ActionConstraint,
  Annotation,
  BinaryOp,
  Condition,
  EntityTarget,
  EntityUid,
  Expr,
  PatternElement,
  Policy,
  ScopeConstraint,
  SlotId,
  Var,
} from './ast.js';
import {
  I64_MAX,
  I64_MIN,
  isEntityTypeName,
  collectSlots,
  displayUid,
  isActionType,
  joinWithAnd,
} from './convert.js';
import { HAS_PATH_TOO_LONG, MAX_EXPRESSION_DEPTH, MAX_HAS_PATH } from './depth.js';
import { extensionCallStyle } from './functions.js';

export type EstJson = null | boolean | number | bigint | string | readonly EstJson[] | EstObject;

export interface EstObject {
  readonly [key: string]: EstJson;
}

/** Orders strings by code point, which is the UTF-8 byte order Cedar's maps use. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    // Surrogates (0xd800-0xdfff) encode code points above every other UTF-16 unit.
    const xHigh = x >= 0xd800 && x <= 0xdfff;
    const yHigh = y >= 0xd800 && y <= 0xdfff;
    if (xHigh !== yHigh) return xHigh ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function sortedObject(entries: readonly (readonly [string, EstJson])[]): EstObject {
  const object: Record<string, EstJson> = {};
  for (const [key, value] of [...entries].sort(([a], [b]) => compareCodePoints(a, b))) object[key] = value;
  return object;
}

function longJson(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

function uidJson(uid: EntityUid): EstObject {
  return { type: uid.type, id: uid.id };
}

function targetJson(target: EntityTarget): EstObject {
  return target.kind === 'slot' ? { slot: target.id } : { entity: uidJson(target.uid) };
}

function scopeJson(scope: ScopeConstraint): EstObject {
  switch (scope.op) {
    case 'all':
      return { op: 'All' };
    case '==':
    case 'in':
      return { op: scope.op, ...targetJson(scope.target) };
    case 'is':
      return scope.in === undefined
        ? { op: 'is', entity_type: scope.entityType }
        : { op: 'is', entity_type: scope.entityType, in: targetJson(scope.in) };
    default: {
      const unreachable: never = scope;
      return unreachable;
    }
  }
}

function actionJson(scope: ActionConstraint): EstObject {
  switch (scope.op) {
    case 'all':
      return { op: 'All' };
    case '==':
      return { op: '==', entity: uidJson(scope.uid) };
    case 'in': {
      // Cedar writes `action in [A]` as `action in A`.
      const [single] = scope.uids;
      if (single !== undefined && scope.uids.length === 1) return { op: 'in', entity: uidJson(single) };
      return { op: 'in', entities: scope.uids.map(uidJson) };
    }
    default: {
      const unreachable: never = scope;
      return unreachable;
    }
  }
}

function patternJson(pattern: readonly PatternElement[]): EstJson[] {
  return pattern.flatMap((element): EstJson[] =>
    element.kind === 'wildcard' ? ['Wildcard'] : Array.from(element.text, (ch) => ({ Literal: ch })),
  );
}

const OPERATOR_KEYS: Readonly<Record<'and' | 'or', string>> = { and: '&&', or: '||' };

type ChainLink = Expr & { readonly kind: 'and' | 'or' | 'binary' };

function isChainLink(expr: Expr): expr is ChainLink {
  return expr.kind === 'and' || expr.kind === 'or' || expr.kind === 'binary';
}

function chainKey(link: ChainLink): string {
  return link.kind === 'binary' ? link.op : OPERATOR_KEYS[link.kind];
}

/**
 * One expression in the JSON policy format. A left-nested run of binary
 * operators (`a && b && ...`, `a + b - ...`) is written with a loop: it may
 * be thousands of operands long.
 */
export function exprToEst(expr: Expr): EstObject {
  if (!isChainLink(expr)) return nodeToEst(expr);
  const links: ChainLink[] = [];
  let bottom: Expr = expr;
  for (; isChainLink(bottom); bottom = bottom.left) links.push(bottom);
  let json = exprToEst(bottom);
  for (let index = links.length - 1; index >= 0; index -= 1) {
    const link = links[index] as ChainLink;
    json = { [chainKey(link)]: { left: json, right: exprToEst(link.right) } };
  }
  return json;
}

function nodeToEst(expr: Exclude<Expr, ChainLink>): EstObject {
  switch (expr.kind) {
    case 'lit': {
      const literal = expr.value;
      switch (literal.type) {
        case 'bool':
        case 'string':
          return { Value: literal.value };
        case 'long':
          return { Value: longJson(literal.value) };
        case 'entity':
          return { Value: { __entity: uidJson(literal.uid) } };
        default: {
          const unreachable: never = literal;
          return unreachable;
        }
      }
    }
    case 'var':
      return { Var: expr.name };
    case 'slot':
      return { Slot: expr.id };
    case 'ite':
      return {
        'if-then-else': { if: exprToEst(expr.cond), then: exprToEst(expr.then), else: exprToEst(expr.else) },
      };
    case 'not':
      return { '!': { arg: exprToEst(expr.arg) } };
    case 'neg':
    case 'isEmpty':
      return { [expr.kind]: { arg: exprToEst(expr.arg) } };
    case 'like':
      return { like: { left: exprToEst(expr.arg), pattern: patternJson(expr.pattern) } };
    case 'is': {
      const left = exprToEst(expr.arg);
      return {
        is:
          expr.in === undefined
            ? { left, entity_type: expr.entityType }
            : { left, entity_type: expr.entityType, in: exprToEst(expr.in) },
      };
    }
    case 'getAttr':
      return { '.': { left: exprToEst(expr.arg), attr: expr.attr } };
    case 'has': {
      const [first, ...rest] = expr.path;
      return { has: { left: exprToEst(expr.arg), attr: rest.length === 0 ? first : expr.path } };
    }
    case 'set':
      return { Set: expr.elements.map(exprToEst) };
    case 'record':
      return { Record: sortedObject(expr.fields.map(([key, value]) => [key, exprToEst(value)] as const)) };
    case 'call':
      return { [expr.fn]: expr.args.map(exprToEst) };
    default: {
      const unreachable: never = expr;
      return unreachable;
    }
  }
}

function annotationsJson(annotations: readonly Annotation[]): EstObject {
  return sortedObject(annotations.map((annotation) => [annotation.key, annotation.value ?? null] as const));
}

/** A policy or template in the JSON policy format, as cedar-wasm's `policyToJson` writes it. */
export function policyToEst(policy: Policy): EstObject {
  const json: Record<string, EstJson> = {
    effect: policy.effect,
    principal: scopeJson(policy.principal),
    action: actionJson(policy.action),
    resource: scopeJson(policy.resource),
    conditions: policy.conditions.map((condition) => ({
      kind: condition.kind,
      body: exprToEst(condition.body),
    })),
  };
  if (policy.annotations.length > 0) json['annotations'] = annotationsJson(policy.annotations);
  return json;
}

/**
 * JSON text of an EST value, with longs beyond 2^53 written exactly. With a
 * stack of its own, since a long chain of operators nests as deep as it is long.
 */
export function estToJsonText(value: EstJson, indent = 0): string {
  const separator = indent > 0 ? ': ' : ':';
  const line = (depth: number): string => (indent > 0 ? `\n${' '.repeat(indent * depth)}` : '');
  const out: string[] = [];
  // What is left to write, last first: a value at its depth, or text as it is.
  const pending: ({ readonly item: EstJson; readonly depth: number } | string)[] = [
    { item: value, depth: 0 },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next === 'string') {
      out.push(next);
      continue;
    }
    const { item, depth } = next;
    if (item === null) out.push('null');
    else if (typeof item === 'bigint') out.push(item.toString());
    else if (typeof item !== 'object') out.push(JSON.stringify(item));
    else {
      const isArray = Array.isArray(item);
      const entries: readonly (readonly [string | undefined, EstJson])[] = isArray
        ? (item as readonly EstJson[]).map((element) => [undefined, element] as const)
        : Object.entries(item as EstObject);
      const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0) {
        out.push(open + close);
        continue;
      }
      out.push(open);
      pending.push(line(depth) + close);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, element] = entries[index] as readonly [string | undefined, EstJson];
        pending.push({ item: element, depth: depth + 1 });
        const prefix = (index === 0 ? '' : ',') + line(depth + 1);
        pending.push(key === undefined ? prefix : `${prefix}${JSON.stringify(key)}${separator}`);
      }
    }
  }
  return out.join('');
}

// ---------------------------------------------------------------------------
// Reading

class EstFailure extends Error {}

export type EstResult =
  { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly message: string };

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

/**
 * An integer as JSON.parse (number) or lossless-json (bigint, LosslessNumber)
 * gives it. An integral number is taken as JavaScript writes it (its shortest
 * decimal form: `7953754288172630000`, not the double's exact
 * `7953754288172630016`) when that is within i64, which is how cedar-wasm
 * reads it; `1.5` and `2 ** 63` (written `9223372036854776000`) are refused.
 */
function integer(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Math.abs(value) >= 1e21) return undefined;
    const written = BigInt(String(value));
    return written >= I64_MIN && written <= I64_MAX ? written : undefined;
  }
  if (isObject(value) && value['isLosslessNumber'] === true && typeof value['value'] === 'string') {
    const text = value['value'];
    return /^-?(0|[1-9][0-9]*)$/.test(text) ? BigInt(text) : undefined;
  }
  return undefined;
}

/** An entity type name, checked as the text syntax would check it. */
function entityType(value: unknown, what: string): string {
  const name = string(value, what);
  if (!isEntityTypeName(name)) throw new EstFailure(`invalid entity type \`${name}\``);
  return name;
}

function entityUid(value: unknown): EntityUid {
  const raw = object(value, 'an entity reference');
  const inner = isObject(raw['__entity']) ? raw['__entity'] : raw;
  return { type: entityType(inner['type'], 'an entity type'), id: string(inner['id'], 'an entity id') };
}

function slotId(value: unknown): SlotId {
  if (value === '?principal' || value === '?resource') return value;
  throw new EstFailure(`invalid slot \`${String(value)}\``);
}

function entityTarget(constraint: JsonObject, variable: 'principal' | 'resource'): EntityTarget {
  if (constraint['slot'] === undefined) return { kind: 'entity', uid: entityUid(constraint['entity']) };
  const slot = slotId(constraint['slot']);
  if (slot !== `?${variable}`) throw new EstFailure('invalid slot name or slot used in wrong position');
  return { kind: 'slot', id: slot };
}

function scope(value: unknown, variable: 'principal' | 'resource'): ScopeConstraint {
  const what = `${variable} scope`;
  const constraint = object(value, `the ${what}`);
  switch (constraint['op']) {
    case 'All':
    case 'all':
      return { op: 'all' };
    case '==':
      return { op: '==', target: entityTarget(constraint, variable) };
    case 'in':
      return { op: 'in', target: entityTarget(constraint, variable) };
    case 'is': {
      const type = entityType(constraint['entity_type'], 'the type in an `is` scope');
      const inner = constraint['in'];
      return inner === undefined
        ? { op: 'is', entityType: type }
        : {
            op: 'is',
            entityType: type,
            in: entityTarget(object(inner, 'the `in` of an `is` scope'), variable),
          };
    }
    default:
      throw new EstFailure(`unknown ${what} operator \`${String(constraint['op'])}\``);
  }
}

/** Action scope entities must be actions, as in policy text. */
function actions(uids: EntityUid[]): EntityUid[] {
  const wrong = uids.filter((uid) => !isActionType(uid.type));
  if (wrong.length === 0) return uids;
  const subject = wrong.length > 1 ? 'entity uids' : 'an entity uid';
  throw new EstFailure(
    `expected ${subject} with type \`Action\` but got ${joinWithAnd(wrong.map((uid) => `\`${displayUid(uid)}\``))}`,
  );
}

function actionScope(value: unknown): ActionConstraint {
  const constraint = object(value, 'the action scope');
  switch (constraint['op']) {
    case 'All':
    case 'all':
      return { op: 'all' };
    case '==': {
      const uid = entityUid(constraint['entity']);
      actions([uid]);
      return { op: '==', uid };
    }
    case 'in':
      if (Array.isArray(constraint['entities']))
        return { op: 'in', uids: actions(constraint['entities'].map(entityUid)), isList: true };
      return { op: 'in', uids: actions([entityUid(constraint['entity'])]), isList: false };
    default:
      throw new EstFailure(`unknown action scope operator \`${String(constraint['op'])}\``);
  }
}

const VARS: readonly Var[] = ['principal', 'action', 'resource', 'context'];

const BINARY_OPS: ReadonlySet<string> = new Set<BinaryOp>([
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
]);

/** A value written in the entity-JSON style (`{ "Value": ... }`) as an expression. */
function valueExpr(value: unknown): Expr {
  return nested(() => valueExprAt(value));
}

function valueExprAt(value: unknown): Expr {
  if (typeof value === 'boolean') return { kind: 'lit', value: { type: 'bool', value } };
  if (typeof value === 'string') return { kind: 'lit', value: { type: 'string', value } };
  const long = integer(value);
  if (long !== undefined) return { kind: 'lit', value: { type: 'long', value: long } };
  if (typeof value === 'number' || (isObject(value) && value['isLosslessNumber'] === true))
    throw new EstFailure(`\`${String(value)}\` is not a valid long`);
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
  const elements: PatternElement[] = [];
  for (const element of list(value, 'a `like` pattern')) {
    if (element === 'Wildcard') {
      elements.push({ kind: 'wildcard' });
      continue;
    }
    const text = string(object(element, 'a pattern element')['Literal'], 'a pattern literal');
    const last = elements.at(-1);
    // Cedar writes one element per character; the AST keeps runs of them together.
    if (last?.kind === 'literal') elements[elements.length - 1] = { kind: 'literal', text: last.text + text };
    else if (text !== '') elements.push({ kind: 'literal', text });
  }
  return elements;
}

function unaryArg(body: unknown): Expr {
  return estToExpr(object(body, 'an operand')['arg']);
}

/** The one key of an expression object, and what it holds. */
function expressionEntry(value: unknown): readonly [string, unknown] {
  const node = object(value, 'an expression');
  const keys = Object.keys(node);
  const [key] = keys;
  if (key === undefined || keys.length !== 1)
    throw new EstFailure('expected an expression object with exactly one key');
  return [key, node[key]];
}

function isChainKey(key: string): boolean {
  return key === '&&' || key === '||' || BINARY_OPS.has(key);
}

function chainLink(key: string, left: Expr, right: Expr): Expr {
  if (key === '&&' || key === '||') return { kind: key === '&&' ? 'and' : 'or', left, right };
  return { kind: 'binary', op: key as BinaryOp, left, right };
}

/**
 * Reads one expression of the JSON policy format; throws `EstFailure` on
 * malformed input. A left-nested run of binary operators is read with a loop
 * (see `exprToEst`), checking and reading in the order recursion would.
 */
function estToExpr(value: unknown): Expr {
  return nested(() => chainOrNode(value));
}

// How many expressions and values the reader is inside, chains aside: bounded
// as the parser bounds text, so that neither reading nor any later stage
// exhausts the stack on a deeply nested JavaScript value.
let readerDepth = 0;

function nested<T>(read: () => T, levels = 1): T {
  if (readerDepth + levels > MAX_EXPRESSION_DEPTH)
    throw new EstFailure(`expressions are nested too deeply: the limit is ${MAX_EXPRESSION_DEPTH} levels`);
  readerDepth += levels;
  try {
    return read();
  } finally {
    readerDepth -= levels;
  }
}

function chainOrNode(value: unknown): Expr {
  const [key, body] = expressionEntry(value);
  if (!isChainKey(key)) return nodeFromEst(key, body);
  const links: (readonly [string, JsonObject])[] = [];
  let bottom: readonly [string, unknown] = [key, body];
  while (isChainKey(bottom[0])) {
    const operands = object(bottom[1], 'operands');
    links.push([bottom[0], operands]);
    bottom = expressionEntry(operands['left']);
  }
  let expr = nodeFromEst(bottom[0], bottom[1]);
  for (let index = links.length - 1; index >= 0; index -= 1) {
    const [linkKey, operands] = links[index] as readonly [string, JsonObject];
    expr = chainLink(linkKey, expr, estToExpr(operands['right']));
  }
  return expr;
}

function nodeFromEst(key: string, body: unknown): Expr {
  switch (key) {
    case 'Value':
      return valueExpr(body);
    case 'Var': {
      const name = string(body, 'a variable');
      if (!(VARS as readonly string[]).includes(name)) throw new EstFailure(`unknown variable \`${name}\``);
      return { kind: 'var', name: name as Var };
    }
    case 'Slot':
      return { kind: 'slot', id: slotId(body) };
    case '!':
      return { kind: 'not', arg: unaryArg(body) };
    case 'neg':
      return { kind: 'neg', arg: unaryArg(body) };
    case 'isEmpty':
      return { kind: 'isEmpty', arg: unaryArg(body) };
    case '.': {
      const access = object(body, 'an attribute access');
      return {
        kind: 'getAttr',
        arg: estToExpr(access['left']),
        attr: string(access['attr'], 'an attribute name'),
      };
    }
    case 'has':
      return hasExpr(object(body, 'a `has` test'));
    case 'like': {
      const like = object(body, 'a `like` test');
      return { kind: 'like', arg: estToExpr(like['left']), pattern: pattern(like['pattern']) };
    }
    case 'is': {
      const is = object(body, 'an `is` test');
      const arg = estToExpr(is['left']);
      const type = entityType(is['entity_type'], 'the type of an `is` test');
      return is['in'] === undefined
        ? { kind: 'is', arg, entityType: type }
        : { kind: 'is', arg, entityType: type, in: estToExpr(is['in']) };
    }
    case 'if-then-else': {
      const ite = object(body, 'an if-then-else');
      return {
        kind: 'ite',
        cond: estToExpr(ite['if']),
        then: estToExpr(ite['then']),
        else: estToExpr(ite['else']),
      };
    }
    case 'Set':
      return { kind: 'set', elements: list(body, 'a set').map(estToExpr) };
    case 'Record':
      return {
        kind: 'record',
        fields: Object.entries(object(body, 'a record')).map(
          ([name, item]) => [name, estToExpr(item)] as const,
        ),
      };
    default:
      if (extensionCallStyle(key) === undefined) throw new EstFailure(`unknown expression \`${key}\``);
      return { kind: 'call', fn: key, args: list(body, `the arguments of \`${key}\``).map(estToExpr) };
  }
}

function hasExpr(has: JsonObject): Expr {
  const attr = has['attr'];
  // `x has a.b.c` tests `x.a.b has c`: each step of the path is a level, as in text.
  const arg = nested(() => estToExpr(has['left']), Array.isArray(attr) ? attr.length : 1);
  const path = Array.isArray(attr)
    ? attr.map((name) => string(name, 'an attribute name'))
    : [string(attr, 'an attribute name')];
  const [first, ...rest] = path;
  if (first === undefined) throw new EstFailure('a `has` test names no attribute');
  if (path.length > MAX_HAS_PATH) throw new EstFailure(HAS_PATH_TOO_LONG);
  return { kind: 'has', arg, path: [first, ...rest] };
}

function condition(value: unknown): Condition {
  const clause = object(value, 'a condition');
  const kind = clause['kind'];
  if (kind !== 'when' && kind !== 'unless')
    throw new EstFailure(`unknown condition kind \`${String(kind)}\``);
  const body = estToExpr(clause['body']);
  const slots: (Expr & { kind: 'slot' })[] = [];
  collectSlots(body, slots);
  const [slot] = slots;
  if (slot !== undefined) throw new EstFailure(`found template slot ${slot.id} in a \`${kind}\` clause`);
  return { kind, body };
}

function annotations(value: unknown): Annotation[] {
  if (value === undefined) return [];
  return Object.entries(object(value, 'the annotations')).map(([key, annotation]) => {
    if (annotation === null) return { key };
    return { key, value: string(annotation, `annotation \`${key}\``) };
  });
}

function isSlot(target: EntityTarget | undefined): boolean {
  return target?.kind === 'slot';
}

function hasSlot(constraint: ScopeConstraint): boolean {
  if (constraint.op === 'all') return false;
  return isSlot(constraint.op === 'is' ? constraint.in : constraint.target);
}

/** Reads one policy or template of the JSON policy format. */
export function policyFromEst(id: string, value: unknown): EstResult {
  try {
    const policy = object(value, 'a policy');
    const effect = policy['effect'];
    if (effect !== 'permit' && effect !== 'forbid')
      throw new EstFailure(`unknown effect \`${String(effect)}\``);
    const principal = scope(policy['principal'], 'principal');
    const resource = scope(policy['resource'], 'resource');
    return {
      ok: true,
      policy: {
        id,
        kind: hasSlot(principal) || hasSlot(resource) ? 'template' : 'static',
        effect,
        annotations: annotations(policy['annotations']),
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

export type EstExprResult =
  { readonly ok: true; readonly expr: Expr } | { readonly ok: false; readonly message: string };

/** Reads one expression of the JSON policy format. */
export function exprFromEst(value: unknown): EstExprResult {
  try {
    return { ok: true, expr: estToExpr(value) };
  } catch (error) {
    if (error instanceof EstFailure) return { ok: false, message: error.message };
    throw error;
  }
}
