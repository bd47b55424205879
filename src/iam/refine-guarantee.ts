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
// It ranges over the catalog's actions (a finite domain of keyaki/logic's
// `solve`), so each obligation is decided exactly by set operations over the
// catalog: (orig ∧ ¬unused) xor refined must be empty, split in three
// obligations that each name what an action in them would mean.
import {
  and,
  ANY_STRING,
  FALSE,
  finiteDomain,
  matches,
  not,
  solve,
  unreachable,
  variable,
  type FiniteDomain,
  type Formula,
} from '../logic/index.js';
import type { ActionCatalog } from './catalog.js';
import {
  coversEveryExtension,
  hasWildcard,
  literalService,
  lowerBound,
  stringList,
} from './refine-patterns.js';
import { matchesWildcard } from './wildcard.js';
import { patternSet, setRegex, type PatternSet } from './refine-languages.js';

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
/** The action over all strings, with no domain: for the one obligation that holds beyond the catalog. */
const anyAction = variable('anyAction', 'string');

const catalogDomains = new WeakMap<ActionCatalog, ReadonlyMap<string, FiniteDomain>>();

/** `action` ranges over the catalog's lower-cased `namespace:name`s: built once per catalog. */
function catalogDomain(catalog: ActionCatalog): ReadonlyMap<string, FiniteDomain> {
  let domains = catalogDomains.get(catalog);
  if (domains === undefined) {
    const actions = [...catalog.services.values()].flatMap(({ namespace, actions: names }) =>
      names.map((name) => `${namespace}:${name}`.toLowerCase()),
    );
    domains = new Map([[action.name, finiteDomain(actions)]]);
    catalogDomains.set(catalog, domains);
  }
  return domains;
}

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
  const domains = catalogDomain(catalog);
  const unusedWithin = unusedPatterns(unused);
  pairs.forEach((pair, statementIndex) => {
    if (pair.original.Effect !== 'Allow') {
      if (pair.refined !== pair.original)
        throw new RefinementInvariantError(`statement ${statementIndex}: a Deny statement was changed`);
      return;
    }
    if (pair.refined !== undefined) checkOnlyActionsChanged(pair.original, pair.refined, statementIndex);
    const original = actionElement(pair.original);
    const refined = pair.refined === undefined ? undefined : actionElement(pair.refined);
    const unusedFormula = inSet(unusedWithin(literalPrefixes(original, refined)));
    const refinedFormula = refined === undefined ? FALSE : elementFormula(refined);
    for (const obligation of obligations(elementFormula(original), refinedFormula, unusedFormula))
      prove(obligation, statementIndex, domains);
    if (refined !== undefined && !plainlyWithin(original, refined))
      prove(beyondCatalog(original, refined), statementIndex, domains);
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
  /** The action variable it is about: `action` over the catalog, or `anyAction` over all strings. */
  readonly over?: typeof action;
  readonly violation: (witness: string) => string;
}

/** (orig ∧ ¬unused) xor refined, split in three conjunctions. */
function obligations(original: Formula, refined: Formula, unused: Formula): Obligation[] {
  return [
    {
      formula: and(refined, not(original)),
      violation: (witness) => `the refined statement grants ${witness}, which the original did not`,
    },
    {
      formula: and(refined, unused),
      violation: (witness) => `the refined statement still grants unused action ${witness}`,
    },
    {
      formula: and(original, not(refined), not(unused)),
      violation: (witness) => `the refined statement no longer grants used action ${witness}`,
    },
  ];
}

/**
 * A sufficient condition for refined ⊆ orig over all strings, read off the
 * patterns, for the shapes the refinement writes: a NotAction element that
 * keeps every original exclusion, or Action entries each of which is an
 * original entry, a literal an original entry matches, or a `prefix*` that
 * lies within an original entry. Anything else goes to the solver, whose
 * automaton product over large elements can exceed its limits.
 */
function plainlyWithin(original: ActionElement, refined: ActionElement): boolean {
  if (original.negated || refined.negated) {
    const kept = new Set(refined.patterns);
    return original.negated && refined.negated && original.patterns.every((p) => kept.has(p));
  }
  const written = new Set(original.patterns);
  // A pattern naming one service can only lie within entries of that service or of a wildcard service.
  const byService = new Map<string | undefined, string[]>();
  for (const entry of original.patterns) {
    const service = literalService(entry);
    byService.set(service, [...(byService.get(service) ?? []), entry]);
  }
  const wildServices = byService.get(undefined) ?? [];
  return refined.patterns.every((pattern) => {
    if (written.has(pattern)) return true;
    const service = literalService(pattern);
    if (service === undefined) return false;
    const entries = [...(byService.get(service) ?? []), ...wildServices];
    if (!hasWildcard(pattern)) return entries.some((entry) => matchesWildcard(entry, pattern));
    const prefix = pattern.slice(0, -1);
    return (
      pattern.endsWith('*') &&
      !hasWildcard(prefix) &&
      entries.some((entry) => coversEveryExtension(entry, prefix))
    );
  });
}

/**
 * refined ∧ ¬orig over every string, not only the catalog's: the
 * recommendation grants no action AWS adds later that the original did not.
 */
function beyondCatalog(original: ActionElement, refined: ActionElement): Obligation {
  return {
    formula: and(elementFormula(refined, anyAction), not(elementFormula(original, anyAction))),
    over: anyAction,
    violation: (witness) =>
      `the refined statement would grant ${witness}, outside the catalog, which the original would not`,
  };
}

/**
 * Decides the obligation over the catalog. The `Σ*` atom keeps `action` in a
 * formula whose patterns fold to a constant (`NotAction: []`), so that it too
 * is decided over the catalog.
 */
function prove(
  obligation: Obligation,
  statementIndex: number,
  domains: ReadonlyMap<string, FiniteDomain>,
): void {
  const over = obligation.over ?? action;
  const verdict = solve(and(matches(over, ANY_STRING), obligation.formula), { domains });
  switch (verdict.status) {
    case 'unsat':
      return;
    case 'sat':
      throw new RefinementInvariantError(
        `statement ${statementIndex}: ${obligation.violation(`\`${String(verdict.model.get(over.name))}\``)}`,
      );
    case 'unknown':
      throw new RefinementInvariantError(
        `statement ${statementIndex}: the guarantee could not be proved: ${verdict.reason}`,
      );
    default:
      return unreachable(verdict);
  }
}

/** A statement's lower-cased Action entries, or its NotAction entries (`negated`). */
interface ActionElement {
  readonly negated: boolean;
  readonly patterns: readonly string[];
}

function actionElement(statement: JsonObject): ActionElement {
  const negated = 'NotAction' in statement;
  const patterns = stringList(negated ? statement.NotAction : statement.Action) ?? [];
  return { negated, patterns: patterns.map((pattern) => pattern.toLowerCase()) };
}

function elementFormula({ negated, patterns }: ActionElement, over = action): Formula {
  const matched = inSet(patternSet(patterns), over);
  return negated ? not(matched) : matched;
}

const inSet = (set: PatternSet, over = action): Formula => matches(over, setRegex(set));

/**
 * What the patterns of both statements start with, up to their first
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
  return elements.flatMap(({ patterns }) => patterns.map((pattern) => pattern.split(/[*?]/)[0] ?? ''));
}

/**
 * The unused actions that start with one of the literal prefixes (all of
 * them, when undefined): each name, and every action of a namespace unused as
 * a whole. Leaving out the others changes no obligation: an action outside
 * the prefixes satisfies neither `orig` nor `refined`, and each obligation
 * needs one of them.
 */
function unusedPatterns(unused: UnusedActions): (prefixes: readonly string[] | undefined) => PatternSet {
  // Sorted, the names starting with a prefix follow one another from the first that is not smaller.
  const names = [...unused.names].sort();
  const whole = [...unused.wholeServices].map((namespace) => `${namespace}:`);
  return (prefixes) => {
    const starts = prefixes === undefined ? [''] : [...new Set(prefixes)];
    const chosen = new Set<string>();
    for (const start of starts) {
      for (let index = lowerBound(names, start); names[index]?.startsWith(start) === true; index++)
        chosen.add(names[index] as string);
    }
    const wholeWithin = whole.filter((service) =>
      starts.some((start) => start.startsWith(service) || service.startsWith(start)),
    );
    return {
      prefixes: [
        ...wholeWithin.map((text) => ({ text, anySuffix: true })),
        ...[...chosen].map((text) => ({ text, anySuffix: false })),
      ],
      others: [],
    };
  };
}
