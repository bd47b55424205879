// Policy text for a policy that has none of its own (one read from the JSON
// policy format, or built by hand), written as Cedar's `Display` writes it:
// one line, annotations sorted by key, every operand that is an operator
// application in parentheses except the left operand of the same `&&`, `||`,
// `+`, `-` or `*`, and strings escaped as Rust's `escape_debug` escapes them.
import {
  compareCodePoints,
  extensionCallStyle,
  type ActionConstraint,
  type EntityTarget,
  type EntityUid,
  type Expr,
  type Literal,
  type PatternElement,
  type Policy,
  type ScopeConstraint,
} from '../syntax/index.js';

const IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const RESERVED = new Set(['true', 'false', 'if', 'then', 'else', 'in', 'is', 'like', 'has', '__cedar']);
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\p{Default_Ignorable_Code_Point}]/u;
const COMBINING = /\p{Grapheme_Extend}/u;
const ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\t': '\\t',
  '\r': '\\r',
  '\n': '\\n',
  '\\': '\\\\',
  '"': '\\"',
  "'": "\\'",
};

/** `text` escaped as Rust's `str::escape_debug` escapes it. */
export function escapeDebug(text: string): string {
  let escaped = '';
  let first = true;
  for (const character of text) {
    const known = ESCAPES[character];
    if (known !== undefined) escaped += known;
    else if ((NOT_PRINTABLE.test(character) && character !== ' ') || (first && COMBINING.test(character))) {
      escaped += `\\u{${(character.codePointAt(0) as number).toString(16)}}`;
    } else escaped += character;
    first = false;
  }
  return escaped;
}

function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

function uidText(uid: EntityUid): string {
  return `${uid.type}::"${escapeDebug(uid.id)}"`;
}

function literalText(literal: Literal): string {
  switch (literal.type) {
    case 'bool':
      return String(literal.value);
    case 'long':
      return literal.value < 0n ? `(${literal.value})` : literal.value.toString();
    case 'string':
      return `"${escapeDebug(literal.value)}"`;
    case 'entity':
      return uidText(literal.uid);
    default: {
      const unreachable: never = literal;
      return unreachable;
    }
  }
}

function patternText(pattern: readonly PatternElement[]): string {
  return pattern
    .map((element) => (element.kind === 'wildcard' ? '*' : escapeDebug(element.text).replaceAll('*', '\\*')))
    .join('');
}

/** Expressions that never need parentheses around them as an operand. */
function isAtomic(expr: Expr): boolean {
  switch (expr.kind) {
    case 'lit':
    case 'var':
    case 'slot':
    case 'set':
    case 'record':
    case 'getAttr':
    case 'call':
    case 'isEmpty':
      return true;
    case 'binary':
      return METHOD_OPERATORS.has(expr.op);
    default:
      return false;
  }
}

function operand(expr: Expr): string {
  return isAtomic(expr) ? exprText(expr) : `(${exprText(expr)})`;
}

const CHAINED = new Set(['+', '-', '*']);
const METHOD_OPERATORS = new Set(['contains', 'containsAll', 'containsAny', 'getTag', 'hasTag']);

/** Whether `left`, the left operand of `op`, continues its chain, written without parentheses. */
function continuesChain(left: Expr, op: string): left is Extract<Expr, { kind: 'and' | 'or' | 'binary' }> {
  return (
    (left.kind === 'and' && op === '&&') ||
    (left.kind === 'or' && op === '||') ||
    (left.kind === 'binary' && left.op === op && CHAINED.has(op))
  );
}

/**
 * `a op b op ...`: a chain leans left, as deep as it is long, so it is
 * written with a loop over its operands rather than one call per operand.
 */
function chainText(expr: Extract<Expr, { kind: 'and' | 'or' | 'binary' }>, op: string): string {
  const rights: Expr[] = [];
  let node = expr;
  for (;;) {
    rights.push(node.right);
    if (!continuesChain(node.left, op)) break;
    node = node.left;
  }
  const operands = [operand(node.left)];
  for (let index = rights.length - 1; index >= 0; index -= 1) operands.push(operand(rights[index] as Expr));
  return operands.join(` ${op} `);
}

function attributeName(name: string): string {
  return isIdentifier(name) ? name : `"${escapeDebug(name)}"`;
}

/** One expression as Cedar's `Display` writes it. */
export function exprText(expr: Expr): string {
  switch (expr.kind) {
    case 'lit':
      return literalText(expr.value);
    case 'var':
      return expr.name;
    case 'slot':
      return expr.id;
    case 'ite':
      return `if ${exprText(expr.cond)} then ${exprText(expr.then)} else ${exprText(expr.else)}`;
    case 'and':
      return chainText(expr, '&&');
    case 'or':
      return chainText(expr, '||');
    case 'not':
      return `!${operand(expr.arg)}`;
    case 'neg':
      return `-(${exprText(expr.arg)})`;
    case 'isEmpty':
      return `${operand(expr.arg)}.isEmpty()`;
    case 'like':
      return `${operand(expr.arg)} like "${patternText(expr.pattern)}"`;
    case 'is':
      return `${operand(expr.arg)} is ${expr.entityType}${expr.in === undefined ? '' : ` in ${operand(expr.in)}`}`;
    case 'binary':
      if (isAtomic(expr)) return `${operand(expr.left)}.${expr.op}(${exprText(expr.right)})`;
      return chainText(expr, expr.op);
    case 'getAttr':
      return isIdentifier(expr.attr)
        ? `${operand(expr.arg)}.${expr.attr}`
        : `${operand(expr.arg)}["${escapeDebug(expr.attr)}"]`;
    case 'has':
      return `${operand(expr.arg)} has ${expr.path.map(attributeName).join('.')}`;
    case 'set':
      return `[${expr.elements.map(exprText).join(', ')}]`;
    case 'record':
      return `{${[...expr.fields]
        .sort(([left], [right]) => compareCodePoints(left, right))
        .map(([key, value]) => `${attributeName(key)}: ${exprText(value)}`)
        .join(', ')}}`;
    case 'call': {
      const [receiver, ...rest] = expr.args;
      if (extensionCallStyle(expr.fn) === 'method' && receiver !== undefined) {
        return `${operand(receiver)}.${expr.fn}(${rest.map(exprText).join(', ')})`;
      }
      return `${expr.fn}(${expr.args.map(exprText).join(', ')})`;
    }
    default: {
      const unreachable: never = expr;
      return unreachable;
    }
  }
}

function targetText(target: EntityTarget): string {
  return target.kind === 'slot' ? target.id : uidText(target.uid);
}

function scopeText(variable: 'principal' | 'resource', scope: ScopeConstraint): string {
  switch (scope.op) {
    case 'all':
      return variable;
    case '==':
    case 'in':
      return `${variable} ${scope.op} ${targetText(scope.target)}`;
    case 'is':
      return `${variable} is ${scope.entityType}${scope.in === undefined ? '' : ` in ${targetText(scope.in)}`}`;
    default: {
      const unreachable: never = scope;
      return unreachable;
    }
  }
}

function actionText(action: ActionConstraint): string {
  switch (action.op) {
    case 'all':
      return 'action';
    case '==':
      return `action == ${uidText(action.uid)}`;
    case 'in': {
      const [single] = action.uids;
      return action.uids.length === 1 && single !== undefined
        ? `action in ${uidText(single)}`
        : `action in [${action.uids.map(uidText).join(', ')}]`;
    }
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
}

/** A policy or template as Cedar's `Display` writes it. */
export function policyText(policy: Policy): string {
  const annotations = [...policy.annotations]
    .sort((left, right) => compareCodePoints(left.key, right.key))
    .map((annotation) =>
      annotation.value === undefined
        ? `@${annotation.key}\n`
        : `@${annotation.key}("${escapeDebug(annotation.value)}")\n`,
    );
  const scope = [
    scopeText('principal', policy.principal),
    actionText(policy.action),
    scopeText('resource', policy.resource),
  ];
  const conditions = policy.conditions.map(
    (condition) => ` ${condition.kind} { ${exprText(condition.body)} }`,
  );
  return `${annotations.join('')}${policy.effect}(${scope.join(', ')})${conditions.join('')};`;
}
