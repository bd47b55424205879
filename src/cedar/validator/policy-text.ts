// Reads Cedar policy text into the validator's policies, keeping source spans
// so that validation errors can point at the code. Policies without an `@id`
// annotation are named `policy0`, `policy1`, ... in order, as Cedar does.
import type { EntityUid, SourceSpan } from '../schema/index.js';
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

export interface PolicyTextError {
  readonly message: string;
  readonly span: SourceSpan;
}

export type PolicyTextResult =
  | { readonly ok: true; readonly policies: readonly ValidatorPolicy[] }
  | { readonly ok: false; readonly errors: readonly PolicyTextError[] };

type Token =
  | { readonly kind: 'ident'; readonly text: string; readonly span: SourceSpan }
  | { readonly kind: 'string'; readonly raw: string; readonly span: SourceSpan }
  | { readonly kind: 'int'; readonly text: string; readonly span: SourceSpan }
  | { readonly kind: 'punct'; readonly text: string; readonly span: SourceSpan }
  | { readonly kind: 'eof'; readonly span: SourceSpan };

class PolicySyntaxError extends Error {
  constructor(readonly error: PolicyTextError) {
    super(error.message);
  }
}

const PUNCTUATION = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '::',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ';',
  ':',
  '.',
  '<',
  '>',
  '!',
  '-',
  '+',
  '*',
  '@',
  '?',
];

const RESERVED = new Set(['true', 'false', 'if', 'then', 'else', 'in', 'is', 'like', 'has', '__cedar']);

const VARS: readonly string[] = ['principal', 'action', 'resource', 'context'];

const FUNCTIONS = new Set(['ip', 'decimal', 'datetime', 'duration']);

const METHODS = new Set([
  'contains',
  'containsAll',
  'containsAny',
  'isEmpty',
  'getTag',
  'hasTag',
  'isIpv4',
  'isIpv6',
  'isLoopback',
  'isMulticast',
  'isInRange',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'offset',
  'durationSince',
  'toDate',
  'toTime',
  'toMilliseconds',
  'toSeconds',
  'toMinutes',
  'toHours',
  'toDays',
]);

const I64_MAX = 9223372036854775807n;

function fail(message: string, span: SourceSpan): never {
  throw new PolicySyntaxError({ message, span });
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const ch = text[index] as string;
    if (/\s/.test(ch)) {
      index += 1;
    } else if (text.startsWith('//', index)) {
      const newline = text.indexOf('\n', index);
      index = newline === -1 ? text.length : newline + 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      const start = index;
      while (index < text.length && /[A-Za-z0-9_]/.test(text[index] as string)) index += 1;
      tokens.push({ kind: 'ident', text: text.slice(start, index), span: { start, end: index } });
    } else if (/[0-9]/.test(ch)) {
      const start = index;
      while (index < text.length && /[0-9]/.test(text[index] as string)) index += 1;
      tokens.push({ kind: 'int', text: text.slice(start, index), span: { start, end: index } });
    } else if (ch === '"') {
      const start = index;
      index += 1;
      while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
      if (index >= text.length) fail('unterminated string literal', { start, end: text.length });
      index += 1;
      tokens.push({ kind: 'string', raw: text.slice(start + 1, index - 1), span: { start, end: index } });
    } else {
      const punct = PUNCTUATION.find((candidate) => text.startsWith(candidate, index));
      if (punct === undefined) fail(`unexpected character \`${ch}\``, { start: index, end: index + 1 });
      tokens.push({ kind: 'punct', text: punct, span: { start: index, end: index + punct.length } });
      index += punct.length;
    }
  }
  tokens.push({ kind: 'eof', span: { start: text.length, end: text.length } });
  return tokens;
}

/** Decodes the escapes of a string literal; `\*` is kept as a star marker when `pattern` is set. */
function unescape(raw: string, span: SourceSpan, pattern: boolean): (string | { readonly star: true })[] {
  const parts: (string | { readonly star: true })[] = [];
  let current = '';
  const simple: Readonly<Record<string, string>> = {
    n: '\n',
    r: '\r',
    t: '\t',
    '\\': '\\',
    '0': '\0',
    "'": "'",
    '"': '"',
  };
  for (let index = 0; index < raw.length; index += 1) {
    const ch = raw[index] as string;
    if (ch === '*' && pattern) {
      parts.push(current, { star: true });
      current = '';
      continue;
    }
    if (ch !== '\\') {
      current += ch;
      continue;
    }
    const next = raw[index + 1] ?? '';
    if (next === '*' && pattern) {
      current += '*';
      index += 1;
    } else if (simple[next] !== undefined) {
      current += simple[next];
      index += 1;
    } else if (next === 'u' && raw[index + 2] === '{') {
      const close = raw.indexOf('}', index + 3);
      const hex = close === -1 ? '' : raw.slice(index + 3, close);
      const codePoint = /^[0-9a-fA-F]{1,6}$/.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
      if (!(codePoint <= 0x10ffff) || (codePoint >= 0xd800 && codePoint <= 0xdfff))
        fail('invalid unicode escape in string literal', span);
      current += String.fromCodePoint(codePoint);
      index = close;
    } else {
      fail(`invalid escape sequence \`\\${next}\` in string literal`, span);
    }
  }
  parts.push(current);
  return parts;
}

function stringValue(token: Token & { kind: 'string' }): string {
  return unescape(token.raw, token.span, false).join('');
}

type Spanned<T> = T & { readonly span: SourceSpan };

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly idAnnotation: boolean,
  ) {}

  policies(): ValidatorPolicy[] {
    const policies: ValidatorPolicy[] = [];
    while (this.peek().kind !== 'eof') policies.push(this.policy(`policy${policies.length}`));
    return policies;
  }

  private policy(defaultId: string): ValidatorPolicy {
    const start = this.peek().span.start;
    let id = defaultId;
    const seen = new Set<string>();
    while (this.isPunct('@')) {
      this.next();
      const key = this.anyIdent();
      let value = '';
      if (this.isPunct('(')) {
        this.next();
        value = stringValue(this.expectString());
        this.expect(')');
      }
      if (seen.has(key.text)) fail(`duplicate annotation \`@${key.text}\``, key.span);
      seen.add(key.text);
      if (key.text === 'id' && this.idAnnotation) id = value;
    }
    const effectToken = this.anyIdent();
    if (effectToken.text !== 'permit' && effectToken.text !== 'forbid') {
      fail(`unexpected \`${effectToken.text}\`: expected \`permit\` or \`forbid\``, effectToken.span);
    }
    this.expect('(');
    const principal = this.scope('principal');
    this.expect(',');
    const action = this.actionScope();
    this.expect(',');
    const resource = this.scope('resource');
    this.expect(')');
    const conditions: Condition[] = [];
    while (this.isIdent('when') || this.isIdent('unless')) {
      const kind = this.anyIdent().text as 'when' | 'unless';
      this.expect('{');
      const body = this.expr();
      this.expect('}');
      conditions.push({ kind, body });
    }
    this.expect(';');
    const isTemplate = [principal, resource].some(
      (scope) =>
        scope.op !== 'all' && (scope.op === 'is' ? scope.in : scope.target)?.kind === 'slot',
    );
    return {
      id,
      kind: isTemplate ? 'template' : 'static',
      effect: effectToken.text,
      annotations: [],
      principal,
      action,
      resource,
      conditions,
      span: { start, end: this.previousEnd() },
    };
  }

  private scope(variable: 'principal' | 'resource'): ScopeConstraint {
    const head = this.anyIdent();
    if (head.text !== variable) fail(`unexpected \`${head.text}\`: expected \`${variable}\``, head.span);
    if (this.isPunct('==')) {
      this.next();
      return { op: '==', target: this.target(variable) };
    }
    if (this.isIdent('is')) {
      this.next();
      const entityType = this.path();
      if (!this.isIdent('in')) return { op: 'is', entityType };
      this.next();
      return { op: 'is', entityType, in: this.target(variable) };
    }
    if (this.isIdent('in')) {
      this.next();
      return { op: 'in', target: this.target(variable) };
    }
    return { op: 'all' };
  }

  private target(variable: 'principal' | 'resource'): EntityTarget {
    if (this.isPunct('?')) {
      const start = this.next().span;
      const slot = this.anyIdent();
      if (slot.text !== variable)
        fail(`unexpected slot \`?${slot.text}\`: expected \`?${variable}\``, {
          start: start.start,
          end: slot.span.end,
        });
      return { kind: 'slot', id: `?${variable}` };
    }
    return { kind: 'entity', uid: this.entityUid() };
  }

  private actionScope(): ActionConstraint {
    const head = this.anyIdent();
    if (head.text !== 'action') fail(`unexpected \`${head.text}\`: expected \`action\``, head.span);
    if (this.isPunct('==')) {
      this.next();
      return { op: '==', uid: this.entityUid() };
    }
    if (this.isIdent('in')) {
      this.next();
      if (!this.isPunct('[')) return { op: 'in', uids: [this.entityUid()], isList: false };
      this.next();
      const uids: EntityUid[] = [];
      while (!this.isPunct(']')) {
        uids.push(this.entityUid());
        if (!this.isPunct(',')) break;
        this.next();
      }
      this.expect(']');
      return { op: 'in', uids, isList: true };
    }
    return { op: 'all' };
  }

  private entityUid(): EntityUid {
    const start = this.peek().span;
    const segments = [this.ident().text];
    while (this.isPunct('::')) {
      this.next();
      const token = this.peek();
      if (token.kind === 'string') {
        this.next();
        return { type: segments.join('::'), id: stringValue(token) };
      }
      segments.push(this.ident().text);
    }
    return fail('expected an entity such as `Type::"id"`', { start: start.start, end: this.previousEnd() });
  }

  private path(): string {
    const segments = [this.ident().text];
    while (this.isPunct('::') && this.peekAt(1).kind === 'ident') {
      this.next();
      segments.push(this.ident().text);
    }
    return segments.join('::');
  }

  expr(): Expr {
    if (this.isIdent('if')) {
      const start = this.next().span.start;
      const cond = this.expr();
      this.expectIdent('then');
      const then = this.expr();
      this.expectIdent('else');
      const otherwise = this.expr();
      return this.spanned({ kind: 'ite', cond, then, else: otherwise }, start);
    }
    return this.or();
  }

  private spanned<T extends Expr>(expr: T, start: number): T {
    return { ...expr, span: { start, end: this.previousEnd() } };
  }

  private or(): Expr {
    const start = this.peek().span.start;
    let left = this.and();
    while (this.isPunct('||')) {
      this.next();
      left = this.spanned({ kind: 'or', left, right: this.and() }, start);
    }
    return left;
  }

  private and(): Expr {
    const start = this.peek().span.start;
    let left = this.relation();
    while (this.isPunct('&&')) {
      this.next();
      left = this.spanned({ kind: 'and', left, right: this.relation() }, start);
    }
    return left;
  }

  private relation(): Expr {
    const start = this.peek().span.start;
    const left = this.add();
    const token = this.peek();
    if (token.kind === 'punct' && ['==', '!=', '<', '<=', '>', '>='].includes(token.text)) {
      this.next();
      return this.spanned({ kind: 'binary', op: token.text as BinaryOp, left, right: this.add() }, start);
    }
    if (this.isIdent('in')) {
      this.next();
      return this.spanned({ kind: 'binary', op: 'in', left, right: this.add() }, start);
    }
    if (this.isIdent('has')) {
      this.next();
      const attrs = [this.attributeName()];
      while (this.isPunct('.')) {
        this.next();
        attrs.push(this.ident().text);
      }
      let result: Expr | undefined;
      let prefix = left;
      for (const attr of attrs) {
        const test: Expr = this.spanned({ kind: 'hasAttr', arg: prefix, attr }, start);
        result =
          result === undefined ? test : this.spanned({ kind: 'and', left: result, right: test }, start);
        prefix = this.spanned({ kind: 'getAttr', arg: prefix, attr }, start);
      }
      return result as Expr;
    }
    if (this.isIdent('like')) {
      this.next();
      const literal = this.expectString();
      const pattern: PatternElement[] = unescape(literal.raw, literal.span, true).flatMap(
        (part): PatternElement[] =>
          typeof part === 'string'
            ? part === ''
              ? []
              : [{ kind: 'literal', text: part }]
            : [{ kind: 'wildcard' }],
      );
      return this.spanned({ kind: 'like', arg: left, pattern }, start);
    }
    if (this.isIdent('is')) {
      this.next();
      const test: Expr = this.spanned({ kind: 'is', arg: left, entityType: this.path() }, start);
      if (!this.isIdent('in')) return test;
      this.next();
      const inTest: Expr = this.spanned({ kind: 'binary', op: 'in', left, right: this.add() }, start);
      return this.spanned({ kind: 'and', left: test, right: inTest }, start);
    }
    return left;
  }

  private attributeName(): string {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      return stringValue(token);
    }
    return this.ident().text;
  }

  private add(): Expr {
    const start = this.peek().span.start;
    let left = this.mult();
    while (this.isPunct('+') || this.isPunct('-')) {
      const op = this.next() as Token & { text: string };
      left = this.spanned({ kind: 'binary', op: op.text as BinaryOp, left, right: this.mult() }, start);
    }
    return left;
  }

  private mult(): Expr {
    const start = this.peek().span.start;
    let left = this.unary();
    while (this.isPunct('*')) {
      this.next();
      left = this.spanned({ kind: 'binary', op: '*', left, right: this.unary() }, start);
    }
    return left;
  }

  private unary(): Expr {
    const start = this.peek().span.start;
    const ops: string[] = [];
    while (this.isPunct('!') || this.isPunct('-')) ops.push((this.next() as Token & { text: string }).text);
    if (ops.length > 4) fail('too many unary operators', { start, end: this.previousEnd() });
    let arg: Expr;
    // `-` directly before an integer literal makes a negative literal, as in Cedar.
    if (ops.at(-1) === '-' && this.peek().kind === 'int') {
      ops.pop();
      arg = this.member(this.integer(true));
    } else {
      arg = this.member(this.primary());
    }
    for (const op of ops.reverse())
      arg = this.spanned(op === '!' ? { kind: 'not', arg } : { kind: 'neg', arg }, start);
    return arg;
  }

  private integer(negative: boolean): Expr {
    const token = this.next() as Token & { kind: 'int' };
    const magnitude = BigInt(token.text);
    const value = negative ? -magnitude : magnitude;
    if (value > I64_MAX || value < -I64_MAX - 1n)
      fail(`integer literal \`${token.text}\` is too large`, token.span);
    return { kind: 'lit', value: { type: 'long', value }, span: token.span } as Expr;
  }

  private member(primary: Expr): Expr {
    const start = (primary as { span?: SourceSpan }).span?.start ?? this.peek().span.start;
    let expr = primary;
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        const name = this.ident();
        if (this.isPunct('(')) {
          if (!METHODS.has(name.text)) fail(`\`${name.text}\` is not a method`, name.span);
          const args = this.arguments();
          expr = this.spanned(this.method(name.text, expr, args, name.span), start);
        } else {
          expr = this.spanned({ kind: 'getAttr', arg: expr, attr: name.text }, start);
        }
      } else if (this.isPunct('[')) {
        this.next();
        const attr = stringValue(this.expectString());
        this.expect(']');
        expr = this.spanned({ kind: 'getAttr', arg: expr, attr }, start);
      } else {
        return expr;
      }
    }
  }

  private method(name: string, receiver: Expr, args: Expr[], span: SourceSpan): Expr {
    const [first] = args;
    switch (name) {
      case 'contains':
      case 'containsAll':
      case 'containsAny':
      case 'getTag':
      case 'hasTag':
        if (args.length !== 1 || first === undefined) fail(`\`${name}\` takes exactly one argument`, span);
        return { kind: 'binary', op: name, left: receiver, right: first };
      case 'isEmpty':
        if (args.length !== 0) fail('`isEmpty` takes no arguments', span);
        return { kind: 'isEmpty', arg: receiver };
      default:
        return { kind: 'call', fn: name, args: [receiver, ...args] };
    }
  }

  private arguments(): Expr[] {
    this.expect('(');
    const args: Expr[] = [];
    while (!this.isPunct(')')) {
      args.push(this.expr());
      if (!this.isPunct(',')) break;
      this.next();
    }
    this.expect(')');
    return args;
  }

  private primary(): Expr {
    const token = this.peek();
    const start = token.span.start;
    if (token.kind === 'int') return this.integer(false);
    if (token.kind === 'string') {
      this.next();
      return { kind: 'lit', value: { type: 'string', value: stringValue(token) }, span: token.span } as Expr;
    }
    if (token.kind === 'punct') {
      if (token.text === '(') {
        this.next();
        const inner = this.expr();
        this.expect(')');
        return inner;
      }
      if (token.text === '[') {
        this.next();
        const elements: Expr[] = [];
        while (!this.isPunct(']')) {
          elements.push(this.expr());
          if (!this.isPunct(',')) break;
          this.next();
        }
        this.expect(']');
        return this.spanned({ kind: 'set', elements }, start);
      }
      if (token.text === '{') {
        this.next();
        const fields: [string, Expr][] = [];
        while (!this.isPunct('}')) {
          const keySpan = this.peek().span;
          const key = this.attributeName();
          if (fields.some(([name]) => name === key))
            fail(`duplicate key \`${key}\` in record literal`, keySpan);
          this.expect(':');
          fields.push([key, this.expr()]);
          if (!this.isPunct(',')) break;
          this.next();
        }
        this.expect('}');
        return this.spanned({ kind: 'record', fields }, start);
      }
      if (token.text === '?') {
        this.next();
        const slot = this.anyIdent();
        fail(`slot \`?${slot.text}\` may only appear in the policy scope`, { start, end: slot.span.end });
      }
      fail(`unexpected \`${token.text}\``, token.span);
    }
    if (token.kind === 'eof') fail('unexpected end of input', token.span);
    const word = token.text;
    if (word === 'true' || word === 'false') {
      this.next();
      return { kind: 'lit', value: { type: 'bool', value: word === 'true' }, span: token.span } as Expr;
    }
    if (
      VARS.includes(word) &&
      !(this.peekAt(1).kind === 'punct' && (this.peekAt(1) as { text: string }).text === '::')
    ) {
      this.next();
      return { kind: 'var', name: word as Var, span: token.span } as Expr;
    }
    if (this.peekAt(1).kind === 'punct' && (this.peekAt(1) as { text: string }).text === '(') {
      this.next();
      if (!FUNCTIONS.has(word)) fail(`\`${word}\` is not a function`, token.span);
      return this.spanned({ kind: 'call', fn: word, args: this.arguments() }, start);
    }
    const uid = this.entityUid();
    return { kind: 'lit', value: { type: 'entity', uid }, span: { start, end: this.previousEnd() } } as Expr;
  }

  private ident(): Spanned<{ text: string }> {
    const token = this.anyIdent();
    if (RESERVED.has(token.text)) fail(`\`${token.text}\` is a reserved identifier`, token.span);
    return token;
  }

  private anyIdent(): Spanned<{ text: string }> {
    const token = this.peek();
    if (token.kind !== 'ident')
      fail(`unexpected ${this.describe(token)}: expected an identifier`, token.span);
    this.next();
    return { text: token.text, span: token.span };
  }

  private expectIdent(word: string): void {
    const token = this.peek();
    if (token.kind !== 'ident' || token.text !== word)
      fail(`unexpected ${this.describe(token)}: expected \`${word}\``, token.span);
    this.next();
  }

  private expectString(): Token & { kind: 'string' } {
    const token = this.peek();
    if (token.kind !== 'string')
      fail(`unexpected ${this.describe(token)}: expected a string literal`, token.span);
    this.next();
    return token;
  }

  private expect(punct: string): void {
    const token = this.peek();
    if (token.kind !== 'punct' || token.text !== punct)
      fail(`unexpected ${this.describe(token)}: expected \`${punct}\``, token.span);
    this.next();
  }

  private describe(token: Token): string {
    switch (token.kind) {
      case 'ident':
      case 'punct':
      case 'int':
        return `\`${token.text}\``;
      case 'string':
        return 'string literal';
      case 'eof':
        return 'end of input';
      default: {
        const unreachable: never = token;
        return unreachable;
      }
    }
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private isIdent(text: string): boolean {
    const token = this.peek();
    return token.kind === 'ident' && token.text === text;
  }

  private peek(): Token {
    return this.peekAt(0);
  }

  private peekAt(offset: number): Token {
    // INVARIANT: the token list ends with `eof`.
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (this.position < this.tokens.length - 1) this.position += 1;
    return token;
  }

  private previousEnd(): number {
    return this.tokens[this.position - 1]?.span.end ?? 0;
  }
}

export interface PolicyTextOptions {
  /** Name policies by their `@id("...")` annotation, as the `cedar` command does. */
  readonly idAnnotation?: boolean;
}

/** Reads a policy set in Cedar's text syntax. */
export function parsePolicyText(text: string, options: PolicyTextOptions = {}): PolicyTextResult {
  try {
    const policies = new Parser(tokenize(text), options.idAnnotation ?? false).policies();
    const ids = new Set<string>();
    for (const policy of policies) {
      if (ids.has(policy.id))
        return {
          ok: false,
          errors: [{ message: `duplicate policy id \`${policy.id}\``, span: { start: 0, end: 0 } }],
        };
      ids.add(policy.id);
    }
    return { ok: true, policies };
  } catch (error) {
    if (error instanceof PolicySyntaxError) return { ok: false, errors: [error.error] };
    throw error;
  }
}
