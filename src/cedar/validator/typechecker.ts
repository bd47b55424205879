// The strict-mode typechecker, after the typing rules of Cedar's formal model
// (cedar-spec, `Typechecker.lean`): one request environment at a time, with
// Boolean singleton types and `has`/`hasTag` capabilities flowing through
// `&&`, `||` and `if`. A branch whose guard is known to be false is never
// typechecked, so errors there are not reported, exactly as in Cedar.
import { uidKey, type EntityUid, type Schema, type SourceSpan } from '../schema/index.js';
import type { BinaryOp, Expr, Literal, Var } from './expr.js';
import { CONSTRUCTORS, FUNCTIONS } from './extensions.js';
import {
  ANY_BOOL,
  FALSE_TYPE,
  LONG,
  STRING,
  TRUE_TYPE,
  boolType,
  fromSchemaType,
  lub,
  showType,
  type BoolType,
  type RecordTypeT,
  type Type,
} from './types.js';

/** One request environment: the types of the request variables. */
export interface RequestEnv {
  readonly principal: string;
  readonly action: EntityUid;
  readonly resource: string;
  readonly context: RecordTypeT;
}

export type TypeErrorKind =
  | 'unexpectedType'
  | 'incompatibleTypes'
  | 'attributeNotFound'
  | 'unsafeOptionalAttributeAccess'
  | 'unsafeTagAccess'
  | 'noTagsAllowed'
  | 'unrecognizedEntityType'
  | 'emptySetForbidden'
  | 'nonLitExtConstructor'
  | 'extensionArgumentValidation'
  | 'wrongNumberArguments'
  | 'undefinedFunction';

export interface TypeError {
  readonly kind: TypeErrorKind;
  readonly message: string;
  /** Cedar's hint, such as the attribute that was probably meant. */
  readonly help?: string;
  /** The innermost expression the error is about, when it was read from text. */
  readonly span?: SourceSpan;
}

type Capabilities = ReadonlySet<string>;

export type Typed =
  | { readonly ok: true; readonly type: Type; readonly caps: Capabilities }
  | { readonly ok: false; readonly error: TypeError };

type TypedOk = Extract<Typed, { ok: true }>;

const NO_CAPS: Capabilities = new Set();

/** A typing failure, placed at the expression when it has no place yet. */
function locate(typed: Typed, expr: Expr): Typed {
  if (typed.ok || typed.error.span !== undefined || expr.span === undefined) return typed;
  return { ok: false, error: { ...typed.error, span: expr.span } };
}

type ChainNode = Extract<Expr, { kind: 'and' | 'or' | 'binary' }>;

/** Whether `expr` continues the chain `top` leans on: the same connective (any binary operator for binary ones). */
function sameChain(expr: Expr, top: ChainNode): expr is ChainNode {
  return expr.kind === top.kind;
}

function ok(type: Type, caps: Capabilities = NO_CAPS): Typed {
  return { ok: true, type, caps };
}

function fail(kind: TypeErrorKind, message: string, help?: string): Typed {
  return { ok: false, error: help === undefined ? { kind, message } : { kind, message, help } };
}

/** The edit distance between two names, counted in code points. */
function editDistance(from: string, to: string): number {
  const target = [...to];
  let previous = target.map((_, index) => index + 1);
  let index = 0;
  for (const character of from) {
    const current: number[] = [];
    let diagonal = index;
    let left = index + 1;
    target.forEach((other, column) => {
      const above = previous[column] ?? 0;
      left = Math.min(above + 1, left + 1, diagonal + (character === other ? 0 : 1));
      diagonal = above;
      current.push(left);
    });
    previous = current;
    index += 1;
  }
  return previous[previous.length - 1] ?? index;
}

/** Cedar's `did you mean` for a missing attribute: the nearest name, the first of equals in sorted order. */
function suggestion(attr: string, names: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of [...names].sort()) {
    const distance = editDistance(attr, name);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  return attr === '' || best === undefined ? undefined : `did you mean \`${best.name}\`?`;
}

function union(left: Capabilities, right: Capabilities): Capabilities {
  if (left.size === 0) return right;
  if (right.size === 0) return left;
  return new Set([...left, ...right]);
}

function intersection(left: Capabilities, right: Capabilities): Capabilities {
  return new Set([...left].filter((cap) => right.has(cap)));
}

function notBool(value: BoolType): BoolType {
  return value === 'true' ? 'false' : value === 'false' ? 'true' : 'any';
}

const exprKeys = new WeakMap<Expr, string>();

/** A structural key for an expression, so that capabilities on equal expressions match. */
function exprKey(expr: Expr): string {
  const known = exprKeys.get(expr);
  if (known !== undefined) return known;
  // Spans say where an expression was written, not what it is.
  const key = JSON.stringify(expr, (name, value: unknown) =>
    name === 'span' ? undefined : typeof value === 'bigint' ? `${value}n` : value,
  );
  exprKeys.set(expr, key);
  return key;
}

function attrCapability(expr: Expr, attr: string): string {
  return `${exprKey(expr)}\u0000attr\u0000${attr}`;
}

function tagCapability(expr: Expr, tag: Expr): string {
  return `${exprKey(expr)}\u0000tag\u0000${exprKey(tag)}`;
}

function unexpected(actual: Type, expected: string): Typed {
  return fail('unexpectedType', `unexpected type: expected ${expected} but saw ${showType(actual)}`);
}

function incompatible(left: Type, right: Type): Typed {
  return fail('incompatibleTypes', `the types ${showType(left)} and ${showType(right)} are not compatible`);
}

function literalsEqual(left: Literal, right: Literal): boolean {
  if (left.type === 'entity' && right.type === 'entity') return uidKey(left.uid) === uidKey(right.uid);
  return (
    left.type === right.type && left.type !== 'entity' && left.value === (right as { value: unknown }).value
  );
}

function sameKind(left: Type, right: Type): boolean {
  return (
    left.kind === right.kind && (left.kind !== 'extension' || left.name === (right as { name: string }).name)
  );
}

export class Typechecker {
  constructor(
    private readonly schema: Schema,
    private readonly env: RequestEnv,
  ) {}

  typeOf(expr: Expr, caps: Capabilities): Typed {
    return locate(this.typeOfNode(expr, caps), expr);
  }

  /**
   * Types a chain `a && b && ...`, `a || b || ...` or `a + b - ...` — a tree
   * leaning left, as deep as it is long — with a loop over its operands, so
   * that no chain exhausts the stack. Each step is the rule of one node of the
   * chain, from the innermost out, exactly as the recursion would apply them.
   */
  private typeOfChain(expr: ChainNode, caps: Capabilities): Typed {
    const nodes: ChainNode[] = [];
    let leftmost: Expr = expr;
    while (sameChain(leftmost, expr)) {
      nodes.push(leftmost);
      leftmost = leftmost.left;
    }
    let typed = this.typeOf(leftmost, caps);
    for (let index = nodes.length - 1; index >= 0; index -= 1) {
      const node = nodes[index] as ChainNode;
      const step = !typed.ok
        ? typed
        : node.kind === 'and'
          ? this.andStep(typed, node.right, caps)
          : node.kind === 'or'
            ? this.orStep(typed, node.right, caps)
            : this.binaryStep(node.op, typed, node.left, node.right, caps);
      // The outermost node is located by `typeOf`, as any other expression.
      typed = index === 0 ? step : locate(step, node);
    }
    return typed;
  }

  private typeOfNode(expr: Expr, caps: Capabilities): Typed {
    switch (expr.kind) {
      case 'lit':
        return this.typeOfLiteral(expr.value);
      case 'var':
        return this.typeOfVar(expr.name);
      case 'slot':
        // Slots only appear on the right of `==` and `in` in template scopes,
        // whose typing rules handle them before looking at this type.
        return ok(ANY_BOOL);
      case 'ite':
        return this.typeOfIf(expr, caps);
      case 'and':
      case 'or':
        return this.typeOfChain(expr, caps);
      case 'not':
        return this.withType(expr.arg, caps, (type) =>
          type.kind === 'bool' ? ok({ kind: 'bool', value: notBool(type.value) }) : unexpected(type, 'Bool'),
        );
      case 'neg':
        return this.withType(expr.arg, caps, (type) =>
          type.kind === 'long' ? ok(LONG) : unexpected(type, 'Long'),
        );
      case 'isEmpty':
        return this.withType(expr.arg, caps, (type) =>
          type.kind === 'set' ? ok(ANY_BOOL) : unexpected(type, 'Set'),
        );
      case 'like':
        return this.withType(expr.arg, caps, (type) =>
          type.kind === 'string' ? ok(ANY_BOOL) : unexpected(type, 'String'),
        );
      case 'is':
        return this.withType(expr.arg, caps, (type) =>
          type.kind === 'entity'
            ? ok(boolType(type.name === expr.entityType))
            : unexpected(type, 'an entity'),
        );
      case 'binary':
        return this.typeOfChain(expr, caps);
      case 'hasAttr':
        return this.withType(expr.arg, caps, (type) => this.typeOfHasAttr(type, expr.arg, expr.attr, caps));
      case 'getAttr':
        return this.withType(expr.arg, caps, (type) => this.typeOfGetAttr(type, expr.arg, expr.attr, caps));
      case 'set':
        return this.typeOfSet(expr.elements, caps);
      case 'record': {
        const attributes = new Map<string, { type: Type; required: boolean }>();
        for (const [name, value] of expr.fields) {
          const typed = this.typeOf(value, caps);
          if (!typed.ok) return typed;
          attributes.set(name, { type: typed.type, required: true });
        }
        return ok({ kind: 'record', attributes });
      }
      case 'call':
        return this.typeOfCall(expr.fn, expr.args, caps);
      default: {
        const unreachable: never = expr;
        return unreachable;
      }
    }
  }

  private withType(expr: Expr, caps: Capabilities, then: (type: Type) => Typed): Typed {
    const typed = this.typeOf(expr, caps);
    return typed.ok ? then(typed.type) : typed;
  }

  private typeOfLiteral(literal: Literal): Typed {
    switch (literal.type) {
      case 'bool':
        return ok(boolType(literal.value));
      case 'long':
        return ok(LONG);
      case 'string':
        return ok(STRING);
      case 'entity': {
        const { uid } = literal;
        if (this.schema.entityTypes.has(uid.type) || this.schema.actions.has(uidKey(uid)))
          return ok({ kind: 'entity', name: uid.type });
        return fail('unrecognizedEntityType', `unrecognized entity type \`${uid.type}\``);
      }
      default: {
        const unreachable: never = literal;
        return unreachable;
      }
    }
  }

  private typeOfVar(name: Var): Typed {
    switch (name) {
      case 'principal':
        return ok({ kind: 'entity', name: this.env.principal });
      case 'action':
        return ok({ kind: 'entity', name: this.env.action.type });
      case 'resource':
        return ok({ kind: 'entity', name: this.env.resource });
      case 'context':
        return ok(this.env.context);
      default: {
        const unreachable: never = name;
        return unreachable;
      }
    }
  }

  private typeOfIf(expr: Extract<Expr, { kind: 'ite' }>, caps: Capabilities): Typed {
    const cond = this.typeOf(expr.cond, caps);
    if (!cond.ok) return cond;
    if (cond.type.kind !== 'bool') return unexpected(cond.type, 'Bool');
    if (cond.type.value === 'false') return this.typeOf(expr.else, caps);
    const then = this.typeOf(expr.then, union(caps, cond.caps));
    if (!then.ok) return then;
    if (cond.type.value === 'true') return ok(then.type, union(cond.caps, then.caps));
    const otherwise = this.typeOf(expr.else, caps);
    if (!otherwise.ok) return otherwise;
    const joined = lub(then.type, otherwise.type);
    if (joined === undefined) return incompatible(then.type, otherwise.type);
    return ok(joined, intersection(union(cond.caps, then.caps), otherwise.caps));
  }

  /** `left && right`, given the type of `left`. */
  private andStep(first: TypedOk, right: Expr, caps: Capabilities): Typed {
    if (first.type.kind !== 'bool') return unexpected(first.type, 'Bool');
    if (first.type.value === 'false') return ok(FALSE_TYPE);
    const second = this.typeOf(right, union(caps, first.caps));
    if (!second.ok) return second;
    if (second.type.kind !== 'bool') return unexpected(second.type, 'Bool');
    if (second.type.value === 'false') return ok(FALSE_TYPE);
    const value = second.type.value === 'true' ? first.type.value : 'any';
    return ok({ kind: 'bool', value }, union(first.caps, second.caps));
  }

  /** `left || right`, given the type of `left`. */
  private orStep(first: TypedOk, right: Expr, caps: Capabilities): Typed {
    if (first.type.kind !== 'bool') return unexpected(first.type, 'Bool');
    if (first.type.value === 'true') return ok(TRUE_TYPE);
    const second = this.typeOf(right, caps);
    if (!second.ok) return second;
    if (second.type.kind !== 'bool') return unexpected(second.type, 'Bool');
    if (first.type.value === 'false') return second;
    if (second.type.value === 'true') return ok(TRUE_TYPE);
    if (second.type.value === 'false') return ok(first.type, first.caps);
    return ok(ANY_BOOL, intersection(first.caps, second.caps));
  }

  /** A binary operator, given the type of its left operand. */
  private binaryStep(op: BinaryOp, first: TypedOk, left: Expr, right: Expr, caps: Capabilities): Typed {
    const second = this.typeOf(right, caps);
    if (!second.ok) return second;
    const [leftType, rightType] = [first.type, second.type];
    switch (op) {
      case '==':
      case '!=': {
        if (right.kind === 'slot') return ok(ANY_BOOL);
        const equal = this.typeOfEq(leftType, rightType, left, right);
        if (!equal.ok || op === '==' || equal.type.kind !== 'bool') return equal;
        return ok({ kind: 'bool', value: notBool(equal.type.value) });
      }
      case 'in':
        return this.typeOfIn(leftType, rightType, left, right);
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (leftType.kind === 'long' && rightType.kind === 'long') return ok(ANY_BOOL);
        if (leftType.kind === 'extension' && (leftType.name === 'datetime' || leftType.name === 'duration')) {
          return sameKind(leftType, rightType) ? ok(ANY_BOOL) : unexpected(rightType, leftType.name);
        }
        return leftType.kind === 'long' ? unexpected(rightType, 'Long') : unexpected(leftType, 'Long');
      case '+':
      case '-':
      case '*':
        if (leftType.kind !== 'long') return unexpected(leftType, 'Long');
        return rightType.kind === 'long' ? ok(LONG) : unexpected(rightType, 'Long');
      case 'contains':
        if (leftType.kind !== 'set') return unexpected(leftType, 'Set');
        return lub(rightType, leftType.element) === undefined
          ? incompatible(rightType, leftType.element)
          : ok(ANY_BOOL);
      case 'containsAll':
      case 'containsAny':
        if (leftType.kind !== 'set') return unexpected(leftType, 'Set');
        if (rightType.kind !== 'set') return unexpected(rightType, 'Set');
        return lub(leftType.element, rightType.element) === undefined
          ? incompatible(leftType.element, rightType.element)
          : ok(ANY_BOOL);
      case 'hasTag':
      case 'getTag':
        if (leftType.kind !== 'entity') return unexpected(leftType, 'an entity');
        if (rightType.kind !== 'string') return unexpected(rightType, 'String');
        return op === 'hasTag'
          ? this.typeOfHasTag(leftType.name, left, right, caps)
          : this.typeOfGetTag(leftType.name, left, right, caps);
      default: {
        const unreachable: never = op;
        return unreachable;
      }
    }
  }

  private typeOfEq(leftType: Type, rightType: Type, left: Expr, right: Expr): Typed {
    if (left.kind === 'lit' && right.kind === 'lit')
      return ok(boolType(literalsEqual(left.value, right.value)));
    if (lub(leftType, rightType) !== undefined) return ok(ANY_BOOL);
    if (leftType.kind === 'entity' && rightType.kind === 'entity') return ok(FALSE_TYPE);
    return incompatible(leftType, rightType);
  }

  private isEntityDescendant(child: string, ancestor: string): boolean {
    return child === ancestor || (this.schema.entityTypes.get(child)?.ancestorTypes.has(ancestor) ?? false);
  }

  private actionDescendant(child: EntityUid, ancestor: EntityUid): boolean {
    const key = uidKey(ancestor);
    return uidKey(child) === key || (this.schema.actions.get(uidKey(child))?.ancestors.has(key) ?? false);
  }

  private actionLiteral(expr: Expr): EntityUid | undefined {
    if (expr.kind !== 'lit' || expr.value.type !== 'entity') return undefined;
    return this.schema.actions.has(uidKey(expr.value.uid)) ? expr.value.uid : undefined;
  }

  private typeOfIn(leftType: Type, rightType: Type, left: Expr, right: Expr): Typed {
    if (leftType.kind !== 'entity') return unexpected(leftType, 'an entity');
    if (right.kind === 'slot') return ok(ANY_BOOL);
    const action = this.actionLiteral(left);
    if (rightType.kind === 'entity') {
      if (action !== undefined && right.kind === 'lit' && right.value.type === 'entity') {
        return ok(boolType(this.actionDescendant(action, right.value.uid)));
      }
      return ok(this.isEntityDescendant(leftType.name, rightType.name) ? ANY_BOOL : FALSE_TYPE);
    }
    if (rightType.kind === 'set' && rightType.element.kind === 'entity') {
      const uids =
        right.kind === 'set'
          ? right.elements.map((element) =>
              element.kind === 'lit' && element.value.type === 'entity' ? element.value.uid : undefined,
            )
          : [undefined];
      if (action !== undefined && uids.every((uid) => uid !== undefined)) {
        return ok(boolType(uids.some((uid) => uid !== undefined && this.actionDescendant(action, uid))));
      }
      return ok(this.isEntityDescendant(leftType.name, rightType.element.name) ? ANY_BOOL : FALSE_TYPE);
    }
    return unexpected(rightType, 'an entity or a set of entities');
  }

  private typeOfHasTag(entityType: string, target: Expr, tag: Expr, caps: Capabilities): Typed {
    const definition = this.schema.entityTypes.get(entityType);
    if (definition === undefined) {
      return this.schema.actionEntityTypes.has(entityType)
        ? ok(FALSE_TYPE)
        : fail('unrecognizedEntityType', `unrecognized entity type \`${entityType}\``);
    }
    if (definition.tags === undefined) return ok(FALSE_TYPE);
    const capability = tagCapability(target, tag);
    return caps.has(capability) ? ok(TRUE_TYPE) : ok(ANY_BOOL, new Set([capability]));
  }

  private typeOfGetTag(entityType: string, target: Expr, tag: Expr, caps: Capabilities): Typed {
    const definition = this.schema.entityTypes.get(entityType);
    if (definition === undefined)
      return fail('unrecognizedEntityType', `unrecognized entity type \`${entityType}\``);
    if (definition.tags === undefined)
      return fail('noTagsAllowed', `tags are not allowed on entity type \`${entityType}\``);
    if (!caps.has(tagCapability(target, tag))) {
      const shown =
        tag.kind === 'lit' && tag.value.type === 'string' ? `\`${tag.value.value}\`` : 'of an unknown name';
      return fail(
        'unsafeTagAccess',
        `unable to guarantee safety of access to tag ${shown} on entity type \`${entityType}\``,
      );
    }
    return ok(fromSchemaType(definition.tags));
  }

  private recordOf(type: Type): RecordTypeT | 'action' | 'unknown' | undefined {
    if (type.kind === 'record') return type;
    if (type.kind !== 'entity') return undefined;
    const definition = this.schema.entityTypes.get(type.name);
    if (definition !== undefined) return fromSchemaType(definition.shape) as RecordTypeT;
    return this.schema.actionEntityTypes.has(type.name) ? 'action' : 'unknown';
  }

  private typeOfHasAttr(type: Type, target: Expr, attr: string, caps: Capabilities): Typed {
    const record = this.recordOf(type);
    if (record === undefined) return unexpected(type, 'an entity or a record');
    if (record === 'action') return ok(FALSE_TYPE);
    if (record === 'unknown')
      return fail('unrecognizedEntityType', `unrecognized entity type \`${showType(type)}\``);
    const attribute = record.attributes.get(attr);
    if (attribute === undefined) return ok(FALSE_TYPE);
    const capability = attrCapability(target, attr);
    // A required record attribute is always there; an entity may be missing from the store.
    if (caps.has(capability) || (attribute.required && type.kind === 'record')) return ok(TRUE_TYPE);
    return ok(ANY_BOOL, new Set([capability]));
  }

  private typeOfGetAttr(type: Type, target: Expr, attr: string, caps: Capabilities): Typed {
    const record = this.recordOf(type);
    if (record === undefined) return unexpected(type, 'an entity or a record');
    if (record === 'action' || record === 'unknown') {
      return fail(
        'unrecognizedEntityType',
        record === 'action'
          ? `attribute \`${attr}\` on entity type \`${showType(type)}\` not found`
          : `unrecognized entity type \`${showType(type)}\``,
      );
    }
    const attribute = record.attributes.get(attr);
    const owner = type.kind === 'entity' ? `entity type \`${type.name}\`` : 'record';
    if (attribute === undefined) {
      const help = suggestion(attr, record.attributes.keys());
      return fail('attributeNotFound', `attribute \`${attr}\` on ${owner} not found`, help);
    }
    if (!attribute.required && !caps.has(attrCapability(target, attr))) {
      return fail(
        'unsafeOptionalAttributeAccess',
        `unable to guarantee safety of access to optional attribute \`${attr}\` on ${owner}`,
      );
    }
    return ok(attribute.type);
  }

  private typeOfSet(elements: readonly Expr[], caps: Capabilities): Typed {
    const types: Type[] = [];
    for (const element of elements) {
      const typed = this.typeOf(element, caps);
      if (!typed.ok) return typed;
      types.push(typed.type);
    }
    const [first, ...rest] = types;
    if (first === undefined) return fail('emptySetForbidden', 'empty set literals are forbidden in policies');
    let joined: Type = first;
    for (const type of rest) {
      const next = lub(joined, type);
      if (next === undefined) return incompatible(joined, type);
      joined = next;
    }
    return ok({ kind: 'set', element: joined });
  }

  private typeOfCall(fn: string, args: readonly Expr[], caps: Capabilities): Typed {
    const types: Type[] = [];
    for (const arg of args) {
      const typed = this.typeOf(arg, caps);
      if (!typed.ok) return typed;
      types.push(typed.type);
    }
    const constructor = CONSTRUCTORS.get(fn);
    if (constructor !== undefined) {
      if (args.length !== 1)
        return fail(
          'wrongNumberArguments',
          `wrong number of arguments in extension function application. Expected 1, got ${args.length}`,
        );
      const [arg] = args;
      if (arg === undefined || arg.kind !== 'lit')
        return fail(
          'nonLitExtConstructor',
          'extension constructors may not be called with non-literal expressions',
        );
      if (arg.value.type !== 'string') return unexpected(types[0] ?? STRING, 'String');
      if (!constructor.isValid(arg.value.value)) {
        return fail(
          'extensionArgumentValidation',
          `error during extension function argument validation: failed to parse as ${constructor.what}: \`${arg.value.value}\``,
        );
      }
      return ok(constructor.result);
    }
    const signature = FUNCTIONS.get(fn);
    if (signature === undefined) return fail('undefinedFunction', `undefined extension function \`${fn}\``);
    if (types.length !== signature.params.length) {
      return fail(
        'wrongNumberArguments',
        `wrong number of arguments in extension function application. Expected ${signature.params.length}, got ${types.length}`,
      );
    }
    for (const [index, param] of signature.params.entries()) {
      const actual = types[index] as Type;
      if (!sameKind(actual, param)) return unexpected(actual, showType(param));
    }
    return ok(signature.result);
  }
}
