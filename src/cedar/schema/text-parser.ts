// Parser for the human-readable `.cedarschema` syntax (Cedar schema grammar).
// Declarations outside any `namespace` block form the empty namespace.
import type {
  ActionDecl,
  ActionRef,
  Annotations,
  AppliesTo,
  AttributeDecl,
  CommonTypeDecl,
  EntityDecl,
  NameRef,
  RecordTypeExpr,
  SchemaAst,
  SchemaError,
  SchemaResult,
  SourceSpan,
  TypeExpr,
} from './ast.js';
import { tokenize, type Punctuation, type Token } from './lexer.js';

/** Words of the policy language that cannot name anything in a schema. */
// Records and sets nested deeper than this are refused: a schema that the
// JSON format (at most 128 levels, as \`serde_json\` reads it) can still hold.
const MAX_TYPE_DEPTH = 60;

const RESERVED_IDENTIFIERS = new Set(['true', 'false', 'if', 'then', 'else', 'in', 'is', 'like', 'has']);

/** Thrown inside the parser only; `parseSchemaText` turns it into a result. */
class SyntaxFailure extends Error {
  constructor(readonly error: SchemaError) {
    super(error.message);
  }
}

interface NamespaceBuilder {
  name: string;
  annotations: Annotations;
  commonTypes: CommonTypeDecl[];
  entityTypes: EntityDecl[];
  actions: ActionDecl[];
  span?: SourceSpan;
}

export function parseSchemaText(text: string): SchemaResult<SchemaAst> {
  const lexed = tokenize(text);
  if (!lexed.ok) return { ok: false, errors: [lexed.error] };
  try {
    return { ok: true, value: new Parser(lexed.tokens).schema() };
  } catch (error) {
    if (error instanceof SyntaxFailure) return { ok: false, errors: [error.error] };
    throw error;
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'ident':
      return `\`${token.text}\``;
    case 'string':
      return `string literal ${JSON.stringify(token.value)}`;
    case 'punct':
      return `\`${token.text}\``;
    case 'eof':
      return 'end of input';
    default: {
      const unreachable: never = token;
      return unreachable;
    }
  }
}

class Parser {
  private position = 0;
  // Records and sets the parser is inside: bounded, as every later stage walks types recursively.
  private typeDepth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  schema(): SchemaAst {
    const empty: NamespaceBuilder = {
      name: '',
      annotations: {},
      commonTypes: [],
      entityTypes: [],
      actions: [],
    };
    const namespaces: NamespaceBuilder[] = [empty];
    while (this.peek().kind !== 'eof') {
      const start = this.peek().span.start;
      const annotations = this.annotations();
      if (this.atKeyword('namespace')) {
        namespaces.push(this.namespace(annotations, start));
      } else {
        this.declaration(empty, annotations, start);
      }
    }
    const [first, ...rest] = namespaces;
    const keepEmpty =
      first !== undefined &&
      (first.commonTypes.length > 0 || first.entityTypes.length > 0 || first.actions.length > 0);
    return { namespaces: keepEmpty && first !== undefined ? [first, ...rest] : rest };
  }

  private namespace(annotations: Annotations, start: number): NamespaceBuilder {
    this.next();
    const name = this.path();
    this.expect('{');
    const namespace: NamespaceBuilder = {
      name: name.name,
      annotations,
      commonTypes: [],
      entityTypes: [],
      actions: [],
    };
    while (!this.atPunct('}')) {
      const declStart = this.peek().span.start;
      const declAnnotations = this.annotations();
      this.declaration(namespace, declAnnotations, declStart);
    }
    const close = this.expect('}');
    namespace.span = { start, end: close.span.end };
    return namespace;
  }

  private declaration(namespace: NamespaceBuilder, annotations: Annotations, start: number): void {
    const token = this.peek();
    if (token.kind === 'ident' && token.text === 'entity') {
      this.next();
      namespace.entityTypes.push(...this.entity(annotations, start));
    } else if (token.kind === 'ident' && token.text === 'action') {
      this.next();
      namespace.actions.push(...this.action(annotations, start));
    } else if (token.kind === 'ident' && token.text === 'type') {
      this.next();
      namespace.commonTypes.push(this.commonType(annotations, start));
    } else if (token.kind === 'ident' && token.text === 'namespace') {
      this.fail('namespaces cannot be nested', token.span);
    } else {
      this.fail(
        `unexpected ${describe(token)}: expected \`entity\`, \`action\`, \`type\` or \`namespace\``,
        token.span,
      );
    }
  }

  private entity(annotations: Annotations, start: number): EntityDecl[] {
    const names = this.separated(() => this.identifier());
    if (this.atKeyword('enum')) {
      this.next();
      this.expect('[');
      const choices = this.separated(() => this.stringLiteral().value);
      this.expect(']');
      const end = this.expect(';').span.end;
      return names.map((name) => ({
        kind: 'enum',
        name: name.name,
        choices,
        annotations,
        span: { start, end },
      }));
    }
    let memberOfTypes: NameRef[] = [];
    if (this.atKeyword('in')) {
      this.next();
      memberOfTypes = this.pathOrPaths();
    }
    let shape: TypeExpr | undefined;
    if (this.atPunct('=')) {
      this.next();
      shape = this.recordType();
    } else if (this.atPunct('{')) {
      shape = this.recordType();
    }
    let tags: TypeExpr | undefined;
    if (this.atKeyword('tags')) {
      this.next();
      tags = this.type();
    }
    const end = this.expect(';').span.end;
    return names.map((name) => ({
      kind: 'standard',
      name: name.name,
      memberOfTypes,
      ...(shape === undefined ? {} : { shape }),
      ...(tags === undefined ? {} : { tags }),
      annotations,
      span: { start, end },
    }));
  }

  private action(annotations: Annotations, start: number): ActionDecl[] {
    const names = this.separated(() => this.name());
    let memberOf: ActionRef[] = [];
    if (this.atKeyword('in')) {
      this.next();
      if (this.atPunct('[')) {
        this.next();
        memberOf = this.atPunct(']') ? [] : this.separated(() => this.actionRef());
        this.expect(']');
      } else {
        memberOf = [this.actionRef()];
      }
    }
    let appliesTo: AppliesTo | undefined;
    if (this.atKeyword('appliesTo')) {
      this.next();
      appliesTo = this.appliesTo();
    }
    if (this.atKeyword('attributes')) {
      this.fail('action attributes are not supported', this.peek().span);
    }
    const end = this.expect(';').span.end;
    return names.map((name) => ({
      name: name.name,
      memberOf,
      ...(appliesTo === undefined ? {} : { appliesTo }),
      annotations,
      span: { start, end },
    }));
  }

  private actionRef(): ActionRef {
    const first = this.peek();
    if (first.kind === 'string') {
      this.next();
      return { id: first.value, span: first.span };
    }
    const head = this.identifier();
    const segments = [head.name];
    while (this.atPunct('::')) {
      this.next();
      const token = this.peek();
      if (token.kind === 'string') {
        this.next();
        return {
          id: token.value,
          type: segments.join('::'),
          span: { start: head.span.start, end: token.span.end },
        };
      }
      segments.push(this.identifier().name);
    }
    if (segments.length > 1) {
      this.fail(
        `invalid action reference \`${segments.join('::')}\`: a qualified action must end in a string literal such as \`${segments.join('::')}::"id"\``,
        head.span,
      );
    }
    return { id: head.name, span: head.span };
  }

  private appliesTo(): AppliesTo {
    const open = this.expect('{');
    let principalTypes: NameRef[] | undefined;
    let resourceTypes: NameRef[] | undefined;
    let context: TypeExpr | undefined;
    while (!this.atPunct('}')) {
      const key = this.identifier();
      this.expect(':');
      switch (key.name) {
        case 'principal':
          if (principalTypes !== undefined)
            this.fail('duplicate `principal` declaration in `appliesTo`', key.span);
          principalTypes = this.nonEmptyTargets('principal', key.span);
          break;
        case 'resource':
          if (resourceTypes !== undefined)
            this.fail('duplicate `resource` declaration in `appliesTo`', key.span);
          resourceTypes = this.nonEmptyTargets('resource', key.span);
          break;
        case 'context':
          if (context !== undefined) this.fail('duplicate `context` declaration in `appliesTo`', key.span);
          context = this.atPunct('{') ? this.recordType() : this.pathType();
          break;
        default:
          this.fail(
            `unexpected \`${key.name}\` in \`appliesTo\`: expected \`principal\`, \`resource\` or \`context\``,
            key.span,
          );
      }
      if (!this.atPunct(',')) break;
      this.next();
    }
    const close = this.expect('}');
    const span = { start: open.span.start, end: close.span.end };
    if (principalTypes === undefined) this.fail('`appliesTo` is missing a `principal` declaration', span);
    if (resourceTypes === undefined) this.fail('`appliesTo` is missing a `resource` declaration', span);
    return {
      principalTypes: principalTypes ?? [],
      resourceTypes: resourceTypes ?? [],
      ...(context === undefined ? {} : { context }),
    };
  }

  private nonEmptyTargets(which: 'principal' | 'resource', span: SourceSpan): NameRef[] {
    const targets = this.pathOrPaths();
    if (targets.length === 0) this.fail(`\`${which}\` of \`appliesTo\` lists no entity type`, span);
    return targets;
  }

  private commonType(annotations: Annotations, start: number): CommonTypeDecl {
    const name = this.identifier();
    this.expect('=');
    const type = this.type();
    const end = this.expect(';').span.end;
    return { name: name.name, type, annotations, span: { start, end } };
  }

  private type(): TypeExpr {
    this.typeDepth += 1;
    try {
      if (this.typeDepth > MAX_TYPE_DEPTH)
        this.fail(`types are nested too deeply: the limit is ${MAX_TYPE_DEPTH} levels`, this.peek().span);
      return this.typeAtDepth();
    } finally {
      this.typeDepth -= 1;
    }
  }

  private typeAtDepth(): TypeExpr {
    if (this.atPunct('{')) return this.recordType();
    const token = this.peek();
    if (
      token.kind === 'ident' &&
      token.text === 'Set' &&
      this.peekAt(1).kind === 'punct' &&
      (this.peekAt(1) as { text: string }).text === '<'
    ) {
      this.next();
      this.next();
      const element = this.type();
      const close = this.expect('>');
      return { kind: 'set', element, span: { start: token.span.start, end: close.span.end } };
    }
    return this.pathType();
  }

  private pathType(): TypeExpr {
    const path = this.path();
    return { kind: 'name', name: path.name, ...(path.span === undefined ? {} : { span: path.span }) };
  }

  private recordType(): RecordTypeExpr {
    const open = this.expect('{');
    const attributes: AttributeDecl[] = [];
    while (!this.atPunct('}')) {
      const start = this.peek().span.start;
      const annotations = this.annotations();
      const name = this.name();
      let required = true;
      if (this.atPunct('?')) {
        this.next();
        required = false;
      }
      this.expect(':');
      const type = this.type();
      attributes.push({
        name: name.name,
        type,
        required,
        annotations,
        span: { start, end: this.previousEnd() },
      });
      if (!this.atPunct(',')) break;
      this.next();
    }
    const close = this.expect('}');
    return {
      kind: 'record',
      attributes,
      additionalAttributes: false,
      span: { start: open.span.start, end: close.span.end },
    };
  }

  private pathOrPaths(): NameRef[] {
    if (!this.atPunct('[')) return [this.path()];
    this.next();
    const paths = this.atPunct(']') ? [] : this.separated(() => this.path());
    this.expect(']');
    return paths;
  }

  private annotations(): Annotations {
    const annotations: Record<string, string> = {};
    while (this.atPunct('@')) {
      this.next();
      const key = this.anyIdentifier();
      let value = '';
      if (this.atPunct('(')) {
        this.next();
        value = this.stringLiteral().value;
        this.expect(')');
      }
      if (Object.hasOwn(annotations, key.name)) this.fail(`duplicate annotation \`@${key.name}\``, key.span);
      annotations[key.name] = value;
    }
    return annotations;
  }

  private path(): NameRef {
    const head = this.identifier();
    const segments = [head.name];
    let end = head.span.end;
    while (this.atPunct('::')) {
      this.next();
      const segment = this.identifier();
      segments.push(segment.name);
      end = segment.span.end;
    }
    return { name: segments.join('::'), span: { start: head.span.start, end } };
  }

  /** An attribute or action name: an identifier or a string literal. */
  private name(): { name: string; span: SourceSpan } {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      return { name: token.value, span: token.span };
    }
    return this.identifier();
  }

  /** An identifier other than Cedar's reserved words. */
  private identifier(): { name: string; span: SourceSpan } {
    const identifier = this.anyIdentifier();
    if (RESERVED_IDENTIFIERS.has(identifier.name)) {
      this.fail(`\`${identifier.name}\` is a reserved identifier`, identifier.span);
    }
    return identifier;
  }

  private anyIdentifier(): { name: string; span: SourceSpan } {
    const token = this.peek();
    if (token.kind !== 'ident')
      this.fail(`unexpected ${describe(token)}: expected an identifier`, token.span);
    this.next();
    return { name: (token as { text: string }).text, span: token.span };
  }

  private stringLiteral(): { value: string; span: SourceSpan } {
    const token = this.peek();
    if (token.kind !== 'string')
      this.fail(`unexpected ${describe(token)}: expected a string literal`, token.span);
    this.next();
    return { value: (token as { value: string }).value, span: token.span };
  }

  private separated<T>(item: () => T): T[] {
    const items = [item()];
    while (this.atPunct(',')) {
      this.next();
      items.push(item());
    }
    return items;
  }

  private expect(punct: Punctuation): Token {
    const token = this.peek();
    if (token.kind !== 'punct' || token.text !== punct)
      this.fail(`unexpected ${describe(token)}: expected \`${punct}\``, token.span);
    this.next();
    return token;
  }

  private atPunct(punct: Punctuation): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === punct;
  }

  private atKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.kind === 'ident' && token.text === keyword;
  }

  private peek(): Token {
    return this.peekAt(0);
  }

  private peekAt(offset: number): Token {
    const index = Math.min(this.position + offset, this.tokens.length - 1);
    // INVARIANT: the token list always ends with `eof`, so it is never empty.
    return this.tokens[index] as Token;
  }

  private previousEnd(): number {
    return this.tokens[this.position - 1]?.span.end ?? 0;
  }

  private next(): void {
    if (this.position < this.tokens.length - 1) this.position += 1;
  }

  private fail(message: string, span: SourceSpan): never {
    throw new SyntaxFailure({ message, span });
  }
}
