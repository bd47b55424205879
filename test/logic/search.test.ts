// The Boolean search (clause learning, backjumping, theory conflicts) against
// brute-force enumeration: over Boolean atoms the truth table is the whole
// answer; over strings and numbers, enumerating small values finds a model
// whenever one exists among them, so an UNSAT answer with such a model is a bug.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  and,
  boolAtom,
  compare,
  evaluateFormula,
  glob,
  matches,
  not,
  or,
  solve,
  variable,
  type Formula,
  type Model,
  type Value,
} from '../../src/logic/index.js';
import { formulaOver } from './generators.js';

const bools = ['p', 'q', 'r', 's', 't', 'u'].map((name) => variable(name, 'bool'));

/** Every combination of the candidate values of each variable. */
function* models(candidates: ReadonlyMap<string, readonly Value[]>): Generator<Model> {
  const names = [...candidates.keys()];
  const choose = function* (index: number, chosen: Map<string, Value>): Generator<Model> {
    if (index === names.length) {
      yield new Map(chosen);
      return;
    }
    const name = names[index] as string;
    for (const value of candidates.get(name) ?? []) {
      chosen.set(name, value);
      yield* choose(index + 1, chosen);
    }
  };
  yield* choose(0, new Map());
}

const hasModelAmong = (formula: Formula, candidates: ReadonlyMap<string, readonly Value[]>): boolean => {
  for (const model of models(candidates)) if (evaluateFormula(formula, model)) return true;
  return false;
};

describe('the Boolean search', () => {
  const truthTable = new Map(bools.map((handle) => [handle.name, [false, true]]));

  it('answers exactly as the truth table over six Boolean atoms', () => {
    fc.assert(
      fc.property(formulaOver(fc.constantFrom(...bools).map(boolAtom), 4), (formula) => {
        const verdict = solve(formula);
        expect(verdict.status).toBe(hasModelAmong(formula, truthTable) ? 'sat' : 'unsat');
        if (verdict.status === 'sat') {
          const model = new Map(
            bools.map((handle) => [handle.name, verdict.model.get(handle.name) ?? false]),
          );
          expect(evaluateFormula(formula, model)).toBe(true);
        }
      }),
      { numRuns: 2_000, seed: 20261123 },
    );
  });

  it('learns from chains of implications that force a conflict deep in the search', () => {
    // p1 → p2 → … → p12, p12 → ¬p1, plus p1: unsatisfiable only through the whole chain.
    const chain = Array.from({ length: 12 }, (_, index) => boolAtom(variable(`p${index}`, 'bool')));
    const links = chain.slice(1).map((next, index) => or(not(chain[index] as Formula), next));
    const first = chain[0] as Formula;
    const last = chain[chain.length - 1] as Formula;
    expect(solve(and(first, ...links, or(not(last), not(first)))).status).toBe('unsat');
    expect(solve(and(...links, or(not(last), not(first)))).status).toBe('sat');
  });
});

describe('theory conflicts inside the search', () => {
  const s = variable('s', 'string');
  const n = variable('n', 'number');
  const b = variable('b', 'bool');
  // The atoms only see the length up to 3, the first and last character, whether an `a` occurs and `ab`
  // itself, with `d` standing for every other character: so every string up to length 3 over {a, b, c, d}
  // covers all cases.
  const strings = ['', ...'abcd'].flatMap((first) =>
    ['', ...'abcd'].flatMap((second) => ['', ...'abcd'].map((third) => first + second + third)),
  );
  const numbers = [-1, 0, 0.5, 1, 1.5, 2, 3];
  const candidates = new Map<string, readonly Value[]>([
    ['s', strings],
    ['n', numbers],
    ['b', [false, true]],
  ]);
  const atom = fc.oneof(
    fc
      .constantFrom('a*', '*b', 'a?', '?', '*a*', 'ab', 'b*', '', '??', '*c')
      .map((pattern) => matches(s, glob(pattern))),
    fc
      .tuple(fc.constantFrom('=', '<', '<=', '>', '>=' as const), fc.constantFrom(0, 1, 2))
      .map(([op, bound]) => compare(n, op, bound)),
    fc.constant(boolAtom(b)),
  );

  it('never answers UNSAT when a small model exists, and every model it gives holds', () => {
    fc.assert(
      fc.property(formulaOver(atom, 4), (formula) => {
        const verdict = solve(formula);
        if (verdict.status === 'sat') expect(evaluateFormula(formula, verdict.model)).toBe(true);
        if (hasModelAmong(formula, candidates)) expect(verdict.status).toBe('sat');
        // The numeric candidates cover every point and interval the bounds 0, 1, 2 cut.
        else expect(verdict.status).toBe('unsat');
      }),
      { numRuns: 800, seed: 20261123 },
    );
  });
});
