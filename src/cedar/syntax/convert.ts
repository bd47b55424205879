// Concrete syntax tree → policy AST, with the checks Cedar makes at this step
// and its messages: reserved identifiers, variables, the shape of each scope
// constraint, `Action` types in the action scope, slots outside the scope,
// escapes, integer bounds, methods and functions and their arities, record
// keys. Errors are collected, not thrown, so a policy set reports all of them
// in source order; a construct with an error converts to `undefined`.
import type {
  ActionConstraint,
  Annotation,
  BinaryOp,
  Condition,
  EntityTarget,
  EntityUid,
  Expr,
  Policy,
  ScopeConstraint,
  SlotId,
  SourceSpan,
  Var,
} from './ast.js';
import type { CstAccess, CstExpr, CstName, CstPolicy, CstVariableDef, RelOp } from './cst.js';
import type { ParseError } from './errors.js';
import { HAS_PATH_TOO_LONG, MAX_EXPRESSION_DEPTH, MAX_HAS_PATH, exprChildren, exprDepth } from './depth.js';
import { extensionCallStyle } from './functions.js';
import type { Token } from './lexer.js';
import { unescapePattern, unescapeString, type Unescaped } from './unescape.js';

const VARS: ReadonlySet<string> = new Set(['principal', 'action', 'resource', 'context']);

// With no more accesses than this, a tree is at most this much deeper than the parser's nesting limit allows.
const MAX_NESTING_UNCHECKED_ACCESSES = 200;

export const RESERVED: ReadonlySet<string> = new Set([
  'true',
  'false',
  'if',
  'then',
  'else',
  'in',
  'is',
  'like',
  'has',
]);

export const RESERVED_NAMESPACE = '__cedar';

const IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** Whether a string is an entity type name: identifiers joined by `::`, none of them reserved. */
export function isEntityTypeName(name: string): boolean {
  return name
    .split('::')
    .every((segment) => IDENTIFIER.test(segment) && !RESERVED.has(segment) && segment !== RESERVED_NAMESPACE);
}

export const I64_MAX = 9223372036854775807n;
export const I64_MIN = -I64_MAX - 1n;

const SCOPE_HELP = 'policy scopes must contain a `principal`, `action`, and `resource` element in that order';

/** The methods built into the language, with the number of arguments after the receiver. */
const BUILTIN_METHODS: ReadonlyMap<string, number> = new Map([
  ['contains', 1],
  ['containsAll', 1],
  ['containsAny', 1],
  ['isEmpty', 0],
  ['getTag', 1],
  ['hasTag', 1],
]);

const FUNCTION_NAMES = ['ip', 'decimal', 'datetime', 'duration'];

function span(start: number, end: number): SourceSpan {
  return { start, end };
}

function tokenSpan(token: Token): SourceSpan {
  return { start: token.start, end: token.end };
}

function nameText(name: CstName): string {
  return name.segments.map((segment) => segment.text).join('::');
}

/** The body of a string literal token, without its quotes. */
function stringBody(token: Token): string {
  return token.text.slice(1, -1);
}

/** Edit distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function suggestFunction(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of FUNCTION_NAMES) {
    const distance = editDistance(name, candidate);
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  return best !== undefined && best.distance <= 3 ? `did you mean \`${best.name}\`?` : undefined;
}

export function isActionType(type: string): boolean {
  return type === 'Action' || type.endsWith('::Action');
}

/** A character as Rust's `escape_debug` writes it, which is how Cedar quotes entity ids. */
function escapeDebug(ch: string): string {
  switch (ch) {
    case '\0':
      return '\\0';
    case '\t':
      return '\\t';
    case '\r':
      return '\\r';
    case '\n':
      return '\\n';
    case '\\':
      return '\\\\';
    case '"':
      return '\\"';
    case "'":
      return "\\'";
    default: {
      const code = ch.codePointAt(0) ?? 0;
      const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
      return control ? `\\u{${code.toString(16)}}` : ch;
    }
  }
}

/** A uid as Cedar prints it in messages: `Type::"id"` with the id escaped. */
export function displayUid(uid: EntityUid): string {
  return `${uid.type}::"${Array.from(uid.id, escapeDebug).join('')}"`;
}

/** `a`, `a` and `b`, `a`, `b`, and `c`. */
export function joinWithAnd(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1) ?? ''}`;
}

export class Converter {
  readonly errors: ParseError[] = [];
  // Member accesses, method calls and `has` path steps read so far: each is a level of the tree that the parser's nesting limit does not count.
  private accessCount = 0;

  constructor(private readonly text: string) {}

  /**
   * Refuses an expression whose tree, chains aside, is deeper than the stages
   * after the parser can walk recursively. Parentheses and the like are
   * bounded by the parser; what can go deeper is a long run of `.a` or
   * `.f()`, so the tree is only measured when the expression has many.
   */
  /** Converts an expression read on its own, such as the argument of `cedar evaluate`. */
  expression(cst: CstExpr): Expr | undefined {
    const accessesBefore = this.accessCount;
    const expr = this.expr(cst);
    return expr === undefined ? undefined : this.checkDepth(expr, accessesBefore);
  }

  private checkDepth(expr: Expr, accessesBefore: number): Expr | undefined {
    if (this.accessCount - accessesBefore <= MAX_NESTING_UNCHECKED_ACCESSES) return expr;
    if (exprDepth(expr, true) <= MAX_EXPRESSION_DEPTH) return expr;
    return this.fail(
      `expressions are nested too deeply: the limit is ${MAX_EXPRESSION_DEPTH} levels, counting each member access, method call and step of a \`has\` path`,
      expr.span ?? { start: 0, end: 0 },
    );
  }

  private fail(message: string, where: SourceSpan, help?: string): undefined {
    this.errors.push(help === undefined ? { message, span: where } : { message, span: where, help });
    return undefined;
  }

  private source(where: SourceSpan): string {
    return this.text.slice(where.start, where.end);
  }

  policy(cst: CstPolicy, defaultId: string, idAnnotation: boolean): Policy | undefined {
    const before = this.errors.length;
    const annotations = this.annotations(cst);
    const effect = cst.effect.text;
    if (effect !== 'permit' && effect !== 'forbid')
      this.fail(
        `invalid policy effect: ${effect}`,
        tokenSpan(cst.effect),
        'effect must be either `permit` or `forbid`',
      );
    const principal = this.scopeElement(cst, 0, 'principal');
    const action = this.scopeElement(cst, 1, 'action');
    const resource = this.scopeElement(cst, 2, 'resource');
    const extra = cst.variables[3];
    if (extra !== undefined)
      this.fail(
        `this policy has an extra element in the scope: ${this.source(extra.span)}`,
        extra.span,
        SCOPE_HELP,
      );
    const accessesBefore = this.accessCount;
    const conditions = cst.conditions.map((condition) => {
      const converted = this.condition(condition);
      return converted === undefined || this.checkDepth(converted.body, accessesBefore) === undefined
        ? undefined
        : converted;
    });
    if (this.errors.length > before) return undefined;
    // INVARIANT: with no error recorded, every part converted.
    const scope = [principal, action, resource] as const;
    if (scope.some((part) => part === undefined) || annotations === undefined)
      throw new Error('a policy part failed without an error');
    const idAnnotationValue = idAnnotation
      ? annotations.find((annotation) => annotation.key === 'id')
      : undefined;
    const principalScope = principal as ScopeConstraint;
    const resourceScope = resource as ScopeConstraint;
    return {
      id: idAnnotationValue === undefined ? defaultId : (idAnnotationValue.value ?? ''),
      kind: hasSlot(principalScope) || hasSlot(resourceScope) ? 'template' : 'static',
      effect: effect as 'permit' | 'forbid',
      annotations,
      principal: principalScope,
      action: action as ActionConstraint,
      resource: resourceScope,
      conditions: conditions as Condition[],
      span: cst.span,
    };
  }

  private annotations(cst: CstPolicy): Annotation[] | undefined {
    const annotations: Annotation[] = [];
    const seen = new Set<string>();
    let ok = true;
    for (const annotation of cst.annotations) {
      const key = annotation.key.text;
      let value: string | undefined;
      if (annotation.value !== undefined) {
        value = this.unescaped(unescapeString(stringBody(annotation.value)), annotation.span);
        if (value === undefined) {
          ok = false;
          continue;
        }
      }
      if (seen.has(key)) {
        this.fail(`duplicate annotation: @${key}`, annotation.span);
        ok = false;
        continue;
      }
      seen.add(key);
      annotations.push(
        value === undefined ? { key, span: annotation.span } : { key, value, span: annotation.span },
      );
    }
    return ok ? annotations : undefined;
  }

  private unescaped<T>(result: Unescaped<T>, where: SourceSpan): T | undefined {
    if (result.ok) return result.value;
    for (const escape of result.invalid) this.fail(`the input \`${escape}\` is not a valid escape`, where);
    return undefined;
  }

  private scopeElement(
    cst: CstPolicy,
    index: number,
    expected: 'principal' | 'action' | 'resource',
  ): ScopeConstraint | ActionConstraint | undefined {
    const def = cst.variables[index];
    if (def === undefined) {
      const last = cst.variables.at(-1);
      const at = last === undefined ? cst.openParen.start : last.span.end;
      return this.fail(
        `this policy is missing the \`${expected}\` variable in the scope`,
        span(at, at),
        SCOPE_HELP,
      );
    }
    const variable = def.variable.text;
    if (variable !== 'principal' && variable !== 'action' && variable !== 'resource')
      return this.fail(
        `found an invalid variable in the policy scope: ${variable}`,
        tokenSpan(def.variable),
        SCOPE_HELP,
      );
    if (variable !== expected)
      return this.fail(
        `found the variable \`${variable}\` where the variable \`${expected}\` must be used`,
        def.span,
        SCOPE_HELP,
      );
    if (def.typeConstraint !== undefined)
      return this.fail(
        'type constraints using `:` are not supported',
        def.typeConstraint.span,
        'try using `is` instead',
      );
    return expected === 'action' ? this.actionScope(def) : this.entityScope(def, expected);
  }

  private entityScope(def: CstVariableDef, variable: 'principal' | 'resource'): ScopeConstraint | undefined {
    const where = def.span;
    const relation = def.relation;
    // Cedar reads the entity first, then the operator, then the type of `is`.
    const target = relation === undefined ? undefined : this.entityTarget(relation.target, variable);
    if (relation !== undefined && target === undefined) return undefined;
    if (def.entityType !== undefined) {
      if (relation?.op === '==')
        return this.fail('`is` cannot be used together with `==`', where, 'try using `_ is _ in _`');
      if (relation !== undefined && relation.op !== 'in')
        return this.invalidScopeOperator(relation.op, where);
      const entityType = this.isType(def.entityType, variable);
      if (entityType === undefined) return undefined;
      return target === undefined
        ? { op: 'is', entityType, span: where }
        : { op: 'is', entityType, in: target, span: where };
    }
    if (relation === undefined || target === undefined) return { op: 'all', span: where };
    if (relation.op !== '==' && relation.op !== 'in') return this.invalidScopeOperator(relation.op, where);
    return { op: relation.op, target, span: where };
  }

  private invalidScopeOperator(
    op: RelOp,
    where: SourceSpan,
    scope: 'policy' | 'action' = 'policy',
  ): undefined {
    if (op === '=') return this.singleEquals(where);
    return this.fail(
      `invalid operator in the ${scope} scope: ${op}`,
      where,
      scope === 'policy'
        ? 'policy scope clauses can only use `==`, `in`, `is`, or `_ is _ in _`'
        : 'action scope clauses can only use `==` or `in`',
    );
  }

  private singleEquals(where: SourceSpan): undefined {
    return this.fail("'=' is not a valid operator in Cedar", where, "try using '==' instead");
  }

  /** The target of `principal ==`/`in`: an entity, or the slot of that variable. */
  private entityTarget(cst: CstExpr, variable: 'principal' | 'resource'): EntityTarget | undefined {
    const inner = unparenthesize(cst);
    const expected = 'an entity uid or matching template slot';
    if (inner.kind === 'slot') {
      const slot = inner.token.text;
      if (slot !== `?${variable}`)
        return this.fail(`expected ${expected}, found ${slot} instead of ?${variable}`, inner.span);
      return { kind: 'slot', id: slot as SlotId };
    }
    if (inner.kind === 'list')
      return this.fail('expected single entity uid or template slot, found set of entity uids', inner.span);
    const uid = this.scopeUid(inner, expected);
    return uid === undefined ? undefined : { kind: 'entity', uid };
  }

  private actionScope(def: CstVariableDef): ActionConstraint | undefined {
    const where = def.span;
    if (def.entityType !== undefined)
      return this.fail(
        '`is` cannot appear in the action scope',
        where,
        'try moving `action is ..` into a `when` condition',
      );
    const relation = def.relation;
    if (relation === undefined) return { op: 'all', span: where };
    const target = unparenthesize(relation.target);
    if (relation.op === '==') {
      const uid = this.actionUid(target, 'single entity uid');
      if (uid === undefined || !this.actionTypes([uid], target.span)) return undefined;
      return { op: '==', uid, span: where };
    }
    if (relation.op !== 'in') return this.invalidScopeOperator(relation.op, where, 'action');
    if (target.kind === 'list') {
      const uids = target.elements.map((element) =>
        this.actionUid(unparenthesize(element), 'single entity uid'),
      );
      if (uids.some((uid) => uid === undefined)) return undefined;
      const read = uids as EntityUid[];
      if (!this.actionTypes(read, target.span)) return undefined;
      return { op: 'in', uids: read, isList: true, span: where };
    }
    const uid = this.actionUid(target, 'single entity uid or set of entity uids');
    if (uid === undefined || !this.actionTypes([uid], target.span)) return undefined;
    return { op: 'in', uids: [uid], isList: false, span: where };
  }

  private actionUid(cst: CstExpr, expected: string): EntityUid | undefined {
    if (cst.kind === 'slot') return this.fail(`expected ${expected}, found template slot`, cst.span);
    if (cst.kind === 'list') return this.fail(`expected ${expected}, found set of entity uids`, cst.span);
    // `single entity uid` for slots and sets, `an entity uid` for anything else.
    return this.scopeUid(cst, expected.replace(/^single /, 'an '));
  }

  private actionTypes(uids: readonly EntityUid[], where: SourceSpan): boolean {
    const wrong = uids.filter((uid) => !isActionType(uid.type));
    if (wrong.length === 0) return true;
    const subject = wrong.length > 1 ? 'entity uids' : 'an entity uid';
    this.fail(
      `expected ${subject} with type \`Action\` but got ${joinWithAnd(wrong.map((uid) => `\`${displayUid(uid)}\``))}`,
      where,
      'action entities must have type `Action`, optionally in a namespace',
    );
    return false;
  }

  /** An entity literal where the scope needs one; anything else is named in the error. */
  private scopeUid(cst: CstExpr, expected: string): EntityUid | undefined {
    if (cst.kind === 'ref') return this.entityUid(cst.name, cst.id);
    if (cst.kind === 'refInits') return this.invalidEntityLiteral(cst.span);
    const [found, help] = this.describe(cst);
    // Cedar suggests `is` for a bare name only where `is` is allowed.
    const suggestion =
      cst.kind === 'name' && expected.startsWith('an entity uid') && !expected.includes('slot')
        ? 'try including an identifier string if you intended this name to be an entity uid'
        : help;
    return this.fail(`expected ${expected}, found ${found}`, cst.span, suggestion);
  }

  private describe(cst: CstExpr): [string, string | undefined] {
    switch (cst.kind) {
      case 'if':
        return ['an `if` expression', undefined];
      case 'or':
      case 'and': {
        const op = cst.kind === 'or' ? '||' : '&&';
        const destination = cst.kind === 'or' ? 'a new policy' : 'a `when` condition';
        return [
          `a \`${op}\` expression`,
          `the policy scope can only contain one constraint per variable. Consider moving the second operand of this \`${op}\` into ${destination}`,
        ];
      }
      case 'relation':
        return ['a binary operator', undefined];
      case 'has':
        return ['a `has` expression', undefined];
      case 'like':
        return ['a `like` expression', undefined];
      case 'is':
        return ['an `is` expression', undefined];
      case 'arith': {
        const [first] = cst.rest;
        if (first !== undefined && (first.op === '+' || first.op === '-'))
          return [
            'a `+/-` expression',
            'entity types and namespaces cannot use `+` or `-` characters -- perhaps try `_` or `::` instead?',
          ];
        return ['a `*` expression', undefined];
      }
      case 'unary':
        return [`a \`${cst.op}\` expression`, undefined];
      case 'member':
        return [
          'a `.` expression',
          'entity types and namespaces cannot use `.` characters -- perhaps try `_` or `::` instead?',
        ];
      case 'bool':
      case 'number':
        return [`literal \`${this.source(cst.span)}\``, undefined];
      case 'string':
        return [
          `literal \`${this.source(cst.span)}\``,
          'try including the entity type if you intended this string to be an entity uid',
        ];
      case 'name':
        return [
          `name \`${nameText(cst.name)}\``,
          'try using `is` to test for an entity type or including an identifier string if you intended this name to be an entity uid',
        ];
      case 'record':
        return ['record initializer', undefined];
      case 'list':
        return ['set of entity uids', undefined];
      case 'slot':
        return ['template slot', undefined];
      case 'paren':
        return this.describe(cst.inner);
      case 'ref':
      case 'refInits':
      case 'error':
        return ['an entity uid', undefined];
      default: {
        const unreachable: never = cst;
        return unreachable;
      }
    }
  }

  private invalidEntityLiteral(where: SourceSpan): undefined {
    return this.fail(
      `invalid entity literal: ${this.source(where)}`,
      where,
      'entity literals should have a form like `Namespace::User::"alice"`',
    );
  }

  private entityUid(name: CstName, id: Token): EntityUid | undefined {
    const type = this.path(name);
    const value = this.unescaped(unescapeString(stringBody(id)), span(name.span.start, id.end));
    return type === undefined || value === undefined ? undefined : { type, id: value };
  }

  /** A name used as a type or namespace: no reserved segment, no `__cedar`. */
  private path(name: CstName): string | undefined {
    const segments = name.segments;
    let reserved: Token | undefined;
    let text = '';
    for (const [index, segment] of segments.entries()) {
      if (segment.text === RESERVED_NAMESPACE)
        return this.fail(
          `The name \`${nameText(name)}\` contains \`${RESERVED_NAMESPACE}\`, which is reserved`,
          name.span,
        );
      if (reserved === undefined && RESERVED.has(segment.text)) reserved = segment;
      text = index === 0 ? segment.text : `${text}::${segment.text}`;
    }
    if (reserved !== undefined) return this.reservedIdentifier(reserved.text, tokenSpan(reserved));
    return text;
  }

  private reservedIdentifier(word: string, where: SourceSpan): undefined {
    return this.fail(`this identifier is reserved and cannot be used: ${word}`, where);
  }

  /** An identifier used as an attribute or field name. */
  private attribute(token: Token, where: SourceSpan = tokenSpan(token)): string | undefined {
    if (token.text === RESERVED_NAMESPACE)
      return this.fail(
        `The name \`${RESERVED_NAMESPACE}\` contains \`${RESERVED_NAMESPACE}\`, which is reserved`,
        tokenSpan(token),
      );
    if (RESERVED.has(token.text)) return this.reservedIdentifier(token.text, where);
    return token.text;
  }

  private isType(cst: CstExpr, variable: string, target?: CstExpr): string | undefined {
    if (cst.kind === 'name') return this.path(cst.name);
    const before = this.errors.length;
    if (cst.kind !== 'slot' && cst.kind !== 'string') this.expr(cst);
    if (this.errors.length > before) return undefined;
    const got = this.source(cst.span);
    const subject = target === undefined ? variable : this.source(target.span);
    const unquoted = cst.kind === 'string' ? unescapeString(stringBody(cst.token)) : undefined;
    const help = unquoted?.ok
      ? `try removing the quotes: \`${subject} is ${unquoted.value}\``
      : `try using \`==\` to test for equality: \`${subject} == ${got}\``;
    return this.fail(
      `right hand side of an \`is\` expression must be an entity type name, but got \`${got}\``,
      cst.span,
      help,
    );
  }

  private condition(cst: CstPolicy['conditions'][number]): Condition | undefined {
    const keyword = cst.keyword.text;
    if (keyword !== 'when' && keyword !== 'unless')
      return this.fail(
        `invalid policy condition: ${keyword}`,
        tokenSpan(cst.keyword),
        'condition must be either `when` or `unless`',
      );
    if (cst.body === undefined) return this.fail(`\`${keyword}\` condition clause cannot be empty`, cst.span);
    const body = this.expr(cst.body);
    if (body === undefined) return undefined;
    // Cedar looks for slots once the condition has been read.
    const slots: (Expr & { kind: 'slot' })[] = [];
    collectSlots(body, slots);
    for (const slot of slots)
      this.fail(
        `found template slot ${slot.id} in a \`${keyword}\` clause`,
        slot.span ?? cst.span,
        `slots are currently unsupported in \`${keyword}\` clauses`,
      );
    return slots.length > 0 ? undefined : { kind: keyword, body, span: cst.span };
  }

  /** An expression; `clause` names the condition it is in, for slots found there. */
  expr(cst: CstExpr): Expr | undefined {
    const where = cst.span;
    switch (cst.kind) {
      case 'if': {
        const cond = this.expr(cst.cond);
        const then = this.expr(cst.then);
        const otherwise = this.expr(cst.else);
        if (cond === undefined || then === undefined || otherwise === undefined) return undefined;
        return { kind: 'ite', cond, then, else: otherwise, span: where };
      }
      case 'or':
      case 'and': {
        const kind = cst.kind;
        const operands = this.operands(cst.operands[0] as CstExpr, cst.operands.slice(1));
        return operands?.reduce((left, right) => ({
          kind,
          left,
          right,
          span: span(where.start, right.span?.end ?? where.end),
        }));
      }
      case 'relation':
        return this.relation(cst);
      case 'has':
        return this.has(cst.target, cst.field, where);
      case 'like': {
        const arg = this.expr(cst.target);
        if (cst.pattern.kind !== 'string')
          return this.fail(
            `right hand side of a \`like\` expression must be a pattern literal, but got \`${this.source(cst.pattern.span)}\``,
            cst.pattern.span,
          );
        const pattern = this.unescaped(unescapePattern(stringBody(cst.pattern.token)), cst.pattern.span);
        if (arg === undefined || pattern === undefined) return undefined;
        return { kind: 'like', arg, pattern, span: where };
      }
      case 'is': {
        const arg = this.expr(cst.target);
        const entityType = this.isType(cst.type, '', cst.target);
        if (entityType === undefined) return undefined;
        const inExpr = cst.in === undefined ? undefined : this.expr(cst.in);
        if (arg === undefined || (cst.in !== undefined && inExpr === undefined)) return undefined;
        return inExpr === undefined
          ? { kind: 'is', arg, entityType, span: where }
          : { kind: 'is', arg, entityType, in: inExpr, span: where };
      }
      case 'arith': {
        const unsupported = cst.rest.find((step) => step.op === '/' || step.op === '%');
        const operands = this.operands(
          cst.first,
          cst.rest.map((step) => step.right),
          () => {
            if (unsupported === undefined) return true;
            this.fail(
              unsupported.op === '/' ? 'division is not supported' : 'remainder/modulo is not supported',
              where,
            );
            return false;
          },
        );
        if (operands === undefined) return undefined;
        const ops = cst.rest.map((step) => step.op as BinaryOp);
        return operands.reduce((left, right, index) => ({
          kind: 'binary',
          op: ops[index - 1] as BinaryOp,
          left,
          right,
          span: span(where.start, right.span?.end ?? where.end),
        }));
      }
      case 'unary':
        return this.unary(cst);
      case 'member':
        return this.member(cst.item, cst.access, where);
      case 'bool':
        return { kind: 'lit', value: { type: 'bool', value: cst.value }, span: where };
      case 'number':
        return this.long(BigInt(cst.token.text), cst.token.text, where);
      case 'string': {
        const value = this.unescaped(unescapeString(stringBody(cst.token)), where);
        return value === undefined
          ? undefined
          : { kind: 'lit', value: { type: 'string', value }, span: where };
      }
      case 'ref': {
        const uid = this.entityUid(cst.name, cst.id);
        return uid === undefined ? undefined : { kind: 'lit', value: { type: 'entity', uid }, span: where };
      }
      case 'refInits':
        return this.invalidEntityLiteral(where);
      case 'name':
        return this.variable(cst.name);
      case 'slot':
        return this.slot(cst.token);
      case 'paren':
        return this.expr(cst.inner);
      case 'list': {
        const elements = cst.elements.map((element) => this.expr(element));
        if (elements.some((element) => element === undefined)) return undefined;
        return { kind: 'set', elements: elements as Expr[], span: where };
      }
      case 'record':
        return this.record(cst);
      case 'error':
        return undefined;
      default: {
        const unreachable: never = cst;
        return unreachable;
      }
    }
  }

  /**
   * The operands of a chain `first op right op right ...`, or undefined when
   * one fails or `check` (the operator's own error) does. Cedar keeps a first
   * operand that is a bare name or a string literal unconverted until the rest
   * of the chain has been read, so its error comes last, and not at all when
   * anything else fails; so does this.
   */
  private operands(
    first: CstExpr,
    rest: readonly CstExpr[],
    check: () => boolean = () => true,
  ): Expr[] | undefined {
    const deferred = first.kind === 'name' || first.kind === 'string';
    const early = deferred ? undefined : this.expr(first);
    const rights = rest.map((operand) => this.expr(operand));
    if ((!deferred && early === undefined) || rights.some((right) => right === undefined)) return undefined;
    if (!check()) return undefined;
    const left = deferred ? this.expr(first) : early;
    return left === undefined ? undefined : [left, ...(rights as Expr[])];
  }

  private relation(cst: CstExpr & { kind: 'relation' }): Expr | undefined {
    const [step] = cst.rest;
    const operands = this.operands(
      cst.first,
      cst.rest.map((item) => item.right),
      () => {
        if (cst.rest.length > 1)
          this.fail(
            'multiple relational operators (>, ==, in, etc.) must be used with parentheses to make ordering explicit',
            cst.span,
          );
        else if (step?.op === '=') this.singleEquals(cst.span);
        else return true;
        return false;
      },
    );
    const [left, right] = operands ?? [];
    if (step === undefined || step.op === '=' || left === undefined || right === undefined) return undefined;
    return { kind: 'binary', op: step.op, left, right, span: cst.span };
  }

  private has(target: CstExpr, field: CstExpr, where: SourceSpan): Expr | undefined {
    const arg = this.expr(target);
    const path = this.hasPath(field);
    if (arg === undefined || path === undefined) return undefined;
    if (path.length > MAX_HAS_PATH) return this.fail(HAS_PATH_TOO_LONG, field.span);
    // `x has a.b.c` tests `x.a.b has c`: its path counts as accesses.
    this.accessCount += path.length;
    return { kind: 'has', arg, path, span: where };
  }

  /** The right of `has`: a string literal, or identifiers separated by `.`. */
  private hasPath(field: CstExpr): [string, ...string[]] | undefined {
    if (field.kind === 'string') {
      const value = this.unescaped(unescapeString(stringBody(field.token)), field.span);
      return value === undefined ? undefined : [value];
    }
    const head = field.kind === 'member' ? field.item : field;
    const accesses = field.kind === 'member' ? field.access : [];
    if (head.kind === 'bool') return this.reservedIdentifier(this.source(head.span), head.span);
    if (head.kind !== 'name') return this.invalidHas(field, field.span);
    if (head.name.segments.length > 1)
      return this.fail(
        `\`${nameText(head.name)}\` cannot be used as an attribute as it contains a namespace`,
        head.span,
      );
    const invalidAccess = accesses.find((access) => access.kind !== 'field');
    if (invalidAccess !== undefined) return this.invalidHas(field, invalidAccess.span);
    const tokens = [
      head.name.segments[0] as Token,
      ...accesses.map((access) => (access as CstAccess & { kind: 'field' }).name),
    ];
    const names = tokens.map((token) => this.attribute(token));
    if (names.some((name) => name === undefined)) return undefined;
    return names as [string, ...string[]];
  }

  private invalidHas(field: CstExpr, where: SourceSpan): undefined {
    return this.fail(
      `invalid RHS of a \`has\` operation: ${this.source(field.span)}`,
      where,
      'valid RHS of a `has` operation is either a sequence of identifiers separated by `.` or a string literal',
    );
  }

  private unary(cst: CstExpr & { kind: 'unary' }): Expr | undefined {
    if (cst.count > 4)
      return this.fail(
        `too many occurrences of \`${cst.op}\``,
        cst.span,
        'cannot chain more the 4 applications of a unary operator',
      );
    let remaining = cst.count;
    let arg: Expr | undefined;
    if (cst.op === '-' && cst.item.kind === 'number') {
      // `-5` is the literal -5, so that -9223372036854775808 can be written.
      remaining -= 1;
      const written = cst.item.token.text;
      arg = this.long(-BigInt(written), written, cst.span, remaining === 0 ? cst.span : cst.item.span);
    } else {
      arg = this.expr(cst.item);
    }
    for (; arg !== undefined && remaining > 0; remaining -= 1)
      arg = { kind: cst.op === '!' ? 'not' : 'neg', arg, span: cst.span };
    return arg;
  }

  private long(
    value: bigint,
    written: string,
    errorSpan: SourceSpan,
    literalSpan: SourceSpan = errorSpan,
  ): Expr | undefined {
    if (value > I64_MAX || value < I64_MIN)
      return this.fail(
        `integer literal \`${written}\` is too large`,
        errorSpan,
        `maximum allowed integer literal is \`${I64_MAX}\``,
      );
    return { kind: 'lit', value: { type: 'long', value }, span: literalSpan };
  }

  private variable(name: CstName): Expr | undefined {
    const [first] = name.segments;
    if (name.segments.length === 1 && first !== undefined && VARS.has(first.text))
      return { kind: 'var', name: first.text as Var, span: name.span };
    if (this.path(name) === undefined) return undefined;
    const text = nameText(name);
    return this.fail(
      `invalid variable: ${text}`,
      name.span,
      `the valid Cedar variables are \`principal\`, \`action\`, \`resource\`, and \`context\`; did you mean to enclose \`${text}\` in quotes to make a string?`,
    );
  }

  private slot(token: Token): Expr | undefined {
    const where = tokenSpan(token);
    if (token.text !== '?principal' && token.text !== '?resource')
      return this.fail(
        `\`${token.text}\` is not a valid template slot`,
        where,
        'a template slot may only be `?principal` or `?resource`',
      );
    return { kind: 'slot', id: token.text, span: where };
  }

  private member(item: CstExpr, accesses: readonly CstAccess[], where: SourceSpan): Expr | undefined {
    this.accessCount += accesses.length;
    const start = where.start;
    let index = 0;
    let current: Expr | undefined;
    const [first] = accesses;
    if (item.kind === 'name' && first !== undefined) {
      const name = item.name;
      const text = nameText(name);
      if (first.kind === 'call') {
        current = this.functionCall(name, first.args, span(start, first.span.end), where);
        index = 1;
      } else {
        const isVar = name.segments.length === 1 && VARS.has(text);
        if (!isVar) {
          if (this.path(name) === undefined) return undefined;
          if (first.kind === 'index')
            return this.fail(
              `invalid indexing expression \`${text}[${this.source(first.arg.span)}]\`, \`${text}\` has no fields`,
              span(start, first.span.end),
            );
          const second = accesses[1];
          if (second?.kind === 'call')
            return this.fail(
              `attempted to call \`${text}.${first.name.text}(...)\`, but \`${text}\` does not have any methods`,
              span(start, second.span.end),
            );
          return this.fail(
            `invalid member access \`${text}.${first.name.text}\`, \`${text}\` has no fields or methods`,
            span(start, first.span.end),
          );
        }
        current = { kind: 'var', name: text as Var, span: item.span };
      }
    } else {
      current = this.expr(item);
      // Only a name can be called.
      if (current !== undefined && first?.kind === 'call')
        return this.fail(
          'function calls must be of the form `<name>(arg1, arg2, ...)`',
          span(start, first.span.end),
        );
    }
    for (; index < accesses.length; index += 1) {
      const access = accesses[index] as CstAccess;
      const next = accesses[index + 1];
      if (access.kind === 'field' && next?.kind === 'call') {
        index += 1;
        current = this.methodCall(current, access.name, next.args, span(start, next.span.end), where);
      } else if (access.kind === 'field') {
        const attr = this.attribute(access.name);
        if (current === undefined || attr === undefined) return undefined;
        current = { kind: 'getAttr', arg: current, attr, span: span(start, access.span.end) };
      } else if (access.kind === 'index') {
        if (access.arg.kind !== 'string')
          return this.fail(`invalid string literal: ${this.source(access.arg.span)}`, access.arg.span);
        const attr = this.unescaped(unescapeString(stringBody(access.arg.token)), access.arg.span);
        if (current === undefined || attr === undefined) return undefined;
        current = { kind: 'getAttr', arg: current, attr, span: span(start, access.span.end) };
      } else {
        if (current === undefined) return undefined;
        return this.fail(
          'function calls must be of the form `<name>(arg1, arg2, ...)`',
          span(start, access.span.end),
        );
      }
      if (current === undefined) return undefined;
    }
    return current;
  }

  private functionCall(
    name: CstName,
    argsCst: readonly CstExpr[],
    callSpan: SourceSpan,
    where: SourceSpan,
  ): Expr | undefined {
    const text = nameText(name);
    if (this.path(name) === undefined) return undefined;
    const args = argsCst.map((arg) => this.expr(arg));
    if (args.some((arg) => arg === undefined)) return undefined;
    if (name.segments.length === 1 && VARS.has(text))
      return this.fail(
        `\`${text}(...)\` is not a valid function call`,
        where,
        'variables cannot be called as functions',
      );
    const style = name.segments.length === 1 ? extensionCallStyle(text) : undefined;
    if (style === 'method' || (name.segments.length === 1 && BUILTIN_METHODS.has(text)))
      return this.fail(
        `\`${text}\` is a method, not a function`,
        where,
        `use a method-style call \`e.${text}(..)\``,
      );
    if (style === undefined)
      return this.fail(`\`${text}\` is not a valid function`, where, suggestFunction(text));
    return { kind: 'call', fn: text, args: args as Expr[], span: callSpan };
  }

  private methodCall(
    receiver: Expr | undefined,
    nameToken: Token,
    argsCst: readonly CstExpr[],
    callSpan: SourceSpan,
    where: SourceSpan,
  ): Expr | undefined {
    const name = this.attribute(nameToken);
    const args = argsCst.map((arg) => this.expr(arg));
    if (receiver === undefined || name === undefined || args.some((arg) => arg === undefined))
      return undefined;
    const read = args as Expr[];
    const arity = BUILTIN_METHODS.get(name);
    if (arity !== undefined) {
      if (read.length !== arity)
        return this.fail(
          `call to \`${name}\` requires exactly ${arity} argument${arity === 1 ? '' : 's'}, but got ${read.length} argument${read.length === 1 ? '' : 's'}`,
          where,
        );
      const [argument] = read;
      if (name === 'isEmpty' || argument === undefined)
        return { kind: 'isEmpty', arg: receiver, span: callSpan };
      return { kind: 'binary', op: name as BinaryOp, left: receiver, right: argument, span: callSpan };
    }
    const style = extensionCallStyle(name);
    if (style === 'function')
      return this.fail(
        `\`${name}\` is a function, not a method`,
        where,
        `use a function-style call \`${name}(..)\``,
      );
    if (style === undefined) return this.fail(`\`${name}\` is not a valid method`, where);
    return { kind: 'call', fn: name, args: [receiver, ...read], span: callSpan };
  }

  private record(cst: CstExpr & { kind: 'record' }): Expr | undefined {
    const fields: (readonly [string, Expr])[] = [];
    let ok = true;
    for (const init of cst.inits) {
      const key = this.recordKey(init.key, init.span);
      const value = this.expr(init.value);
      if (key === undefined || value === undefined) ok = false;
      else fields.push([key, value]);
    }
    if (!ok) return undefined;
    const seen = new Set<string>();
    for (const [key] of fields) {
      if (seen.has(key)) return this.fail(`duplicate key \`${key}\` in record literal`, cst.span);
      seen.add(key);
    }
    return { kind: 'record', fields, span: cst.span };
  }

  private recordKey(key: CstExpr, initSpan: SourceSpan): string | undefined {
    if (key.kind === 'string') return this.unescaped(unescapeString(stringBody(key.token)), key.span);
    if (key.kind === 'name') {
      const [first] = key.name.segments;
      if (key.name.segments.length > 1 || first === undefined)
        return this.fail(
          `\`${nameText(key.name)}\` cannot be used as an attribute as it contains a namespace`,
          key.span,
        );
      // `{if: 1}` goes through a grammar rule of its own, which locates the whole field.
      return this.attribute(first, first.text === 'if' ? initSpan : tokenSpan(first));
    }
    const before = this.errors.length;
    this.expr(key);
    if (this.errors.length > before) return undefined;
    return this.fail(
      `invalid attribute name: ${this.source(key.span)}`,
      key.span,
      'attribute names can either be identifiers or string literals',
    );
  }
}

/**
 * The slots of an expression, in the order they are written, added to
 * `found`. With a stack of its own: a chain of operators is a tree as deep as
 * it is long.
 */
export function collectSlots(root: Expr, found: (Expr & { kind: 'slot' })[]): void {
  const pending: Expr[] = [root];
  for (let expr = pending.pop(); expr !== undefined; expr = pending.pop()) {
    // Children are pushed last first, so that they come off the stack in written order.
    const children = exprChildren(expr);
    if (expr.kind === 'slot') found.push(expr);
    for (let index = children.length - 1; index >= 0; index -= 1) pending.push(children[index] as Expr);
  }
}

function unparenthesize(cst: CstExpr): CstExpr {
  return cst.kind === 'paren' ? unparenthesize(cst.inner) : cst;
}

function hasSlot(constraint: ScopeConstraint): boolean {
  switch (constraint.op) {
    case 'all':
      return false;
    case '==':
    case 'in':
      return constraint.target.kind === 'slot';
    case 'is':
      return constraint.in?.kind === 'slot';
    default: {
      const unreachable: never = constraint;
      return unreachable;
    }
  }
}
