// Finite domains against brute force: over a finite set of strings, the
// formula's truth on each member is the whole answer (evaluateFormula, the
// reference semantics), so the verdict and the model can be checked exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANY_CHAR,
  ANY_STRING,
  and,
  charClass,
  concat,
  decide,
  EPSILON,
  evaluateFormula,
  finiteDomain,
  glob,
  literal,
  matches,
  NOTHING,
  not,
  or,
  solve,
  star,
  union,
  variable,
  variablesOf,
  type Formula,
  type Regex,
} from '../../src/logic/index.js';
import { formulaOver } from './generators.js';

const x = variable('x', 'string');
const y = variable('y', 'string');

// Letters with a case pair, a separator and a code point beyond the BMP (two UTF-16 units).
const letters = ['a', 'b', 'A', ':', '😀'];
const codePoint = (char: string): number => char.codePointAt(0) as number;

const regexes: fc.Arbitrary<Regex> = fc.letrec<{ regex: Regex }>((tie) => ({
  regex: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(NOTHING, EPSILON, ANY_CHAR, ANY_STRING),
    fc
      .subarray(letters, { minLength: 1 })
      .map((chosen) => charClass(chosen.map((char) => [codePoint(char), codePoint(char)]))),
    fc.stringMatching(/^[abA:*?]{0,4}$/).map((pattern) => glob(pattern)),
    fc.stringMatching(/^[ab]{1,3}$/).map((text) => literal(text, { caseInsensitive: true })),
    fc.array(tie('regex'), { minLength: 2, maxLength: 3 }).map(concat),
    fc.array(tie('regex'), { minLength: 2, maxLength: 3 }).map(union),
    tie('regex').map(star),
  ),
})).regex;

const members = fc.uniqueArray(
  fc.array(fc.constantFrom(...letters), { maxLength: 5 }).map((chars) => chars.join('')),
  { maxLength: 24 },
);

const popCount = (word: number): number => {
  let count = 0;
  for (let bits = word; bits !== 0; bits &= bits - 1) count++;
  return count;
};

describe('finite domains', () => {
  it('decide a formula over one variable exactly as evaluating it on every member', () => {
    fc.assert(
      fc.property(
        members,
        formulaOver(
          regexes.map((regex) => matches(x, regex)),
          3,
        ),
        (values, formula) => {
          const domain = finiteDomain(values);
          const verdict = solve(formula, { domains: new Map([['x', domain]]) });
          // A formula folded to a constant does not mention `x`: its truth does not depend on the domain.
          const holds = variablesOf(formula).has('x')
            ? values.some((value) => evaluateFormula(formula, new Map([['x', value]])))
            : evaluateFormula(formula, new Map());
          expect(verdict.status).toBe(holds ? 'sat' : 'unsat');
          if (verdict.status === 'sat') {
            if (variablesOf(formula).has('x')) expect(values).toContain(verdict.model.get('x'));
            expect(evaluateFormula(formula, verdict.model)).toBe(true);
          }
        },
      ),
      { numRuns: 2_000, seed: 20261207 },
    );
  });

  it('give each regex the members it matches, whatever the other atoms cached before', () => {
    fc.assert(
      fc.property(members, fc.array(regexes, { minLength: 1, maxLength: 6 }), (values, chosen) => {
        const domain = finiteDomain(values);
        for (const regex of chosen) {
          const set = domain.matching(regex);
          domain.values.forEach((value, index) => {
            const bit = ((set[index >>> 5] as number) >>> (index & 31)) & 1;
            expect(bit === 1).toBe(evaluateFormula(matches(x, regex), new Map([['x', value]])));
          });
        }
      }),
      { numRuns: 1_000, seed: 20261208 },
    );
  });

  it('walk an inner wildcard over a domain whose every trie node it reaches', () => {
    // 60,000 members of 6 letters (a `z` after every seventh): `*z` reaches ~190,000 nodes, more than a call takes arguments.
    const letters16 = 'abcdefghijklmnop';
    const values = Array.from(
      { length: 40_000 },
      (_, n) =>
        [0, 1, 2, 3, 4, 5].map((digit) => letters16[Math.floor(n / 16 ** digit) % 16]).join('') +
        (n % 7 === 0 ? 'z' : ''),
    );
    const domains = new Map([['x', finiteDomain(values)]]);
    const endsInZ = values.filter((value) => value.endsWith('z')).length;
    const set = (domains.get('x') as ReturnType<typeof finiteDomain>).matching(glob('*z'));
    expect(set.reduce((count, word) => count + popCount(word), 0)).toBe(endsInZ);
    expect(solve(and(matches(x, glob('*z')), not(matches(x, glob('a*')))), { domains }).status).toBe('sat');
  });

  it('keep members sorted by code points and drop repeats', () => {
    const domain = finiteDomain(['b', '😀', 'a', '\uffff', 'ab', 'a']);
    expect(domain.values).toEqual(['a', 'ab', 'b', '\uffff', '😀']);
  });

  it('answer UNSAT for a variable over the empty domain, SAT for a formula without it', () => {
    const domains = new Map([['x', finiteDomain([])]]);
    expect(solve(matches(x, ANY_STRING), { domains }).status).toBe('unsat');
    expect(solve(not(matches(x, literal('a'))), { domains }).status).toBe('unsat');
    expect(solve(matches(y, literal('a')), { domains }).status).toBe('sat');
  });

  it('restrict the variable in formulas they cannot decide alone (another variable), through the search', () => {
    const domains = new Map([['x', finiteDomain(['s3:getobject', 's3:putobject'])]]);
    const sameAsY = and(
      matches(x, glob('s3:*')),
      matches(y, literal('s3:putobject')),
      not(matches(x, glob('*get*'))),
    );
    const verdict = solve(sameAsY, { domains });
    expect(verdict.status).toBe('sat');
    if (verdict.status === 'sat') expect(verdict.model.get('x')).toBe('s3:putobject');
    // Over every string `s3:listbucket` would do; over the domain nothing does.
    const outside = and(matches(x, glob('s3:*')), not(matches(x, glob('*object'))), matches(y, ANY_STRING));
    expect(solve(outside).status).toBe('sat');
    expect(solve(outside, { domains }).status).toBe('unsat');
  });

  it('reach Z3 with the membership when the fast engine gives up', async () => {
    const domains = new Map([['x', finiteDomain(['ab', 'ba'])]]);
    // Two variables: the search decides; a step budget of zero makes it hand over to Z3.
    const formula = and(or(matches(x, glob('a*')), matches(y, literal('q'))), not(matches(x, glob('*b'))));
    const verdict = await decide(formula, { fast: { domains, maxSteps: 0 } });
    expect(verdict.status).toBe('sat');
    if (verdict.status === 'sat') {
      expect(verdict.model.get('x')).toBe('ba');
      expect(verdict.model.get('y')).toBe('q');
    }
  });

  it('refuse a domain for a variable that is not a string', () => {
    const n = variable('x', 'number');
    expect(() =>
      solve(matches(y, literal('a')) as Formula, { domains: new Map([['y', finiteDomain(['a'])]]) }),
    ).not.toThrow();
    expect(() =>
      solve(and(matches(y, literal('a')), { kind: 'compare', subject: n, op: '<', bound: 1 }), {
        domains: new Map([['x', finiteDomain(['a'])]]),
      }),
    ).toThrow(/not a string/);
  });
});
