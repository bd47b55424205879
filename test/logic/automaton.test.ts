import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { automatonOf, regularWitness } from '../../src/logic/automaton.js';
import { glob } from '../../src/logic/index.js';

describe('automata', () => {
  it('a state is universal only when every continuation is accepted', () => {
    const prefix = automatonOf(glob('a*'));
    const afterA = prefix.step(prefix.start, 'a'.codePointAt(0) as number);
    expect(prefix.universal(prefix.start)).toBe(false);
    expect(prefix.universal(afterA)).toBe(true);
    const colonFree = automatonOf(
      glob('a*', {
        wildcardChars: [
          [0, 57],
          [59, 0x10ffff],
        ],
      }),
    );
    expect(colonFree.universal(colonFree.step(colonFree.start, 'a'.codePointAt(0) as number))).toBe(false);
  });

  // Patterns of at most three characters over {a, b, c}: any string is equivalent (for every pattern)
  // to one of length ≤ 3 over {a, b, c, d}, with `d` for every other character.
  const patterns = ['a*', '*b', 'a?', '?', '*a*', 'ab', 'b*', '', '??', '*c', '*', 'a*b'];
  const strings = ['', ...'abcd'].flatMap((x) =>
    ['', ...'abcd'].flatMap((y) => ['', ...'abcd'].map((z) => x + y + z)),
  );

  it('the product search finds a witness exactly when a short string satisfies every literal', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ pattern: fc.constantFrom(...patterns), positive: fc.boolean() }), {
          minLength: 1,
          maxLength: 5,
        }),
        (chosen) => {
          const literals = chosen.map(({ pattern, positive }) => ({ regex: glob(pattern), positive }));
          const holds = (text: string): boolean =>
            literals.every(({ regex, positive }) => automatonOf(regex).matches(text) === positive);
          const result = regularWitness(literals, 10_000);
          if (result.status === 'sat') expect(holds(result.witness)).toBe(true);
          expect(result.status).toBe(strings.some(holds) ? 'sat' : 'unsat');
        },
      ),
      { numRuns: 1_000, seed: 20261123 },
    );
  });
});

describe('automaton matching', () => {
  // Code points beyond the BMP are one character (two UTF-16 units), and a lone surrogate is one too,
  // as a JavaScript RegExp with the `u` flag reads them.
  const alphabet = ['a', 'b', '😀', '\ud800', '\udc00'];
  const asRegExp = (pattern: string): RegExp =>
    new RegExp(
      `^${[...pattern].map((char) => (char === '*' ? '[^]*' : char === '?' ? '[^]' : char)).join('')}$`,
      'u',
    );

  it('matches a string exactly when the RegExp of the same pattern does, whichever transitions are built', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength: 5 }).map((chars) => chars.join('')),
        fc.array(fc.constantFrom(...alphabet), { maxLength: 6 }),
        fc.nat(6),
        (pattern, chars, warmed) => {
          const machine = automatonOf(glob(pattern));
          // Builds the DFA along a prefix (as the product search would), so that `matches` follows
          // built transitions up to there and reads the rest on the NFA.
          let state = machine.start;
          for (const char of chars.slice(0, warmed))
            state = machine.step(state, char.codePointAt(0) as number);
          const text = chars.join('');
          expect(machine.matches(text)).toBe(asRegExp(pattern).test(text));
        },
      ),
      { numRuns: 2_000, seed: 20261207 },
    );
  });
});
