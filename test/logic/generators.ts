// Random formulas for property tests: Boolean combinations of the given atoms.
import fc from 'fast-check';
import { and, not, or, type Formula } from '../../src/logic/index.js';

/** Formulas built from `atom` with not/and/or, each junction of 2 to `maxOperands` operands. */
export function formulaOver(atom: fc.Arbitrary<Formula>, maxOperands: number): fc.Arbitrary<Formula> {
  return fc.letrec<{ node: Formula }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      tie('node').map(not),
      fc.array(tie('node'), { minLength: 2, maxLength: maxOperands }).map((operands) => and(...operands)),
      fc.array(tie('node'), { minLength: 2, maxLength: maxOperands }).map((operands) => or(...operands)),
    ),
  })).node;
}
