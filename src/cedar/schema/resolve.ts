// Turns a schema as written into the resolved model. Name resolution follows
// Cedar 4: an unqualified name is looked up in the current namespace, then in
// the empty namespace, then among the built-in `__cedar` types; a qualified
// name means exactly what it says. Declarations in a namespace may not shadow
// declarations of the empty namespace (Cedar RFC 70).
import type {
  ActionDecl,
  EntityDecl,
  NamespaceDecl,
  SchemaAst,
  SchemaError,
  SchemaResult,
  SourceSpan,
  TypeExpr,
} from './ast.js';
import {
  EMPTY_RECORD,
  EXTENSION_TYPE_NAMES,
  type ActionDef,
  type AppliesToDef,
  type AttributeType,
  type EntityTypeDef,
  type EntityUid,
  type ExtensionTypeName,
  type RecordType,
  type Schema,
  type SchemaType,
  uidKey,
} from './model.js';

const RESERVED_COMMON_TYPE_NAMES = new Set([
  'Bool',
  'Boolean',
  'Entity',
  'Extension',
  'Long',
  'Record',
  'Set',
  'String',
]);

const BUILTIN_TYPES: ReadonlyMap<string, SchemaType> = new Map<string, SchemaType>([
  ['Bool', { kind: 'boolean' }],
  ['Boolean', { kind: 'boolean' }],
  ['Long', { kind: 'long' }],
  ['String', { kind: 'string' }],
  ...EXTENSION_TYPE_NAMES.map((name): [string, SchemaType] => [name, { kind: 'extension', name }]),
]);

export function qualify(namespace: string, name: string): string {
  return namespace === '' ? name : `${namespace}::${name}`;
}

function isExtensionTypeName(name: string): name is ExtensionTypeName {
  return (EXTENSION_TYPE_NAMES as readonly string[]).includes(name);
}

interface CommonTypeEntry {
  readonly namespace: string;
  readonly type: TypeExpr;
}

class Resolver {
  readonly errors: SchemaError[] = [];
  private readonly commonTypes = new Map<string, CommonTypeEntry>();
  private readonly entityDecls = new Map<string, { readonly namespace: string; readonly decl: EntityDecl }>();
  private readonly actionDecls = new Map<
    string,
    { readonly namespace: string; readonly decl: ActionDecl; readonly uid: EntityUid }
  >();
  private readonly expanding = new Set<string>();
  private readonly expanded = new Map<string, SchemaType>();

  constructor(private readonly ast: SchemaAst) {}

  resolve(): Schema {
    this.declare();
    // Every common type must resolve, used or not.
    for (const [name, entry] of this.commonTypes) this.expandCommon(name, entry.type.span);
    const entityTypes = this.entityTypes();
    const actions = this.actions();
    const actionEntityTypes = new Set([...actions.values()].map((action) => action.uid.type));
    return { entityTypes, actions, actionEntityTypes };
  }

  private error(message: string, span: SourceSpan | undefined): void {
    this.errors.push(span === undefined ? { message } : { message, span });
  }

  private declare(): void {
    const seenNamespaces = new Set<string>();
    for (const namespace of this.ast.namespaces) {
      if (seenNamespaces.has(namespace.name))
        this.error(`duplicate namespace \`${namespace.name}\``, namespace.span);
      seenNamespaces.add(namespace.name);
      if (namespace.name.split('::').includes('__cedar'))
        this.error(`namespace \`${namespace.name}\` uses the reserved \`__cedar\` name`, namespace.span);
    }
    for (const namespace of this.ast.namespaces) this.declareNamespace(namespace);
    for (const namespace of this.ast.namespaces) {
      for (const decl of [...namespace.commonTypes, ...namespace.entityTypes]) {
        if (decl.name === '__cedar') this.error('the name `__cedar` is reserved', decl.span);
      }
    }
    this.checkShadowing();
  }

  private declareNamespace(namespace: NamespaceDecl): void {
    for (const common of namespace.commonTypes) {
      const name = qualify(namespace.name, common.name);
      if (RESERVED_COMMON_TYPE_NAMES.has(common.name)) {
        this.error(`common type name \`${common.name}\` is reserved`, common.span);
      }
      if (this.commonTypes.has(name)) this.error(`duplicate common type \`${name}\``, common.span);
      else this.commonTypes.set(name, { namespace: namespace.name, type: common.type });
    }
    for (const decl of namespace.entityTypes) {
      const name = qualify(namespace.name, decl.name);
      if (decl.name === 'Action')
        this.error(`entity type \`${name}\` declared in \`entityTypes\` list`, decl.span);
      if (this.entityDecls.has(name)) this.error(`duplicate entity type \`${name}\``, decl.span);
      else this.entityDecls.set(name, { namespace: namespace.name, decl });
      if (decl.kind === 'enum') this.checkEnumChoices(name, decl.choices, decl.span);
    }
    for (const decl of namespace.actions) {
      const uid: EntityUid = { type: qualify(namespace.name, 'Action'), id: decl.name };
      const key = uidKey(uid);
      if (this.actionDecls.has(key)) this.error(`duplicate action \`${key}\``, decl.span);
      else this.actionDecls.set(key, { namespace: namespace.name, decl, uid });
    }
  }

  private checkEnumChoices(name: string, choices: readonly string[], span: SourceSpan | undefined): void {
    if (choices.length === 0) this.error(`enum entity type \`${name}\` has no choices`, span);
  }

  private checkShadowing(): void {
    for (const namespace of this.ast.namespaces) {
      if (namespace.name === '') continue;
      for (const decl of [...namespace.commonTypes, ...namespace.entityTypes]) {
        if (this.commonTypes.has(decl.name) && this.commonTypes.get(decl.name)?.namespace === '') {
          this.error(
            `\`${qualify(namespace.name, decl.name)}\` shadows the common type \`${decl.name}\` of the empty namespace`,
            decl.span,
          );
        } else if (this.entityDecls.get(decl.name)?.namespace === '') {
          this.error(
            `\`${qualify(namespace.name, decl.name)}\` shadows the entity type \`${decl.name}\` of the empty namespace`,
            decl.span,
          );
        }
      }
      for (const decl of namespace.actions) {
        if (this.actionDecls.has(uidKey({ type: 'Action', id: decl.name }))) {
          this.error(
            `\`${namespace.name}::Action::${JSON.stringify(decl.name)}\` shadows the action \`Action::${JSON.stringify(decl.name)}\` of the empty namespace`,
            decl.span,
          );
        }
      }
    }
  }

  /** The candidates an unqualified name may denote, most specific first. */
  private candidates(namespace: string, name: string): string[] {
    if (name.includes('::')) return [name];
    return namespace === '' ? [name] : [qualify(namespace, name), name];
  }

  private resolveEntityTypeName(
    namespace: string,
    name: string,
    span: SourceSpan | undefined,
  ): string | undefined {
    for (const candidate of this.candidates(namespace, name)) {
      if (this.entityDecls.has(candidate)) return candidate;
    }
    this.error(`undeclared entity type \`${name}\``, span);
    return undefined;
  }

  private builtin(name: string): SchemaType | undefined {
    const bare = name.startsWith('__cedar::')
      ? name.slice('__cedar::'.length)
      : name.includes('::')
        ? undefined
        : name;
    return bare === undefined ? undefined : BUILTIN_TYPES.get(bare);
  }

  private resolveType(namespace: string, type: TypeExpr): SchemaType | undefined {
    switch (type.kind) {
      case 'primitive':
        return type.name === 'Long'
          ? { kind: 'long' }
          : type.name === 'String'
            ? { kind: 'string' }
            : { kind: 'boolean' };
      case 'set': {
        const element = this.resolveType(namespace, type.element);
        return element === undefined ? undefined : { kind: 'set', element };
      }
      case 'record':
        return this.resolveRecordAttributes(namespace, type);
      case 'entity': {
        const name = this.resolveEntityTypeName(namespace, type.name, type.span);
        return name === undefined ? undefined : { kind: 'entity', name };
      }
      case 'extension': {
        const bare = type.name.startsWith('__cedar::') ? type.name.slice('__cedar::'.length) : type.name;
        if (isExtensionTypeName(bare)) return { kind: 'extension', name: bare };
        this.error(`unknown extension type \`${type.name}\``, type.span);
        return undefined;
      }
      case 'common':
      case 'name':
        return this.resolveName(namespace, type.name, type.kind === 'name', type.span);
      default: {
        const unreachable: never = type;
        return unreachable;
      }
    }
  }

  private resolveName(
    namespace: string,
    name: string,
    entityAllowed: boolean,
    span: SourceSpan | undefined,
  ): SchemaType | undefined {
    if (!name.startsWith('__cedar::')) {
      for (const candidate of this.candidates(namespace, name)) {
        if (this.commonTypes.has(candidate)) return this.expandCommon(candidate, span);
        if (entityAllowed && this.entityDecls.has(candidate)) return { kind: 'entity', name: candidate };
      }
    }
    const builtin = this.builtin(name);
    if (builtin !== undefined) return builtin;
    this.error(entityAllowed ? `undeclared type \`${name}\`` : `undeclared common type \`${name}\``, span);
    return undefined;
  }

  private expandCommon(name: string, span: SourceSpan | undefined): SchemaType | undefined {
    const done = this.expanded.get(name);
    if (done !== undefined) return done;
    if (this.expanding.has(name)) {
      this.error(`common type \`${name}\` is defined in terms of itself`, span);
      return undefined;
    }
    // INVARIANT: callers only expand names found in `commonTypes`.
    const entry = this.commonTypes.get(name) as CommonTypeEntry;
    this.expanding.add(name);
    const type = this.resolveType(entry.namespace, entry.type);
    this.expanding.delete(name);
    if (type !== undefined) this.expanded.set(name, type);
    return type;
  }

  private resolveRecordAttributes(
    namespace: string,
    record: Extract<TypeExpr, { kind: 'record' }>,
  ): RecordType | undefined {
    const attributes = new Map<string, AttributeType>();
    let complete = true;
    for (const attribute of record.attributes) {
      if (attributes.has(attribute.name))
        this.error(`duplicate attribute \`${attribute.name}\``, attribute.span);
      const type = this.resolveType(namespace, attribute.type);
      if (type === undefined) complete = false;
      else attributes.set(attribute.name, { type, required: attribute.required });
    }
    return complete ? { kind: 'record', attributes, open: record.additionalAttributes } : undefined;
  }

  private resolveRecord(
    namespace: string,
    type: TypeExpr | undefined,
    what: string,
    span: SourceSpan | undefined,
  ): RecordType {
    if (type === undefined) return EMPTY_RECORD;
    const resolved = this.resolveType(namespace, type);
    if (resolved === undefined) return EMPTY_RECORD;
    if (resolved.kind !== 'record') {
      this.error(`${what} must be a record type`, type.span ?? span);
      return EMPTY_RECORD;
    }
    return resolved;
  }

  private entityTypes(): Map<string, EntityTypeDef> {
    const parents = new Map<string, string[]>();
    for (const [name, { namespace, decl }] of this.entityDecls) {
      const memberOfTypes =
        decl.kind === 'enum'
          ? []
          : decl.memberOfTypes.flatMap((ref) => {
              const resolved = this.resolveEntityTypeName(namespace, ref.name, ref.span ?? decl.span);
              return resolved === undefined ? [] : [resolved];
            });
      parents.set(name, memberOfTypes);
    }
    const result = new Map<string, EntityTypeDef>();
    for (const [name, { namespace, decl }] of this.entityDecls) {
      const memberOfTypes = parents.get(name) ?? [];
      const common = {
        name,
        memberOfTypes,
        ancestorTypes: transitiveClosure(name, parents),
        annotations: decl.annotations,
        ...(decl.span === undefined ? {} : { span: decl.span }),
      };
      if (decl.kind === 'enum') {
        result.set(name, { ...common, shape: EMPTY_RECORD, choices: decl.choices });
        continue;
      }
      const shape = this.resolveRecord(
        namespace,
        decl.shape,
        `the shape of entity type \`${name}\``,
        decl.span,
      );
      const tags = decl.tags === undefined ? undefined : this.resolveType(namespace, decl.tags);
      result.set(name, { ...common, shape, ...(tags === undefined ? {} : { tags }) });
    }
    return result;
  }

  private resolveActionRef(
    namespace: string,
    ref: { readonly id: string; readonly type?: string; readonly span?: SourceSpan },
  ): EntityUid | undefined {
    const typeCandidates =
      ref.type === undefined
        ? namespace === ''
          ? ['Action']
          : [qualify(namespace, 'Action'), 'Action']
        : this.candidates(namespace, ref.type);
    for (const type of typeCandidates) {
      if (this.actionDecls.has(uidKey({ type, id: ref.id }))) return { type, id: ref.id };
    }
    const shown = ref.type === undefined ? JSON.stringify(ref.id) : `${ref.type}::${JSON.stringify(ref.id)}`;
    this.error(`undeclared action \`${shown}\``, ref.span);
    return undefined;
  }

  private actions(): Map<string, ActionDef> {
    const parents = new Map<string, string[]>();
    const memberOfs = new Map<string, EntityUid[]>();
    for (const [key, { namespace, decl }] of this.actionDecls) {
      const memberOf = decl.memberOf.flatMap((ref) => {
        const resolved = this.resolveActionRef(
          namespace,
          ref.span === undefined && decl.span !== undefined ? { ...ref, span: decl.span } : ref,
        );
        return resolved === undefined ? [] : [resolved];
      });
      memberOfs.set(key, memberOf);
      parents.set(key, memberOf.map(uidKey));
    }
    const result = new Map<string, ActionDef>();
    for (const [key, { namespace, decl, uid }] of this.actionDecls) {
      const ancestors = transitiveClosure(key, parents);
      if (ancestors.has(key))
        this.error(`action \`${key}\` is a member of itself through its action groups`, decl.span);
      const appliesTo = decl.appliesTo === undefined ? undefined : this.appliesTo(namespace, key, decl);
      result.set(key, {
        uid,
        memberOf: memberOfs.get(key) ?? [],
        ancestors,
        ...(appliesTo === undefined ? {} : { appliesTo }),
        annotations: decl.annotations,
        ...(decl.span === undefined ? {} : { span: decl.span }),
      });
    }
    return result;
  }

  private appliesTo(namespace: string, key: string, decl: ActionDecl): AppliesToDef | undefined {
    const appliesTo = decl.appliesTo;
    if (appliesTo === undefined) return undefined;
    const entityList = (refs: readonly { readonly name: string; readonly span?: SourceSpan }[]): string[] =>
      refs.flatMap((ref) => {
        const resolved = this.resolveEntityTypeName(namespace, ref.name, ref.span ?? decl.span);
        return resolved === undefined ? [] : [resolved];
      });
    return {
      principalTypes: entityList(appliesTo.principalTypes),
      resourceTypes: entityList(appliesTo.resourceTypes),
      context: this.resolveRecord(
        namespace,
        appliesTo.context,
        `the context of action \`${key}\``,
        decl.span,
      ),
    };
  }
}

/** Every node reachable from `start` through `edges`, not counting `start` unless it is on a cycle. */
function transitiveClosure(start: string, edges: ReadonlyMap<string, readonly string[]>): Set<string> {
  const reached = new Set<string>();
  const pending = [...(edges.get(start) ?? [])];
  while (pending.length > 0) {
    const node = pending.pop() as string;
    if (reached.has(node)) continue;
    reached.add(node);
    pending.push(...(edges.get(node) ?? []));
  }
  return reached;
}

export function resolveSchema(ast: SchemaAst): SchemaResult<Schema> {
  const resolver = new Resolver(ast);
  const schema = resolver.resolve();
  return resolver.errors.length === 0 ? { ok: true, value: schema } : { ok: false, errors: resolver.errors };
}
