// Automata for the regular atoms: Thompson NFAs determinized lazily.
//
// Each regex compiles once to an NFA whose DFA states (sets of NFA states)
// are interned and whose transitions are cached per code point, so repeated
// queries over the same regexes reuse the work. Emptiness of a Boolean
// combination of regexes is a breadth-first search over the product of
// their DFAs: complement is the same DFA with acceptance flipped.
import { GenerationalCache } from './cache.js';
import { MAX_CODE_POINT, regexKey, unreachable, type CodePointRange, type Regex } from './regex.js';

/** DFA states a universality check may visit. */
const UNIVERSAL_PROBE = 8;

/**
 * The NFA is held in flat arrays rather than an object per state: a long
 * Action list compiles to ~100,000 states, and objects that many, all kept in
 * the automata cache, made the young-generation collections copy them again
 * and again. State i has at most one labelled edge (Thompson construction):
 * `edgeRanges[i]` (shared with the regex) to `edgeTargets[i]`; its epsilon
 * successors are `epsilonTargets[epsilonStart[i] .. epsilonStart[i + 1])`.
 * A DFA state is the set of NFA states of a closure that matter — those with
 * an edge, and the accepting one —, so that its key stays short.
 */
export class Automaton {
  private stateCount = 0;
  private readonly edgeRanges: (readonly CodePointRange[] | undefined)[] = [];
  private readonly edgeTargets: number[] = [];
  private readonly epsilonStart: Int32Array;
  private readonly epsilonTargets: Int32Array;
  private readonly accept: number;
  private readonly dfaIds = new Map<string, number>();
  private readonly dfaSets: number[][] = [];
  private readonly dfaAccepting: boolean[] = [];
  private readonly transitions: Map<number, number>[] = [];
  private readonly cuts: (readonly number[] | undefined)[] = [];
  private readonly universals: (boolean | undefined)[] = [];
  // INVARIANT: the NFA is complete before the first closure, so the marks cover every state.
  private marks: Int32Array | undefined;
  private stamp = 0;
  readonly start: number;

  constructor(regex: Regex) {
    const links: number[] = [];
    const [entry, exit] = this.build(regex, links);
    this.accept = exit;
    // Epsilon edges grouped by source (a counting sort of the from, to pairs).
    const starts = new Int32Array(this.stateCount + 1);
    for (let index = 0; index < links.length; index += 2) (starts[(links[index] as number) + 1] as number)++;
    for (let state = 0; state < this.stateCount; state++)
      starts[state + 1] = (starts[state + 1] as number) + (starts[state] as number);
    const targets = new Int32Array(links.length / 2);
    const fill = starts.slice(0, this.stateCount);
    for (let index = 0; index < links.length; index += 2) {
      const from = links[index] as number;
      targets[fill[from] as number] = links[index + 1] as number;
      fill[from] = (fill[from] as number) + 1;
    }
    this.epsilonStart = starts;
    this.epsilonTargets = targets;
    this.start = this.intern(this.closure([entry]));
  }

  get nfaSize(): number {
    return this.stateCount;
  }

  get dfaSize(): number {
    return this.dfaSets.length;
  }

  accepting(state: number): boolean {
    return this.dfaAccepting[state] as boolean;
  }

  /** No NFA state is left: nothing is accepted from here on. */
  dead(state: number): boolean {
    return (this.dfaSets[state] as number[]).length === 0;
  }

  /**
   * Every string is accepted from here: every DFA state reachable from this
   * one accepts (transitions are constant between the cuts, so one code point
   * per stretch decides). Looks at a few states only — beyond that it answers
   * false, which only costs pruning. Memoized per DFA state.
   */
  universal(state: number): boolean {
    const known = this.universals[state];
    if (known !== undefined) return known;
    const reached = new Set([state]);
    const pending = [state];
    let result = true;
    for (let current = pending.pop(); current !== undefined && result; current = pending.pop()) {
      if (!this.accepting(current) || reached.size > UNIVERSAL_PROBE) {
        result = false;
        break;
      }
      for (const cut of [0, ...this.cutsOf(current)]) {
        if (cut > MAX_CODE_POINT) continue;
        const next = this.step(current, cut);
        if (!reached.has(next)) {
          reached.add(next);
          pending.push(next);
        }
      }
    }
    this.universals[state] = result;
    return result;
  }

  /** The DFA state after reading `codePoint`. */
  step(state: number, codePoint: number): number {
    const row = this.transitions[state] as Map<number, number>;
    const known = row.get(codePoint);
    if (known !== undefined) return known;
    const targets: number[] = [];
    for (const nfaState of this.dfaSets[state] as number[]) {
      const ranges = this.edgeRanges[nfaState];
      if (ranges !== undefined && inRanges(ranges, codePoint))
        targets.push(this.edgeTargets[nfaState] as number);
    }
    const next = this.intern(this.closure(targets));
    row.set(codePoint, next);
    return next;
  }

  /** Code points where the outgoing transitions of `state` may change, as range starts. */
  boundaries(state: number, into: Set<number>): void {
    for (const cut of this.cutsOf(state)) into.add(cut);
  }

  /** The distinct range starts of `state`'s outgoing transitions, computed once per DFA state. */
  cutsOf(state: number): readonly number[] {
    const known = this.cuts[state];
    if (known !== undefined) return known;
    const found = new Set<number>();
    for (const nfaState of this.dfaSets[state] as number[]) {
      const ranges = this.edgeRanges[nfaState];
      if (ranges === undefined) continue;
      for (const [low, high] of ranges) {
        found.add(low);
        found.add(high + 1);
      }
    }
    const sorted = [...found].sort((a, b) => a - b);
    this.cuts[state] = sorted;
    return sorted;
  }

  matches(text: string): boolean {
    let state = this.start;
    for (const char of text) state = this.step(state, char.codePointAt(0) as number);
    return this.accepting(state);
  }

  private intern(set: number[]): number {
    const key = set.join(',');
    const known = this.dfaIds.get(key);
    if (known !== undefined) return known;
    const id = this.dfaSets.length;
    this.dfaIds.set(key, id);
    this.dfaSets.push(set);
    this.dfaAccepting.push(set.includes(this.accept));
    this.transitions.push(new Map());
    return id;
  }

  /**
   * Epsilon closure, sorted, reduced to the states with an edge and the
   * accepting state (the others behave as nothing once the closure is taken);
   * NFA states are marked with a per-call stamp instead of a fresh set.
   */
  private closure(seeds: readonly number[]): number[] {
    const marks = (this.marks ??= new Int32Array(this.stateCount));
    const stamp = ++this.stamp;
    const found: number[] = [];
    const stack: number[] = [];
    const visit = (state: number): void => {
      if (marks[state] === stamp) return;
      marks[state] = stamp;
      if (this.edgeRanges[state] !== undefined || state === this.accept) found.push(state);
      stack.push(state);
    };
    seeds.forEach(visit);
    for (let state = stack.pop(); state !== undefined; state = stack.pop()) {
      const end = this.epsilonStart[state + 1] as number;
      for (let index = this.epsilonStart[state] as number; index < end; index++)
        visit(this.epsilonTargets[index] as number);
    }
    return found.sort((a, b) => a - b);
  }

  private fresh(): number {
    this.edgeRanges.push(undefined);
    this.edgeTargets.push(-1);
    return this.stateCount++;
  }

  /** Returns the entry and exit states of a fragment; epsilon edges go to `links` as from, to pairs. */
  private build(regex: Regex, links: number[]): [number, number] {
    const entry = this.fresh();
    const exit = this.fresh();
    switch (regex.kind) {
      case 'nothing':
        break;
      case 'epsilon':
        links.push(entry, exit);
        break;
      case 'class':
        this.edgeRanges[entry] = regex.ranges;
        this.edgeTargets[entry] = exit;
        break;
      case 'concat': {
        let current = entry;
        for (const part of regex.parts) {
          const [partEntry, partExit] = this.build(part, links);
          links.push(current, partEntry);
          current = partExit;
        }
        links.push(current, exit);
        break;
      }
      case 'union':
        for (const option of regex.options) {
          const [optionEntry, optionExit] = this.build(option, links);
          links.push(entry, optionEntry, optionExit, exit);
        }
        break;
      case 'star': {
        const [innerEntry, innerExit] = this.build(regex.inner, links);
        links.push(entry, exit, entry, innerEntry, innerExit, innerEntry, innerExit, exit);
        break;
      }
      default:
        unreachable(regex);
    }
    return [entry, exit];
  }
}

function inRanges(ranges: readonly CodePointRange[], codePoint: number): boolean {
  for (const [low, high] of ranges) {
    if (codePoint < low) return false;
    if (codePoint <= high) return true;
  }
  return false;
}

/** NFA states per generation: a 2,000-entry Action list is ~100,000, so a generation holds many policies. */
const automata = new GenerationalCache<string, Automaton>(1_000_000, (_, automaton) => automaton.nfaSize);

/** The shared automaton of a regex. */
export function automatonOf(regex: Regex): Automaton {
  const key = regexKey(regex);
  const known = automata.get(key);
  if (known !== undefined) return known;
  const built = new Automaton(regex);
  automata.set(key, built);
  return built;
}

/** A regex that the string must match (`positive`) or must not match. */
export interface RegularLiteral {
  readonly regex: Regex;
  readonly positive: boolean;
}

export type WitnessResult =
  | { readonly status: 'sat'; readonly witness: string }
  | { readonly status: 'unsat' }
  | { readonly status: 'unknown'; readonly reason: string };

const PRINTABLE_LOW = 0x21;
const PRINTABLE_HIGH = 0x7e;
/** Preferred witness characters, tried first when a range allows them. */
const PREFERRED = [...'a0-_'].map((char) => char.codePointAt(0) as number);

/** Picks a representative of [low, high], preferring readable ASCII. */
function representative(low: number, high: number): number {
  for (const preferred of PREFERRED) if (low <= preferred && preferred <= high) return preferred;
  if (high >= PRINTABLE_LOW && low <= PRINTABLE_HIGH) return Math.max(low, PRINTABLE_LOW);
  return low;
}

/**
 * A shortest string satisfying every literal, or proof that none exists.
 * Explores at most `maxStates` product states.
 */
export function regularWitness(literals: readonly RegularLiteral[], maxStates: number): WitnessResult {
  const machines = literals.map((literal) => automatonOf(literal.regex));
  const accepts = (states: readonly number[]): boolean =>
    states.every((state, index) => machines[index]?.accepting(state) === literals[index]?.positive);
  const start = machines.map((machine) => machine.start);
  const parents = new Map<string, { readonly from: string; readonly char: number } | null>();
  parents.set(start.join(','), null);
  let frontier: number[][] = [start];
  while (frontier.length > 0) {
    const next: number[][] = [];
    for (const states of frontier) {
      const key = states.join(',');
      if (accepts(states)) return { status: 'sat', witness: spell(parents, key) };
      const cuts = new Set<number>([0]);
      states.forEach((state, index) => machines[index]?.boundaries(state, cuts));
      const sorted = [...cuts].filter((cut) => cut <= 0x10ffff).sort((a, b) => a - b);
      const chars = sorted.map((low, index) => representative(low, (sorted[index + 1] ?? 0x110000) - 1));
      // Readable characters first, so that the first witness found is readable.
      chars.sort((a, b) => Number(!isPrintable(a)) - Number(!isPrintable(b)));
      for (const char of chars) {
        const successor = states.map((state, index) => (machines[index] as Automaton).step(state, char));
        // A positive literal whose machine died can never accept again, a negative one whose machine
        // accepts everything from here can never reject again: prune the branch.
        if (
          successor.some((state, index) =>
            literals[index]?.positive === true
              ? machines[index]?.dead(state) === true
              : machines[index]?.universal(state) === true,
          )
        ) {
          continue;
        }
        const successorKey = successor.join(',');
        if (parents.has(successorKey)) continue;
        parents.set(successorKey, { from: key, char });
        if (parents.size > maxStates) {
          return { status: 'unknown', reason: `automaton product exceeds ${maxStates} states` };
        }
        next.push(successor);
      }
    }
    frontier = next;
  }
  return { status: 'unsat' };
}

function isPrintable(codePoint: number): boolean {
  return codePoint >= PRINTABLE_LOW && codePoint <= PRINTABLE_HIGH;
}

function spell(
  parents: ReadonlyMap<string, { readonly from: string; readonly char: number } | null>,
  key: string,
): string {
  const chars: number[] = [];
  for (let step = parents.get(key); step; step = parents.get(step.from)) chars.push(step.char);
  return String.fromCodePoint(...chars.reverse());
}
