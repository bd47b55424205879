// The combined procedure: the fast engine first, Z3 when it cannot decide.
import type { Formula } from './formula.js';
import { withMembership } from './finite.js';
import { solve, type SolveOptions, type Verdict } from './solve.js';
import { solveWithZ3, type Z3Options } from './z3.js';

export interface DecideOptions {
  readonly fast?: SolveOptions;
  readonly z3?: Z3Options;
  /** Ask Z3 when the fast engine answers UNKNOWN; default true. */
  readonly fallback?: boolean;
}

export async function decide(formula: Formula, options: DecideOptions = {}): Promise<Verdict> {
  const fast = solve(formula, options.fast);
  if (fast.status !== 'unknown' || options.fallback === false) return fast;
  // Z3 knows no finite domains: the question goes with the membership atoms.
  const domains = options.fast?.domains;
  const slow = await solveWithZ3(
    domains === undefined ? formula : withMembership(formula, domains),
    options.z3,
  );
  return slow.status === 'unknown' ? { status: 'unknown', reason: `${fast.reason}: ${slow.reason}` } : slow;
}
