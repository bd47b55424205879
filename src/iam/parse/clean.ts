// The fast path of parsePolicy for the common case, a clean document: the
// text is read by the engine's JSON.parse and the model built from plain
// values, and a span is only computed when something asks for it. Anything
// the full reader (policy.ts) would report — an error or a note of any kind —
// makes this path give up, so it never has to produce a message: it returns
// exactly the model the full reader would, or nothing.
import { parseTree, type Node } from 'jsonc-parser';
import { operatorInfo, parseOperatorName } from '../conditions.js';
import type {
  ActionElement,
  Condition,
  ConditionValue,
  Effect,
  Location,
  PathElement,
  Pattern,
  PatternEntry,
  Policy,
  PolicyVersion,
  PrincipalElement,
  PrincipalEntry,
  PrincipalType,
  ResourceElement,
  Span,
  Statement,
} from '../model.js';
import { literalPattern, parsePattern, type PatternSyntax } from './patterns.js';
import { PositionIndex } from './positions.js';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
type JsonObject = { readonly [key: string]: Json };

/** The elements each level of a policy may hold, shared with the full reader. */
export const policyElements = ['Version', 'Id', 'Statement'] as const;
export const statementElements = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
] as const;
export const principalTypes: readonly PrincipalType[] = ['AWS', 'Service', 'Federated', 'CanonicalUser'];
const knownPolicyElements: ReadonlySet<string> = new Set(policyElements);
const knownStatementElements: ReadonlySet<string> = new Set(statementElements);
const knownPrincipalTypes: ReadonlySet<string> = new Set(principalTypes);
const variableShape = /\$\{[^}]+\}/;
// Keys such as "1" come first in a parsed object whatever their place in the text.
const indexLikeKey = /^(?:0|[1-9]\d*)$/;

/**
 * The tree and line index of one document, built the first time a span is
 * read: a clean policy used for evaluation never pays for positions.
 */
class LazySpans {
  private tree: Node | undefined;
  private index: PositionIndex | undefined;

  constructor(private readonly text: string) {}

  spanAt(path: readonly PathElement[]): Span {
    this.tree ??= parseTree(this.text, [], { disallowComments: true, allowTrailingComma: false });
    this.index ??= new PositionIndex(this.text);
    // INVARIANT: the path was made while reading this text, with no duplicate keys, so it leads to a node.
    const node = nodeAt(this.tree, path);
    return this.index.span(node?.offset ?? 0, node?.length ?? 0);
  }
}

/**
 * A location whose span is computed when first read. The span is an own
 * enumerable property, as on every other location, so the object compares,
 * spreads and serialises like `{ path, span }`; defining it from one shared
 * descriptor costs a fraction of an object literal with a getter.
 */
class LazyLocation implements Location {
  declare readonly span: Span;
  readonly #spans: LazySpans;
  #span: Span | undefined;

  private static readonly spanProperty: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: LazyLocation): Span {
      return (this.#span ??= this.#spans.spanAt(this.path));
    },
  };

  constructor(
    readonly path: readonly PathElement[],
    spans: LazySpans,
  ) {
    this.#spans = spans;
    Object.defineProperty(this, 'span', LazyLocation.spanProperty);
  }
}

/** The node a location path names: a member's value, an array item, or (`key`) a member's name. */
function nodeAt(root: Node | undefined, path: readonly PathElement[]): Node | undefined {
  let node = root;
  for (const step of path) {
    if (node === undefined) return undefined;
    if ('index' in step) {
      node = node.children?.[step.index];
      continue;
    }
    const name = 'value' in step ? step.value : step.key;
    const member = node.children?.find((property) => property.children?.[0]?.value === name);
    node = member?.children?.['value' in step ? 1 : 0];
  }
  return node;
}

/**
 * Object members in the text: every colon outside a string separates a name
 * from its value. Strings are skipped with indexOf, which is far faster than
 * visiting their characters.
 */
function memberCount(text: string): number {
  let count = 0;
  let offset = 0;
  while (offset < text.length) {
    const quote = text.indexOf('"', offset);
    const outsideEnd = quote < 0 ? text.length : quote;
    for (
      let colon = text.indexOf(':', offset);
      colon >= 0 && colon < outsideEnd;
      colon = text.indexOf(':', colon + 1)
    )
      count++;
    if (quote < 0) break;
    offset = stringEnd(text, quote) + 1;
  }
  return count;
}

/** The offset of the quote closing the string that opens at `quote`. */
function stringEnd(text: string, quote: number): number {
  let end = text.indexOf('"', quote + 1);
  while (end > 0 && escaped(text, end)) end = text.indexOf('"', end + 1);
  // INVARIANT: the text parsed as JSON, so every string is closed.
  return end < 0 ? text.length : end;
}

/** Is the character at `offset` escaped, by an odd run of backslashes before it? */
function escaped(text: string, offset: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(offset - 1 - backslashes) === 92) backslashes++;
  return backslashes % 2 === 1;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Thrown inside the reader only, to leave the fast path for the full reader. */
class NotClean extends Error {}

function give(): never {
  throw new NotClean();
}

class CleanReader {
  private members = 0;
  private version: PolicyVersion | undefined;

  constructor(private readonly spans: LazySpans) {}

  /** Counts the object's members and refuses names the parsed object may have reordered or the reader must report. */
  private names(object: JsonObject, known: ReadonlySet<string> | undefined): string[] {
    const names = Object.keys(object);
    if (names.length === 0) give();
    this.members += names.length;
    for (const name of names) if (known === undefined ? indexLikeKey.test(name) : !known.has(name)) give();
    return names;
  }

  read(root: Json, text: string): Policy {
    if (!isObject(root)) give();
    const names = this.names(root, knownPolicyElements);
    const version = root.Version;
    if (version !== undefined) {
      if (version !== '2012-10-17' && version !== '2008-10-17') give();
      this.version = version;
    }
    const id = root.Id;
    if (id !== undefined && typeof id !== 'string') give();
    if (!names.includes('Statement')) give();
    const statements = this.readStatements(root.Statement);
    // Duplicate names, which JSON.parse silently merges, are the one thing the values cannot show.
    if (memberCount(text) !== this.members) give();
    return {
      ...(version === undefined ? {} : { version: this.version }),
      ...(id === undefined ? {} : { id }),
      statements,
      location: new LazyLocation([], this.spans),
    };
  }

  private readStatements(node: Json | undefined): Statement[] {
    const path: PathElement[] = [{ value: 'Statement' }];
    if (isObject(node)) return [this.readStatement(node, path, 0)];
    if (!Array.isArray(node) || node.length === 0) give();
    const items: readonly Json[] = node;
    return items.map((item, position) => {
      if (!isObject(item)) give();
      return this.readStatement(item, [...path, { index: position }], position);
    });
  }

  private readStatement(node: JsonObject, path: readonly PathElement[], position: number): Statement {
    this.names(node, knownStatementElements);
    const sid = node.Sid;
    if (sid !== undefined && typeof sid !== 'string') give();
    const effect = node.Effect;
    if (effect !== 'Allow' && effect !== 'Deny') give();
    const principal = this.readPrincipal(node, path);
    const action = this.readAction(node, path);
    const resource = this.readResource(node, path);
    const conditions =
      node.Condition === undefined
        ? []
        : this.readConditions(node.Condition, [...path, { value: 'Condition' }]);
    return {
      index: position,
      ...(sid === undefined
        ? {}
        : { sid, sidLocation: new LazyLocation([...path, { value: 'Sid' }], this.spans) }),
      effect: effect satisfies Effect,
      ...(principal === undefined ? {} : { principal }),
      action,
      ...(resource === undefined ? {} : { resource }),
      conditions,
      location: new LazyLocation(path, this.spans),
    };
  }

  /** The one present element of two exclusive ones; neither is undefined, both give up. */
  private either<Name extends string>(
    node: JsonObject,
    names: readonly [Name, Name],
  ): { readonly kind: Name; readonly value: Json } | undefined {
    const [first, second] = names;
    const firstValue = node[first];
    const secondValue = node[second];
    if (firstValue !== undefined && secondValue !== undefined) give();
    if (firstValue !== undefined) return { kind: first, value: firstValue };
    return secondValue === undefined ? undefined : { kind: second, value: secondValue };
  }

  private readAction(node: JsonObject, path: readonly PathElement[]): ActionElement {
    const element = this.either(node, ['Action', 'NotAction']) ?? give();
    const elementPath = [...path, { value: element.kind }];
    const entries = this.patternEntries(element.value, elementPath, { wildcards: true, variables: false });
    return { kind: element.kind, entries, location: new LazyLocation(elementPath, this.spans) };
  }

  private readResource(node: JsonObject, path: readonly PathElement[]): ResourceElement | undefined {
    const element = this.either(node, ['Resource', 'NotResource']);
    if (element === undefined) return undefined;
    const elementPath = [...path, { value: element.kind }];
    const syntax = { wildcards: true, variables: this.version === '2012-10-17' };
    const entries = this.patternEntries(element.value, elementPath, syntax);
    return { kind: element.kind, entries, location: new LazyLocation(elementPath, this.spans) };
  }

  /** A string, or a non-empty array of strings, each with the path the full reader gives it. */
  private strings(
    value: Json,
    path: readonly PathElement[],
  ): { text: string; path: readonly PathElement[] }[] {
    if (typeof value === 'string') return [{ text: value, path }];
    if (!Array.isArray(value) || value.length === 0) give();
    const items: readonly Json[] = value;
    return items.map((item, position) =>
      typeof item === 'string' ? { text: item, path: [...path, { index: position }] } : give(),
    );
  }

  private patternEntries(value: Json, path: readonly PathElement[], syntax: PatternSyntax): PatternEntry[] {
    return this.strings(value, path).map((item) => ({
      pattern: this.pattern(item.text, syntax),
      location: new LazyLocation(item.path, this.spans),
    }));
  }

  private pattern(raw: string, syntax: PatternSyntax): Pattern {
    const parsed = parsePattern(raw, syntax);
    return parsed.ok ? parsed.pattern : give();
  }

  private readPrincipal(node: JsonObject, path: readonly PathElement[]): PrincipalElement | undefined {
    const element = this.either(node, ['Principal', 'NotPrincipal']);
    if (element === undefined) return undefined;
    const elementPath = [...path, { value: element.kind }];
    const location = new LazyLocation(elementPath, this.spans);
    if (element.value === '*') return { kind: element.kind, value: { kind: 'everyone', location }, location };
    if (!isObject(element.value)) give();
    const types = element.value;
    this.names(types, knownPrincipalTypes);
    const entries: PrincipalEntry[] = [];
    // In the order of principalTypes, as the full reader lists them.
    for (const type of principalTypes) {
      const value = types[type];
      if (value === undefined) continue;
      for (const item of this.strings(value, [...elementPath, { value: type }]))
        entries.push({ type, value: item.text, location: new LazyLocation(item.path, this.spans) });
    }
    return { kind: element.kind, value: { kind: 'entries', entries, location }, location };
  }

  private readConditions(node: Json, path: readonly PathElement[]): Condition[] {
    if (!isObject(node)) give();
    const conditions: Condition[] = [];
    for (const name of this.names(node, undefined)) {
      const operator = parseOperatorName(name) ?? give();
      const keys = node[name];
      if (!isObject(keys)) give();
      const operatorPath = [...path, { value: name }];
      const seen = new Set<string>();
      for (const key of this.names(keys, undefined)) {
        const folded = key.toLowerCase();
        if (seen.has(folded)) give();
        seen.add(folded);
        const keyPath = [...operatorPath, { value: key }];
        const values = this.conditionValues(keys[key] ?? null, keyPath, operatorInfo(operator));
        conditions.push({ operator, key, values, location: new LazyLocation(keyPath, this.spans) });
      }
    }
    return conditions;
  }

  private conditionValues(node: Json, path: readonly PathElement[], syntax: PatternSyntax): ConditionValue[] {
    const items: readonly Json[] = Array.isArray(node) ? node : [node];
    if (items.length === 0) give();
    const type = typeof items[0];
    return items.map((item, position) => {
      // Mixed JSON types are a note; numbers keep their text, which the parsed value has lost.
      if (typeof item !== type) give();
      const itemPath = Array.isArray(node) ? [...path, { index: position }] : path;
      const location = new LazyLocation(itemPath, this.spans);
      if (typeof item === 'boolean') return { value: item, pattern: literalPattern(String(item)), location };
      if (typeof item !== 'string') give();
      const variables = syntax.variables && this.version === '2012-10-17';
      if (!syntax.variables && this.version === '2012-10-17' && variableShape.test(item)) give();
      return {
        value: item,
        pattern: this.pattern(item, { wildcards: syntax.wildcards, variables }),
        location,
      };
    });
  }
}

/** The policy when the document is clean (no error, no note), else undefined for the full reader. */
export function parseCleanPolicy(text: string): Policy | undefined {
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
  try {
    return new CleanReader(new LazySpans(text)).read(root, text);
  } catch (error) {
    if (error instanceof NotClean) return undefined;
    throw error;
  }
}
