// The concrete syntax tree the formatter lays out: one node per rule of
// Cedar's grammar, each with the span of its tokens, so that parentheses,
// string escapes and the place of every comment survive. It mirrors Cedar's
// own CST (cedar-policy-core's `parser::cst`) rule for rule, because the
// formatter's output depends on which node a comment is looked up from.
import type { SourceSpan } from '../syntax/index.js';
import type { Token } from './tokens.js';

export type Span = SourceSpan;

/** An identifier or keyword token. */
export interface Ident {
  readonly span: Span;
  readonly text: string;
}

export interface Annotation {
  readonly span: Span;
  readonly key: Ident;
  readonly value?: StringToken;
}

export interface StringToken {
  readonly span: Span;
  /** As written, quotes and escapes included. */
  readonly raw: string;
}

export interface Policy {
  readonly span: Span;
  readonly annotations: readonly Annotation[];
  readonly effect: Ident;
  readonly variables: readonly VariableDef[];
  readonly conditions: readonly Condition[];
}

export interface VariableDef {
  readonly span: Span;
  readonly variable: Ident;
  readonly entityType?: Add;
  readonly constraint?: { readonly op: string; readonly rhs: Expr };
}

export interface Condition {
  readonly span: Span;
  readonly keyword: Ident;
  readonly body?: Expr;
}

export type Expr =
  | {
      readonly span: Span;
      readonly kind: 'if';
      readonly cond: Expr;
      readonly then: Expr;
      readonly else: Expr;
    }
  | { readonly span: Span; readonly kind: 'or'; readonly or: Or };

/** `initial || rest[0] || ...` */
export interface Or {
  readonly span: Span;
  readonly operands: readonly [And, ...And[]];
}

export interface And {
  readonly span: Span;
  readonly operands: readonly [Relation, ...Relation[]];
}

export type Relation =
  | {
      readonly span: Span;
      readonly kind: 'common';
      readonly initial: Add;
      readonly rest: readonly (readonly [string, Add])[];
    }
  | { readonly span: Span; readonly kind: 'has'; readonly target: Add; readonly field: Add }
  | { readonly span: Span; readonly kind: 'like'; readonly target: Add; readonly pattern: Add }
  | {
      readonly span: Span;
      readonly kind: 'is';
      readonly target: Add;
      readonly entityType: Add;
      readonly in?: Add;
    };

export interface Add {
  readonly span: Span;
  readonly initial: Mult;
  readonly rest: readonly (readonly [string, Mult])[];
}

export interface Mult {
  readonly span: Span;
  readonly initial: Unary;
  readonly rest: readonly (readonly [string, Unary])[];
}

export interface Unary {
  readonly span: Span;
  /** `!` or `-`, written `count` times in a row. */
  readonly op?: { readonly symbol: '!' | '-'; readonly count: number };
  readonly item: Member;
}

export interface Member {
  readonly span: Span;
  readonly item: Primary;
  readonly access: readonly Access[];
}

export type Access =
  | { readonly span: Span; readonly kind: 'field'; readonly name: Ident }
  | { readonly span: Span; readonly kind: 'call'; readonly args: readonly Expr[] }
  | { readonly span: Span; readonly kind: 'index'; readonly index: Expr };

export type Primary =
  | { readonly span: Span; readonly kind: 'literal'; readonly literal: Literal }
  | { readonly span: Span; readonly kind: 'ref'; readonly path: Name; readonly id: StringToken }
  | { readonly span: Span; readonly kind: 'name'; readonly name: Name }
  | { readonly span: Span; readonly kind: 'slot'; readonly slot: Ident }
  | { readonly span: Span; readonly kind: 'parens'; readonly expr: Expr }
  | { readonly span: Span; readonly kind: 'set'; readonly elements: readonly Expr[] }
  | { readonly span: Span; readonly kind: 'record'; readonly fields: readonly RecordField[] };

export interface Literal {
  readonly span: Span;
  /** As Cedar prints it: numbers without leading zeros, strings as written. */
  readonly text: string;
}

export interface Name {
  readonly span: Span;
  readonly path: readonly Ident[];
  readonly name: Ident;
}

export interface RecordField {
  readonly span: Span;
  readonly key: Expr;
  readonly value: Expr;
}

/** Thrown on text the grammar does not accept; callers check text with the real parser first. */
export class ConcreteSyntaxError extends Error {
  constructor(readonly offset: number) {
    super(`unexpected token at offset ${offset}`);
  }
}

const RELATION_OPERATORS = new Set(['<', '<=', '>=', '>', '!=', '==', 'in']);
const SPECIAL_IDENTIFIERS = new Set(['if', 'true', 'false']);

function spanOf(first: { readonly span: Span }, last: { readonly span: Span }): Span {
  return { start: first.span.start, end: last.span.end };
}

/** Reads every policy of `tokens`. */
export function parseConcrete(tokens: readonly Token[]): Policy[] {
  return new ConcreteParser(tokens).policies();
}

class ConcreteParser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  private is(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token !== undefined && token.kind !== 'string' && token.text === text;
  }

  private fail(): never {
    throw new ConcreteSyntaxError(this.peek()?.span.start ?? this.tokens.at(-1)?.span.end ?? 0);
  }

  private next(): Token {
    const token = this.peek();
    if (token === undefined) this.fail();
    this.index += 1;
    return token;
  }

  private expect(text: string): Token {
    if (!this.is(text)) this.fail();
    return this.next();
  }

  private previousEnd(): number {
    return (this.tokens[this.index - 1] as Token).span.end;
  }

  private ident(): Ident {
    const token = this.next();
    if (token.kind !== 'word') this.fail();
    return { span: token.span, text: token.text };
  }

  private string(): StringToken {
    const token = this.next();
    if (token.kind !== 'string') this.fail();
    return { span: token.span, raw: token.text };
  }

  /** `E, E, ...` up to `close`, a trailing comma allowed; consumes `close`. */
  private commaSeparated<T>(close: string, item: () => T): T[] {
    const items: T[] = [];
    while (!this.is(close)) {
      items.push(item());
      if (!this.is(',')) break;
      this.next();
    }
    this.expect(close);
    return items;
  }

  policies(): Policy[] {
    const policies: Policy[] = [];
    while (this.peek() !== undefined) policies.push(this.policy());
    return policies;
  }

  private policy(): Policy {
    const start = this.peek()?.span.start ?? 0;
    const annotations: Annotation[] = [];
    while (this.is('@')) annotations.push(this.annotation());
    const effect = this.ident();
    this.expect('(');
    const variables = this.commaSeparated(')', () => this.variableDef());
    const conditions: Condition[] = [];
    while (!this.is(';')) conditions.push(this.condition());
    this.expect(';');
    return { span: { start, end: this.previousEnd() }, annotations, effect, variables, conditions };
  }

  private annotation(): Annotation {
    const at = this.expect('@');
    const key = this.ident();
    if (!this.is('(')) return { span: spanOf(at, key), key };
    this.next();
    const value = this.string();
    this.expect(')');
    return { span: { start: at.span.start, end: this.previousEnd() }, key, value };
  }

  private variableDef(): VariableDef {
    const variable = this.ident();
    if (this.is(':')) this.fail();
    let entityType: Add | undefined;
    if (this.is('is')) {
      this.next();
      entityType = this.add();
    }
    let constraint: VariableDef['constraint'];
    const op = this.peek();
    if (op !== undefined && op.kind === 'punct' && RELATION_OPERATORS.has(op.text)) {
      this.next();
      constraint = { op: op.text, rhs: this.expr() };
    } else if (this.is('in')) {
      this.next();
      constraint = { op: 'in', rhs: this.expr() };
    }
    return {
      span: { start: variable.span.start, end: this.previousEnd() },
      variable,
      ...(entityType === undefined ? {} : { entityType }),
      ...(constraint === undefined ? {} : { constraint }),
    };
  }

  private condition(): Condition {
    const keyword = this.ident();
    this.expect('{');
    const body = this.is('}') ? undefined : this.expr();
    this.expect('}');
    return {
      span: { start: keyword.span.start, end: this.previousEnd() },
      keyword,
      ...(body === undefined ? {} : { body }),
    };
  }

  private expr(): Expr {
    const start = this.peek()?.span.start ?? 0;
    if (this.is('if')) {
      this.next();
      const cond = this.expr();
      this.expect('then');
      const then = this.expr();
      this.expect('else');
      const otherwise = this.expr();
      return { span: { start, end: this.previousEnd() }, kind: 'if', cond, then, else: otherwise };
    }
    const or = this.or();
    return { span: or.span, kind: 'or', or };
  }

  private or(): Or {
    const operands: [And, ...And[]] = [this.and()];
    while (this.is('||')) {
      this.next();
      operands.push(this.and());
    }
    return { span: spanOf(operands[0], operands[operands.length - 1] as And), operands };
  }

  private and(): And {
    const operands: [Relation, ...Relation[]] = [this.relation()];
    while (this.is('&&')) {
      this.next();
      operands.push(this.relation());
    }
    return { span: spanOf(operands[0], operands[operands.length - 1] as Relation), operands };
  }

  private relation(): Relation {
    const initial = this.add();
    const start = initial.span.start;
    const spanHere = (): Span => ({ start, end: this.previousEnd() });
    if (this.is('has')) {
      this.next();
      if (this.is('if'))
        return { span: spanHere(), kind: 'has', target: initial, field: this.ifField(start) };
      const field = this.add();
      return { span: spanHere(), kind: 'has', target: initial, field };
    }
    if (this.is('like')) {
      this.next();
      const pattern = this.add();
      return { span: spanHere(), kind: 'like', target: initial, pattern };
    }
    if (this.is('is')) {
      this.next();
      const entityType = this.add();
      if (!this.is('in')) return { span: spanHere(), kind: 'is', target: initial, entityType };
      this.next();
      const inEntity = this.add();
      return { span: spanHere(), kind: 'is', target: initial, entityType, in: inEntity };
    }
    const rest: (readonly [string, Add])[] = [];
    for (
      let op = this.peek();
      op !== undefined && op.kind !== 'string' && RELATION_OPERATORS.has(op.text);
      op = this.peek()
    ) {
      this.next();
      rest.push([op.text, this.add()]);
    }
    return { span: spanHere(), kind: 'common', initial, rest };
  }

  /** `x has if.a.b`: Cedar builds the field from the keyword, every node spanning the whole relation. */
  private ifField(relationStart: number): Add {
    const keyword = this.ident();
    const access: Access[] = [];
    while (this.is('.') || this.is('(') || this.is('[')) access.push(this.access());
    const span: Span = { start: relationStart, end: this.previousEnd() };
    const name: Name = { span, path: [], name: keyword };
    const member: Member = { span, item: { span, kind: 'name', name }, access };
    return { span, initial: { span, initial: { span, item: member }, rest: [] }, rest: [] };
  }

  private add(): Add {
    const initial = this.mult();
    const rest: (readonly [string, Mult])[] = [];
    while (this.is('+') || this.is('-')) rest.push([this.next().text, this.mult()]);
    return { span: { start: initial.span.start, end: this.previousEnd() }, initial, rest };
  }

  private mult(): Mult {
    const initial = this.unary();
    const rest: (readonly [string, Unary])[] = [];
    while (this.is('*') || this.is('/') || this.is('%')) rest.push([this.next().text, this.unary()]);
    return { span: { start: initial.span.start, end: this.previousEnd() }, initial, rest };
  }

  private unary(): Unary {
    const start = this.peek()?.span.start ?? 0;
    const symbol = this.is('!') ? '!' : this.is('-') ? '-' : undefined;
    let count = 0;
    while (symbol !== undefined && this.is(symbol)) {
      this.next();
      count += 1;
    }
    const item = this.member();
    return {
      span: { start, end: this.previousEnd() },
      ...(symbol === undefined ? {} : { op: { symbol, count } }),
      item,
    };
  }

  private member(): Member {
    const item = this.primary();
    const access: Access[] = [];
    while (this.is('.') || this.is('(') || this.is('[')) access.push(this.access());
    return { span: { start: item.span.start, end: this.previousEnd() }, item, access };
  }

  private access(): Access {
    const open = this.next();
    const spanHere = (): Span => ({ start: open.span.start, end: this.previousEnd() });
    switch (open.text) {
      case '.': {
        const name = this.ident();
        return { span: spanHere(), kind: 'field', name };
      }
      case '(': {
        const args = this.commaSeparated(')', () => this.expr());
        return { span: spanHere(), kind: 'call', args };
      }
      default: {
        const index = this.expr();
        this.expect(']');
        return { span: spanHere(), kind: 'index', index };
      }
    }
  }

  private primary(): Primary {
    const token = this.peek();
    if (token === undefined) this.fail();
    const start = token.span.start;
    const spanHere = (): Span => ({ start, end: this.previousEnd() });
    switch (token.kind) {
      case 'number': {
        this.next();
        const literal: Literal = { span: token.span, text: BigInt(token.text).toString() };
        return { span: token.span, kind: 'literal', literal };
      }
      case 'string': {
        this.next();
        return { span: token.span, kind: 'literal', literal: { span: token.span, text: token.text } };
      }
      case 'slot':
        this.next();
        return { span: token.span, kind: 'slot', slot: { span: token.span, text: token.text } };
      case 'punct':
        return this.bracketed(token.text, spanHere);
      case 'word':
        return this.nameOrReference(token, spanHere);
      default: {
        const unreachable: never = token.kind;
        return unreachable;
      }
    }
  }

  private bracketed(open: string, spanHere: () => Span): Primary {
    this.next();
    switch (open) {
      case '(': {
        const expr = this.expr();
        this.expect(')');
        return { span: spanHere(), kind: 'parens', expr };
      }
      case '[': {
        const elements = this.commaSeparated(']', () => this.expr());
        return { span: spanHere(), kind: 'set', elements };
      }
      case '{': {
        const fields = this.commaSeparated('}', () => this.recordField());
        return { span: spanHere(), kind: 'record', fields };
      }
      default:
        return this.fail();
    }
  }

  private nameOrReference(first: Token, spanHere: () => Span): Primary {
    if ((first.text === 'true' || first.text === 'false') && !this.is('::', 1)) {
      this.next();
      return { span: first.span, kind: 'literal', literal: { span: first.span, text: first.text } };
    }
    const path: Ident[] = [];
    let name = this.ident();
    while (this.is('::') && this.peek(1)?.kind === 'word') {
      this.next();
      path.push(name);
      name = this.ident();
    }
    const written: Name = { span: spanHere(), path, name };
    if (this.is('::') && this.peek(1)?.kind === 'string') {
      this.next();
      const id = this.string();
      return { span: spanHere(), kind: 'ref', path: written, id };
    }
    if (path.length === 0 && SPECIAL_IDENTIFIERS.has(name.text)) this.fail();
    return { span: spanHere(), kind: 'name', name: written };
  }

  private recordField(): RecordField {
    const first = this.peek();
    if (first !== undefined && first.text === 'if' && first.kind === 'word' && this.is(':', 1)) {
      // Cedar builds the key from the keyword, every node spanning the whole field.
      const keyword = this.ident();
      this.next();
      const value = this.expr();
      const span: Span = { start: keyword.span.start, end: this.previousEnd() };
      const name: Name = { span, path: [], name: keyword };
      const member: Member = { span, item: { span, kind: 'name', name }, access: [] };
      const add: Add = { span, initial: { span, initial: { span, item: member }, rest: [] }, rest: [] };
      const or: Or = {
        span,
        operands: [{ span, operands: [{ span, kind: 'common', initial: add, rest: [] }] }],
      };
      return { span, key: { span, kind: 'or', or }, value };
    }
    const key = this.expr();
    this.expect(':');
    const value = this.expr();
    return { span: spanOf(key, value), key, value };
  }
}
