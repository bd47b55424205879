// Lays a concrete policy out as a document, as Cedar's formatter does: the
// same groups, nesting and breaks for each rule, and each comment printed
// where Cedar prints it. Comments are taken from the token store in the order
// Cedar's formatter takes them, since a token's comments go to whoever asks first.
import type * as Cst from './cst.js';
import {
  concat,
  group,
  hardline,
  intersperse,
  line,
  lineEnd,
  nest,
  nil,
  sequence,
  softBreak,
  space,
  text,
  type Doc,
} from './doc.js';
import type { CommentStore, TokenComments } from './tokens.js';

/** Comment lines on lines of their own, then a line break. */
function leadingDoc(leading: readonly string[]): Doc {
  if (leading.length === 0) return nil;
  return concat(hardline, intersperse(leading.map(text), hardline), hardline);
}

/** A comment at the end of the line ends the line (see `lineEnd`); otherwise `otherwise` follows. */
function trailingDoc(trailing: string, otherwise: Doc): Doc {
  return trailing === '' ? otherwise : concat(space, text(trailing), lineEnd);
}

function withComments(doc: Doc, comments: TokenComments, after: Doc = nil): Doc {
  return concat(leadingDoc(comments.leading), doc, trailingDoc(comments.trailing, after));
}

export class PolicyLayout {
  constructor(
    private readonly comments: CommentStore,
    private readonly indent: number,
  ) {}

  policy(policy: Cst.Policy): Doc {
    const annotations = sequence(policy.annotations.map((annotation) => this.annotation(annotation)));
    const effectLeading = this.comments.leadingAtStart(policy.effect.span);
    const effect = this.ident(policy.effect);
    const [principal, action, resource] = policy.variables;
    if (principal === undefined || action === undefined || resource === undefined) {
      throw new Error('a policy has three scope variables');
    }
    const principalDoc = this.variable(principal);
    const actionDoc = this.variable(action);
    const resourceDoc = this.variable(resource);
    const plainScope = policy.variables.every(
      (variable) => variable.constraint === undefined && variable.entityType === undefined,
    );
    const scope = plainScope
      ? group(
          nest(
            this.indent,
            concat(
              principalDoc,
              withComments(text(','), this.comments.afterEnd(principal.span), space),
              actionDoc,
              withComments(text(','), this.comments.afterEnd(action.span), space),
              resourceDoc,
            ),
          ),
        )
      : concat(
          nest(
            this.indent,
            concat(
              hardline,
              principalDoc,
              withComments(text(','), this.comments.afterEnd(principal.span), hardline),
              actionDoc,
              withComments(text(','), this.comments.afterEnd(action.span), hardline),
              resourceDoc,
            ),
          ),
          hardline,
        );
    const conditions = intersperse(
      policy.conditions.map((condition) => this.condition(condition)),
      hardline,
    );
    const open = withComments(text('('), this.comments.afterEnd(policy.effect.span));
    const close = withComments(
      text(')'),
      this.comments.afterEnd(resource.span),
      policy.conditions.length === 0 ? nil : hardline,
    );
    const semicolon = withComments(text(';'), this.comments.atEnd(policy.span));
    return concat(
      annotations,
      leadingDoc(effectLeading),
      group(concat(effect, line, open)),
      scope,
      close,
      conditions,
      semicolon,
    );
  }

  private annotation(annotation: Cst.Annotation): Doc {
    const key = this.ident(annotation.key);
    const at = withComments(text('@'), this.comments.atStart(annotation.span));
    if (annotation.value === undefined) return concat(at, key, hardline);
    const open = withComments(text('('), this.comments.afterEnd(annotation.key.span));
    const value = this.string(annotation.value);
    const close = withComments(text(')'), this.comments.atEnd(annotation.span), hardline);
    return concat(at, key, open, value, close);
  }

  private ident(ident: Cst.Ident): Doc {
    return withComments(text(ident.text), this.comments.atStart(ident.span));
  }

  private string(value: Cst.StringToken): Doc {
    return withComments(text(value.raw), this.comments.atStart(value.span));
  }

  private variable(variable: Cst.VariableDef): Doc {
    const start = this.comments.atStart(variable.span);
    const name = text(variable.variable.text);
    const isDoc =
      variable.entityType === undefined ? nil : this.isClause(variable.variable, variable.entityType);
    if (variable.constraint === undefined) return concat(withComments(name, start), isDoc);
    const opComments = this.comments.afterEnd((variable.entityType ?? variable.variable).span);
    const rhs = this.expr(variable.constraint.rhs);
    return concat(
      leadingDoc(start.leading),
      group(
        concat(
          group(
            concat(
              name,
              trailingDoc(start.trailing, nil),
              isDoc,
              line,
              withComments(text(variable.constraint.op), opComments),
            ),
          ),
          nest(this.indent, concat(line, rhs)),
        ),
      ),
    );
  }

  private isClause(variable: Cst.Ident, entityType: Cst.Add): Doc {
    const keyword = withComments(text('is'), this.comments.afterEnd(variable.span));
    const typeDoc = this.add(entityType);
    const typeComments = this.comments.atStart(entityType.span);
    return group(
      nest(this.indent, concat(group(concat(line, keyword)), line, withComments(typeDoc, typeComments))),
    );
  }

  private condition(condition: Cst.Condition): Doc {
    const braceComments = this.comments.afterEnd(condition.keyword.span);
    const closeComments = this.comments.atEnd(condition.span);
    const keywordComments = this.comments.atStart(condition.keyword.span);
    const close = withComments(text('}'), closeComments);
    const keyword = text(condition.keyword.text);
    if (condition.body === undefined) {
      return concat(
        leadingDoc(keywordComments.leading),
        group(
          concat(
            keyword,
            trailingDoc(keywordComments.trailing, line),
            leadingDoc(braceComments.leading),
            group(concat(text('{'), trailingDoc(braceComments.trailing, line), close)),
          ),
        ),
      );
    }
    const bodyLeading = this.comments.leadingAtStart(condition.body.span);
    const body = this.expr(condition.body);
    return concat(
      leadingDoc(keywordComments.leading),
      group(
        concat(
          keyword,
          trailingDoc(keywordComments.trailing, line),
          leadingDoc(braceComments.leading),
          text('{'),
          group(
            concat(
              nest(
                this.indent,
                concat(trailingDoc(braceComments.trailing, line), leadingDoc(bodyLeading), group(body)),
              ),
              line,
              close,
            ),
          ),
        ),
      ),
    );
  }

  expr(expr: Cst.Expr): Doc {
    switch (expr.kind) {
      case 'or':
        return this.or(expr.or);
      case 'if': {
        const ifComments = this.comments.atStart(expr.span);
        const thenComments = this.comments.afterEnd(expr.cond.span);
        const elseComments = this.comments.afterEnd(expr.then.span);
        const branch = (keyword: string, comments: TokenComments, operand: Cst.Expr): Doc =>
          concat(withComments(text(keyword), comments), nest(this.indent, concat(line, this.expr(operand))));
        const ifDoc = branch('if', ifComments, expr.cond);
        const thenDoc = branch('then', thenComments, expr.then);
        const elseDoc = branch('else', elseComments, expr.else);
        return group(concat(ifDoc, line, thenDoc, line, elseDoc));
      }
      default: {
        const unreachable: never = expr;
        return unreachable;
      }
    }
  }

  /** `a op b op c` with each operator at the end of its line when the enclosing group breaks. */
  private chain<T extends { readonly span: Cst.Span }>(
    operands: readonly T[],
    op: string,
    operand: (node: T) => Doc,
  ): Doc {
    const docs: Doc[] = [];
    for (const [index, node] of operands.entries()) {
      if (index === operands.length - 1) {
        docs.push(operand(node));
      } else {
        const comments = this.comments.afterEnd(node.span);
        docs.push(operand(node), space, withComments(text(op), comments, line));
      }
    }
    return sequence(docs);
  }

  private or(or: Cst.Or): Doc {
    return this.chain(or.operands, '||', (operand) => this.and(operand));
  }

  private and(and: Cst.And): Doc {
    return this.chain(and.operands, '&&', (operand) => this.relation(operand));
  }

  private relation(relation: Cst.Relation): Doc {
    switch (relation.kind) {
      case 'common': {
        const [operation, ...more] = relation.rest;
        if (operation === undefined) return this.add(relation.initial);
        if (more.length > 0) throw new Error('a relation has at most one operator');
        const left = this.add(relation.initial);
        const op = withComments(text(operation[0]), this.comments.afterEnd(relation.initial.span));
        return concat(left, space, op, space, this.add(operation[1]));
      }
      case 'has':
      case 'like': {
        const target = this.add(relation.target);
        const keyword = withComments(text(relation.kind), this.comments.afterEnd(relation.target.span));
        const operand = this.add(relation.kind === 'has' ? relation.field : relation.pattern);
        return group(concat(target, line, keyword, line, nest(this.indent, operand)));
      }
      case 'is': {
        const target = this.add(relation.target);
        const keyword = withComments(text('is'), this.comments.afterEnd(relation.target.span));
        const entityType = nest(this.indent, this.add(relation.entityType));
        const isDoc = concat(target, space, keyword, space, entityType);
        if (relation.in === undefined) return group(isDoc);
        const inKeyword = withComments(text('in'), this.comments.afterEnd(relation.entityType.span));
        return group(concat(isDoc, line, inKeyword, space, nest(this.indent, this.add(relation.in))));
      }
      default: {
        const unreachable: never = relation;
        return unreachable;
      }
    }
  }

  private add(add: Cst.Add): Doc {
    return this.arithmetic(add, (mult) => this.mult(mult));
  }

  private mult(mult: Cst.Mult): Doc {
    return this.arithmetic(mult, (unary) => this.unary(unary));
  }

  private arithmetic<T extends { readonly span: Cst.Span }>(
    node: { readonly initial: T; readonly rest: readonly (readonly [string, T])[] },
    operand: (node: T) => Doc,
  ): Doc {
    const docs: Doc[] = [operand(node.initial)];
    let previous: T = node.initial;
    for (const [op, next] of node.rest) {
      const comments = this.comments.afterEnd(previous.span);
      docs.push(space, withComments(text(op), comments), line, operand(next));
      previous = next;
    }
    return group(sequence(docs));
  }

  private unary(unary: Cst.Unary): Doc {
    if (unary.op === undefined) return this.member(unary.item);
    const { symbol, count } = unary.op;
    if (count > 4) throw new Error('at most four unary operators in a row');
    const comments = this.comments.inRange(unary.span.start, unary.item.span.start);
    if (comments.length !== count) throw new Error('one comment slot per unary operator');
    return sequence([
      ...comments.map((comment) => withComments(text(symbol), comment)),
      this.member(unary.item),
    ]);
  }

  private member(member: Cst.Member): Doc {
    const item = this.primary(member.item);
    const accesses = member.access.map((access) => this.access(access));
    return group(concat(item, nest(this.indent, intersperse(accesses, softBreak))));
  }

  private access(access: Cst.Access): Doc {
    switch (access.kind) {
      case 'field': {
        const dot = withComments(text('.'), this.comments.atStart(access.span));
        return concat(dot, this.ident(access.name));
      }
      case 'call': {
        const open = withComments(text('('), this.comments.atStart(access.span));
        const args = this.commaList(access.args, (arg) => this.expr(arg));
        const close = withComments(text(')'), this.comments.atEnd(access.span));
        if (access.args.length === 0) return concat(open, close);
        return concat(open, nest(this.indent, concat(softBreak, args)), softBreak, close);
      }
      case 'index': {
        const open = withComments(text('['), this.comments.atStart(access.span));
        const index = this.expr(access.index);
        const close = withComments(text(']'), this.comments.atEnd(access.span));
        return concat(open, index, close);
      }
      default: {
        const unreachable: never = access;
        return unreachable;
      }
    }
  }

  /** `a, b, c`, each comma carrying the comments of the comma token. */
  private commaList<T extends { readonly span: Cst.Span }>(items: readonly T[], item: (node: T) => Doc): Doc {
    const docs: Doc[] = [];
    for (const [index, node] of items.entries()) {
      if (index > 0) {
        const comments = this.comments.afterEnd((items[index - 1] as T).span);
        docs.push(withComments(text(','), comments), line);
      }
      docs.push(item(node));
    }
    return sequence(docs);
  }

  private primary(primary: Cst.Primary): Doc {
    switch (primary.kind) {
      case 'literal':
        return withComments(text(primary.literal.text), this.comments.atStart(primary.literal.span));
      case 'slot':
        return withComments(text(primary.slot.text), this.comments.atStart(primary.slot.span));
      case 'name':
        return this.name(primary.name);
      case 'ref': {
        const path = this.name(primary.path);
        const separator = withComments(text('::'), this.comments.afterEnd(primary.path.span));
        return concat(path, separator, this.string(primary.id));
      }
      case 'parens': {
        const open = withComments(text('('), this.comments.atStart(primary.span));
        const inner = nest(1, this.expr(primary.expr));
        const close = withComments(text(')'), this.comments.atEnd(primary.span));
        return group(concat(open, inner, close));
      }
      case 'set': {
        const elements = this.commaList(primary.elements, (element) => this.expr(element));
        const open = withComments(text('['), this.comments.atStart(primary.span));
        const close = withComments(text(']'), this.comments.atEnd(primary.span));
        return concat(open, nest(1, elements), close);
      }
      case 'record': {
        const fields = this.commaList(primary.fields, (field) => this.recordField(field));
        const open = withComments(text('{'), this.comments.atStart(primary.span));
        const close = withComments(text('}'), this.comments.atEnd(primary.span));
        if (primary.fields.length === 0) return concat(open, close);
        return concat(open, group(concat(nest(this.indent, concat(line, fields)), line)), close);
      }
      default: {
        const unreachable: never = primary;
        return unreachable;
      }
    }
  }

  private recordField(field: Cst.RecordField): Doc {
    const key = this.expr(field.key);
    const value = this.expr(field.value);
    const colon = withComments(text(':'), this.comments.afterEnd(field.key.span));
    return concat(key, colon, space, value);
  }

  private name(name: Cst.Name): Doc {
    const [first, ...rest] = name.path;
    if (first === undefined) return this.ident(name.name);
    const docs: Doc[] = [this.ident(first)];
    let previous = first;
    for (const segment of [...rest, name.name]) {
      docs.push(withComments(text('::'), this.comments.afterEnd(previous.span)), this.ident(segment));
      previous = segment;
    }
    return sequence(docs);
  }
}
