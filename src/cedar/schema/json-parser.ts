// Parser for Cedar's JSON schema format, from text (with offsets, through
// jsonc-parser) or from an already-parsed value. Unknown fields are errors,
// as in Cedar, so that a typo never silently changes a schema.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type {
  ActionDecl,
  ActionRef,
  Annotations,
  AppliesTo,
  AttributeDecl,
  CommonTypeDecl,
  EntityDecl,
  NameRef,
  NamespaceDecl,
  SchemaAst,
  SchemaError,
  SchemaResult,
  SourceSpan,
  TypeExpr,
} from './ast.js';

/** A JSON value with the span it came from, when it came from text. */
type JsonNode =
  | {
      readonly kind: 'object';
      readonly entries: readonly (readonly [string, JsonNode])[];
      readonly span?: SourceSpan;
    }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[]; readonly span?: SourceSpan }
  | { readonly kind: 'string'; readonly value: string; readonly span?: SourceSpan }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly span?: SourceSpan }
  | { readonly kind: 'other'; readonly description: string; readonly span?: SourceSpan };

class JsonSchemaFailure extends Error {
  constructor(readonly error: SchemaError) {
    super(error.message);
  }
}

// As `serde_json`, which Cedar reads schemas with: deeper nesting is refused,
// and nothing after the reader recurses deeper than this on a schema.
const MAX_JSON_DEPTH = 128;
const TOO_DEEP = `invalid JSON: nested too deeply: the limit is ${MAX_JSON_DEPTH} levels`;

/** Where JSON text first opens more than `MAX_JSON_DEPTH` arrays and objects, strings aside, if it does. */
function tooDeepAt(text: string): number | undefined {
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') {
      // Skip the string: up to the next quote not escaped.
      for (index += 1; index < text.length && text[index] !== '"'; index += text[index] === '\\' ? 2 : 1);
    } else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) return index;
    } else if (char === ']' || char === '}') depth -= 1;
  }
  return undefined;
}

export function parseSchemaJsonText(text: string): SchemaResult<SchemaAst> {
  // The tree reader below recurses once per level.
  const deepAt = tooDeepAt(text);
  if (deepAt !== undefined)
    return { ok: false, errors: [{ message: TOO_DEEP, span: { start: deepAt, end: deepAt + 1 } }] };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (first !== undefined || root === undefined) {
    const span =
      first === undefined
        ? { start: 0, end: text.length }
        : { start: first.offset, end: first.offset + first.length };
    const reason = first === undefined ? 'empty input' : printParseErrorCode(first.error);
    return { ok: false, errors: [{ message: `invalid JSON: ${reason}`, span }] };
  }
  return parseSchemaNode(fromTree(root));
}

export function parseSchemaJsonValue(value: unknown): SchemaResult<SchemaAst> {
  const node = fromValue(value, 0);
  return node === undefined ? { ok: false, errors: [{ message: TOO_DEEP }] } : parseSchemaNode(node);
}

function fromTree(node: Node): JsonNode {
  const span = { start: node.offset, end: node.offset + node.length };
  switch (node.type) {
    case 'object':
      return {
        kind: 'object',
        entries: (node.children ?? []).map((property) => {
          const [key, value] = property.children ?? [];
          // INVARIANT: jsonc-parser gives every property node a key and, without parse errors, a value.
          return [String((key as Node).value), fromTree(value as Node)] as const;
        }),
        span,
      };
    case 'array':
      return { kind: 'array', items: (node.children ?? []).map(fromTree), span };
    case 'string':
      return { kind: 'string', value: String(node.value), span };
    case 'boolean':
      return { kind: 'boolean', value: node.value === true, span };
    default:
      return { kind: 'other', description: node.type, span };
  }
}

/** A JavaScript value as a JSON tree, or `undefined` when it nests deeper than JSON text may. */
function fromValue(value: unknown, depth: number): JsonNode | undefined {
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (typeof value !== 'object' || value === null)
    return { kind: 'other', description: value === null ? 'null' : typeof value };
  if (depth >= MAX_JSON_DEPTH) return undefined;
  const entries: (readonly [string, JsonNode])[] = [];
  for (const [key, item] of Object.entries(value)) {
    const node = fromValue(item, depth + 1);
    if (node === undefined) return undefined;
    entries.push([key, node]);
  }
  return Array.isArray(value)
    ? { kind: 'array', items: entries.map(([, node]) => node) }
    : { kind: 'object', entries };
}

function parseSchemaNode(root: JsonNode): SchemaResult<SchemaAst> {
  try {
    const namespaces = fields(root, 'a schema', []).map(([name, value]) => namespaceDecl(name, value));
    return { ok: true, value: { namespaces } };
  } catch (error) {
    if (error instanceof JsonSchemaFailure) return { ok: false, errors: [error.error] };
    throw error;
  }
}

function fail(message: string, node: JsonNode): never {
  throw new JsonSchemaFailure(node.span === undefined ? { message } : { message, span: node.span });
}

function describe(node: JsonNode): string {
  return node.kind === 'other' ? node.description : node.kind;
}

/** The entries of an object, rejecting fields outside `allowed` (an empty list allows any). */
function fields(node: JsonNode, what: string, allowed: readonly string[]): (readonly [string, JsonNode])[] {
  if (node.kind !== 'object') fail(`expected ${what} to be an object, found ${describe(node)}`, node);
  if (allowed.length > 0) {
    for (const [key, value] of node.entries) {
      if (!allowed.includes(key))
        fail(
          `unknown field \`${key}\` in ${what}: expected one of ${allowed.map((name) => `\`${name}\``).join(', ')}`,
          value,
        );
    }
  }
  return [...node.entries];
}

function field(entries: readonly (readonly [string, JsonNode])[], name: string): JsonNode | undefined {
  let found: JsonNode | undefined;
  for (const [key, value] of entries) if (key === name) found = value;
  return found;
}

/** A field that may be absent; `null` counts as absent, as in Cedar's reader. */
function optionalField(
  entries: readonly (readonly [string, JsonNode])[],
  name: string,
): JsonNode | undefined {
  const value = field(entries, name);
  return value?.kind === 'other' && value.description === 'null' ? undefined : value;
}

function requiredField(
  entries: readonly (readonly [string, JsonNode])[],
  name: string,
  what: string,
  owner: JsonNode,
): JsonNode {
  const value = field(entries, name);
  if (value === undefined) fail(`missing field \`${name}\` in ${what}`, owner);
  return value;
}

function string(node: JsonNode, what: string): string {
  if (node.kind !== 'string') fail(`expected ${what} to be a string, found ${describe(node)}`, node);
  return node.value;
}

function array(node: JsonNode, what: string): readonly JsonNode[] {
  if (node.kind !== 'array') fail(`expected ${what} to be an array, found ${describe(node)}`, node);
  return node.items;
}

function boolean(node: JsonNode, what: string): boolean {
  if (node.kind === 'boolean') return node.value;
  fail(`expected ${what} to be a boolean, found ${describe(node)}`, node);
}

function spanOf(node: JsonNode): { span?: SourceSpan } {
  return node.span === undefined ? {} : { span: node.span };
}

function annotations(node: JsonNode | undefined): Annotations {
  if (node === undefined) return {};
  const result: Record<string, string> = {};
  for (const [key, value] of fields(node, 'annotations', [])) {
    if (!/^[_a-zA-Z][_a-zA-Z0-9]*$/.test(key)) fail(`invalid annotation name \`${key}\``, value);
    result[key] =
      value.kind === 'other' && value.description === 'null' ? '' : string(value, `annotation \`${key}\``);
  }
  return result;
}

const IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** Words of the policy language that cannot name anything in a schema. */
const RESERVED_IDENTIFIERS = new Set(['true', 'false', 'if', 'then', 'else', 'in', 'is', 'like', 'has']);

function identifier(name: string, node: JsonNode): string {
  if (!IDENTIFIER.test(name)) fail(`invalid name \`${name}\`: expected an identifier`, node);
  if (RESERVED_IDENTIFIERS.has(name))
    fail(`invalid name \`${name}\`: \`${name}\` is a reserved identifier`, node);
  return name;
}

/** A name such as `NS::Type`: identifiers joined by `::`. */
function path(name: string, node: JsonNode): string {
  for (const segment of name.split('::')) identifier(segment, node);
  return name;
}

function nameRefs(node: JsonNode, what: string): NameRef[] {
  return array(node, what).map((item) => ({
    name: path(string(item, `an entry of ${what}`), item),
    ...spanOf(item),
  }));
}

function namespaceDecl(name: string, node: JsonNode): NamespaceDecl {
  const what = name === '' ? 'the empty namespace' : `namespace \`${name}\``;
  if (name !== '') path(name, node);
  const entries = fields(node, what, ['commonTypes', 'entityTypes', 'actions', 'annotations']);
  const commonTypes: CommonTypeDecl[] = fields(
    optionalField(entries, 'commonTypes') ?? { kind: 'object', entries: [] },
    'commonTypes',
    [],
  ).map(([typeName, value]) => ({
    name: identifier(typeName, value),
    type: typeExpr(value, `common type \`${typeName}\``, ['annotations']),
    annotations: annotations(typeAnnotations(value)),
    ...spanOf(value),
  }));
  const entityTypes = fields(requiredField(entries, 'entityTypes', what, node), 'entityTypes', []).map(
    ([typeName, value]) => entityDecl(typeName, value),
  );
  const actions = fields(requiredField(entries, 'actions', what, node), 'actions', []).map(
    ([actionName, value]) => actionDecl(actionName, value),
  );
  const namespaceAnnotations = annotations(field(entries, 'annotations'));
  if (name === '' && Object.keys(namespaceAnnotations).length > 0)
    fail('the empty namespace cannot have annotations', node);
  return { name, annotations: namespaceAnnotations, commonTypes, entityTypes, actions, ...spanOf(node) };
}

function typeAnnotations(node: JsonNode): JsonNode | undefined {
  return node.kind === 'object' ? field(node.entries, 'annotations') : undefined;
}

function entityDecl(name: string, written: JsonNode): EntityDecl {
  const what = `entity type \`${name}\``;
  identifier(name, written);
  const node = emptyArrayAsObject(written);
  const entries = fields(node, what, ['memberOfTypes', 'shape', 'tags', 'enum', 'annotations']);
  const enumNode = field(entries, 'enum');
  if (enumNode !== undefined) {
    for (const other of ['memberOfTypes', 'shape', 'tags']) {
      const value = field(entries, other);
      if (value !== undefined) fail(`unexpected field \`${other}\` in enumerated ${what}`, value);
    }
    const choices = array(enumNode, `the choices of ${what}`).map((item) =>
      string(item, `a choice of ${what}`),
    );
    return {
      kind: 'enum',
      name,
      choices,
      annotations: annotations(field(entries, 'annotations')),
      ...spanOf(node),
    };
  }
  const memberOf = field(entries, 'memberOfTypes');
  const shape = field(entries, 'shape');
  const tags = field(entries, 'tags');
  if (shape !== undefined && shape.kind === 'object') {
    const shapeType = field(shape.entries, 'type');
    if (
      shapeType?.kind === 'string' &&
      ['String', 'Long', 'Boolean', 'Set', 'Entity', 'EntityOrCommon', 'Extension'].includes(shapeType.value)
    ) {
      fail(`the shape of ${what} must be a record type`, shape);
    }
  }
  return {
    kind: 'standard',
    name,
    memberOfTypes: memberOf === undefined ? [] : nameRefs(memberOf, `memberOfTypes of ${what}`),
    ...(shape === undefined ? {} : { shape: typeExpr(shape, `the shape of ${what}`, []) }),
    ...(tags === undefined ? {} : { tags: typeExpr(tags, `the tags of ${what}`, []) }),
    annotations: annotations(field(entries, 'annotations')),
    ...spanOf(node),
  };
}

/** Cedar's reader also takes an empty array for a declaration with no fields. */
function emptyArrayAsObject(node: JsonNode): JsonNode {
  return node.kind === 'array' && node.items.length === 0
    ? { kind: 'object', entries: [], ...spanOf(node) }
    : node;
}

function actionDecl(name: string, written: JsonNode): ActionDecl {
  const what = `action \`${name}\``;
  const node = emptyArrayAsObject(written);
  const entries = fields(node, what, ['attributes', 'appliesTo', 'memberOf', 'annotations']);
  const attributes = optionalField(entries, 'attributes');
  if (attributes !== undefined) fail(`${what} declares attributes, which are not supported`, attributes);
  const memberOf = optionalField(entries, 'memberOf');
  const appliesTo = optionalField(entries, 'appliesTo');
  return {
    name,
    memberOf:
      memberOf === undefined
        ? []
        : array(memberOf, `memberOf of ${what}`).map((item) => actionRef(item, what)),
    ...(appliesTo === undefined || (appliesTo.kind === 'other' && appliesTo.description === 'null')
      ? {}
      : { appliesTo: appliesToDecl(appliesTo, what) }),
    annotations: annotations(field(entries, 'annotations')),
    ...spanOf(node),
  };
}

function actionRef(node: JsonNode, what: string): ActionRef {
  const entries = fields(node, `an action group of ${what}`, ['id', 'type']);
  const id = string(requiredField(entries, 'id', `an action group of ${what}`, node), 'an action id');
  const type = field(entries, 'type');
  return {
    id,
    ...(type === undefined ? {} : { type: path(string(type, 'an action type'), type) }),
    ...spanOf(node),
  };
}

function appliesToDecl(node: JsonNode, what: string): AppliesTo {
  const owner = `appliesTo of ${what}`;
  const entries = fields(node, owner, ['principalTypes', 'resourceTypes', 'context']);
  const context = optionalField(entries, 'context');
  return {
    principalTypes: nameRefs(
      requiredField(entries, 'principalTypes', owner, node),
      `principalTypes of ${what}`,
    ),
    resourceTypes: nameRefs(requiredField(entries, 'resourceTypes', owner, node), `resourceTypes of ${what}`),
    ...(context === undefined ? {} : { context: typeExpr(context, `the context of ${what}`, []) }),
  };
}

const TYPE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Set: ['element'],
  Record: ['attributes', 'additionalAttributes'],
  Entity: ['name'],
  EntityOrCommon: ['name'],
  Extension: ['name'],
};

/** A type; `extraFields` are the fields its position allows besides the type's own. */
function typeExpr(node: JsonNode, what: string, extraFields: readonly string[]): TypeExpr {
  const entries = fields(node, what, []);
  const kind = string(requiredField(entries, 'type', what, node), `the \`type\` of ${what}`);
  const allowed = ['type', ...extraFields, ...(TYPE_FIELDS[kind] ?? [])];
  fields(node, what, allowed);
  const span = spanOf(node);
  switch (kind) {
    case 'String':
    case 'Long':
    case 'Boolean':
      return { kind: 'primitive', name: kind, ...span };
    case 'Set':
      return {
        kind: 'set',
        element: typeExpr(requiredField(entries, 'element', what, node), `the element type of ${what}`, []),
        ...span,
      };
    case 'Record': {
      const attributesNode = requiredField(entries, 'attributes', what, node);
      const additional = field(entries, 'additionalAttributes');
      const attributes: AttributeDecl[] = fields(attributesNode, `the attributes of ${what}`, []).map(
        ([name, value]) => attributeDecl(name, value),
      );
      return {
        kind: 'record',
        attributes,
        additionalAttributes: additional === undefined ? false : boolean(additional, 'additionalAttributes'),
        ...span,
      };
    }
    case 'Entity':
    case 'EntityOrCommon':
    case 'Extension': {
      const nameNode = requiredField(entries, 'name', what, node);
      const written = string(nameNode, `the name in ${what}`);
      const name = kind === 'Extension' ? identifier(written, nameNode) : path(written, nameNode);
      const nameSpan = spanOf(nameNode);
      return kind === 'Entity'
        ? { kind: 'entity', name, ...nameSpan }
        : kind === 'Extension'
          ? { kind: 'extension', name, ...nameSpan }
          : { kind: 'name', name, ...nameSpan };
    }
    default:
      return { kind: 'common', name: path(kind, node), ...span };
  }
}

function attributeDecl(name: string, node: JsonNode): AttributeDecl {
  const what = `attribute \`${name}\``;
  const entries = fields(node, what, []);
  const required = field(entries, 'required');
  return {
    name,
    type: typeExpr(node, what, ['required', 'annotations']),
    required: required === undefined ? true : boolean(required, `\`required\` of ${what}`),
    annotations: annotations(field(entries, 'annotations')),
    ...spanOf(node),
  };
}
