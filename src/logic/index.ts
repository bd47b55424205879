// The public API of Keyaki's logic: formulas over typed request variables and their decision.
export * from './regex.js';
export * from './formula.js';
export { evaluateFormula, ModelError } from './evaluate.js';
export { solve, type SolveOptions, type Verdict } from './solve.js';
