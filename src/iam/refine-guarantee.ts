// The refinement's guarantee, proved by Keyaki's solver before a result is
// returned: over the catalog's actions, each refined Allow statement matches
// exactly what its original matched minus the unused actions, and Deny
// statements are untouched. Statement by statement is enough for the policy:
// allowed' = ∪(orig_i − unused) − denied = (∪orig_i − denied) − unused.
//
// Resources and conditions stay out of the formulas because the refinement
// never changes them: a refined statement keeps every key but its action
// element, which is checked (`checkOnlyActionsChanged`) rather than trusted.
//
// `action` is the lower-cased action: IAM compares actions ignoring case, so
// lower-casing the action, the patterns and the catalog is that comparison.
//
// Per statement the query is catalog(action) ∧ ((orig ∧ ¬unused) xor refined),
// split in three obligations, over the services the statement can match: an
// action of service `n` is `n:` followed by its name, so a pattern whose
// service part is literal only matches actions of that service. The catalog
// enters as a small superset that the statement's patterns cannot tell apart
// from it (`distinguishedCatalogRegex`): UNSAT there is a proof over the
// catalog, and only a SAT answer is decided again over the exact catalog to
// name a catalog action that breaks the guarantee.
import {
  and,
  FALSE,
  matches,
  not,
  solve,
  TRUE,
  unreachable,
  variable,
  type Formula,
} from '../logic/index.js';
import type { ActionCatalog } from './catalog.js';
import { literalService, stringList } from './refine-patterns.js';
import {
  catalogRegex,
  distinguishedCatalogRegex,
  literalPrefix,
  minimalPrefixes,
  NO_PATTERNS,
  patternSet,
  setRegex,
  unitePatternSets,
  type PatternSet,
} from './refine-languages.js';

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

/** A `*` statement against a third of the catalog unused explores tens of thousands of product states. */
const SOLVE_LIMITS = { maxAutomatonStates: 400_000, timeoutMs: 60_000 } as const;

const SERVICES_TOGETHER = 8;

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
  const unusedWithin = unusedPatterns(unused);
  pairs.forEach((pair, statementIndex) => {
    if (pair.original.Effect !== 'Allow') {
      if (pair.refined !== pair.original)
        throw new RefinementInvariantError(`statement ${statementIndex}: a Deny statement was changed`);
      return;
    }
    if (pair.refined !== undefined) checkOnlyActionsChanged(pair.original, pair.refined, statementIndex);
    const services = servicesToProve(pair, catalog);
    // Queries over many services are split by service: the products are as large in total, but each stays small.
    const groups =
      services.length > SERVICES_TOGETHER ? services.map((namespace) => [namespace]) : [services];
    const originalByService = patternsByService(pair.original);
    const refinedByService = pair.refined === undefined ? undefined : patternsByService(pair.refined);
    for (const group of groups.filter((namespaces) => namespaces.length > 0)) {
      const original = actionElement(originalByService, group);
      const refined = refinedByService === undefined ? undefined : actionElement(refinedByService, group);
      const prefixes = literalPrefixes(original, refined);
      const unusedSet = unusedWithin(group, prefixes);
      const sets = [original.patterns, refined?.patterns ?? NO_PATTERNS, unusedSet];
      const domain = matches(action, distinguishedCatalogRegex(catalog, group, sets));
      const exactDomain = (): Formula => matches(action, catalogRegex(catalog, group, prefixes));
      for (const obligation of obligations(original, refined, unusedSet))
        prove(obligation, statementIndex, domain, exactDomain);
    }
  });
}

/**
 * The proof leaves Resources and Conditions out of its formulas, which is
 * sound only while the refined statement keeps every other key of the original
 * as it is: checked here, not trusted.
 */
function checkOnlyActionsChanged(original: JsonObject, refined: JsonObject, statementIndex: number): void {
  const keys = new Set([...Object.keys(original), ...Object.keys(refined)]);
  for (const key of keys) {
    if (key !== 'Action' && key !== 'NotAction' && original[key] !== refined[key])
      throw new RefinementInvariantError(
        `statement ${statementIndex}: the refined statement changed \`${key}\``,
      );
  }
}

/** A set of actions that must contain no catalog action, and what an action in it would mean. */
interface Obligation {
  readonly formula: Formula;
  /** Usually UNSAT over every string already: the refined patterns are built inside the original, away from the unused. */
  readonly catalogFree: boolean;
  readonly violation: (witness: string) => string;
}

/** (orig ∧ ¬unused) xor refined, split in three conjunctions. */
function obligations(
  original: ActionElement,
  refined: ActionElement | undefined,
  unused: PatternSet,
): Obligation[] {
  const originalFormula = elementFormula(original);
  const refinedFormula = refined === undefined ? FALSE : elementFormula(refined);
  const unusedFormula = inSet(unused);
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
  if (refined === undefined) return not(inSet(unused));
  if (refined.negated) return and(inSet(refined.patterns), not(inSet(unused)));
  return not(inSet(unitePatternSets(refined.patterns, unused)));
}

/**
 * Decides the obligation over every string when that usually suffices (no
 * catalog in the product), then over the distinguished catalog, and over the
 * exact one to name a witness: each is a superset of the next, so UNSAT at
 * any step is a proof over the catalog.
 */
function prove(
  obligation: Obligation,
  statementIndex: number,
  domain: Formula,
  exactDomain: () => Formula,
): void {
  if (obligation.catalogFree && solve(obligation.formula, SOLVE_LIMITS).status === 'unsat') return;
  let verdict = solve(and(domain, obligation.formula), SOLVE_LIMITS);
  if (verdict.status === 'sat') verdict = solve(and(exactDomain(), obligation.formula), SOLVE_LIMITS);
  switch (verdict.status) {
    case 'unsat':
      return;
    case 'sat':
      throw new RefinementInvariantError(
        `statement ${statementIndex}: ${obligation.violation(`\`${String(verdict.model.get(action.name))}\``)}`,
      );
    case 'unknown':
      throw new RefinementInvariantError(
        `statement ${statementIndex}: the guarantee could not be proved: ${verdict.reason}`,
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

/** An Action or NotAction element's lower-cased patterns by the service they name; `undefined` keys a wildcard service. */
interface PatternsByService {
  readonly negated: boolean;
  readonly byService: ReadonlyMap<string | undefined, readonly string[]>;
}

function patternsByService(statement: JsonObject): PatternsByService {
  const { negated, patterns } = actionPatterns(statement);
  const byService = new Map<string | undefined, string[]>();
  for (const pattern of patterns) {
    const service = literalService(pattern);
    const list = byService.get(service);
    if (list === undefined) byService.set(service, [pattern.toLowerCase()]);
    else list.push(pattern.toLowerCase());
  }
  return { negated, byService };
}

/** The patterns that can match actions of these services: theirs and those of a wildcard service. */
function actionElement(element: PatternsByService, services: readonly string[]): ActionElement {
  const relevant = [undefined, ...services].flatMap((service) => element.byService.get(service) ?? []);
  return { negated: element.negated, patterns: patternSet(relevant) };
}

/**
 * `action` is in the set: TRUE for a set with `*`, which matches every string,
 * so that the solver never walks a product only to find `¬*` empty.
 */
const inSet = (set: PatternSet): Formula =>
  set.prefixes.some((prefix) => prefix.text === '' && prefix.anySuffix)
    ? TRUE
    : matches(action, setRegex(set));

function elementFormula(element: ActionElement): Formula {
  const matched = inSet(element.patterns);
  return element.negated ? not(matched) : matched;
}

/**
 * What the relevant patterns of both statements start with, up to their first
 * wildcard; undefined when either is a NotAction element, which can match
 * anything. A glob only matches strings starting with its literal prefix, so
 * every obligation (each needs `orig` or `refined` to hold) is empty outside
 * the actions with one of these prefixes.
 */
function literalPrefixes(
  original: ActionElement,
  refined: ActionElement | undefined,
): readonly string[] | undefined {
  const elements = refined === undefined ? [original] : [original, refined];
  if (elements.some((element) => element.negated)) return undefined;
  return elements.flatMap(({ patterns }) => [
    ...patterns.prefixes.map((prefix) => prefix.text),
    ...patterns.others.map(literalPrefix),
  ]);
}

/**
 * The unused actions of some services that start with one of the literal
 * prefixes (all of them, when undefined). Leaving out the others changes no
 * obligation: an action outside the prefixes satisfies neither `orig` nor
 * `refined`, and each obligation needs one of them.
 */
function unusedPatterns(
  unused: UnusedActions,
): (services: readonly string[], prefixes: readonly string[] | undefined) => PatternSet {
  const namesByService = new Map<string, string[]>();
  for (const name of unused.names) {
    const namespace = name.slice(0, name.indexOf(':'));
    if (unused.wholeServices.has(namespace)) continue;
    const names = namesByService.get(namespace);
    if (names === undefined) namesByService.set(namespace, [name]);
    else names.push(name);
  }
  return (services, prefixes) => {
    const starts = prefixes === undefined ? undefined : minimalPrefixes(prefixes);
    const relevant = (text: string): boolean =>
      starts === undefined || starts.some((start) => text.startsWith(start) || start.startsWith(text));
    const whole = services.filter(
      (namespace) => unused.wholeServices.has(namespace) && relevant(`${namespace}:`),
    );
    const words = services.flatMap((namespace) => (namesByService.get(namespace) ?? []).filter(relevant));
    return {
      prefixes: [
        ...whole.map((namespace) => ({ text: `${namespace}:`, anySuffix: true })),
        ...words.map((text) => ({ text, anySuffix: false })),
      ],
      others: [],
    };
  };
}
