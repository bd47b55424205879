import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  all,
  and,
  any,
  charClass,
  compare,
  equals,
  evaluateFormula,
  glob,
  iff,
  inCidr,
  inRange,
  matches,
  not,
  notChars,
  or,
  solve,
  star,
  template,
  variable,
  concat,
  literal,
  boolAtom,
  type Formula,
} from '../../src/logic/index.js';
import { formulaOver } from './generators.js';

const resource = variable('resource', 'string');
const user = variable('user', 'string');
const age = variable('age', 'number');
const source = variable('source', 'ip');
const tags = variable('tags', 'set<string>');
const ports = variable('ports', 'set<number>');
const mfa = variable('mfa', 'bool');

function expectSat(formula: Formula): void {
  const verdict = solve(formula);
  expect(verdict.status).toBe('sat');
  if (verdict.status === 'sat') expect(evaluateFormula(formula, verdict.model)).toBe(true);
}

const expectUnsat = (formula: Formula): void => expect(solve(formula).status).toBe('unsat');

describe('regular atoms', () => {
  it('a glob within another glob leaves nothing outside it', () => {
    const narrow = matches(resource, glob('arn:aws:s3:::bucket/*'));
    const wide = matches(resource, glob('arn:aws:s3:::*'));
    expectUnsat(and(narrow, not(wide)));
    expectSat(and(wide, not(narrow)));
  });

  it('a segment wildcard cannot cross a colon', () => {
    const segment = glob('arn:aws:*:::x', {
      wildcardChars: [
        [0, 57],
        [59, 0x10ffff],
      ],
    });
    expectUnsat(and(matches(resource, segment), equals(resource, 'arn:aws:s3:eu:::x')));
    expectSat(and(matches(resource, segment), equals(resource, 'arn:aws:s3:::x')));
  });

  it('case-insensitive patterns match every casing', () => {
    const insensitive = matches(resource, glob('ab*', { caseInsensitive: true }));
    expectSat(and(insensitive, equals(resource, 'aBc')));
    expectUnsat(
      and(
        insensitive,
        not(
          matches(
            resource,
            concat([
              charClass([
                [65, 65],
                [97, 97],
              ]),
              star(charClass([[0, 0x10ffff]])),
            ]),
          ),
        ),
      ),
    );
  });

  it('the witness is a shortest readable string', () => {
    const verdict = solve(and(matches(resource, glob('a?c*')), not(equals(resource, 'abc'))));
    expect(verdict.status).toBe('sat');
    if (verdict.status === 'sat') expect(verdict.model.get('resource')).toHaveLength(3);
  });

  it('a complement of a class excludes exactly that class', () => {
    expectUnsat(and(matches(resource, notChars([[58, 58]])), equals(resource, ':')));
    expectSat(matches(resource, notChars([[58, 58]])));
  });
});

describe('numbers', () => {
  it('strict bounds that meet leave nothing', () => {
    expectUnsat(and(compare(age, '>', 3), compare(age, '<', 3)));
    expectUnsat(and(compare(age, '>=', 3), compare(age, '<', 3)));
    expectSat(and(compare(age, '>=', 3), compare(age, '<=', 3)));
  });

  it('an open interval has a decimal witness', () => {
    expectSat(and(compare(age, '>', 1), compare(age, '<', 2)));
  });

  it('excluded points are skipped', () => {
    expectSat(
      and(compare(age, '>=', 1), compare(age, '<=', 2), not(compare(age, '=', 1)), not(compare(age, '=', 2))),
    );
  });
});

describe('ip ranges', () => {
  const net = { family: 'v4', address: 0x0a000000n } as const;
  it('a subnet minus its halves is empty', () => {
    const half1 = inCidr(source, net, 9);
    const half2 = inCidr(source, { family: 'v4', address: 0x0a800000n }, 9);
    expectUnsat(and(inCidr(source, net, 8), not(half1), not(half2)));
    expectSat(and(inCidr(source, net, 8), not(half1)));
  });

  it('families are distinct', () => {
    expectUnsat(and(inRange(source, 'v4', 0n, 10n), inRange(source, 'v6', 0n, 10n)));
    expectSat(and(not(inRange(source, 'v4', 0n, 0xffffffffn)), not(inRange(source, 'v6', 0n, 5n))));
  });
});

describe('sets', () => {
  it('all holds for the empty set and any does not', () => {
    expectSat(
      and(
        all(tags, (tag) => equals(tag, 'x')),
        not(any(tags, (tag) => equals(tag, 'x'))),
      ),
    );
  });

  it('any needs a witness that also satisfies every all', () => {
    expectUnsat(
      and(
        any(tags, (tag) => equals(tag, 'a')),
        all(tags, (tag) => equals(tag, 'b')),
      ),
    );
    expectSat(
      and(
        any(ports, (port) => compare(port, '>', 10)),
        all(ports, (port) => compare(port, '<', 11)),
      ),
    );
  });

  it('a false all needs a counterexample element', () => {
    expectUnsat(
      and(
        not(all(ports, (port) => compare(port, '>', 0))),
        not(any(ports, (port) => compare(port, '<=', 0))),
      ),
    );
  });
});

describe('sets of strings with value lists', () => {
  // Element bodies made of matches, their disjunctions and negations are decided as regular literals.
  const listed = (tag: Parameters<typeof equals>[0]): Formula =>
    or(equals(tag, 'a'), matches(tag, glob('b*')));
  it('a listed value, its negation and the element theory agree', () => {
    expectUnsat(
      and(
        all(tags, listed),
        any(tags, (tag) => not(listed(tag))),
      ),
    );
    expectSat(
      and(
        all(tags, listed),
        any(tags, (tag) => not(equals(tag, 'a'))),
      ),
    );
    expectUnsat(
      and(
        not(any(tags, listed)),
        any(tags, (tag) => matches(tag, glob('b?'))),
      ),
    );
  });

  it('a body the regular path cannot state (a negated conjunction) is searched', () => {
    const both = (tag: Parameters<typeof equals>[0]): Formula =>
      and(matches(tag, glob('a*')), matches(tag, glob('*z')));
    expectSat(
      and(
        any(tags, (tag) => not(both(tag))),
        all(tags, (tag) => matches(tag, glob('a*'))),
      ),
    );
    expectUnsat(
      and(
        any(tags, (tag) => not(both(tag))),
        all(tags, both),
      ),
    );
  });
});

describe('templates', () => {
  it('a resource pattern can follow the user name', () => {
    const home = template(resource, [
      { kind: 'regex', regex: literal('home/') },
      user,
      { kind: 'regex', regex: glob('/*') },
    ]);
    expectSat(and(home, equals(user, 'alice')));
    expectSat(and(home, not(equals(user, 'alice'))));
    expectUnsat(and(home, equals(user, 'alice'), equals(resource, 'home/bob/x')));
  });

  it('a template whose stretches lie inside another template over the same variables implies it', () => {
    const noColon = {
      wildcardChars: [
        [0, 57],
        [59, 0x10ffff],
      ] as [number, number][],
    };
    const arn = template(resource, [
      { kind: 'regex', regex: glob('arn:aws:ec2:*:*:instance/', noColon) },
      user,
    ]);
    const endsWith = template(resource, [{ kind: 'regex', regex: glob('*') }, user]);
    expectUnsat(and(arn, not(endsWith)));
    expect(solve(and(endsWith, not(arn))).status).not.toBe('unsat');
    const otherOrder = template(resource, [user, { kind: 'regex', regex: glob('*') }]);
    expect(solve(and(arn, not(otherOrder))).status).not.toBe('unsat');
  });

  const key = (parameter: typeof user): Formula =>
    template(resource, [{ kind: 'regex', regex: literal('key/') }, parameter]);
  const kmsKey = variable('kmsKey', 'string');
  const glueKey = variable('glueKey', 'string');

  it('gives distinct parameters distinct values when one template must fail', () => {
    expectSat(and(key(user), not(key(kmsKey))));
  });

  it('reads parameters back off the subject when two templates force them equal', () => {
    // resource = key/${user} = key/${kmsKey} forces user = kmsKey; glueKey must differ.
    expectSat(and(key(user), key(kmsKey), not(key(glueKey)), not(equals(user, ''))));
    expectUnsat(and(key(user), key(kmsKey), equals(user, 'a'), equals(kmsKey, 'b')));
  });

  it('starts again when an earlier subject fixed a parameter another subject needs', () => {
    // Both tags equal ${user}; the second must not be empty, so user cannot be the shortest string.
    const requestTag = variable('requestTag', 'string');
    const resourceTag = variable('resourceTag', 'string');
    expectSat(and(template(requestTag, [user]), template(resourceTag, [user]), not(equals(resourceTag, ''))));
  });

  it('an equality read from both sides is one equality', () => {
    const principalAccount = variable('principalAccount', 'string');
    const resourceAccount = variable('resourceAccount', 'string');
    const forward = template(principalAccount, [resourceAccount]);
    const backward = template(resourceAccount, [principalAccount]);
    expectUnsat(and(forward, not(backward)));
    expectSat(and(forward, backward, equals(resourceAccount, '111122223333')));
  });

  it('refutes templates whose fixed text cannot meet, whatever the parameters', () => {
    const alias = template(resource, [{ kind: 'regex', regex: literal('alias/') }, kmsKey]);
    expectUnsat(and(key(user), alias));
    expectUnsat(and(key(user), not(matches(resource, glob('key/*')))));
  });
});

describe('booleans', () => {
  it('and/or, folding repeated and complementary operands, keep the truth table of the connective', () => {
    const names = ['p', 'q', 'r'];
    const atoms = names.map((name) => boolAtom(variable(name, 'bool')));
    const operand = formulaOver(fc.constantFrom(...atoms), 3);
    // Operands with some of them repeated or negated, so that duplicates and complementary pairs occur.
    const operands = fc
      .tuple(
        fc.array(operand, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.boolean(),
      )
      .map(([base, picks, negate]) => [
        ...base,
        ...picks.map((pick) =>
          negate ? not(base[pick % base.length] as Formula) : (base[pick % base.length] as Formula),
        ),
      ]);
    fc.assert(
      fc.property(operands, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), (list, values) => {
        const model = new Map(names.map((name, index) => [name, values[index] ?? false]));
        const truths = list.map((formula) => evaluateFormula(formula, model));
        expect(evaluateFormula(and(...list), model)).toBe(truths.every(Boolean));
        expect(evaluateFormula(or(...list), model)).toBe(truths.some(Boolean));
      }),
    );
    // A complementary pair folds to the constant, also below a negation or inside a nested junction.
    const [p, q] = atoms as [Formula, Formula];
    expect(and(p, q, not(p))).toEqual({ kind: 'const', value: false });
    expect(or(not(q), and(p, q), q)).toEqual({ kind: 'const', value: true });
    expect(and(q, or(p, q), not(p))).toEqual({ kind: 'and', operands: [q, or(p, q), not(p)] });
  });

  it('iff with its negation is contradictory', () => {
    expectUnsat(and(iff(boolAtom(mfa), compare(age, '>', 1)), iff(boolAtom(mfa), compare(age, '<=', 1))));
    expectSat(or(boolAtom(mfa), compare(age, '>', 1)));
  });
});
