// The refinement's guarantee, proved by Keyaki's solver before a result is
// returned: over the catalog's actions, each refined Allow statement matches
// exactly what its original matched minus the unused actions, and Deny
// statements are untouched. Statement by statement is enough for the policy:
// allowed' = ∪(orig_i − unused) − denied = (∪orig_i − denied) − unused.
//
// Resources and conditions stay out of the formulas because the refinement
// never changes them: a refined statement keeps its Resource and Condition,
// only its action element differs.
//
// `action` is the lower-cased action: IAM compares actions ignoring case, so
// lower-casing the action, the patterns and the catalog is that comparison.
//
// The catalog is cut by service. An action of service `n` is `n:` followed by
// its name, so a pattern whose service part is literal only matches actions
// of that service; per service the query is
// catalog_n(action) ∧ ((orig ∧ ¬unused) xor refined) over the patterns that can
// match there, and these queries together are the query over the whole
// catalog. Each is first decided over every string starting with `n:`, a
// superset of catalog_n: UNSAT there is a proof for the catalog too, and it
// needs no automaton of the catalog (a `*` statement would otherwise walk all
// ~22,000 actions). Only a SAT answer there is decided again over catalog_n.
import {
  and,
  ANY_STRING,
  concat,
  EPSILON,
  FALSE,
  glob,
  literal,
  matches,
  not,
  solve,
  union,
  unreachable,
  variable,
  type Formula,
  type Regex,
} from '../logic/index.js';
import type { ActionCatalog } from './catalog.js';
import { hasWildcard, literalService, stringList } from './refine-patterns.js';

/** The refinement broke its guarantee: a bug in Keyaki, never the user's fault. */
export class RefinementInvariantError extends Error {
  override readonly name = 'RefinementInvariantError';
}

type JsonObject = Record<string, unknown>;

/** An original statement and what the refinement made of it; undefined when it was removed. */
export interface StatementPair {
  readonly original: JsonObject;
  readonly refined: JsonObject | undefined;
}

/** The finding's unused actions, lower-cased `namespace:action`, and the namespaces unused as a whole. */
export interface UnusedActions {
  readonly names: ReadonlySet<string>;
  readonly wholeServices: ReadonlySet<string>;
}

const action = variable('action', 'string');

/** Large services (ec2, ~700 actions) explore a few thousand product states per query. */
const SOLVE_LIMITS = { maxAutomatonStates: 200_000 } as const;

/**
 * Proves the guarantee with `solve`; throws `RefinementInvariantError` naming
 * the statement and an action that breaks it, or the reason it could not be
 * proved. Returns only when every query is UNSAT.
 */
export function proveGuarantee(
  pairs: readonly StatementPair[],
  unused: UnusedActions,
  catalog: ActionCatalog,
): void {
  const unusedIn = unusedSets(unused);
  pairs.forEach((pair, statementIndex) => {
    if (pair.original.Effect !== 'Allow') {
      if (pair.refined !== pair.original)
        throw new RefinementInvariantError(`statement ${statementIndex}: a Deny statement was changed`);
      return;
    }
    const services = servicesToProve(pair, catalog);
    const touched = services.filter((namespace) => unusedIn(namespace).prefixes.length > 0);
    const untouched = services.filter((namespace) => unusedIn(namespace).prefixes.length === 0);
    // Services the finding does not touch are proved together first: a `*` statement reaches ~450.
    const together =
      untouched.length > 1 &&
      obligations(pair, untouched, NO_PATTERNS).every(
        (obligation) =>
          solve(and(servicesFormula(untouched), obligation.formula), SOLVE_LIMITS).status === 'unsat',
      );
    for (const namespace of together ? touched : services) {
      const domain = catalogFormula(catalog, namespace, literalPrefixes(pair, namespace));
      for (const obligation of obligations(pair, [namespace], unusedIn(namespace)))
        prove(obligation, statementIndex, namespace, domain);
    }
  });
}

/** A set of actions that must contain no catalog action, and what an action in it would mean. */
interface Obligation {
  readonly formula: Formula;
  /** Usually UNSAT over every string of the service already, which needs no catalog automaton. */
  readonly catalogFree: boolean;
  readonly violation: (witness: string) => string;
}

/**
 * (orig ∧ ¬unused) xor refined, split in three: the first two are usually
 * UNSAT over `n:*` already, without the catalog; the third, `nothing used
 * removed`, needs the catalog.
 */
function obligations(pair: StatementPair, services: readonly string[], unused: PatternSet): Obligation[] {
  const original = actionElement(pair.original, services);
  const refined = pair.refined === undefined ? undefined : actionElement(pair.refined, services);
  const originalFormula = elementFormula(original);
  const refinedFormula = refined === undefined ? FALSE : elementFormula(refined);
  const unusedFormula = matches(action, setRegex(unused));
  return [
    {
      formula: and(refinedFormula, not(originalFormula)),
      catalogFree: true,
      violation: (witness) => `the refined statement grants ${witness}, which the original did not`,
    },
    {
      formula: and(refinedFormula, unusedFormula),
      catalogFree: true,
      violation: (witness) => `the refined statement still grants unused action ${witness}`,
    },
    {
      formula: and(originalFormula, uncovered(refined, unused)),
      catalogFree: false,
      violation: (witness) => `the refined statement no longer grants used action ${witness}`,
    },
  ];
}

/** Neither granted by the refined statement nor unused: one atom when both are plain unions. */
function uncovered(refined: ActionElement | undefined, unused: PatternSet): Formula {
  if (refined === undefined) return not(matches(action, setRegex(unused)));
  if (refined.negated)
    return and(matches(action, setRegex(refined.patterns)), not(matches(action, setRegex(unused))));
  return not(matches(action, setRegex(unitePatternSets(refined.patterns, unused))));
}

/** Decides the obligation over the catalog actions that can matter (`domain`), over `n:*` first when that usually suffices. */
function prove(obligation: Obligation, statementIndex: number, namespace: string, domain: Formula): void {
  const overService = (): boolean =>
    solve(and(servicesFormula([namespace]), obligation.formula), SOLVE_LIMITS).status === 'unsat';
  if (obligation.catalogFree && overService()) return;
  const verdict = solve(and(domain, obligation.formula), SOLVE_LIMITS);
  switch (verdict.status) {
    case 'unsat':
      return;
    case 'sat':
      throw new RefinementInvariantError(
        `statement ${statementIndex}: ${obligation.violation(`\`${String(verdict.model.get(action.name))}\``)}`,
      );
    case 'unknown':
      throw new RefinementInvariantError(
        `statement ${statementIndex}: the guarantee for service \`${namespace}\` could not be proved: ${verdict.reason}`,
      );
    default:
      return unreachable(verdict);
  }
}

function actionPatterns(statement: JsonObject): {
  readonly negated: boolean;
  readonly patterns: readonly string[];
} {
  const negated = 'NotAction' in statement;
  return { negated, patterns: stringList(negated ? statement.NotAction : statement.Action) ?? [] };
}

/** The services where the statements can match anything: all of them once a pattern is not confined. */
function servicesToProve(pair: StatementPair, catalog: ActionCatalog): readonly string[] {
  const statements = pair.refined === undefined ? [pair.original] : [pair.original, pair.refined];
  const everyService = [...catalog.services.keys()];
  const services = new Set<string>();
  for (const statement of statements) {
    const { negated, patterns } = actionPatterns(statement);
    if (negated) return everyService;
    for (const pattern of patterns) {
      const service = literalService(pattern);
      if (service === undefined) return everyService;
      services.add(service);
    }
  }
  return [...services].filter((service) => catalog.services.has(service));
}

/** A statement's Action (or NotAction, `negated`) entries that can match actions of these services. */
interface ActionElement {
  readonly negated: boolean;
  readonly patterns: PatternSet;
}

function actionElement(statement: JsonObject, services: readonly string[]): ActionElement {
  const { negated, patterns } = actionPatterns(statement);
  const relevant = patterns.filter((pattern) => {
    const service = literalService(pattern);
    return service === undefined || services.includes(service);
  });
  return { negated, patterns: patternSet(relevant.map((pattern) => pattern.toLowerCase())) };
}

function elementFormula(element: ActionElement): Formula {
  const matched = matches(action, setRegex(element.patterns));
  return element.negated ? not(matched) : matched;
}

/** Per service, the unused actions, built once per refinement. */
function unusedSets(unused: UnusedActions): (namespace: string) => PatternSet {
  const namesByService = new Map<string, string[]>();
  for (const name of unused.names) {
    const namespace = name.slice(0, name.indexOf(':'));
    const names = namesByService.get(namespace);
    if (names === undefined) namesByService.set(namespace, [name]);
    else names.push(name);
  }
  return (namespace) =>
    unused.wholeServices.has(namespace)
      ? { prefixes: [{ text: `${namespace}:`, anySuffix: true }], others: [] }
      : literalSet(namesByService.get(namespace) ?? []);
}

const NO_PATTERNS: PatternSet = { prefixes: [], others: [] };

const servicesFormulas = new Map<string, Formula>();

/** Every string starting with `n:` for one of the services: their actions and any they may gain. */
function servicesFormula(services: readonly string[]): Formula {
  const key = services.join(' ');
  let formula = servicesFormulas.get(key);
  if (formula === undefined) {
    const prefixes = services.map((namespace) => ({ text: `${namespace}:`, anySuffix: true }));
    formula = matches(action, setRegex({ prefixes, others: [] }));
    if (services.length === 1) servicesFormulas.set(key, formula);
  }
  return formula;
}

/**
 * What each relevant pattern of both statements starts with, lower-cased, up
 * to its first wildcard; undefined for a NotAction element, which can match
 * anything. A glob only matches strings starting with its literal prefix, so
 * every obligation (each needs `orig` or `refined` to hold) is empty outside
 * the catalog actions with one of these prefixes.
 */
function literalPrefixes(pair: StatementPair, namespace: string): readonly string[] | undefined {
  const statements = pair.refined === undefined ? [pair.original] : [pair.original, pair.refined];
  const prefixes: string[] = [];
  for (const statement of statements) {
    const { negated, patterns } = actionPatterns(statement);
    if (negated) return undefined;
    for (const pattern of patterns) {
      const service = literalService(pattern);
      if (service !== undefined && service !== namespace) continue;
      prefixes.push(pattern.toLowerCase().split(/[*?]/)[0] ?? '');
    }
  }
  return prefixes;
}

/** A service's catalog as a trie of lower-cased `n:name`, with each subtree's regex built once. */
interface CatalogTrie {
  readonly root: TrieNode;
  readonly regexes: WeakMap<TrieNode, Regex>;
}

const catalogTries = new WeakMap<ActionCatalog, Map<string, CatalogTrie>>();

function catalogTrie(catalog: ActionCatalog, namespace: string): CatalogTrie {
  let byService = catalogTries.get(catalog);
  if (byService === undefined) {
    byService = new Map();
    catalogTries.set(catalog, byService);
  }
  let trie = byService.get(namespace);
  if (trie === undefined) {
    const names = catalog.services.get(namespace)?.actions ?? [];
    const words = names.map((name) => ({ text: `${namespace}:${name}`.toLowerCase(), anySuffix: false }));
    trie = { root: prefixTrie(words), regexes: new WeakMap() };
    byService.set(namespace, trie);
  }
  return trie;
}

/** The words below `node`; shared between queries, so the solver's caches see the same regexes again. */
function subtreeRegex(trie: CatalogTrie, node: TrieNode): Regex {
  const known = trie.regexes.get(node);
  if (known !== undefined) return known;
  const regex = union([
    ...(node.final ? [EPSILON] : []),
    ...[...node.children].map(([char, child]) => concat([literal(char), subtreeRegex(trie, child)])),
  ]);
  trie.regexes.set(node, regex);
  return regex;
}

/**
 * `action` is one of the service's catalog actions starting with one of
 * `prefixes` (any, when undefined): a union of the catalog's words.
 */
function catalogFormula(
  catalog: ActionCatalog,
  namespace: string,
  prefixes: readonly string[] | undefined,
): Formula {
  const trie = catalogTrie(catalog, namespace);
  const starts = prefixes === undefined ? [''] : [...new Set(prefixes)];
  // A prefix that extends another adds nothing.
  const minimal = starts.filter(
    (start) => !starts.some((other) => other !== start && start.startsWith(other)),
  );
  const options = minimal.flatMap((start) => {
    let node: TrieNode | undefined = trie.root;
    for (const char of start) node = node?.children.get(char);
    return node === undefined ? [] : [concat([literal(start), subtreeRegex(trie, node)])];
  });
  return matches(action, union(options));
}

/** A word, or with `anySuffix` every string starting with it. */
interface Prefix {
  readonly text: string;
  readonly anySuffix: boolean;
}

/**
 * A union of IAM globs: literals and `prefix*` patterns, which are factored
 * by common prefixes, and other globs (`?`, inner `*`) as options of their own.
 */
interface PatternSet {
  readonly prefixes: readonly Prefix[];
  readonly others: readonly Regex[];
}

const literalSet = (words: readonly string[]): PatternSet => ({
  prefixes: words.map((text) => ({ text, anySuffix: false })),
  others: [],
});

function patternSet(patterns: readonly string[]): PatternSet {
  const prefixes: Prefix[] = [];
  const others: Regex[] = [];
  for (const pattern of patterns) {
    const anySuffix = pattern.endsWith('*');
    const text = anySuffix ? pattern.slice(0, -1) : pattern;
    if (hasWildcard(text)) others.push(glob(pattern));
    else prefixes.push({ text, anySuffix });
  }
  return { prefixes, others };
}

const unitePatternSets = (a: PatternSet, b: PatternSet): PatternSet => ({
  prefixes: [...a.prefixes, ...b.prefixes],
  others: [...a.others, ...b.others],
});

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /** A word ends here. */
  final: boolean;
  /** Every continuation matches: a `prefix*` pattern ends here. */
  anySuffix: boolean;
}

function prefixTrie(prefixes: readonly Prefix[]): TrieNode {
  const root: TrieNode = { children: new Map(), final: false, anySuffix: false };
  for (const { text, anySuffix } of prefixes) {
    let node = root;
    for (const char of text) {
      let child = node.children.get(char);
      if (child === undefined) {
        child = { children: new Map(), final: false, anySuffix: false };
        node.children.set(char, child);
      }
      node = child;
    }
    if (anySuffix) node.anySuffix = true;
    else node.final = true;
  }
  return root;
}

/**
 * The set's language. Factoring by prefixes keeps the same language as the
 * plain union, but each automaton state has one successor per letter:
 * determinizing it stays small and the solver splits the alphabet at few points.
 */
function setRegex(set: PatternSet): Regex {
  const toRegex = (node: TrieNode): Regex =>
    node.anySuffix
      ? ANY_STRING
      : union([
          ...(node.final ? [EPSILON] : []),
          ...[...node.children].map(([char, child]) => concat([literal(char), toRegex(child)])),
        ]);
  return union([...(set.prefixes.length === 0 ? [] : [toRegex(prefixTrie(set.prefixes))]), ...set.others]);
}
