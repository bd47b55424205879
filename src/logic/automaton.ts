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
 * The NFA is held in flat typed arrays, sized before it is built, rather than
 * an object per state or growing arrays of numbers: a long Action list
 * compiles to ~100,000 states, automata are kept in a cache across checks,
 * and whatever lives on the JavaScript heap is copied again by every
 * young-generation collection until it is promoted (typed arrays' contents
 * live outside that heap). State i has at most one labelled edge (Thompson
 * construction): `edgeRanges[i]` (shared with the regex) to `edgeTargets[i]`;
 * its epsilon successors are `epsilonTargets[epsilonStart[i] .. epsilonStart[i + 1])`.
 * A DFA state is the set of NFA states of a closure that matter — those with
 * an edge, and the accepting one —, sorted, so that it stays small.
 */
export class Automaton {
  private readonly stateCount: number;
  private readonly edgeRanges: (readonly CodePointRange[] | undefined)[];
  private readonly edgeTargets: Int32Array;
  private readonly epsilonStart: Int32Array;
  private readonly epsilonTargets: Int32Array;
  private readonly accept: number;
  /** DFA state ids by the hash of their NFA state set (collisions share a bucket). */
  private readonly dfaIds = new Map<number, number | number[]>();
  private readonly dfaSets: Int32Array[] = [];
  private readonly dfaAccepting: boolean[] = [];
  private readonly transitions: Map<number, number>[] = [];
  private readonly cuts: (readonly number[] | undefined)[] = [];
  private readonly universals: (boolean | undefined)[] = [];
  // Scratch of the closures, one slot per NFA state: marks (a per-call stamp
  // instead of a fresh set), the depth-first stack, the states found.
  private marks: Int32Array | undefined;
  private stack: Int32Array | undefined;
  private found: Int32Array | undefined;
  /** Scratch of `simulate`: the states one code point leads to. */
  private seeds: Int32Array | undefined;
  private stamp = 0;
  readonly start: number;

  constructor(regex: Regex) {
    const size = { states: 0, links: 0 };
    countNfa(regex, size);
    this.stateCount = size.states;
    this.edgeRanges = new Array<readonly CodePointRange[] | undefined>(size.states).fill(undefined);
    this.edgeTargets = new Int32Array(size.states).fill(-1);
    const build: NfaBuild = { next: 0, links: new Int32Array(size.links * 2), linkCount: 0 };
    const [entry, exit] = this.build(regex, build);
    this.accept = exit;
    const links = build.links;
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
    this.start = this.closure([entry]);
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
    return (this.dfaSets[state] as Int32Array).length === 0;
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
    for (const nfaState of this.dfaSets[state] as Int32Array) {
      const ranges = this.edgeRanges[nfaState];
      if (ranges !== undefined && inRanges(ranges, codePoint))
        targets.push(this.edgeTargets[nfaState] as number);
    }
    const next = this.closure(targets);
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
    for (const nfaState of this.dfaSets[state] as Int32Array) {
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

  /**
   * Follows the DFA's known transitions; from the first one not known yet,
   * simulates the NFA instead of adding DFA states: strings read once (sample
   * witnesses, models) would otherwise grow an automaton that the cache keeps
   * across checks, and all of it would be copied by the next young-generation
   * collection. The product search and `step` still build the DFA.
   */
  matches(text: string): boolean {
    let state = this.start;
    // By code point, as `for…of` reads a string, without a string per character.
    for (let index = 0; index < text.length;) {
      const codePoint = text.codePointAt(index) as number;
      const next = (this.transitions[state] as Map<number, number>).get(codePoint);
      if (next === undefined) return this.simulate(this.dfaSets[state] as Int32Array, text, index);
      state = next;
      index += codePoint > 0xffff ? 2 : 1;
    }
    return this.accepting(state);
  }

  /** Whether the NFA accepts the rest of `text` from `index`, starting in the NFA states `from`. */
  private simulate(from: Int32Array, text: string, index: number): boolean {
    const seeds = (this.seeds ??= new Int32Array(this.stateCount));
    let states = from;
    let count = from.length;
    for (let at = index; at < text.length;) {
      const codePoint = text.codePointAt(at) as number;
      let seedCount = 0;
      for (let position = 0; position < count; position++) {
        const nfaState = states[position] as number;
        const ranges = this.edgeRanges[nfaState];
        if (ranges !== undefined && inRanges(ranges, codePoint))
          seeds[seedCount++] = this.edgeTargets[nfaState] as number;
      }
      if (seedCount === 0) return false;
      // The closure scratch, read before the next closure overwrites it.
      count = this.collect(seeds, seedCount);
      states = this.found as Int32Array;
      at += codePoint > 0xffff ? 2 : 1;
    }
    for (let position = 0; position < count; position++) if (states[position] === this.accept) return true;
    return false;
  }

  /** The DFA state of the epsilon closure of `seeds`; a new state is interned with its set sorted. */
  private closure(seeds: readonly number[]): number {
    const count = this.collect(seeds, seeds.length);
    return this.intern((this.found as Int32Array).subarray(0, count).sort());
  }

  /**
   * The epsilon closure of `seeds`, reduced to the states with an edge and
   * the accepting state (the others behave as nothing once the closure is
   * taken), unsorted, into the first `count` slots of `found` (which the
   * next call overwrites); returns `count`.
   */
  private collect(seeds: ArrayLike<number>, seedCount: number): number {
    const marks = (this.marks ??= new Int32Array(this.stateCount));
    const stack = (this.stack ??= new Int32Array(this.stateCount));
    const found = (this.found ??= new Int32Array(this.stateCount));
    const stamp = ++this.stamp;
    let depth = 0;
    let count = 0;
    for (let index = 0; index < seedCount; index++) {
      const seed = seeds[index] as number;
      if (marks[seed] === stamp) continue;
      marks[seed] = stamp;
      stack[depth++] = seed;
    }
    while (depth > 0) {
      const state = stack[--depth] as number;
      if (this.edgeRanges[state] !== undefined || state === this.accept) found[count++] = state;
      const end = this.epsilonStart[state + 1] as number;
      for (let index = this.epsilonStart[state] as number; index < end; index++) {
        const target = this.epsilonTargets[index] as number;
        if (marks[target] === stamp) continue;
        marks[target] = stamp;
        stack[depth++] = target;
      }
    }
    return count;
  }

  /** The id of the DFA state `set` (a view of the scratch: copied when it is new). */
  private intern(set: Int32Array): number {
    const hash = hashStates(set);
    const bucket = this.dfaIds.get(hash);
    if (bucket !== undefined) {
      for (const id of typeof bucket === 'number' ? [bucket] : bucket)
        if (sameStates(this.dfaSets[id] as Int32Array, set)) return id;
    }
    const id = this.dfaSets.length;
    if (bucket === undefined) this.dfaIds.set(hash, id);
    else if (typeof bucket === 'number') this.dfaIds.set(hash, [bucket, id]);
    else bucket.push(id);
    this.dfaSets.push(set.slice());
    this.dfaAccepting.push(set.includes(this.accept));
    this.transitions.push(new Map());
    return id;
  }

  /** Returns the entry and exit states of a fragment; epsilon edges go to `build.links` as from, to pairs. */
  private build(regex: Regex, build: NfaBuild): [number, number] {
    const entry = build.next++;
    const exit = build.next++;
    switch (regex.kind) {
      case 'nothing':
        break;
      case 'epsilon':
        addLink(build, entry, exit);
        break;
      case 'class':
        this.edgeRanges[entry] = regex.ranges;
        this.edgeTargets[entry] = exit;
        break;
      case 'concat': {
        let current = entry;
        for (const part of regex.parts) {
          const [partEntry, partExit] = this.build(part, build);
          addLink(build, current, partEntry);
          current = partExit;
        }
        addLink(build, current, exit);
        break;
      }
      case 'union':
        for (const option of regex.options) {
          const [optionEntry, optionExit] = this.build(option, build);
          addLink(build, entry, optionEntry);
          addLink(build, optionExit, exit);
        }
        break;
      case 'star': {
        const [innerEntry, innerExit] = this.build(regex.inner, build);
        addLink(build, entry, exit);
        addLink(build, entry, innerEntry);
        addLink(build, innerExit, innerEntry);
        addLink(build, innerExit, exit);
        break;
      }
      default:
        unreachable(regex);
    }
    return [entry, exit];
  }
}

interface NfaBuild {
  /** The next free state. */
  next: number;
  /** Epsilon edges as from, to pairs; sized by `countNfa`. */
  readonly links: Int32Array;
  linkCount: number;
}

function addLink(build: NfaBuild, from: number, to: number): void {
  build.links[build.linkCount++] = from;
  build.links[build.linkCount++] = to;
}

/** Adds the NFA states and epsilon edges `Automaton.build` makes for `regex` (the same recursion). */
function countNfa(regex: Regex, size: { states: number; links: number }): void {
  size.states += 2;
  switch (regex.kind) {
    case 'nothing':
    case 'class':
      break;
    case 'epsilon':
      size.links += 1;
      break;
    case 'concat':
      size.links += regex.parts.length + 1;
      for (const part of regex.parts) countNfa(part, size);
      break;
    case 'union':
      size.links += 2 * regex.options.length;
      for (const option of regex.options) countNfa(option, size);
      break;
    case 'star':
      size.links += 4;
      countNfa(regex.inner, size);
      break;
    default:
      unreachable(regex);
  }
}

function hashStates(set: Int32Array): number {
  let hash = 0x811c9dc5 ^ set.length;
  for (const state of set) hash = Math.imul(hash ^ state, 0x01000193);
  return hash;
}

function sameStates(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
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
 * A product state's key: up to three DFA states below 2^16 packed into one
 * number (exact: 48 bits), others joined as text. A call compares tuples of
 * one length only, and a tuple always gets the same kind of key, so keys
 * are equal exactly when the tuples are. Numbers spare the search a string
 * per explored successor.
 */
type ProductKey = number | string;

function productKey(states: readonly number[]): ProductKey {
  if (states.length > 3) return states.join(',');
  let key = 0;
  let scale = 1;
  for (const state of states) {
    if (state >= 0x10000) return states.join(',');
    key += state * scale;
    scale *= 0x10000;
  }
  return key;
}

/**
 * One representative per range on which every machine's transitions are
 * constant, readable characters first (so that the first witness found is
 * readable), otherwise in code point order. `cuts` is scratch space.
 */
function charsToTry(machines: readonly Automaton[], states: readonly number[], cuts: Set<number>): number[] {
  cuts.clear();
  cuts.add(0);
  for (let index = 0; index < machines.length; index++) {
    (machines[index] as Automaton).boundaries(states[index] as number, cuts);
  }
  const sorted: number[] = [];
  for (const cut of cuts) if (cut <= 0x10ffff) sorted.push(cut);
  sorted.sort((a, b) => a - b);
  const printable: number[] = [];
  const others: number[] = [];
  for (let index = 0; index < sorted.length; index++) {
    const char = representative(sorted[index] as number, (sorted[index + 1] ?? 0x110000) - 1);
    (isPrintable(char) ? printable : others).push(char);
  }
  for (const char of others) printable.push(char);
  return printable;
}

/**
 * A shortest string satisfying every literal, or proof that none exists.
 * Explores at most `maxStates` product states.
 */
export function regularWitness(literals: readonly RegularLiteral[], maxStates: number): WitnessResult {
  const machines = literals.map((literal) => automatonOf(literal.regex));
  const count = machines.length;
  const accepts = (states: readonly number[]): boolean =>
    states.every((state, index) => machines[index]?.accepting(state) === literals[index]?.positive);
  const start = machines.map((machine) => machine.start);
  const parents = new Map<ProductKey, { readonly from: ProductKey; readonly char: number } | null>();
  parents.set(productKey(start), null);
  const cuts = new Set<number>();
  const successor = new Array<number>(count).fill(0);
  let frontier: number[][] = [start];
  while (frontier.length > 0) {
    const next: number[][] = [];
    for (const states of frontier) {
      const key = productKey(states);
      if (accepts(states)) return { status: 'sat', witness: spell(parents, key) };
      successors: for (const char of charsToTry(machines, states, cuts)) {
        for (let index = 0; index < count; index++) {
          const machine = machines[index] as Automaton;
          const state = machine.step(states[index] as number, char);
          // A positive literal whose machine died can never accept again, a negative one whose machine
          // accepts everything from here can never reject again: prune the branch.
          if (literals[index]?.positive === true ? machine.dead(state) : machine.universal(state)) {
            continue successors;
          }
          successor[index] = state;
        }
        const successorKey = productKey(successor);
        if (parents.has(successorKey)) continue;
        parents.set(successorKey, { from: key, char });
        if (parents.size > maxStates) {
          return { status: 'unknown', reason: `automaton product exceeds ${maxStates} states` };
        }
        next.push(successor.slice());
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
  parents: ReadonlyMap<ProductKey, { readonly from: ProductKey; readonly char: number } | null>,
  key: ProductKey,
): string {
  const chars: number[] = [];
  for (let step = parents.get(key); step; step = parents.get(step.from)) chars.push(step.char);
  return String.fromCodePoint(...chars.reverse());
}
