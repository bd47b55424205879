// Matching one statement's Action, Resource and Principal against a request,
// and substituting policy variables, exactly as the IAM policy reference
// describes each element.
import type {
  ActionElement,
  Pattern,
  Policy,
  PrincipalElement,
  PrincipalEntry,
  ResourceElement,
  Statement,
} from '../model.js';
import { matchesWildcard } from '../wildcard.js';
import {
  lowerCaseKey,
  splitArn,
  type Caller,
  type NormalizedRequest,
  type RequestContext,
} from './request.js';

/**
 * A pattern with its policy variables replaced by the request's values, as
 * glob text where `*` and `?` are wildcards unless escaped. Undefined when a
 * variable has no value and no default: "if the key is not present in the
 * request context, the policy element does not match" (IAM policy elements:
 * variables and tags). A multivalued key cannot be a policy variable, so it
 * counts as absent.
 */
export interface Substituted {
  /** The text to compare, each character literal except where `wildcard` marks it. */
  readonly chars: readonly string[];
  readonly wildcard: readonly boolean[];
  /** The whole text when it has no wildcard, so matching is a comparison. */
  readonly literal: string | undefined;
  /** Positions of the first five literal colons, the ARN field bounds. */
  readonly colons: readonly number[];
}

/** Patterns without variables substitute to the same thing for every request: prepared once. */
const prepared = new WeakMap<Pattern, Substituted>();

export function substitute(pattern: Pattern, request: NormalizedRequest): Substituted | undefined {
  if (!hasVariable(pattern)) return fixedPattern(pattern);
  // The arrays come from literals of their own, not shared with fixedPattern's: V8 keeps allocation
  // statistics per literal, and would place these short-lived arrays with the prepared patterns, which
  // live long, in the old generation, making every substitution a cost to the major collector.
  const chars: string[] = [];
  const wildcard: boolean[] = [];
  const colons: number[] = [];
  if (!substituteInto(pattern, request.context, chars, wildcard, colons)) return undefined;
  return { chars, wildcard, literal: literalOf(chars, wildcard), colons };
}

export function hasVariable(pattern: Pattern): boolean {
  for (const part of pattern.parts) if (part.kind === 'variable') return true;
  return false;
}

const noContext: RequestContext = { get: () => undefined };

/** A pattern without policy variables, prepared once; undefined for a pattern with variables. */
export function fixedPattern(pattern: Pattern): Substituted | undefined {
  if (hasVariable(pattern)) return undefined;
  let fixed = prepared.get(pattern);
  if (fixed === undefined) {
    const chars: string[] = [];
    const wildcard: boolean[] = [];
    const colons: number[] = [];
    substituteInto(pattern, noContext, chars, wildcard, colons);
    fixed = { chars, wildcard, literal: literalOf(chars, wildcard), colons };
    prepared.set(pattern, fixed);
  }
  return fixed;
}

const literalOf = (chars: readonly string[], wildcard: readonly boolean[]): string | undefined =>
  wildcard.includes(true) ? undefined : chars.join('');

/**
 * Appends the pattern's characters, with its variables replaced by the
 * context's values, and the positions of its first five literal colons;
 * false when a variable has neither a value nor a default.
 */
function substituteInto(
  pattern: Pattern,
  context: RequestContext,
  chars: string[],
  wildcard: boolean[],
  colons: number[],
): boolean {
  // By UTF-16 unit, as the request text is indexed, so `?` means the same on both sides.
  const pushText = (text: string): void => {
    for (let index = 0; index < text.length; index++) {
      const char = text[index] ?? '';
      if (char === ':' && colons.length < 5) colons.push(chars.length);
      chars.push(char);
      wildcard.push(false);
    }
  };
  for (const part of pattern.parts) {
    switch (part.kind) {
      case 'literal':
        pushText(part.text);
        break;
      case 'wildcard':
        chars.push(part.wildcard);
        wildcard.push(true);
        break;
      case 'variable': {
        const entry = context.get(lowerCaseKey(part.key));
        const value = entry?.kind === 'single' ? entry.value : part.defaultValue;
        if (value === undefined) return false;
        // A substituted value is text: a `*` in a tag value is a star, not a wildcard.
        pushText(value);
        break;
      }
      default: {
        const unreachable: never = part;
        return unreachable;
      }
    }
  }
  return true;
}

/**
 * Glob match of substituted pattern characters against text: `*` any run,
 * `?` one character, everything else literal. Backtracks only to the last
 * star, so it is linear in practice and never exponential.
 */
function globMatch(
  pattern: Substituted,
  from: number,
  to: number,
  text: string,
  textFrom: number,
  textTo: number,
  ignoreCase: boolean,
): boolean {
  const same = (a: string, b: string): boolean =>
    a === b || (ignoreCase && a.toLowerCase() === b.toLowerCase());
  let pi = from;
  let ti = textFrom;
  let starPi = -1;
  let starTi = textFrom;
  while (ti < textTo) {
    const pc = pi < to ? pattern.chars[pi] : undefined;
    const isWildcard = pi < to && pattern.wildcard[pi] === true;
    if (isWildcard && pc === '*') {
      starPi = pi++;
      starTi = ti;
    } else if (
      pc !== undefined &&
      ((isWildcard && pc === '?') || (!isWildcard && same(pc, text[ti] ?? '')))
    ) {
      pi++;
      ti++;
    } else if (starPi >= 0) {
      pi = starPi + 1;
      ti = ++starTi;
    } else {
      return false;
    }
  }
  while (pi < to && pattern.wildcard[pi] === true && pattern.chars[pi] === '*') pi++;
  return pi === to;
}

export function matchesText(pattern: Substituted, text: string, ignoreCase = false): boolean {
  if (pattern.literal !== undefined && !ignoreCase) return pattern.literal === text;
  return globMatch(pattern, 0, pattern.chars.length, text, 0, text.length, ignoreCase);
}

/**
 * ARN matching for Resource and the Arn condition operators: "each of the six
 * colon-delimited components of the ARN is checked separately", so a
 * wildcard in the partition, service, region or account stays inside it,
 * while the resource part (everything after the fifth colon) is one
 * component in which `*` also spans colons and slashes. A pattern with fewer
 * than five literal colons (`*`, `arn:aws:s3:::*` has five) is one component
 * matched against the whole ARN.
 */
export function matchesArn(pattern: Substituted, text: string): boolean {
  // Field by field, a pattern without wildcards matches exactly its own text.
  if (pattern.literal !== undefined) return pattern.literal === text;
  if (pattern.colons.length < 5) return matchesText(pattern, text);
  let patternStart = 0;
  let textStart = 0;
  for (let field = 0; field < 6; field++) {
    const last = field === 5;
    const patternEnd = last ? pattern.chars.length : (pattern.colons[field] ?? 0);
    const textEnd = last ? text.length : text.indexOf(':', textStart);
    if (textEnd < 0) return false;
    if (!globMatch(pattern, patternStart, patternEnd, text, textStart, textEnd, false)) return false;
    patternStart = patternEnd + 1;
    textStart = textEnd + 1;
  }
  return true;
}

/**
 * An Action element prepared once: lower-cased names without wildcards in a
 * set, patterns whose service prefix is literal (`s3:Get*`) under that
 * prefix, and the few others (`*`, `s3*:List*`) in a list — so a policy
 * listing hundreds of actions costs a lookup, not a scan.
 */
export interface ActionList {
  readonly names: ReadonlySet<string>;
  readonly byService: ReadonlyMap<string, readonly string[]>;
  readonly others: readonly string[];
}

const actionLists = new WeakMap<ActionElement, ActionList>();

const hasWildcard = (text: string): boolean => text.includes('*') || text.includes('?');

function literalService(pattern: string): string | undefined {
  const colon = pattern.indexOf(':');
  const service = colon < 0 ? undefined : pattern.slice(0, colon);
  return service === undefined || hasWildcard(service) ? undefined : service;
}

export function actionList(element: ActionElement): ActionList {
  let list = actionLists.get(element);
  if (list === undefined) {
    const names = new Set<string>();
    const byService = new Map<string, string[]>();
    const others: string[] = [];
    for (const entry of element.entries) {
      const pattern = entry.pattern.raw.toLowerCase();
      const service = literalService(pattern);
      if (!hasWildcard(pattern)) names.add(pattern);
      else if (service === undefined) others.push(pattern);
      else byService.set(service, [...(byService.get(service) ?? []), pattern]);
    }
    list = { names, byService, others };
    actionLists.set(element, list);
  }
  return list;
}

/** Action names and service prefixes are case-insensitive; Action values take no policy variables. */
export function actionMatches(element: ActionElement, request: NormalizedRequest): boolean {
  const listed = listsAction(actionList(element), request);
  return element.kind === 'Action' ? listed : !listed;
}

/** Does an entry of the list match the request's action? */
export function listsAction(list: ActionList, request: NormalizedRequest): boolean {
  const action = request.actionLowerCase;
  if (list.names.has(action)) return true;
  // Loops rather than `some` with a closure: this runs for every candidate statement of every request.
  const sameService = list.byService.get(request.actionService);
  if (sameService !== undefined)
    for (const pattern of sameService) if (matchesWildcard(pattern, action)) return true;
  for (const pattern of list.others) if (matchesWildcard(pattern, action)) return true;
  return false;
}

/**
 * The statements of a policy that can apply to actions of one service, in
 * policy order: those whose Action names the service (or leaves the service
 * to a wildcard), and every NotAction statement. Computed once per policy and
 * service, so a request skips the statements about other services.
 */
const candidatesByPolicy = new WeakMap<Policy, Map<string, readonly Statement[]>>();

export function mayNameService(statement: Statement, service: string): boolean {
  if (statement.action.kind === 'NotAction') return true;
  // Read off the entries as written, without preparing the Action list of a statement that may never be asked about.
  return statement.action.entries.some(({ pattern }) => {
    const colon = pattern.raw.indexOf(':');
    if (colon < 0) return true;
    const prefix = pattern.raw.slice(0, colon);
    return hasWildcard(prefix) || prefix.toLowerCase() === service;
  });
}

export function candidateStatements(policy: Policy, request: NormalizedRequest): readonly Statement[] {
  let byService = candidatesByPolicy.get(policy);
  if (byService === undefined) {
    byService = new Map();
    candidatesByPolicy.set(policy, byService);
  }
  let candidates = byService.get(request.actionService);
  if (candidates === undefined) {
    candidates = policy.statements.filter((statement) => mayNameService(statement, request.actionService));
    byService.set(request.actionService, candidates);
  }
  return candidates;
}

/**
 * Patterns prepared once: texts without wildcards or variables in a set
 * (when a literal pattern matches exactly its own text), patterns without
 * variables prepared, the rest substituted per request.
 */
export interface PatternList {
  readonly literals: ReadonlySet<string>;
  readonly fixed: readonly Substituted[];
  readonly variable: readonly Pattern[];
}

export function patternList(patterns: readonly Pattern[], literalsExact: boolean): PatternList {
  const literals = new Set<string>();
  const fixed: Substituted[] = [];
  const variable: Pattern[] = [];
  for (const pattern of patterns) {
    const prepared = fixedPattern(pattern);
    if (prepared === undefined) variable.push(pattern);
    else if (literalsExact && prepared.literal !== undefined) literals.add(prepared.literal);
    else fixed.push(prepared);
  }
  return { literals, fixed, variable };
}

/** Does a pattern of the list, substituted for the request, match the text? */
export function listMatches(
  list: PatternList,
  text: string,
  request: NormalizedRequest,
  matches: (pattern: Substituted, text: string) => boolean,
): boolean {
  if (list.literals.has(text)) return true;
  for (const pattern of list.fixed) if (matches(pattern, text)) return true;
  for (const pattern of list.variable) {
    const substituted = substitute(pattern, request);
    if (substituted !== undefined && matches(substituted, text)) return true;
  }
  return false;
}

const resourceLists = new WeakMap<ResourceElement, PatternList>();

export function resourceList(element: ResourceElement): PatternList {
  let list = resourceLists.get(element);
  if (list === undefined) {
    list = patternList(
      element.entries.map((entry) => entry.pattern),
      true,
    );
    resourceLists.set(element, list);
  }
  return list;
}

/** No Resource element (trust policies, some resource policies) means the statement covers the resource. */
export function resourceMatches(element: ResourceElement | undefined, request: NormalizedRequest): boolean {
  if (element === undefined) return true;
  const listed = listMatches(resourceList(element), request.resource, request, matchesArn);
  return element.kind === 'Resource' ? listed : !listed;
}

/**
 * How a principal entry matched, which decides what a resource-based policy
 * grant is worth within one account: a grant to the caller itself (user,
 * session, `*`) stands alone; a grant to the role of a session is limited by
 * the role's permissions boundary and the session policy; a grant to the
 * account only delegates to the account's identity-based policies.
 */
export type PrincipalMatch = 'caller' | 'sessionRole' | 'account';

const accountEntry = /^(\d{12})$|^arn:[^:]+:iam::(\d{12}):root$/;

function awsEntryMatch(value: string, caller: Caller): PrincipalMatch | undefined {
  if (value === '*') return 'caller';
  if (caller.kind !== 'aws') return undefined;
  const account = accountEntry.exec(value);
  if (account !== null) {
    const named = account[1] ?? account[2];
    if (named !== caller.account) return undefined;
    return caller.type === 'Account' ? 'caller' : 'account';
  }
  if (value === caller.arn) return 'caller';
  if (caller.type === 'AssumedRole' && caller.roleArn !== undefined && sameRole(value, caller.roleArn)) {
    return 'sessionRole';
  }
  return undefined;
}

/**
 * A role is named by its ARN with its path; a session ARN carries only the
 * role name. Role names are unique in an account whatever the path, so the
 * name and account identify the role.
 */
function sameRole(entry: string, roleArn: string): boolean {
  if (entry === roleArn) return true;
  const named = splitArn(entry);
  const actual = splitArn(roleArn);
  if (named === undefined || actual === undefined) return false;
  if (named.service !== 'iam' || !named.resource.startsWith('role/')) return false;
  const nameOf = (resource: string): string => resource.slice(resource.lastIndexOf('/') + 1);
  return (
    named.partition === actual.partition &&
    named.account === actual.account &&
    nameOf(named.resource) === nameOf(actual.resource)
  );
}

function entryMatch(entry: PrincipalEntry, caller: Caller): PrincipalMatch | undefined {
  switch (entry.type) {
    case 'AWS':
      return awsEntryMatch(entry.value, caller);
    case 'Service':
      return caller.kind === 'service' && (entry.value === '*' || entry.value === caller.service)
        ? 'caller'
        : undefined;
    case 'Federated':
      return caller.kind === 'federated' && (entry.value === '*' || entry.value === caller.provider)
        ? 'caller'
        : undefined;
    case 'CanonicalUser':
      return caller.kind === 'canonicalUser' && (entry.value === '*' || entry.value === caller.id)
        ? 'caller'
        : undefined;
    default: {
      const unreachable: never = entry.type;
      return unreachable;
    }
  }
}

const strength: Readonly<Record<PrincipalMatch, number>> = { caller: 3, sessionRole: 2, account: 1 };

/** The strongest way any entry names the caller; undefined when none does. */
function principalValueMatch(element: PrincipalElement, caller: Caller): PrincipalMatch | undefined {
  if (element.value.kind === 'everyone') return 'caller';
  let best: PrincipalMatch | undefined;
  for (const entry of element.value.entries) {
    const match = entryMatch(entry, caller);
    if (match !== undefined && (best === undefined || strength[match] > strength[best])) best = match;
  }
  return best;
}

/**
 * Principal matches when an entry names the caller; NotPrincipal when none
 * does (the same entry semantics: an account entry covers every principal of
 * the account, a role ARN covers its sessions). No Principal element
 * (identity-based policies, SCPs) matches everyone.
 */
export function principalMatch(
  element: PrincipalElement | undefined,
  caller: Caller,
): PrincipalMatch | undefined {
  if (element === undefined) return 'caller';
  const match = principalValueMatch(element, caller);
  if (element.kind === 'Principal') return match;
  return match === undefined ? 'caller' : undefined;
}
