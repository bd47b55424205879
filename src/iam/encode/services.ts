// A request names one action, and an Action entry whose service part is
// literal (`s3:Get*`) matches only actions of that service. So a question
// about the requests of one service needs, of each statement, only its entries
// of that service and those whose service part has a wildcard (`*`,
// `s3*:Get*`): the others are false there. Large policies list hundreds of
// services; a question cut by service reads a few entries each.
import { and, FALSE, type Formula } from '../../logic/index.js';
import type { Statement } from '../model.js';
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

const entriesCache = new WeakMap<Statement, ServiceEntries>();

/** INVARIANT: statements are immutable (the cache is keyed by the parsed statement). */
export function serviceEntries(statement: Statement): ServiceEntries {
  const known = entriesCache.get(statement);
  if (known !== undefined) return known;
  const byService = new Map<string, string[]>();
  const anyService: string[] = [];
  for (const entry of statement.action.entries) {
    const raw = entry.pattern.raw;
    const service = entryService(raw);
    if (service === undefined) {
      anyService.push(raw);
      continue;
    }
    const listed = byService.get(service);
    if (listed === undefined) byService.set(service, [raw]);
    else listed.push(raw);
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
  const raws = [...(byService.get(service) ?? []), ...anyService];
  if (raws.length === encoded.statement.action.entries.length) return encoded.matches;
  const actionMatched = actionElementMatches(encoded.statement.action.kind, raws);
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

const scopeKeys = new WeakMap<Statement, string>();

/**
 * The statement's principal, resource and conditions as text: statements of
 * one question with the same text encode to the same `scope` (the encoding
 * is a function of the text and the question's key table).
 */
export function scopeKey(statement: Statement): string {
  const known = scopeKeys.get(statement);
  if (known !== undefined) return known;
  const principal = statement.principal;
  const key = JSON.stringify([
    principal === undefined
      ? null
      : [
          principal.kind,
          principal.value.kind === 'everyone'
            ? '*'
            : principal.value.entries.map((entry) => [entry.type, entry.value]),
        ],
    statement.resource === undefined
      ? null
      : [statement.resource.kind, statement.resource.entries.map((entry) => entry.pattern)],
    statement.conditions.map((condition) => [
      condition.operator.name,
      condition.key.toLowerCase(),
      condition.values.map((value) => [value.value, value.pattern]),
    ]),
  ]);
  scopeKeys.set(statement, key);
  return key;
}

const statementKeys = new WeakMap<Statement, string>();

/** The whole statement as text: the same text, the same `matches` within one question. */
export function statementKey(statement: Statement): string {
  const known = statementKeys.get(statement);
  if (known !== undefined) return known;
  const key = JSON.stringify([
    statement.effect,
    statement.action.kind,
    statement.action.entries.map((entry) => entry.pattern.raw),
    scopeKey(statement),
  ]);
  statementKeys.set(statement, key);
  return key;
}
