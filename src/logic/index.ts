// The public API of Keyaki's logic: formulas over typed request variables and their decision.
export * from './regex.js';
export * from './formula.js';
export { evaluateFormula, ModelError } from './evaluate.js';
export { solve, type SolveOptions, type Verdict } from './solve.js';
export { toSmtLib, type SmtQuery } from './smtlib.js';
export { solveWithZ3, type Z3Options } from './z3.js';
export { decide, type DecideOptions } from './decide.js';
export { finiteDomain, FiniteDomain } from './finite.js';
