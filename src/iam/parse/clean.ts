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
import { patternOf, sharedPattern, type PatternSyntax } from './patterns.js';
import { PositionIndex } from './positions.js';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
type JsonObject = { readonly [key: string]: Json };
/** A model object while its members are being added. */
type Building<T> = { -readonly [Key in keyof T]: T[Key] };

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
class DocumentPositions {
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
 * Where a value of a clean document is: the place of the value holding it
 * and the step from there (a member name or an array index); the document
 * root's parent is the document itself. Path and span are computed from
 * these the first time they are read, then kept.
 */
class Place {
  path: readonly PathElement[] | undefined = undefined;
  span: Span | undefined = undefined;

  constructor(
    readonly parent: Place | DocumentPositions,
    readonly step: string | number,
  ) {}

  /** Node's inspect (console.log) shows a proxy's target: show the location it stands for. */
  [Symbol.for('nodejs.util.inspect.custom')](this: Location): Location {
    return { path: this.path, span: this.span };
  }
}

function pathOf(place: Place): readonly PathElement[] {
  if (place.path !== undefined) return place.path;
  const path: PathElement[] = [];
  for (let at = place; at.parent instanceof Place; at = at.parent)
    path.push(typeof at.step === 'number' ? { index: at.step } : { value: at.step });
  place.path = path.reverse();
  return place.path;
}

function spanOf(place: Place): Span {
  place.span ??= spanAt(place, pathOf(place));
  return place.span;
}

/** The span of a path within the document of a place. */
function spanAt(place: Place, path: readonly PathElement[]): Span {
  let root = place;
  while (root.parent instanceof Place) root = root.parent;
  return root.parent.spanAt(path);
}

type LocationKey = keyof Location;
const isLocationKey = (key: string | symbol): key is LocationKey => key === 'path' || key === 'span';
const locationKeys: LocationKey[] = ['path', 'span'];

/**
 * A location of a clean document is a proxy over the state it is computed
 * from, behaving as the plain `{ path, span }` object the full reader makes:
 * two own enumerable properties, so it compares (toEqual,
 * isDeepStrictEqual), spreads and serialises alike, and is read-only. Why a
 * proxy: a parse makes one location per element and most are never read,
 * and a proxy is the one object with own properties computed on demand that
 * is cheap to make (an own getter per object, by defineProperty, cost four
 * times as much). It cannot be sent to a worker (structuredClone refuses
 * proxies): spread it first.
 */
abstract class LocationHandler<Target extends object> implements ProxyHandler<Target> {
  protected abstract read(target: Target, key: LocationKey): Location[LocationKey];

  get(target: Target, key: string | symbol, receiver: unknown): unknown {
    return isLocationKey(key) ? this.read(target, key) : Reflect.get(Object.prototype, key, receiver);
  }
  has(_: Target, key: string | symbol): boolean {
    return isLocationKey(key) || key in Object.prototype;
  }
  ownKeys(): LocationKey[] {
    return [...locationKeys];
  }
  getOwnPropertyDescriptor(target: Target, key: string | symbol): PropertyDescriptor | undefined {
    return isLocationKey(key)
      ? { value: this.read(target, key), writable: false, enumerable: true, configurable: true }
      : undefined;
  }
  getPrototypeOf(): object {
    return Object.prototype;
  }
  set(): boolean {
    return false;
  }
  defineProperty(): boolean {
    return false;
  }
  deleteProperty(): boolean {
    return false;
  }
  setPrototypeOf(): boolean {
    return false;
  }
  preventExtensions(): boolean {
    return false;
  }
}

/** The locations of places: elements, statements, members, whose places are also parents of other places. */
class PlaceLocations extends LocationHandler<Place> {
  protected read(place: Place, key: LocationKey): Location[LocationKey] {
    return key === 'path' ? pathOf(place) : spanOf(place);
  }
}

const placeLocations = new PlaceLocations();

function locationOf(place: Place): Location {
  // The handler answers exactly the Location interface; the target is only its state.
  return new Proxy(place, placeLocations) as unknown as Location;
}

/**
 * The index of an item of an array, the target of its location's proxy. An
 * index is the same for every array of every document, so targets are made
 * once and shared: a location of one of the thousands of strings of a big
 * Action array is then the proxy alone.
 */
class ItemIndex {
  constructor(readonly index: number) {}

  /** Node's inspect (console.log) shows a proxy's target: show the location it stands for. */
  [Symbol.for('nodejs.util.inspect.custom')](this: Location): Location {
    return { path: this.path, span: this.span };
  }
}

const itemIndexes: ItemIndex[] = [];

/**
 * The locations of the items of one array (Action, Resource, a principal
 * type's values, a condition's values), from the array's place and the
 * item's index; path and span are kept by index once read.
 */
class ItemLocations extends LocationHandler<ItemIndex> {
  // Made on the first read: most arrays' locations never are.
  private paths: (readonly PathElement[])[] | undefined = undefined;
  private spans: Span[] | undefined = undefined;

  constructor(private readonly array: Place) {
    super();
  }

  location(index: number): Location {
    const target = (itemIndexes[index] ??= new ItemIndex(index));
    // The handler answers exactly the Location interface; the target is only its index.
    return new Proxy(target, this) as unknown as Location;
  }

  protected read({ index }: ItemIndex, key: LocationKey): Location[LocationKey] {
    this.paths ??= [];
    const path = (this.paths[index] ??= [...pathOf(this.array), { index }]);
    if (key === 'path') return path;
    this.spans ??= [];
    this.spans[index] ??= spanAt(this.array, path);
    return this.spans[index];
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
 * Did the text write a member name twice, which JSON.parse silently merges?
 * `members` counts the members of the parsed objects. The quick count: each
 * member name's closing quote is followed by its colon, with nothing between
 * when no colon in the text follows whitespace; any other `":` (an escaped
 * quote, a string that starts with a colon) only adds to the count. So the
 * count of `":` is at least the members written, which are at least the
 * members parsed, and equal to them only if nothing was merged. Otherwise,
 * count exactly.
 */
function mergedMembers(text: string, members: number): boolean {
  let quick = 0;
  for (let at = text.indexOf('":'); at >= 0; at = text.indexOf('":', at + 2)) quick++;
  if (quick === members && !colonAfterSpace(text)) return false;
  return memberCount(text) !== members;
}

/**
 * Does a colon follow JSON whitespace anywhere? Compact text has little
 * whitespace, and indexOf finds none fast; in indented text a regular
 * expression beats searching the many spaces.
 */
function colonAfterSpace(text: string): boolean {
  return text.includes('\n')
    ? spaceColon.test(text)
    : text.includes(' :') || text.includes('\t:') || text.includes('\r:');
}

const spaceColon = /[ \t\n\r]:/;

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

/** Which of two exclusive elements is present: neither is undefined, both give up. */
function either<Name extends string>(node: JsonObject, first: Name, second: Name): Name | undefined {
  if (node[first] === undefined) return node[second] === undefined ? undefined : second;
  return node[second] === undefined ? first : give();
}

const actionSyntax: PatternSyntax = { wildcards: true, variables: false };
const resourceSyntax: readonly [PatternSyntax, PatternSyntax] = [
  { wildcards: true, variables: false },
  { wildcards: true, variables: true },
];

/**
 * Documents of this many characters and more share their patterns with
 * earlier parses (see sharedPattern): about the biggest 7% of the AWS
 * managed policy versions, which hold half their text.
 */
export const SHARED_PATTERNS_FROM = 32 * 1024;

const plainText: PatternSyntax = { wildcards: false, variables: false };

class CleanReader {
  private members = 0;
  private version: PolicyVersion | undefined;
  private readonly root: Place;
  private readonly patternOf: (raw: string, syntax: PatternSyntax) => Pattern | undefined;

  constructor(positions: DocumentPositions, textLength: number) {
    this.root = new Place(positions, 0);
    this.patternOf = textLength >= SHARED_PATTERNS_FROM ? sharedPattern : patternOf;
  }

  private pattern(raw: string, syntax: PatternSyntax): Pattern {
    return this.patternOf(raw, syntax) ?? give();
  }

  private place(parent: Place, step: string | number): Place {
    return new Place(parent, step);
  }

  /** Counts the object's members and refuses names outside `known` (none of which is index-like). */
  private knownNames(object: JsonObject, known: ReadonlySet<string>): void {
    let count = 0;
    // for-in rather than Object.keys: no array for a check that needs none.
    for (const name in object) {
      if (!known.has(name)) give();
      count++;
    }
    if (count === 0) give();
    this.members += count;
  }

  /** Counts the object's members and refuses names the parsed object may have reordered. */
  private names(object: JsonObject): string[] {
    const names = Object.keys(object);
    if (names.length === 0) give();
    this.members += names.length;
    for (const name of names) if (indexLikeKey.test(name)) give();
    return names;
  }

  read(root: Json, text: string): Policy {
    if (!isObject(root)) give();
    this.knownNames(root, knownPolicyElements);
    const version = root.Version;
    if (version !== undefined) {
      if (version !== '2012-10-17' && version !== '2008-10-17') give();
      this.version = version;
    }
    const id = root.Id;
    if (id !== undefined && typeof id !== 'string') give();
    const statements = this.readStatements(root.Statement ?? give());
    if (mergedMembers(text, this.members)) give();
    const location = locationOf(this.root);
    if (version === undefined)
      return id === undefined ? { statements, location } : { id, statements, location };
    return id === undefined ? { version, statements, location } : { version, id, statements, location };
  }

  private readStatements(node: Json): Statement[] {
    const place = this.place(this.root, 'Statement');
    if (isObject(node)) return [this.readStatement(node, place, 0)];
    if (!Array.isArray(node) || node.length === 0) give();
    // map rather than push: arrays the size of their items (a pushed-to array reserves 17 slots).
    return node.map((item, position) =>
      isObject(item) ? this.readStatement(item, this.place(place, position), position) : give(),
    );
  }

  private readStatement(node: JsonObject, place: Place, position: number): Statement {
    this.knownNames(node, knownStatementElements);
    const sid = node.Sid;
    if (sid !== undefined && typeof sid !== 'string') give();
    const effect: Effect = node.Effect === 'Allow' || node.Effect === 'Deny' ? node.Effect : give();
    const principal = this.readPrincipal(node, place);
    const action = this.readAction(node, place);
    const resource = this.readResource(node, place);
    const conditions =
      node.Condition === undefined ? [] : this.readConditions(node.Condition, this.place(place, 'Condition'));
    // Members added one by one, in the full reader's order, optional ones only when present:
    // cheaper than spreading a literal per optional member.
    const statement = { index: position } as Building<Statement>;
    if (sid !== undefined) {
      statement.sid = sid;
      statement.sidLocation = locationOf(this.place(place, 'Sid'));
    }
    statement.effect = effect;
    if (principal !== undefined) statement.principal = principal;
    statement.action = action;
    if (resource !== undefined) statement.resource = resource;
    statement.conditions = conditions;
    statement.location = locationOf(place);
    return statement;
  }

  private readAction(node: JsonObject, statement: Place): ActionElement {
    const kind = either(node, 'Action', 'NotAction') ?? give();
    const place = this.place(statement, kind);
    const location = locationOf(place);
    const entries = this.patternEntries(node[kind] ?? null, place, location, actionSyntax);
    return { kind, entries, location };
  }

  private readResource(node: JsonObject, statement: Place): ResourceElement | undefined {
    const kind = either(node, 'Resource', 'NotResource');
    if (kind === undefined) return undefined;
    const place = this.place(statement, kind);
    const location = locationOf(place);
    const syntax = resourceSyntax[this.version === '2012-10-17' ? 1 : 0];
    const entries = this.patternEntries(node[kind] ?? null, place, location, syntax);
    return { kind, entries, location };
  }

  /** A string (located where the element is), or a non-empty array of strings. */
  private patternEntries(
    value: Json,
    place: Place,
    location: Location,
    syntax: PatternSyntax,
  ): PatternEntry[] {
    if (typeof value === 'string') return [{ pattern: this.pattern(value, syntax), location }];
    if (!Array.isArray(value) || value.length === 0) give();
    const items = new ItemLocations(place);
    return value.map((item: Json, position) =>
      typeof item === 'string'
        ? { pattern: this.pattern(item, syntax), location: items.location(position) }
        : give(),
    );
  }

  private readPrincipal(node: JsonObject, statement: Place): PrincipalElement | undefined {
    const kind = either(node, 'Principal', 'NotPrincipal');
    if (kind === undefined) return undefined;
    const place = this.place(statement, kind);
    const location = locationOf(place);
    const types = node[kind];
    if (types === '*') return { kind, value: { kind: 'everyone', location }, location };
    if (!isObject(types)) give();
    this.knownNames(types, knownPrincipalTypes);
    const entries: PrincipalEntry[] = [];
    // In the order of principalTypes, as the full reader lists them.
    for (const type of principalTypes) {
      const value = types[type];
      if (value === undefined) continue;
      const typePlace = this.place(place, type);
      if (typeof value === 'string') {
        entries.push({ type, value, location: locationOf(typePlace) });
        continue;
      }
      if (!Array.isArray(value) || value.length === 0) give();
      const items: readonly Json[] = value;
      const locations = new ItemLocations(typePlace);
      for (let position = 0; position < items.length; position++) {
        const item = items[position];
        if (typeof item !== 'string') give();
        entries.push({ type, value: item, location: locations.location(position) });
      }
    }
    return { kind, value: { kind: 'entries', entries, location }, location };
  }

  private readConditions(node: Json, place: Place): Condition[] {
    if (!isObject(node)) give();
    const conditions: Condition[] = [];
    for (const name of this.names(node)) {
      const operator = parseOperatorName(name) ?? give();
      const syntax = operatorInfo(operator);
      const keys = node[name];
      if (!isObject(keys)) give();
      const operatorPlace = this.place(place, name);
      const names = this.names(keys);
      // Keys compare case-insensitively: two that differ only in case are an error of the full reader.
      if (names.length > 1 && new Set(names.map((key) => key.toLowerCase())).size < names.length) give();
      for (const key of names) {
        const keyPlace = this.place(operatorPlace, key);
        const location = locationOf(keyPlace);
        const values = this.conditionValues(keys[key] ?? null, keyPlace, location, syntax);
        conditions.push({ operator, key, values, location });
      }
    }
    return conditions;
  }

  /** One value (located where the condition is) or a non-empty array of values, all of one JSON type. */
  private conditionValues(
    node: Json,
    place: Place,
    location: Location,
    syntax: PatternSyntax,
  ): ConditionValue[] {
    if (!Array.isArray(node)) return [this.conditionValue(node, location, syntax)];
    if (node.length === 0) give();
    const type = typeof node[0];
    const items = new ItemLocations(place);
    return node.map((item: Json, position) =>
      // Mixed JSON types are a note of the full reader.
      typeof item === type ? this.conditionValue(item, items.location(position), syntax) : give(),
    );
  }

  private conditionValue(item: Json, location: Location, syntax: PatternSyntax): ConditionValue {
    // Numbers keep their text in the full reader, which the parsed value has lost.
    if (typeof item === 'boolean')
      return { value: item, pattern: this.pattern(String(item), plainText), location };
    if (typeof item !== 'string') give();
    const inVersion = this.version === '2012-10-17';
    if (!syntax.variables && inVersion && variableShape.test(item)) give();
    const variables = syntax.variables && inVersion;
    return { value: item, pattern: this.pattern(item, { wildcards: syntax.wildcards, variables }), location };
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
    return new CleanReader(new DocumentPositions(text), text.length).read(root, text);
  } catch (error) {
    if (error instanceof NotClean) return undefined;
    throw error;
  }
}
