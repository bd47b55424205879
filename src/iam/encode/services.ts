// A request names one action, and an Action entry whose service part is
// literal (`s3:Get*`) matches only actions of that service. So a question
// about the requests of one service needs, of each statement, only its entries
// of that service and those whose service part has a wildcard (`*`,
// `s3*:Get*`): the others are false there. Large policies list hundreds of
// services; a question cut by service reads a few entries each.
import { and, FALSE, type Formula } from '../../logic/index.js';
import type {
  Condition,
  ConditionValue,
  Pattern,
  PatternEntry,
  PatternPart,
  PrincipalElement,
  PrincipalEntry,
  ResourceElement,
  Statement,
} from '../model.js';
import { actionElementMatches, type EncodedStatement } from './encode.js';

/** A statement's Action or NotAction entries sorted by the service they can name. */
export interface ServiceEntries {
  /** Entries of a literal service, by its lower-case name. */
  readonly byService: ReadonlyMap<string, readonly string[]>;
  /** Entries whose service part may be any service. */
  readonly anyService: readonly string[];
}

/**
 * The lower-case service an Action entry can only name, or undefined when it
 * may name several: a wildcard in the service part, or characters outside the
 * ASCII service alphabet, whose case folding this split does not decide.
 */
export function entryService(raw: string): string | undefined {
  const colon = raw.indexOf(':');
  const service = colon < 0 ? raw : raw.slice(0, colon);
  return /^[A-Za-z0-9_.-]+$/.test(service) ? service.toLowerCase() : undefined;
}

/** `raw` names `service` (a result of `entryService`) as `entryService` reads it, without slicing it out. */
function namesService(raw: string, service: string): boolean {
  const length = service.length;
  if (raw.length !== length && raw.charCodeAt(length) !== COLON) return false;
  for (let index = 0; index < length; index++) {
    const code = raw.charCodeAt(index);
    if ((code >= 65 && code <= 90 ? code + 32 : code) !== service.charCodeAt(index)) return false;
  }
  return true;
}

const COLON = 58;
const entriesCache = new WeakMap<Statement, ServiceEntries>();

/** INVARIANT: statements are immutable (the cache is keyed by the parsed statement). */
export function serviceEntries(statement: Statement): ServiceEntries {
  const known = entriesCache.get(statement);
  if (known !== undefined) return known;
  const byService = new Map<string, string[]>();
  const anyService: string[] = [];
  // Entries of a service mostly come in a row: the previous entry's service is tried first.
  let service = '';
  let listed: string[] | undefined;
  for (const entry of statement.action.entries) {
    const raw = entry.pattern.raw;
    if (listed === undefined || !namesService(raw, service)) {
      const named = entryService(raw);
      if (named === undefined) {
        anyService.push(raw);
        continue;
      }
      service = named;
      listed = byService.get(named);
      if (listed === undefined) byService.set(named, (listed = []));
    }
    listed.push(raw);
  }
  const entries = { byService, anyService };
  entriesCache.set(statement, entries);
  return entries;
}

/**
 * The statement's match over the requests whose action is of `service`:
 * exactly `matches` there, with the entries of other services left out.
 */
export function matchesInService(encoded: EncodedStatement, service: string): Formula {
  const { byService, anyService } = serviceEntries(encoded.statement);
  const { kind, entries } = encoded.statement.action;
  const listed = byService.get(service);
  // Most statements of a large policy name other services: no list is built for them.
  if (listed === undefined && anyService.length === 0) return kind === 'Action' ? FALSE : encoded.scope;
  const raws =
    listed === undefined ? anyService : anyService.length === 0 ? listed : [...listed, ...anyService];
  if (raws.length === entries.length) return encoded.matches;
  const actionMatched = actionElementMatches(kind, raws);
  // The scope is encoded only for statements that can match in the service.
  return actionMatched === FALSE ? FALSE : and(actionMatched, encoded.scope);
}

const printable = /^[\x20-\x7e]*$/;

/**
 * Every action `entry` matches, `pattern` matches too, read off the text:
 * the same entry, or `pattern` is a literal prefix and `*` (`s3:Get*`, `*`)
 * and `entry` starts with that prefix. Case is ignored as IAM ignores it in
 * actions; outside printable ASCII nothing is judged covered.
 */
export function entryCovers(pattern: string, entry: string): boolean {
  if (!printable.test(pattern) || !printable.test(entry)) return false;
  const lowerPattern = pattern.toLowerCase();
  const lowerEntry = entry.toLowerCase();
  if (lowerPattern === lowerEntry) return true;
  const prefix = lowerPattern.slice(0, -1);
  return lowerPattern.endsWith('*') && !/[*?]/.test(prefix) && lowerEntry.startsWith(prefix);
}

// Statements are compared without writing them out as text: a hash, then
// field by field when the hashes agree. Two statements are the same when
// every field the encoding reads is (Action entries as written, principal,
// Resource patterns, conditions with their keys case-folded), so the same
// statement has the same `matches` within one question, and the same scope
// the same `scope`. Big statements list thousands of entries: their text
// was a string of ~90 KB per statement, alive as long as the statement.

/** 30-bit FNV-1a steps (a small integer: no number box is allocated). */
const mix = (hash: number, value: number): number => Math.imul(hash ^ value, 0x01000193) & 0x3fffffff;

function mixText(hash: number, text: string): number {
  let result = mix(hash, text.length);
  for (let index = 0; index < text.length; index++) result = mix(result, text.charCodeAt(index));
  return result;
}

/** As `mixText` of the lower-cased text (condition keys compare case-insensitively). */
function mixFolded(hash: number, text: string): number {
  if (!/^[\x00-\x7f]*$/.test(text)) return mixText(hash, text.toLowerCase());
  let result = mix(hash, text.length);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    result = mix(result, code >= 65 && code <= 90 ? code + 32 : code);
  }
  return result;
}

function mixValue(hash: number, value: string | number | boolean): number {
  return mixText(mix(hash, typeof value === 'string' ? 1 : typeof value === 'number' ? 2 : 3), String(value));
}

const scopeHashes = new WeakMap<Statement, number>();

/** Equal for statements of the same scope (`sameScope`). */
export function scopeHash(statement: Statement): number {
  const known = scopeHashes.get(statement);
  if (known !== undefined) return known;
  let hash = 0x011c9dc5;
  const principal = statement.principal;
  if (principal === undefined) hash = mix(hash, 1);
  else {
    hash = mixText(mix(hash, 2), principal.kind);
    if (principal.value.kind === 'everyone') hash = mix(hash, 3);
    else for (const entry of principal.value.entries) hash = mixText(mixText(hash, entry.type), entry.value);
  }
  const resource = statement.resource;
  if (resource === undefined) hash = mix(hash, 4);
  else {
    hash = mixText(mix(hash, 5), resource.kind);
    for (const entry of resource.entries) hash = mixText(hash, entry.pattern.raw);
  }
  for (const condition of statement.conditions) {
    hash = mixFolded(mixText(hash, condition.operator.name), condition.key);
    for (const value of condition.values) hash = mixValue(hash, value.value);
  }
  scopeHashes.set(statement, hash);
  return hash;
}

const statementHashes = new WeakMap<Statement, number>();

/** Equal for the same statements (`sameStatement`). */
export function statementHash(statement: Statement): number {
  const known = statementHashes.get(statement);
  if (known !== undefined) return known;
  let hash = mixText(mixText(scopeHash(statement), statement.effect), statement.action.kind);
  for (const entry of statement.action.entries) hash = mixText(hash, entry.pattern.raw);
  statementHashes.set(statement, hash);
  return hash;
}

function samePattern(a: Pattern, b: Pattern): boolean {
  if (a.raw !== b.raw) return false;
  const left = a.parts;
  const right = b.parts;
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index++) {
    const x = left[index] as PatternPart;
    const y = right[index] as PatternPart;
    if (x.kind !== y.kind) return false;
    if (x.kind === 'literal' && y.kind === 'literal' && x.text !== y.text) return false;
    if (x.kind === 'wildcard' && y.kind === 'wildcard' && x.wildcard !== y.wildcard) return false;
    if (
      x.kind === 'variable' &&
      y.kind === 'variable' &&
      (x.key !== y.key || x.defaultValue !== y.defaultValue)
    )
      return false;
  }
  return true;
}

function samePrincipal(a: PrincipalElement | undefined, b: PrincipalElement | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind !== b.kind) return false;
  if (a.value.kind === 'everyone' || b.value.kind === 'everyone') return a.value.kind === b.value.kind;
  const left = a.value.entries;
  const right = b.value.entries;
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index++) {
    const x = left[index] as PrincipalEntry;
    const y = right[index] as PrincipalEntry;
    if (x.type !== y.type || x.value !== y.value) return false;
  }
  return true;
}

function sameResource(a: ResourceElement | undefined, b: ResourceElement | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind !== b.kind || a.entries.length !== b.entries.length) return false;
  for (let index = 0; index < a.entries.length; index++)
    if (!samePattern((a.entries[index] as PatternEntry).pattern, (b.entries[index] as PatternEntry).pattern))
      return false;
  return true;
}

const sameKey = (a: string, b: string): boolean => a === b || a.toLowerCase() === b.toLowerCase();

function sameCondition(a: Condition, b: Condition): boolean {
  if (a.operator.name !== b.operator.name || !sameKey(a.key, b.key)) return false;
  if (a.values.length !== b.values.length) return false;
  for (let index = 0; index < a.values.length; index++) {
    const x = a.values[index] as ConditionValue;
    const y = b.values[index] as ConditionValue;
    if (x.value !== y.value || !samePattern(x.pattern, y.pattern)) return false;
  }
  return true;
}

/**
 * The same principal, Resource patterns and conditions: statements of one
 * question with the same scope encode to the same `scope` (the encoding is a
 * function of these and the question's key table).
 */
export function sameScope(a: Statement, b: Statement): boolean {
  if (a === b) return true;
  if (!samePrincipal(a.principal, b.principal) || !sameResource(a.resource, b.resource)) return false;
  if (a.conditions.length !== b.conditions.length) return false;
  for (let index = 0; index < a.conditions.length; index++)
    if (!sameCondition(a.conditions[index] as Condition, b.conditions[index] as Condition)) return false;
  return true;
}

/** The same effect, Action entries as written and scope: the same `matches` within one question. */
export function sameStatement(a: Statement, b: Statement): boolean {
  if (a === b) return true;
  if (a.effect !== b.effect || a.action.kind !== b.action.kind) return false;
  const left = a.action.entries;
  const right = b.action.entries;
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index++)
    if ((left[index] as PatternEntry).pattern.raw !== (right[index] as PatternEntry).pattern.raw)
      return false;
  return sameScope(a, b);
}

/** Statements grouped by `hash`, told apart by `same`: a set without a text key per statement. */
export class StatementGroups<Group> {
  private readonly buckets = new Map<number, { statement: Statement; group: Group }[]>();

  constructor(
    private readonly hash: (statement: Statement) => number,
    private readonly same: (a: Statement, b: Statement) => boolean,
  ) {}

  /** The group of a statement the same as `statement`, or undefined. */
  get(statement: Statement): Group | undefined {
    const bucket = this.buckets.get(this.hash(statement));
    if (bucket === undefined) return undefined;
    for (const member of bucket) if (this.same(member.statement, statement)) return member.group;
    return undefined;
  }

  /** The group of `statement`, made by `create` (from `statement`) when it has none yet. */
  getOrAdd(statement: Statement, create: () => Group): Group {
    const hash = this.hash(statement);
    const bucket = this.buckets.get(hash);
    if (bucket !== undefined)
      for (const member of bucket) if (this.same(member.statement, statement)) return member.group;
    const group = create();
    if (bucket === undefined) this.buckets.set(hash, [{ statement, group }]);
    else bucket.push({ statement, group });
    return group;
  }
}
