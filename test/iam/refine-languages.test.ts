// The languages of the refinement's proof: the distinguished catalog is a
// superset of the catalog that no Boolean combination of the patterns can
// tell apart from it, checked against brute force over a small catalog.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogFromActions } from '../../src/iam/catalog.js';
import {
  catalogRegex,
  distinguishedCatalogRegex,
  minimalPrefixes,
  patternSet,
  setRegex,
} from '../../src/iam/refine-languages.js';
import { and, matches, not, or, solve, variable, type Formula } from '../../src/logic/index.js';
import { matchesWildcard } from '../../src/iam/wildcard.js';

const action = variable('action', 'string');

// Few letters, so that random patterns share prefixes with the catalog and each other.
const catalog = catalogFromActions('small-1', {
  a: ['Ab', 'Aba', 'Abab', 'B', 'Bab', 'Ba'],
  b: ['A', 'Ab', 'Bb', 'Bba'],
});
const namespaces = [...catalog.services.keys()];
const words = [...catalog.services.values()].flatMap((service) =>
  service.actions.map((name) => `${service.namespace}:${name}`.toLowerCase()),
);

const pattern = fc
  .tuple(
    fc.constantFrom('a:', 'b:', '*', 'a', ''),
    fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength: 5 }),
  )
  .map(([start, rest]) => `${start}${rest.join('')}`);
const patternList = fc.array(pattern, { maxLength: 4 });

/** A random Boolean combination of three pattern sets, as a formula and as a test of one action. */
type Combination = readonly [Formula, (word: string) => boolean];
const combinations = (lists: readonly (readonly string[])[]): fc.Arbitrary<Combination> => {
  const leaves = lists.map((list): Combination => [
    matches(action, setRegex(patternSet(list))),
    (word) => list.some((p) => matchesWildcard(p, word)),
  ]);
  const leaf = fc.constantFrom(...leaves);
  const { node } = fc.letrec<{ node: Combination }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      tie('node').map(([f, test]): Combination => [not(f), (w) => !test(w)]),
      fc
        .tuple(tie('node'), tie('node'))
        .map(([[f, s], [g, t]]): Combination => [and(f, g), (w) => s(w) && t(w)]),
      fc
        .tuple(tie('node'), tie('node'))
        .map(([[f, s], [g, t]]): Combination => [or(f, g), (w) => s(w) || t(w)]),
    ),
  }));
  return node;
};

describe('the distinguished catalog', () => {
  it('contains every catalog action', () => {
    fc.assert(
      fc.property(fc.array(patternList, { minLength: 1, maxLength: 3 }), (lists) => {
        const domain = matches(action, distinguishedCatalogRegex(catalog, namespaces, lists.map(patternSet)));
        for (const word of words)
          expect(solve(and(domain, matches(action, setRegex(patternSet([word])))))).toMatchObject({
            status: 'sat',
          });
      }),
      { numRuns: 100, seed: 8 },
    );
  });

  it('is empty under a combination of the patterns exactly when the catalog is', () => {
    fc.assert(
      fc.property(
        fc
          .tuple(patternList, patternList, patternList)
          .chain((lists) => fc.tuple(fc.constant(lists), combinations(lists))),
        ([lists, [formula, holds]]) => {
          const domain = distinguishedCatalogRegex(catalog, namespaces, lists.map(patternSet));
          const verdict = solve(and(matches(action, domain), formula));
          expect(verdict.status).toBe(words.some(holds) ? 'sat' : 'unsat');
        },
      ),
      { numRuns: 300, seed: 9 },
    );
  });

  it('cuts the catalog where the patterns stop telling actions apart', () => {
    // Only `a:b` is a path: below it, the catalog's `a:ab…` actions become one class.
    const domain = matches(action, distinguishedCatalogRegex(catalog, ['a'], [patternSet(['a:b*'])]));
    expect(solve(and(domain, matches(action, setRegex(patternSet(['a:abzz'])))))).toMatchObject({
      status: 'sat',
    });
    expect(solve(and(domain, matches(action, setRegex(patternSet(['a:z*'])))))).toMatchObject({
      status: 'unsat',
    });
  });
});

describe('the exact catalog', () => {
  it('holds exactly the catalog actions that start with one of the prefixes', () => {
    const exact = matches(action, catalogRegex(catalog, namespaces, ['a:ab', 'b:b']));
    const inside = words.filter((word) => word.startsWith('a:ab') || word.startsWith('b:b'));
    for (const word of words) {
      const verdict = solve(and(exact, matches(action, setRegex(patternSet([word])))));
      expect(verdict.status).toBe(inside.includes(word) ? 'sat' : 'unsat');
    }
    expect(solve(and(exact, not(matches(action, setRegex(patternSet(inside))))))).toMatchObject({
      status: 'unsat',
    });
  });
});

describe('minimal prefixes', () => {
  it('keep exactly the prefixes that extend no other', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[ab:]{0,4}$/), { maxLength: 8 }), (prefixes) => {
        const expected = [...new Set(prefixes)].filter(
          (prefix) => !prefixes.some((other) => other !== prefix && prefix.startsWith(other)),
        );
        expect(minimalPrefixes(prefixes).sort()).toEqual(expected.sort());
      }),
      { numRuns: 300, seed: 10 },
    );
  });
});
