// Conversion of a schema as written between the two syntaxes. Names are
// kept as written (not resolved), as Cedar's own translation does, so a
// schema survives a round trip through either syntax unchanged in meaning.
import type {
  ActionDecl,
  ActionRef,
  Annotations,
  EntityDecl,
  NamespaceDecl,
  SchemaAst,
  TypeExpr,
} from './ast.js';
import type {
  ActionJson,
  AnnotationsJson,
  AttributeTypeJson,
  EntityTypeJson,
  NamespaceJson,
  SchemaJson,
  TypeJson,
} from './json-types.js';

function byName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
}

function annotationsJson(annotations: Annotations): { annotations?: AnnotationsJson } {
  return Object.keys(annotations).length === 0 ? {} : { annotations: { ...annotations } };
}

function typeJson(type: TypeExpr): TypeJson {
  switch (type.kind) {
    case 'primitive':
      return { type: type.name };
    case 'name':
      return { type: 'EntityOrCommon', name: type.name };
    case 'entity':
      return { type: 'Entity', name: type.name };
    case 'extension':
      return { type: 'Extension', name: type.name };
    case 'common':
      return { type: type.name };
    case 'set':
      return { type: 'Set', element: typeJson(type.element) };
    case 'record': {
      const attributes: Record<string, AttributeTypeJson> = {};
      for (const attribute of byName(type.attributes)) {
        attributes[attribute.name] = {
          ...typeJson(attribute.type),
          ...(attribute.required ? {} : { required: false }),
          ...annotationsJson(attribute.annotations),
        };
      }
      return {
        type: 'Record',
        attributes,
        ...(type.additionalAttributes ? { additionalAttributes: true } : {}),
      };
    }
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

/** An empty record context is the default, and Cedar leaves it out. */
function isEmptyRecord(type: TypeExpr): boolean {
  return type.kind === 'record' && type.attributes.length === 0 && !type.additionalAttributes;
}

function entityJson(decl: EntityDecl): EntityTypeJson {
  if (decl.kind === 'enum') return { enum: [...decl.choices], ...annotationsJson(decl.annotations) };
  return {
    ...(decl.memberOfTypes.length === 0 ? {} : { memberOfTypes: decl.memberOfTypes.map((ref) => ref.name) }),
    ...(decl.shape === undefined ? {} : { shape: typeJson(decl.shape) }),
    ...(decl.tags === undefined ? {} : { tags: typeJson(decl.tags) }),
    ...annotationsJson(decl.annotations),
  };
}

function actionJson(decl: ActionDecl): ActionJson {
  // An action the text syntax declares without `appliesTo` applies to no
  // request, which the JSON syntax says with empty lists, as Cedar writes it.
  const appliesTo = decl.appliesTo ?? { principalTypes: [], resourceTypes: [] };
  return {
    ...{
      appliesTo: {
        principalTypes: appliesTo.principalTypes.map((ref) => ref.name),
        resourceTypes: appliesTo.resourceTypes.map((ref) => ref.name),
        ...(appliesTo.context === undefined || isEmptyRecord(appliesTo.context)
          ? {}
          : { context: typeJson(appliesTo.context) }),
      },
    },
    ...(decl.memberOf.length === 0
      ? {}
      : {
          memberOf: decl.memberOf.map((ref) => ({
            id: ref.id,
            ...(ref.type === undefined ? {} : { type: ref.type }),
          })),
        }),
    ...annotationsJson(decl.annotations),
  };
}

function namespaceJson(namespace: NamespaceDecl): NamespaceJson {
  const entityTypes: Record<string, EntityTypeJson> = {};
  for (const decl of byName(namespace.entityTypes)) entityTypes[decl.name] = entityJson(decl);
  const actions: Record<string, ActionJson> = {};
  for (const decl of byName(namespace.actions)) actions[decl.name] = actionJson(decl);
  const commonTypes: Record<string, TypeJson & { annotations?: AnnotationsJson }> = {};
  for (const decl of byName(namespace.commonTypes))
    commonTypes[decl.name] = { ...typeJson(decl.type), ...annotationsJson(decl.annotations) };
  return {
    ...(namespace.commonTypes.length === 0 ? {} : { commonTypes }),
    entityTypes,
    actions,
    ...annotationsJson(namespace.annotations),
  };
}

/** The schema in Cedar's JSON schema format. */
export function schemaAstToJson(ast: SchemaAst): SchemaJson {
  const result: SchemaJson = {};
  for (const namespace of ast.namespaces) result[namespace.name] = namespaceJson(namespace);
  return result;
}

const IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** A Cedar string literal for `value`, escaping what Cedar's lexer would not read back verbatim. */
export function cedarStringLiteral(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\0') out += '\\0';
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

function attributeName(name: string): string {
  return IDENTIFIER.test(name) ? name : cedarStringLiteral(name);
}

function annotationLines(annotations: Annotations, indent: string): string {
  return Object.entries(annotations)
    .map(([key, value]) => `${indent}@${key}(${cedarStringLiteral(value)})\n`)
    .join('');
}

function typeText(type: TypeExpr, indent: string): string {
  switch (type.kind) {
    case 'primitive':
      return type.name === 'Boolean' ? 'Bool' : type.name;
    case 'name':
    case 'entity':
    case 'common':
    case 'extension':
      return type.name;
    case 'set':
      return `Set<${typeText(type.element, indent)}>`;
    case 'record': {
      if (type.attributes.length === 0) return '{}';
      const inner = `${indent}  `;
      const lines = type.attributes.map(
        (attribute) =>
          `${annotationLines(attribute.annotations, inner)}${inner}${attributeName(attribute.name)}${attribute.required ? '' : '?'}: ${typeText(attribute.type, inner)}`,
      );
      return `{\n${lines.join(',\n')}\n${indent}}`;
    }
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

function namesList(names: readonly { readonly name: string }[]): string {
  return `[${names.map((ref) => ref.name).join(', ')}]`;
}

function actionRefText(ref: ActionRef): string {
  return ref.type === undefined ? cedarStringLiteral(ref.id) : `${ref.type}::${cedarStringLiteral(ref.id)}`;
}

function entityText(decl: EntityDecl, indent: string): string {
  const head = `${annotationLines(decl.annotations, indent)}${indent}entity ${decl.name}`;
  if (decl.kind === 'enum') return `${head} enum [${decl.choices.map(cedarStringLiteral).join(', ')}];`;
  const parents = decl.memberOfTypes.length === 0 ? '' : ` in ${namesList(decl.memberOfTypes)}`;
  const shape = decl.shape === undefined ? '' : ` = ${typeText(decl.shape, indent)}`;
  const tags = decl.tags === undefined ? '' : ` tags ${typeText(decl.tags, indent)}`;
  return `${head}${parents}${shape}${tags};`;
}

function actionText(decl: ActionDecl, indent: string): string {
  const head = `${annotationLines(decl.annotations, indent)}${indent}action ${cedarStringLiteral(decl.name)}`;
  const parents = decl.memberOf.length === 0 ? '' : ` in [${decl.memberOf.map(actionRefText).join(', ')}]`;
  const appliesTo = decl.appliesTo;
  // The text syntax has no way to write an empty target list: such an action
  // applies to no request, which is what leaving out `appliesTo` means.
  if (
    appliesTo === undefined ||
    appliesTo.principalTypes.length === 0 ||
    appliesTo.resourceTypes.length === 0
  ) {
    return `${head}${parents};`;
  }
  const inner = `${indent}  `;
  const lines = [
    `${inner}principal: ${namesList(appliesTo.principalTypes)}`,
    `${inner}resource: ${namesList(appliesTo.resourceTypes)}`,
  ];
  // Cedar 4.13 writes the default empty context out.
  lines.push(
    `${inner}context: ${appliesTo.context === undefined ? '{}' : typeText(appliesTo.context, inner)}`,
  );
  return `${head}${parents} appliesTo {\n${lines.join(',\n')}\n${indent}};`;
}

function declarationsText(namespace: NamespaceDecl, indent: string): string[] {
  return [
    ...byName(namespace.commonTypes).map(
      (decl) =>
        `${annotationLines(decl.annotations, indent)}${indent}type ${decl.name} = ${typeText(decl.type, indent)};`,
    ),
    ...byName(namespace.entityTypes).map((decl) => entityText(decl, indent)),
    ...byName(namespace.actions).map((decl) => actionText(decl, indent)),
  ];
}

/** The schema in the human-readable `.cedarschema` syntax. */
export function schemaAstToText(ast: SchemaAst): string {
  const blocks = ast.namespaces.map((namespace) => {
    if (namespace.name === '') return declarationsText(namespace, '').join('\n\n');
    const body = declarationsText(namespace, '  ').join('\n\n');
    return `${annotationLines(namespace.annotations, '')}namespace ${namespace.name} {\n${body}${body === '' ? '' : '\n'}}`;
  });
  return `${blocks.filter((block) => block !== '').join('\n\n')}\n`;
}
