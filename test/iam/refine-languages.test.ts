// The languages of the refinement's proof: a pattern set's prefix-factored
// regex matches exactly the strings one of its globs matches (IAM's matcher
// on ASCII, the logic's own globs on any code points).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patternSet, setRegex } from '../../src/iam/refine-languages.js';
import { evaluateFormula, glob, matches, variable } from '../../src/logic/index.js';
import { matchesWildcard } from '../../src/iam/wildcard.js';

const action = variable('action', 'string');

// Few letters, so that random patterns share prefixes with each other and with the words.
const pattern = fc
  .tuple(
    fc.constantFrom('a:', 'b:', '*', 'a', ''),
    fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength: 5 }),
  )
  .map(([start, rest]) => `${start}${rest.join('')}`);
const word = fc.stringMatching(/^[ab:]{0,6}$/);

describe('pattern sets', () => {
  it('match exactly the strings one of their globs matches', () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { maxLength: 6 }),
        fc.array(word, { maxLength: 12 }),
        (patterns, words) => {
          const formula = matches(action, setRegex(patternSet(patterns)));
          for (const text of [...words, ...patterns.map((p) => p.replace(/[*?]/g, 'a'))])
            expect(evaluateFormula(formula, new Map([[action.name, text]]))).toBe(
              patterns.some((p) => matchesWildcard(p, text)),
            );
        },
      ),
      { numRuns: 500, seed: 9 },
    );
  });

  it('factor texts beyond the BMP by code points, not UTF-16 units', () => {
    const astral = fc
      .array(fc.constantFrom('a', 'é', '😀', '😁', '*'), { maxLength: 4 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(
        fc.array(astral, { maxLength: 6 }),
        fc.array(astral, { maxLength: 8 }),
        (patterns, words) => {
          const formula = matches(action, setRegex(patternSet(patterns)));
          const holds = (text: string): boolean =>
            patterns.some((p) => evaluateFormula(matches(action, glob(p)), new Map([[action.name, text]])));
          for (const text of [...words, ...patterns.map((p) => p.replace(/\*/g, ''))])
            expect(evaluateFormula(formula, new Map([[action.name, text]]))).toBe(holds(text));
        },
      ),
      { numRuns: 300, seed: 10 },
    );
  });
});
