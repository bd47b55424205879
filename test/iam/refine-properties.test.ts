// Properties over real AWS managed policies and random unused sets: the
// refined policy allows exactly the original's catalog actions minus the
// unused ones (checked here by brute force over the catalog, independently of
// the solver's proof in refine-guarantee.ts), and no emitted wildcard could be
// replaced by a shorter safe one: every shorter word prefix matches an unused
// action or a catalog action the entry did not match, or, written `prefix*`,
// would match strings outside the entry (actions AWS may add later).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { managedPolicyPairs } from '../../bench/managed-policies.js';
import { loadActionCatalog } from '../../src/iam/catalog.js';
import { actionWords, refinePolicy, type UnusedPermission } from '../../src/iam/refine.js';
import { matchesWildcard } from '../../src/iam/wildcard.js';
import {
  and,
  ANY_STRING,
  concat,
  glob,
  literal,
  matches as inRegex,
  not,
  solve,
  variable,
} from '../../src/logic/index.js';

const catalog = await loadActionCatalog();
const allActions = [...catalog.services.values()].flatMap((s) => s.actions.map((a) => `${s.namespace}:${a}`));
const { versions } = managedPolicyPairs();
const allLatest = [
  ...new Map(versions.map((v) => [v.name.slice(0, v.name.lastIndexOf('@')), v.document])).values(),
];
/**
 * Policies whose entries name at most 8 services by literal prefix, or that
 * have at most 40 entries (then also `*`, wildcard services and NotAction):
 * the brute-force oracle below tests every relevant catalog action against
 * every entry, which for a cross-service policy of thousands of entries
 * (ReadOnlyAccess) would cost far more than the refinement.
 */
const latest = allLatest.filter((document) => {
  const elements =
    JSON.stringify(JSON.parse(document)).match(/"(?:Not)?Action":(?:"[^"]*"|\[[^\]]*\])/g) ?? [];
  const patterns = elements.join();
  const entries = [...patterns.matchAll(/"([^"]*)"(?=[,\]]|$)/g)].length;
  if (entries <= 40) return true;
  if (patterns.includes('NotAction')) return false;
  const services = [...patterns.matchAll(/"([^":,\[\]]*):/g)].map((m) => m[1] ?? '');
  return !/"\*"|"[^":]*[*?][^":]*:/.test(patterns) && new Set(services).size <= 8;
});

/** The policies whose statements can match any service: the proof covers the whole catalog. */
const wide = latest.filter((document) =>
  /"NotAction"|"Action":(?:"\*"|\[[^\]]*"\*")|"[^":]*[*?][^":]*:/.test(JSON.stringify(JSON.parse(document))),
);

interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
}
const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;
const statementsOf = (policy: unknown): Statement[] => {
  const statement = (policy as { Statement: Statement | Statement[] }).Statement;
  return Array.isArray(statement) ? statement : [statement];
};
const matches = (statement: Statement, action: string): boolean =>
  statement.NotAction !== undefined
    ? !list(statement.NotAction).some((p) => matchesWildcard(p, action, true))
    : list(statement.Action).some((p) => matchesWildcard(p, action, true));
const allowed = (statements: Statement[], action: string): boolean =>
  statements.some((s) => s.Effect === 'Allow' && matches(s, action)) &&
  !statements.some((s) => s.Effect === 'Deny' && matches(s, action));

/** Random unused sets drawn from the services the policy names: whole services and single actions. */
function unusedFor(policy: unknown, pick: (n: number) => number): UnusedPermission[] {
  const services = new Set<string>();
  for (const s of statementsOf(policy))
    for (const p of [...list(s.Action), ...list(s.NotAction)]) {
      const service = p.split(':')[0]?.toLowerCase() ?? '';
      if (catalog.services.has(service)) services.add(service);
      else if (p === '*') services.add([...catalog.services.keys()][pick(catalog.services.size)] ?? 's3');
    }
  return [...services].flatMap((namespace): UnusedPermission[] => {
    const actions = catalog.services.get(namespace)?.actions ?? [];
    switch (pick(4)) {
      case 0:
        return [];
      case 1:
        return [{ serviceNamespace: namespace }];
      default:
        return [{ serviceNamespace: namespace, actions: actions.filter(() => pick(10) < 3) }];
    }
  });
}

const anyAction = variable('action', 'string');
/** Is every string starting with `prefix` matched by `entry` (both lower-cased), by the solver over all strings? */
const withinEntry = (prefix: string, entry: string): boolean =>
  solve(and(inRegex(anyAction, concat([literal(prefix), ANY_STRING])), not(inRegex(anyAction, glob(entry)))))
    .status === 'unsat';

/**
 * Refines `policy` against random unused permissions and checks the result by
 * brute force: exactly the used actions stay allowed, and no emitted wildcard
 * could be shorter.
 */
function checkRefinement(policy: unknown, stream: fc.Stream<number>): void {
  const numbers = stream[Symbol.iterator]();
  const pick = (n: number): number => (numbers.next().value as number) % n;
  const unusedPermissions = unusedFor(policy, pick);
  const result = refinePolicy({ policyDocument: policy, unusedPermissions, catalog });
  if (!result.ok) throw new Error(result.message);
  const unusedWhole = new Set(
    unusedPermissions.filter((u) => u.actions === undefined).map((u) => u.serviceNamespace),
  );
  const unusedNames = new Set(
    unusedPermissions.flatMap((u) =>
      (u.actions ?? []).map((a) => `${u.serviceNamespace}:${a}`.toLowerCase()),
    ),
  );
  const isUnused = (action: string): boolean =>
    unusedNames.has(action.toLowerCase()) || unusedWhole.has(action.split(':')[0] ?? '');
  const before = statementsOf(policy);
  const after = result.recommendedPolicy === undefined ? [] : statementsOf(result.recommendedPolicy);
  const services = new Set(
    [...before, ...after].flatMap((st) =>
      [...list(st.Action), ...list(st.NotAction)].map((p) => p.split(':')[0] ?? ''),
    ),
  );
  const crossService = [...services].some((service) => service.includes('*') || service.includes('?'));
  const relevant = crossService
    ? allActions
    : allActions.filter((a) => services.has(a.slice(0, a.indexOf(':'))));
  // One assertion per policy: thousands of `expect` calls would cost more than the refinement.
  const broken = relevant.filter(
    (action) => allowed(after, action) !== (allowed(before, action) && !isUnused(action)),
  );
  expect(broken).toEqual([]);
  const unusedListed = [...unusedNames];
  const sortedRelevant = relevant
    .map((a) => ({ lower: a.toLowerCase(), action: a }))
    .sort((a, b) => (a.lower < b.lower ? -1 : a.lower > b.lower ? 1 : 0));
  const startingWith = (lower: string): string[] => {
    let lo = 0;
    let hi = sortedRelevant.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sortedRelevant[mid]?.lower ?? '') < lower) lo = mid + 1;
      else hi = mid;
    }
    const found: string[] = [];
    for (let i = lo; i < sortedRelevant.length && sortedRelevant[i]?.lower.startsWith(lower); i++)
      found.push(sortedRelevant[i]?.action ?? '');
    return found;
  };
  const unsafe = (prefix: string, entry: string): boolean => {
    const lower = prefix.toLowerCase();
    return (
      unusedListed.some((name) => name.startsWith(lower)) ||
      startingWith(lower).some((a) => isUnused(a) || !matchesWildcard(entry, a, true)) ||
      !withinEntry(lower, entry.toLowerCase())
    );
  };
  const replaceable: string[] = [];
  for (const change of result.changes)
    for (const entry of change.entries) {
      if (entry.kind !== 'replaced') continue;
      for (const replacement of entry.replacements.filter((r) => r.endsWith('*'))) {
        const prefix = replacement.slice(0, -1);
        const colon = prefix.indexOf(':');
        const words = actionWords(prefix.slice(colon + 1));
        for (let kept = 0; kept < words.length; kept++) {
          const shorter = prefix.slice(0, colon + 1) + words.slice(0, kept).join('');
          if (!unsafe(shorter, entry.entry)) replaceable.push(`${entry.entry} → ${replacement}: ${shorter}*`);
        }
      }
    }
  expect(replaceable).toEqual([]);
}

describe('refinement of AWS managed policies', () => {
  it('draws from most of the corpus', () => {
    expect(latest.length).toBeGreaterThan(allLatest.length / 2);
  });

  it('allows exactly the used actions and emits only minimal wildcards', () => {
    fc.assert(
      fc.property(fc.nat(latest.length - 1), fc.infiniteStream(fc.nat(1_000_000)), (which, stream) => {
        checkRefinement(JSON.parse(latest[which] as string) as unknown, stream);
      }),
      { numRuns: 100, seed: 20261122 },
    );
  });

  it('does so for `*`, wildcard-service and NotAction statements, proved over every service', () => {
    expect(wide.length).toBeGreaterThan(5);
    fc.assert(
      fc.property(fc.nat(wide.length - 1), fc.infiniteStream(fc.nat(1_000_000)), (which, stream) => {
        checkRefinement(JSON.parse(wide[which] as string) as unknown, stream);
      }),
      { numRuns: 20, seed: 20261207 },
    );
  });
});
