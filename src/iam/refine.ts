// Unused-permission refinement: given Access Analyzer's unused-permission
// finding for a policy, recommend a policy with the same structure that grants
// exactly the used actions. Wildcards are replaced by the shortest prefixes,
// on camelCase word boundaries, that match no unused action (the least
// general generalization of what remains). The policy is rewritten as a plain
// JSON value so untouched keys, order and casing survive byte for byte.
import { loadActionCatalog, type ActionCatalog } from './catalog.js';
import { proveGuarantee, type StatementPair } from './refine-guarantee.js';
import {
  coversEveryExtension,
  hasWildcard,
  literalService,
  lowerBound,
  stringList,
} from './refine-patterns.js';
import { matchesWildcard } from './wildcard.js';

export { RefinementInvariantError } from './refine-guarantee.js';

/** One entry of Access Analyzer's unused-permission finding. */
export interface UnusedPermission {
  readonly serviceNamespace: string;
  /** Absent: the whole service is unused. */
  readonly actions?: readonly string[];
}

export interface RefinePolicyInput {
  /** The policy as JSON text or an already-parsed JSON value. */
  readonly policyDocument: string | unknown;
  readonly unusedPermissions: readonly UnusedPermission[];
  /** The AWS action catalog; left out, `refinePolicy` loads the bundled one and returns a promise. */
  readonly catalog: ActionCatalog;
}

export type EntryChange =
  | { readonly kind: 'kept'; readonly entry: string }
  | { readonly kind: 'removed'; readonly entry: string }
  | { readonly kind: 'replaced'; readonly entry: string; readonly replacements: readonly string[] };

export interface StatementChange {
  readonly statementIndex: number;
  readonly sid?: string;
  readonly effect: string;
  /** Which element of the statement lists actions. */
  readonly element: 'Action' | 'NotAction';
  /**
   * `unchanged`: as written. `narrowed`: Action entries removed or replaced.
   * `extended`: unused actions added to NotAction. `removed`: nothing used remains.
   */
  readonly outcome: 'unchanged' | 'narrowed' | 'extended' | 'removed';
  readonly entries: readonly EntryChange[];
  /** Entries appended to NotAction. */
  readonly added: readonly string[];
}

export interface RefineWarning {
  /** Where in the policy, e.g. `Statement[1].Action[0]`; empty for the finding. */
  readonly path: string;
  readonly message: string;
}

export interface RefineResult {
  readonly ok: true;
  readonly recommendedAction: 'CREATE_POLICY' | 'DETACH_POLICY';
  /** Absent when the whole policy should be detached. */
  readonly recommendedPolicy?: unknown;
  readonly changes: readonly StatementChange[];
  readonly warnings: readonly RefineWarning[];
  readonly catalogVersion: string;
}

export interface RefineInputError {
  readonly ok: false;
  /** Where the problem is: a JSON path in the policy (`Statement[0].Action`), or under `unusedPermissions`. */
  readonly path: string;
  readonly message: string;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Catalog-wide lookups, built once per catalog. */
interface CatalogIndex {
  /** Every `namespace:Action` with the catalog's spelling, sorted by lower-cased form. */
  readonly actions: readonly string[];
  readonly lowerActions: readonly string[];
  readonly byNamespace: ReadonlyMap<string, readonly string[]>;
  readonly lowerByNamespace: ReadonlyMap<string, readonly string[]>;
  readonly lowerNames: ReadonlySet<string>;
}

const indexes = new WeakMap<ActionCatalog, CatalogIndex>();

function catalogIndex(catalog: ActionCatalog): CatalogIndex {
  const cached = indexes.get(catalog);
  if (cached !== undefined) return cached;
  const byNamespace = new Map<string, string[]>();
  for (const service of catalog.services.values())
    byNamespace.set(
      service.namespace,
      service.actions.map((name) => `${service.namespace}:${name}`),
    );
  const actions = [...byNamespace.values()]
    .flat()
    .sort((a, b) => compareStrings(a.toLowerCase(), b.toLowerCase()));
  const lowerActions = actions.map((a) => a.toLowerCase());
  const lowerByNamespace = new Map(
    [...byNamespace].map(([namespace, names]) => [namespace, names.map((a) => a.toLowerCase())]),
  );
  const index = { actions, lowerActions, byNamespace, lowerByNamespace, lowerNames: new Set(lowerActions) };
  indexes.set(catalog, index);
  return index;
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** How many strings of a sorted array start with `prefix`. */
export function countWithPrefix(sorted: readonly string[], prefix: string): number {
  return lowerBound(sorted, `${prefix}\uffff`) - lowerBound(sorted, prefix);
}

/**
 * The camelCase words of an action name, `GetObjectVersion` → Get|Object|Version;
 * runs of capitals are one word (`GetBucketCORS`, `ListMFADevices` → List|MFA|Devices).
 */
export function actionWords(name: string): string[] {
  const words = name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[0-9]+|[^A-Za-z0-9]/g) ?? [];
  return words.join('') === name ? words : [...name];
}

/** The unused actions, lower-cased `namespace:action`, plus the namespaces unused as a whole. */
interface UnusedSet {
  readonly sorted: readonly string[];
  readonly names: ReadonlySet<string>;
  readonly wholeServices: ReadonlySet<string>;
}

function unusedSet(
  findings: readonly UnusedPermission[],
  index: CatalogIndex,
  warnings: RefineWarning[],
): UnusedSet {
  const names = new Set<string>();
  const wholeServices = new Set<string>();
  for (const finding of findings) {
    const namespace = finding.serviceNamespace.toLowerCase();
    const known = index.byNamespace.get(namespace);
    if (known === undefined)
      warnings.push({ path: '', message: `service \`${finding.serviceNamespace}\` is not in the catalog` });
    if (finding.actions === undefined) {
      wholeServices.add(namespace);
      for (const action of known ?? []) names.add(action.toLowerCase());
      continue;
    }
    for (const action of finding.actions) {
      const full = `${namespace}:${action.toLowerCase()}`;
      if (known !== undefined && !index.lowerNames.has(full))
        warnings.push({
          path: '',
          message: `action \`${action}\` is not in the catalog for service \`${finding.serviceNamespace}\``,
        });
      names.add(full);
    }
  }
  return { sorted: [...names].sort(compareStrings), names, wholeServices };
}

const isUnused = (unused: UnusedSet, lowerAction: string): boolean =>
  unused.names.has(lowerAction) || unused.wholeServices.has(lowerAction.slice(0, lowerAction.indexOf(':')));

/** The catalog actions a pattern may match: one service when its service part is literal. */
function candidateActions(pattern: string, index: CatalogIndex): readonly string[] {
  const service = literalService(pattern);
  return service === undefined ? index.actions : (index.byNamespace.get(service) ?? []);
}

function candidateLowerActions(pattern: string, index: CatalogIndex): readonly string[] {
  const service = literalService(pattern);
  return service === undefined ? index.lowerActions : (index.lowerByNamespace.get(service) ?? []);
}

/** Tests lower-cased actions against IAM patterns; each pattern is compiled once per refinement. */
type Matcher = (pattern: string, lowerAction: string) => boolean;

function createMatcher(): Matcher {
  const compiled = new Map<string, (lowerAction: string) => boolean>();
  return (pattern, lowerAction) => {
    let test = compiled.get(pattern);
    if (test === undefined) {
      const lower = pattern.toLowerCase();
      test = hasWildcard(lower) ? (action) => matchesWildcard(lower, action) : (action) => action === lower;
      compiled.set(pattern, test);
    }
    return test(lowerAction);
  };
}

interface TrieNode {
  readonly prefix: string;
  readonly children: Map<string, TrieNode>;
  /** The used action spelled out by this node, when one ends here. */
  action?: string;
  /** Used actions in the subtree. */
  count: number;
}

/**
 * The shortest safe prefixes that cover `used` exactly. A node is safe when
 * every catalog action starting with its prefix is used and matched by the
 * entry, and no unused action (in the catalog or only in the finding) starts
 * with it — string prefixes, so `GetTable` is unsafe when `GetTables` is unused.
 * A node written as `prefix*` must also lie within the entry over all strings
 * (`sqs:*Queue*` may not become `sqs:Get*` even when every catalog action
 * starting with `sqs:Get` names a queue): the recommendation must not grant
 * actions AWS adds later that the original did not.
 */
function safePrefixes(
  entry: string,
  used: readonly string[],
  matchedLowerUsed: readonly string[],
  index: CatalogIndex,
  unused: UnusedSet,
): string[] {
  const root: TrieNode = { prefix: '', children: new Map(), count: 0 };
  for (const action of used) {
    const colon = action.indexOf(':');
    let node = root;
    node.count++;
    for (const word of [action.slice(0, colon + 1), ...actionWords(action.slice(colon + 1))]) {
      const key = word.toLowerCase();
      let child = node.children.get(key);
      if (child === undefined) {
        child = { prefix: node.prefix + word, children: new Map(), count: 0 };
        node.children.set(key, child);
      }
      child.count++;
      node = child;
    }
    node.action = action;
  }
  const lowerEntry = entry.toLowerCase();
  const isSafe = (node: TrieNode): boolean => {
    const lower = node.prefix.toLowerCase();
    return (
      countWithPrefix(unused.sorted, lower) === 0 &&
      countWithPrefix(index.lowerActions, lower) === countWithPrefix(matchedLowerUsed, lower) &&
      (node.count === 1 || coversEveryExtension(lowerEntry, lower))
    );
  };
  const emitted: string[] = [];
  const visit = (node: TrieNode): void => {
    if (node !== root && isSafe(node)) {
      emitted.push(node.count === 1 ? (firstAction(node) as string) : `${node.prefix}*`);
      return;
    }
    if (node.action !== undefined) emitted.push(node.action);
    for (const child of node.children.values()) visit(child);
  };
  visit(root);
  return emitted;
}

function firstAction(node: TrieNode): string | undefined {
  if (node.action !== undefined) return node.action;
  for (const child of node.children.values()) {
    const found = firstAction(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Writes a replacement with the entry's own service spelling when the entry names one service. */
function respell(entry: string, replacement: string): string {
  const colon = entry.indexOf(':');
  if (colon < 0 || hasWildcard(entry.slice(0, colon))) return replacement;
  return entry.slice(0, colon) + replacement.slice(replacement.indexOf(':'));
}

interface RefineContext {
  readonly index: CatalogIndex;
  readonly unused: UnusedSet;
  readonly warnings: RefineWarning[];
  readonly matches: Matcher;
}

interface RefinedEntries {
  readonly entries: EntryChange[];
  readonly result: string[];
}

/** The unused actions a pattern may match: those of its service when it names one. */
function unusedCandidates(pattern: string, unused: UnusedSet): readonly string[] {
  const service = literalService(pattern);
  if (service === undefined) return unused.sorted;
  const start = lowerBound(unused.sorted, `${service}:`);
  return unused.sorted.slice(start, start + countWithPrefix(unused.sorted, `${service}:`));
}

function refineActionEntries(
  written: readonly string[],
  path: string,
  context: RefineContext,
): RefinedEntries {
  const { index, unused, warnings, matches } = context;
  const entries: EntryChange[] = [];
  const result: string[] = [];
  const seen = new Set<string>();
  const emit = (text: string): boolean => {
    const key = text.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    result.push(text);
    return true;
  };
  written.forEach((entry, position) => {
    const lower = entry.toLowerCase();
    const candidates = candidateActions(entry, index);
    const lowerCandidates = candidateLowerActions(entry, index);
    if (!hasWildcard(entry)) {
      if (isUnused(unused, lower)) {
        entries.push({ kind: 'removed', entry });
        return;
      }
      if (!index.lowerNames.has(lower))
        warnings.push({
          path: `${path}[${position}]`,
          message: `action \`${entry}\` is not in the catalog: kept as written`,
        });
      emit(entry);
      entries.push({ kind: 'kept', entry });
      return;
    }
    if (candidates.length === 0)
      warnings.push({
        path: `${path}[${position}]`,
        message: `\`${entry}\` matches no action in the catalog: kept as written`,
      });
    const matched = candidates.filter((_, i) => matches(entry, lowerCandidates[i] as string));
    const used = matched.filter((action) => !isUnused(unused, action.toLowerCase()));
    const touchesUnused =
      used.length !== matched.length ||
      unusedCandidates(entry, unused).some((action) => matches(entry, action));
    if (!touchesUnused) {
      emit(entry);
      entries.push({ kind: 'kept', entry });
      return;
    }
    const matchedLowerUsed = used.map((a) => a.toLowerCase()).sort(compareStrings);
    const replacements = safePrefixes(entry, used, matchedLowerUsed, index, unused)
      .map((replacement) => respell(entry, replacement))
      .filter(emit);
    entries.push(
      replacements.length === 0 ? { kind: 'removed', entry } : { kind: 'replaced', entry, replacements },
    );
  });
  return { entries, result };
}

/**
 * Unused actions a NotAction statement allows, to be added to its exclusion:
 * `service:*` for a service unused as a whole, the catalog's names otherwise.
 */
function exclusionsFor(notActions: readonly string[], context: RefineContext): string[] {
  const { index, unused, matches } = context;
  const excluded = (action: string): boolean =>
    notActions.some((pattern) => matches(pattern, action.toLowerCase()));
  const added: string[] = [];
  for (const namespace of [...unused.wholeServices].sort(compareStrings)) {
    const actions = index.byNamespace.get(namespace) ?? [];
    if (actions.some((action) => !excluded(action))) added.push(`${namespace}:*`);
  }
  for (const lower of unused.sorted) {
    if (unused.wholeServices.has(lower.split(':')[0] ?? '')) continue;
    const action = index.actions[lowerBound(index.lowerActions, lower)];
    if (action === undefined || action.toLowerCase() !== lower) continue;
    if (!excluded(action)) added.push(action);
  }
  return added;
}

/** The same shape as written: a single string stays a string when one entry remains. */
const listLike = (original: unknown, entries: readonly string[]): unknown =>
  typeof original === 'string' && entries.length === 1 ? entries[0] : [...entries];

interface StatementOutcome {
  /** Undefined when the statement is removed. */
  readonly statement: JsonObject | undefined;
  readonly change: StatementChange;
}

function refineStatement(
  statement: JsonObject,
  statementIndex: number,
  path: string,
  context: RefineContext,
): StatementOutcome | RefineInputError {
  const effect = statement.Effect;
  if (effect !== 'Allow' && effect !== 'Deny')
    return { ok: false, path: `${path}.Effect`, message: 'expected `Allow` or `Deny`' };
  const element = 'NotAction' in statement ? 'NotAction' : 'Action';
  const written = stringList(statement[element]);
  if (written === undefined)
    return { ok: false, path: `${path}.${element}`, message: 'expected a string or an array of strings' };
  const sid = typeof statement.Sid === 'string' ? { sid: statement.Sid } : {};
  const base = { statementIndex, ...sid, effect, element } as const;
  const unchanged: StatementOutcome = {
    statement,
    change: {
      ...base,
      outcome: 'unchanged',
      entries: written.map((entry) => ({ kind: 'kept', entry })),
      added: [],
    },
  };
  if (effect === 'Deny') return unchanged;
  if (element === 'NotAction') {
    const added = exclusionsFor(written, context);
    if (added.length === 0) return unchanged;
    return {
      statement: { ...statement, NotAction: [...written, ...added] },
      change: { ...unchanged.change, outcome: 'extended', added },
    };
  }
  const refined = refineActionEntries(written, `${path}.Action`, context);
  if (refined.entries.every((entry) => entry.kind === 'kept')) return unchanged;
  if (refined.result.length === 0)
    return {
      statement: undefined,
      change: { ...base, outcome: 'removed', entries: refined.entries, added: [] },
    };
  return {
    statement: { ...statement, Action: listLike(statement.Action, refined.result) },
    change: { ...base, outcome: 'narrowed', entries: refined.entries, added: [] },
  };
}

/** The first place where a finding is not Access Analyzer's `[{ serviceNamespace, actions? }]`. */
export function unusedPermissionsProblem(value: unknown): { path: string; message: string } | undefined {
  if (!Array.isArray(value))
    return { path: '', message: 'expected an array of { serviceNamespace, actions? } objects' };
  for (const [position, item] of value.entries()) {
    const at = `[${position}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      return { path: at, message: 'expected a { serviceNamespace, actions? } object' };
    const { serviceNamespace, actions } = item as Record<string, unknown>;
    if (typeof serviceNamespace !== 'string')
      return { path: `${at}.serviceNamespace`, message: 'expected a service namespace string' };
    if (actions === undefined) continue;
    if (!Array.isArray(actions))
      return { path: `${at}.actions`, message: 'expected an array of action names' };
    const bad = actions.findIndex((action) => typeof action !== 'string');
    if (bad >= 0) return { path: `${at}.actions[${bad}]`, message: 'expected an action name string' };
  }
  return undefined;
}

/**
 * Recommends a refinement of `policyDocument` that no longer grants the
 * unused permissions. The result is proved by the solver to allow exactly
 * the original's catalog actions minus the unused ones; `RefinementInvariantError`
 * is thrown, never an unproved result returned, when that fails.
 */
export function refinePolicy(input: RefinePolicyInput): RefineResult | RefineInputError;
/** Without a catalog, the bundled one is loaded first (once per process), hence the promise. */
export function refinePolicy(
  input: Omit<RefinePolicyInput, 'catalog'> & { readonly catalog?: undefined },
): Promise<RefineResult | RefineInputError>;
export function refinePolicy(
  input: Omit<RefinePolicyInput, 'catalog'> & { readonly catalog?: ActionCatalog },
): RefineResult | RefineInputError | Promise<RefineResult | RefineInputError> {
  const { catalog } = input;
  if (catalog === undefined)
    return loadActionCatalog().then((bundled) => refineWith({ ...input, catalog: bundled }));
  return refineWith({ ...input, catalog });
}

function refineWith(input: RefinePolicyInput): RefineResult | RefineInputError {
  let document: unknown = input.policyDocument;
  if (typeof document === 'string') {
    try {
      document = JSON.parse(document);
    } catch (error) {
      return { ok: false, path: '', message: `malformed json: ${(error as Error).message}` };
    }
  }
  if (!isObject(document)) return { ok: false, path: '', message: 'expected a policy object' };
  const findingProblem = unusedPermissionsProblem(input.unusedPermissions);
  if (findingProblem !== undefined)
    return { ok: false, path: `unusedPermissions${findingProblem.path}`, message: findingProblem.message };
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const index = catalogIndex(input.catalog);
  const warnings: RefineWarning[] = [];
  const unused = unusedSet(input.unusedPermissions, index, warnings);
  const context: RefineContext = { index, unused, warnings, matches: createMatcher() };
  const pairs: StatementPair[] = [];
  const changes: StatementChange[] = [];
  for (const [position, statement] of statements.entries()) {
    const path = Array.isArray(document.Statement) ? `Statement[${position}]` : 'Statement';
    if (!isObject(statement)) return { ok: false, path, message: 'expected a statement object' };
    const outcome = refineStatement(statement, position, path, context);
    if ('ok' in outcome) return outcome;
    changes.push(outcome.change);
    pairs.push({ original: statement, refined: outcome.statement });
  }
  proveGuarantee(pairs, unused, input.catalog);
  const kept = pairs.flatMap((pair) => (pair.refined === undefined ? [] : [pair.refined]));
  const catalogVersion = input.catalog.version;
  if (kept.length === 0) {
    return { ok: true, recommendedAction: 'DETACH_POLICY', changes, warnings, catalogVersion };
  }
  const recommendedPolicy = {
    ...document,
    Statement: Array.isArray(document.Statement) || kept.length !== 1 ? kept : kept[0],
  };
  return {
    ok: true,
    recommendedAction: 'CREATE_POLICY',
    recommendedPolicy,
    changes,
    warnings,
    catalogVersion,
  };
}
