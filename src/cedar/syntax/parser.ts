// Text → concrete syntax tree, following Cedar's grammar (cedar-policy-core's
// `grammar.lalrpop`) production by production, so that the same token streams
// are accepted and a rejected one fails on the same token: "unexpected token
// `)`", "unexpected end of input", "invalid token". Errors are recovered from
// where Cedar's parser recovers: inside an expression, by skipping to a token
// that may follow it; elsewhere, by skipping to the next `;`. When recovery
// fails, the error that could not be recovered from comes first, then those
// recovered from, as Cedar reports them; an invalid token met while skipping
// is that error, in place of the one being recovered from.
import type { SourceSpan } from './ast.js';
import type {
  CstAccess,
  CstAnnotation,
  CstCondition,
  CstExpr,
  CstName,
  CstPolicy,
  CstRecordInit,
  CstVariableDef,
  RelOp,
} from './cst.js';
import type { ParseError } from './errors.js';
import type { Token } from './lexer.js';

/** A grammar error: the parse of the current policy stops here. */
class GrammarError extends Error {
  constructor(
    readonly error: ParseError,
    /**
     * Where parsing resumes: the recovery point (an index into the open ones)
     * and the token it resumes at; none when the error cannot be recovered from.
     */
    readonly resume?: { readonly point: number; readonly position: number },
  ) {
    super(error.message);
  }
}

/** Identifiers that start an expression of their own, so they cannot start a one-segment name. */
const SPECIAL_IDENTS = new Set(['true', 'false', 'if']);

const REL_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=', '=']);

// Every stage after the parser walks expressions recursively, so nesting is
// bounded here, with an error, rather than by the stack. cedar-wasm itself
// fails from about 200 nested parentheses. A chain `a && b && ...` is a tree
// as deep as it is long, but has no such bound: the stages walk chains with
// loops.
const MAX_DEPTH = 200;

const U64_MAX = 18446744073709551615n;

function unexpected(token: Token): ParseError {
  switch (token.kind) {
    case 'eof':
      return { message: 'unexpected end of input', span: { start: token.start, end: token.end } };
    case 'invalid':
      return {
        message: 'invalid token',
        span: { start: token.start, end: token.end },
        ...invalidTokenHelp(token.text),
      };
    default:
      return { message: `unexpected token \`${token.text}\``, span: { start: token.start, end: token.end } };
  }
}

/** No start of a primary left out of a label (a constant, so that no call allocates it). */
const LISTED_ALL: readonly string[] = [];

/** Kinds of tokens, as Cedar names them in its labels; any other expected token is its text. */
const TOKEN_CLASSES: ReadonlySet<string> = new Set(['identifier', 'number', 'string literal']);

/** What may start a `Primary` (`if` too: Cedar's parser reads it as a name here, refused later). */
const PRIMARY_STARTS = [
  'number',
  'string literal',
  '?principal',
  '?resource',
  'identifier',
  'if',
  'true',
  'false',
  '(',
  '[',
  '{',
];

/**
 * The order Cedar lists expected tokens in (the order of its parser's
 * terminals): punctuation by character code, then words, with the token
 * classes where their terminals sort.
 */
const EXPECTED_ORDER: readonly string[] = [
  ...['!', '!=', '&&', '(', ')', '*', '+', ',', '-', '.', ':', '::', ';', '<', '<=', '==', '>', '>=', '@'],
  ...['[', ']', '{', '||', '}', 'else', 'false', 'identifier', 'has', 'if', 'in', 'is', 'like', 'number'],
  ...['?principal', '?resource', 'string literal', 'then', 'true'],
];

const EXPECTED_RANK = new Map(EXPECTED_ORDER.map((name, index) => [name, index]));

/**
 * Cedar's "expected …" label for the tokens tried at an error. Tokens that
 * Cedar's grammar reads only to refuse them with a message of their own
 * (`=`, `/`, `%`) are never offered, as in Cedar.
 */
function expectedLabel(tried: Iterable<string>): string | undefined {
  const names = [...new Set(tried)]
    .filter((name) => EXPECTED_RANK.has(name))
    .sort((a, b) => (EXPECTED_RANK.get(a) ?? 0) - (EXPECTED_RANK.get(b) ?? 0))
    .map((name) => (TOKEN_CLASSES.has(name) ? name : `\`${name}\``));
  if (names.length === 0) return undefined;
  if (names.length === 1) return `expected ${names[0]}`;
  if (names.length === 2) return `expected ${names[0]} or ${names[1]}`;
  return `expected ${names.slice(0, -1).join(', ')}, or ${names.at(-1)}`;
}

/**
 * The tokens that may follow each level of an expression somewhere in
 * Cedar's grammar. Cedar's parser, meeting one of them where this place
 * cannot take it, first completes the levels whose follow has it (an LR
 * parser reduces on a lookahead that is valid for the rule in any context of
 * its merged state), and so labels the error with the tokens the outer level
 * takes: `(1 ]` is "expected `)`", where `(1 2` lists every operator too.
 */
const EXPR_FOLLOW: readonly string[] = [')', ']', '}', ',', ':', 'then', 'else'];
const OR_FOLLOW = new Set([...EXPR_FOLLOW, '||']);
const AND_FOLLOW = new Set([...OR_FOLLOW, '&&']);
const ADD_FOLLOW = new Set([...AND_FOLLOW, ...REL_OPS, 'in', 'has', 'like', 'is']);
const MULT_FOLLOW = new Set([...ADD_FOLLOW, '+', '-']);
const MEMBER_FOLLOW = new Set([...MULT_FOLLOW, '*', '/', '%']);

/** The end of an expression level read at a position, with what may follow that level. */
class Completed {
  constructor(readonly follow: ReadonlySet<string>) {}
}

// One object per level, so that noting a level's end allocates nothing.
const OR_DONE = new Completed(OR_FOLLOW);
const AND_DONE = new Completed(AND_FOLLOW);
const ADD_DONE = new Completed(ADD_FOLLOW);
const MULT_DONE = new Completed(MULT_FOLLOW);
const MEMBER_DONE = new Completed(MEMBER_FOLLOW);
// Cedar's `Comma<E>` ends in an optional last element, which its parser completes on the closing tokens of any list.
const LAST_ELEMENT_DONE = new Completed(new Set([')', ']']));

/** A token tried at a position (its text, or its kind for identifiers, numbers, strings), or a level's end. */
type Tried = string | Completed;

/** The tokens still expected at `token` once every level that `token` may follow is completed. */
function expectedAfterCompleting(tried: readonly Tried[], token: Token): string[] {
  const text = token.kind === 'punct' || token.kind === 'ident' ? token.text : undefined;
  let from = 0;
  for (const [index, entry] of tried.entries()) {
    if (typeof entry === 'string') continue;
    if (text === undefined || !entry.follow.has(text)) break;
    from = index;
  }
  return tried.slice(from).filter((entry): entry is string => typeof entry === 'string');
}

function isPunctToken(token: Token, text: string): boolean {
  return token.kind === 'punct' && token.text === text;
}

function accepts(follow: readonly string[], token: Token): boolean {
  return (token.kind === 'punct' || token.kind === 'ident') && follow.includes(token.text);
}

function invalidTokenHelp(first: string): { help?: string } {
  if (first === '"') return { help: 'try checking that all strings are closed properly' };
  if (first === "'") return { help: 'strings must use double quotes, not single quotes' };
  return {};
}

export class Parser {
  private position = 0;
  private depth = 0;

  /**
   * The tokens tried at `expectedAt` (Cedar's names for them), for the
   * "expected …" label of an error there: the parser tries every token the
   * grammar lets in at a position before it gives up, so this is the set of
   * terminals Cedar's LR parser can take in its state there.
   */
  private expectedAt = -1;
  private readonly expected: Tried[] = [];

  /**
   * @param labelling whether to note the tokens tried, for the labels of
   * errors. Parsing is twice as fast without, so a text is read without, and
   * read again with labels only when it has a grammar error (the parse is
   * deterministic, so the second reading meets the same errors).
   */
  constructor(
    private readonly tokens: readonly Token[],
    private readonly labelling = false,
  ) {}

  /** Errors recovered from so far; they are reported unless a later error cannot be. */
  private readonly recovered: ParseError[] = [];

  /**
   * The tokens that may follow each open recovery point, outermost first: the
   * policy list (`;`), then every expression being read where Cedar's grammar
   * has an error rule (condition bodies, parentheses, list elements, call
   * arguments, index, record fields, `if` branches, scope targets).
   */
  private readonly recoveryPoints: (readonly string[])[] = [[';']];

  /**
   * `Policies := {Policy}`. Each policy read is handed to `read` at once (so
   * that its tree can be dropped as soon as it is converted); the result
   * lists the errors.
   */
  policies(read: (policy: CstPolicy) => void): { readonly errors: readonly ParseError[] } {
    while (this.peek().kind !== 'eof') {
      try {
        read(this.policy());
      } catch (error) {
        if (!(error instanceof GrammarError)) throw error;
        if (error.resume === undefined) return { errors: [error.error, ...this.recovered] };
        // INVARIANT: only the policy list is left open here, so the error resumes at a `;`.
        this.position = error.resume.position + 1;
        this.expectedAt = -1;
        this.recovered.push(error.error);
      }
    }
    return { errors: this.recovered };
  }

  /** A single expression and nothing after it. */
  expressionOnly(): { readonly expr?: CstExpr; readonly errors: readonly ParseError[] } {
    this.recoveryPoints.length = 0;
    try {
      const expr = this.expr([]);
      if (this.peek().kind !== 'eof') throw this.unexpectedHere(this.peek());
      return this.recovered.length === 0 ? { expr, errors: [] } : { errors: this.recovered };
    } catch (error) {
      if (error instanceof GrammarError) return { errors: [error.error, ...this.recovered] };
      throw error;
    }
  }

  /**
   * An error at the current token, with where Cedar's parser would resume: the
   * first token from here that the innermost open recovery point accepts.
   */
  private unexpectedHere(token: Token): GrammarError {
    const error = this.labelled(unexpected(token), token);
    if (token.kind === 'invalid') return new GrammarError(error);
    for (let position = this.position; position < this.tokens.length; position += 1) {
      const candidate = this.tokens[position] as Token;
      if (candidate.kind === 'invalid') return new GrammarError(unexpected(candidate));
      if (candidate.kind === 'eof') break;
      for (let point = this.recoveryPoints.length - 1; point >= 0; point -= 1) {
        if (accepts(this.recoveryPoints[point] as readonly string[], candidate))
          return new GrammarError(error, { point, position });
      }
    }
    return new GrammarError(error);
  }

  /** Whether the current token is one of `follow` (punctuation or keywords). */
  private isOneOf(follow: readonly string[], beforeLast?: Completed): boolean {
    if (this.labelling) {
      for (const [index, text] of follow.entries()) {
        if (beforeLast !== undefined && index === follow.length - 1) this.tried(beforeLast);
        this.tried(text);
      }
    }
    return accepts(follow, this.peek());
  }

  /**
   * An element of a set or of call arguments (`Comma<Expr>`), followed by
   * `,` or `close`. Cedar's parser takes an element it meets a token after
   * that may follow an expression as the list's last, which only `close` may
   * follow: `[1, 2)` is "expected `]`".
   */
  private element(close: string): CstExpr {
    return this.expr([',', close], LAST_ELEMENT_DONE);
  }

  /** Notes that the grammar could take `name` at the current position. */
  private tried(entry: Tried): void {
    if (!this.labelling) return;
    if (this.expectedAt !== this.position) {
      this.expected.length = 0;
      this.expectedAt = this.position;
    }
    this.expected.push(entry);
  }

  /** `error` at `token` with the tokens the grammar could have taken there, as Cedar labels it. */
  private labelled(error: ParseError, token: Token): ParseError {
    if (token.kind === 'invalid' || this.expectedAt !== this.position || token !== this.peek()) return error;
    const label = expectedLabel(expectedAfterCompleting(this.expected, token));
    return label === undefined ? error : { ...error, label };
  }

  /**
   * `Expr` where Cedar's grammar can recover from an error inside it: the
   * error is kept, parsing resumes at a token that may follow the expression,
   * as if it had been read.
   */
  private expr(follow: readonly string[], last?: Completed): CstExpr {
    const start = this.peek().start;
    const point = this.recoveryPoints.length;
    this.recoveryPoints.push(follow);
    try {
      const expr = this.exprBody(follow, last);
      // Cedar's parser meets a wrong token after an expression before it has
      // closed the expression, so the error belongs to this recovery point.
      if (follow.length > 0 && !this.isOneOf(follow, last)) throw this.unexpectedHere(this.peek());
      return expr;
    } catch (error) {
      if (!(error instanceof GrammarError) || error.resume?.point !== point) throw error;
      this.position = error.resume.position;
      this.expectedAt = -1;
      this.recovered.push(error.error);
      return { kind: 'error', span: this.spanFrom(start) };
    } finally {
      this.recoveryPoints.length = point;
    }
  }

  private policy(): CstPolicy {
    const start = this.peek().start;
    const annotations: CstAnnotation[] = [];
    while (this.isPunct('@')) annotations.push(this.annotation());
    const effect = this.anyIdent();
    const openParen = this.expectPunct('(');
    const variables = this.commaList(')', () => this.variableDef());
    this.expectPunct(')');
    const conditions: CstCondition[] = [];
    for (;;) {
      this.tried('identifier');
      if (this.peek().kind === 'ident') conditions.push(this.condition());
      // Not a token Cedar's state here takes (see `strayBrace`), so not tried.
      else if (conditions.length > 0 && isPunctToken(this.peek(), '}')) this.strayBrace();
      else break;
    }
    this.expectPunct(';');
    return { annotations, effect, variables, openParen, conditions, span: this.spanFrom(start) };
  }

  /**
   * A `}` right after a condition: Cedar's parser has not yet closed the
   * condition when it meets it, so it recovers inside the condition's body and
   * takes this `}` as the end of the condition. The label is the policy's:
   * another condition or the `;`.
   */
  private strayBrace(): void {
    this.tried(';');
    this.recovered.push(this.labelled(unexpected(this.peek()), this.peek()));
    this.next();
  }

  private annotation(): CstAnnotation {
    const start = this.next().start;
    const key = this.anyIdent();
    if (!this.isPunct('(')) return { key, span: this.spanFrom(start) };
    this.next();
    const value = this.expectKind('string');
    this.expectPunct(')');
    return { key, value, span: this.spanFrom(start) };
  }

  private variableDef(): CstVariableDef {
    const variable = this.anyIdent();
    let typeConstraint: CstName | undefined;
    if (this.isPunct(':')) {
      this.next();
      typeConstraint = this.name();
    }
    let entityType: CstExpr | undefined;
    if (this.isIdent('is')) {
      this.next();
      entityType = this.add();
    }
    const op = this.relOp();
    let relation: CstVariableDef['relation'];
    if (op !== undefined) {
      this.next();
      relation = { op, target: this.expr([',', ')']) };
    }
    return { variable, typeConstraint, entityType, relation, span: this.spanFrom(variable.start) };
  }

  private condition(): CstCondition {
    const keyword = this.anyIdent();
    this.expectPunct('{');
    if (this.isPunct('}')) {
      this.next();
      return { keyword, span: this.spanFrom(keyword.start) };
    }
    const body = this.expr(['}']);
    this.expectPunct('}');
    return { keyword, body, span: this.spanFrom(keyword.start) };
  }

  private exprBody(follow: readonly string[], last: Completed | undefined): CstExpr {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) {
      const token = this.peek();
      throw new GrammarError({
        message: `expressions are nested too deeply: the limit is ${MAX_DEPTH} levels`,
        span: { start: token.start, end: token.end },
      });
    }
    try {
      if (this.isIdent('if') && !this.isPunctAt(1, '::')) {
        const start = this.next().start;
        // `if::A` would be a name, so Cedar's parser lists `::` after `if` too.
        this.tried('::');
        const cond = this.expr(['then']);
        this.expectIdent('then');
        const then = this.expr(['else']);
        this.expectIdent('else');
        const otherwise = this.expr(follow, last);
        return { kind: 'if', cond, then, else: otherwise, span: this.spanFrom(start) };
      }
      return this.or();
    } finally {
      this.depth -= 1;
    }
  }

  private or(): CstExpr {
    const start = this.peek().start;
    const first = this.and();
    if (!this.isPunct('||')) {
      this.tried(OR_DONE);
      return first;
    }
    const operands = [first];
    while (this.isPunct('||')) {
      this.next();
      operands.push(this.and());
    }
    this.tried(OR_DONE);
    return { kind: 'or', operands, span: this.spanFrom(start) };
  }

  private and(): CstExpr {
    const start = this.peek().start;
    const first = this.relation();
    if (!this.isPunct('&&')) {
      this.tried(AND_DONE);
      return first;
    }
    const operands = [first];
    while (this.isPunct('&&')) {
      this.next();
      operands.push(this.relation());
    }
    this.tried(AND_DONE);
    return { kind: 'and', operands, span: this.spanFrom(start) };
  }

  // A relation's end needs no note of its own: `and` notes the same follow right after it.
  private relation(): CstExpr {
    const start = this.peek().start;
    const first = this.add();
    if (this.isIdent('has')) {
      this.next();
      // `has if.a`: `if` cannot start an `Add`, so the grammar lets it in here by name.
      const field = this.isIdent('if') ? this.ifField() : this.add();
      return { kind: 'has', target: first, field, span: this.spanFrom(start) };
    }
    if (this.isIdent('like')) {
      this.next();
      return { kind: 'like', target: first, pattern: this.add(), span: this.spanFrom(start) };
    }
    if (this.isIdent('is')) {
      this.next();
      const type = this.add();
      if (!this.isIdent('in')) return { kind: 'is', target: first, type, span: this.spanFrom(start) };
      this.next();
      return { kind: 'is', target: first, type, in: this.add(), span: this.spanFrom(start) };
    }
    const rest: { op: RelOp; right: CstExpr }[] = [];
    for (let op = this.relOp(); op !== undefined; op = this.relOp()) {
      this.next();
      rest.push({ op, right: this.add() });
    }
    return rest.length === 0 ? first : { kind: 'relation', first, rest, span: this.spanFrom(start) };
  }

  private ifField(): CstExpr {
    const token = this.next();
    // As after `true`: a name that Cedar's parser lets go on.
    this.tried('::');
    const item: CstExpr = {
      kind: 'name',
      name: { segments: [token], span: { start: token.start, end: token.end } },
      span: { start: token.start, end: token.end },
    };
    return this.accesses(item, token.start);
  }

  private relOp(): RelOp | undefined {
    if (this.labelling) {
      for (const op of REL_OPS) this.tried(op);
      this.tried('in');
    }
    const token = this.peek();
    if (token.kind === 'punct' && REL_OPS.has(token.text)) return token.text as RelOp;
    if (token.kind === 'ident' && token.text === 'in') return 'in';
    return undefined;
  }

  private add(): CstExpr {
    const start = this.peek().start;
    const first = this.mult();
    if (!this.isPunct('+') && !this.isPunct('-')) {
      this.tried(ADD_DONE);
      return first;
    }
    const rest: { op: '+' | '-'; right: CstExpr }[] = [];
    while (this.isPunct('+') || this.isPunct('-')) {
      const op = this.next().text as '+' | '-';
      rest.push({ op, right: this.mult() });
    }
    this.tried(ADD_DONE);
    return { kind: 'arith', first, rest, span: this.spanFrom(start) };
  }

  private mult(): CstExpr {
    const start = this.peek().start;
    const first = this.unary();
    if (!this.isMultOp()) {
      this.tried(MULT_DONE);
      return first;
    }
    const rest: { op: '*' | '/' | '%'; right: CstExpr }[] = [];
    while (this.isMultOp()) {
      const op = this.next().text as '*' | '/' | '%';
      rest.push({ op, right: this.unary() });
    }
    this.tried(MULT_DONE);
    return { kind: 'arith', first, rest, span: this.spanFrom(start) };
  }

  private isMultOp(): boolean {
    return this.isPunct('*') || this.isPunct('/') || this.isPunct('%');
  }

  private unary(): CstExpr {
    const start = this.peek().start;
    const op = this.isPunct('!') ? '!' : this.isPunct('-') ? '-' : undefined;
    if (op === undefined) return this.member();
    let count = 0;
    while (this.isPunct(op)) {
      this.next();
      count += 1;
    }
    // Cedar's parser state after `-` does not list `true`, `false` and `if`, though it takes them.
    const item = op === '-' ? this.member(['true', 'false', 'if']) : this.member();
    return { kind: 'unary', op, count, item, span: this.spanFrom(start) };
  }

  private member(unlisted: readonly string[] = LISTED_ALL): CstExpr {
    const start = this.peek().start;
    return this.accesses(this.primary(unlisted), start);
  }

  private accesses(item: CstExpr, start: number): CstExpr {
    const access: CstAccess[] = [];
    for (;;) {
      const accessStart = this.peek().start;
      if (this.isPunct('.')) {
        this.next();
        const name = this.anyIdent();
        access.push({ kind: 'field', name, span: this.spanFrom(accessStart) });
      } else if (this.isPunct('(')) {
        this.next();
        const args = this.commaList(')', () => this.element(')'));
        this.expectPunct(')');
        access.push({ kind: 'call', args, span: this.spanFrom(accessStart) });
      } else if (this.isPunct('[')) {
        this.next();
        const arg = this.expr([']']);
        this.expectPunct(']');
        access.push({ kind: 'index', arg, span: this.spanFrom(accessStart) });
      } else {
        break;
      }
    }
    this.tried(MEMBER_DONE);
    return access.length === 0 ? item : { kind: 'member', item, access, span: this.spanFrom(start) };
  }

  private primary(unlisted: readonly string[] = LISTED_ALL): CstExpr {
    if (this.labelling) for (const name of PRIMARY_STARTS) if (!unlisted.includes(name)) this.tried(name);
    const token = this.peek();
    const start = token.start;
    switch (token.kind) {
      case 'number':
        this.next();
        // Cedar reads a number as an unsigned 64-bit integer in its grammar.
        if (BigInt(token.text) > U64_MAX)
          // A failing grammar action stops Cedar's parser: no recovery.
          throw new GrammarError({
            message: 'integer parse error: number too large to fit in target type',
            span: { start, end: token.end },
          });
        return { kind: 'number', token, span: { start, end: token.end } };
      case 'string':
        this.next();
        return { kind: 'string', token, span: { start, end: token.end } };
      case 'slot':
        this.next();
        return { kind: 'slot', token, span: { start, end: token.end } };
      case 'ident':
        if ((token.text === 'true' || token.text === 'false') && !this.isPunctAt(1, '::')) {
          this.next();
          // Cedar's parser reads `true` as a name that could go on, though `true::` is refused later.
          this.tried('::');
          return { kind: 'bool', value: token.text === 'true', span: { start, end: token.end } };
        }
        return this.nameOrRef();
      case 'punct':
        return this.bracketed(token);
      case 'invalid':
      case 'eof':
        throw this.unexpectedHere(token);
      default: {
        const unreachable: never = token.kind;
        return unreachable;
      }
    }
  }

  private bracketed(token: Token): CstExpr {
    const start = token.start;
    if (token.text === '(') {
      this.next();
      const inner = this.expr([')']);
      this.expectPunct(')');
      return { kind: 'paren', inner, span: this.spanFrom(start) };
    }
    if (token.text === '[') {
      this.next();
      const elements = this.commaList(']', () => this.element(']'));
      this.expectPunct(']');
      return { kind: 'list', elements, span: this.spanFrom(start) };
    }
    if (token.text === '{') {
      this.next();
      const inits = this.commaList('}', () => this.recordInit());
      this.expectPunct('}');
      return { kind: 'record', inits, span: this.spanFrom(start) };
    }
    throw this.unexpectedHere(token);
  }

  private recordInit(): CstRecordInit {
    const start = this.peek().start;
    // `{if: 1}`: as with `has`, the grammar takes `if` as a key by name.
    if (this.isIdent('if') && this.isPunctAt(1, ':')) {
      const token = this.next();
      this.next();
      const key: CstExpr = {
        kind: 'name',
        name: { segments: [token], span: { start: token.start, end: token.end } },
        span: { start: token.start, end: token.end },
      };
      return { key, value: this.expr([',', '}']), span: this.spanFrom(start) };
    }
    const key = this.expr([':']);
    this.expectPunct(':');
    const value = this.expr([',', '}']);
    return { key, value, span: this.spanFrom(start) };
  }

  /**
   * `Name := CommonIdent | (AnyIdent '::')+ AnyIdent` and
   * `Ref := Name '::' (STR | '{' RefInits '}')`.
   */
  private nameOrRef(): CstExpr {
    const first = this.next();
    const start = first.start;
    const segments: Token[] = [first];
    while (this.isPunct('::')) {
      const after = this.peekAt(1);
      // A one-segment name cannot be `true`, `false` or `if`, so neither can such a reference.
      const isName = segments.length > 1 || !SPECIAL_IDENTS.has(first.text);
      if (after.kind === 'string' && isName) {
        this.next();
        const id = this.next();
        return { kind: 'ref', name: this.nameOf(segments), id, span: this.spanFrom(start) };
      }
      if (after.kind === 'punct' && after.text === '{' && isName) {
        this.next();
        this.next();
        this.commaList('}', () => this.refInit());
        this.expectPunct('}');
        return { kind: 'refInits', name: this.nameOf(segments), span: this.spanFrom(start) };
      }
      this.next();
      this.tried('{');
      this.tried('string literal');
      segments.push(this.anyIdent());
    }
    // A lone `if` here was taken as the start of a path, so the token after it is the unexpected one.
    if (segments.length === 1 && SPECIAL_IDENTS.has(first.text)) throw this.unexpectedHere(this.peek());
    const name = this.nameOf(segments);
    return { kind: 'name', name, span: name.span };
  }

  private refInit(): void {
    this.anyIdent();
    this.expectPunct(':');
    const literal = this.peek();
    const isLiteral =
      literal.kind === 'number' ||
      literal.kind === 'string' ||
      (literal.kind === 'ident' && (literal.text === 'true' || literal.text === 'false'));
    if (!isLiteral) throw this.unexpectedHere(literal);
    this.next();
  }

  private nameOf(segments: readonly Token[]): CstName {
    const first = segments[0];
    const last = segments.at(-1);
    // INVARIANT: a name has at least one segment.
    if (first === undefined || last === undefined) throw new Error('empty name');
    return { segments, span: { start: first.start, end: last.end } };
  }

  private name(): CstName {
    const first = this.anyIdent();
    const segments = [first];
    while (this.isPunct('::')) {
      this.next();
      segments.push(this.anyIdent());
    }
    if (segments.length === 1 && SPECIAL_IDENTS.has(first.text)) throw this.unexpectedHere(this.peek());
    return this.nameOf(segments);
  }

  /** `Comma<E> := {E ','} [E]`: empty lists and a trailing comma are allowed. */
  private commaList<T>(close: string, item: () => T): T[] {
    const items: T[] = [];
    while (!this.isPunct(close)) {
      items.push(item());
      if (!this.isPunct(',')) break;
      this.next();
    }
    return items;
  }

  private anyIdent(): Token {
    this.tried('identifier');
    const token = this.peek();
    if (token.kind !== 'ident') throw this.unexpectedHere(token);
    return this.next();
  }

  private expectIdent(word: string): void {
    if (!this.isIdent(word)) throw this.unexpectedHere(this.peek());
    this.next();
  }

  private expectKind(kind: 'string'): Token {
    this.tried('string literal');
    const token = this.peek();
    if (token.kind !== kind) throw this.unexpectedHere(token);
    return this.next();
  }

  private expectPunct(text: string): Token {
    if (!this.isPunct(text)) throw this.unexpectedHere(this.peek());
    return this.next();
  }

  private isPunct(text: string): boolean {
    this.tried(text);
    return isPunctToken(this.peek(), text);
  }

  private isPunctAt(offset: number, text: string): boolean {
    const token = this.peekAt(offset);
    return token.kind === 'punct' && token.text === text;
  }

  private isIdent(text: string): boolean {
    this.tried(text);
    const token = this.peek();
    return token.kind === 'ident' && token.text === text;
  }

  private peek(): Token {
    // INVARIANT: the token list ends with `eof`, and the position never passes it.
    return this.tokens[this.position] as Token;
  }

  private peekAt(offset: number): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind === 'invalid') throw this.unexpectedHere(token);
    if (token.kind !== 'eof') this.position += 1;
    return token;
  }

  private spanFrom(start: number): SourceSpan {
    return { start, end: this.tokens[this.position - 1]?.end ?? start };
  }
}
