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
 * construction): on the ranges `classes[edgeClass[i]]` (shared with the
 * regex; -1 for none) to `edgeTargets[i]`;
 * its epsilon successors are `epsilonTargets[epsilonStart[i] .. epsilonStart[i + 1])`.
 * A DFA state is the set of NFA states of a closure that matter — those with
 * an edge, and the accepting one —, sorted, so that it stays small.
 */
export class Automaton {
  private readonly stateCount: number;
  private readonly edgeClass: Int32Array;
  /** The distinct character classes of the regex (a few dozen, however long the regex). */
  private readonly classes: (readonly CodePointRange[])[] = [];
  private readonly edgeTargets: Int32Array;
  private readonly epsilonStart: Int32Array;
  private readonly epsilonTargets: Int32Array;
  private readonly accept: number;
  /** DFA state ids by the hash of their NFA state set (collisions share a bucket). */
  private readonly dfaIds = new Map<number, number | number[]>();
  private readonly dfaSets: Int32Array[] = [];
  private readonly dfaAccepting: boolean[] = [];
  private readonly transitions: Map<number, number>[] = [];
  private readonly cuts: (Int32Array | undefined)[] = [];
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
    this.edgeClass = new Int32Array(size.states).fill(-1);
    this.edgeTargets = new Int32Array(size.states).fill(-1);
    const build: NfaBuild = {
      next: 0,
      links: new Int32Array(size.links * 2),
      linkCount: 0,
      classIds: new Map(),
    };
    const entry = this.build(regex, build);
    this.accept = entry + 1;
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
    const seeds = (this.seeds = new Int32Array(this.stateCount));
    seeds[0] = entry;
    this.start = this.closure(seeds, 1);
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
      const cuts = this.cutsOf(current);
      // Code point 0, then every cut: one code point per stretch of constant transitions.
      for (let index = -1; index < cuts.length; index++) {
        const cut = index < 0 ? 0 : (cuts[index] as number);
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
    // INVARIANT: the constructor made the scratch; `closure` reads the seeds before `collect` writes `found`.
    const targets = this.seeds as Int32Array;
    let count = 0;
    for (const nfaState of this.dfaSets[state] as Int32Array) {
      const ranges = this.rangesOf(nfaState);
      if (ranges !== undefined && inRanges(ranges, codePoint))
        targets[count++] = this.edgeTargets[nfaState] as number;
    }
    const next = this.closure(targets, count);
    row.set(codePoint, next);
    return next;
  }

  /**
   * The distinct range starts (and ends + 1) of `state`'s outgoing
   * transitions, ascending, computed once per DFA state: the code points
   * where its transitions may change.
   */
  cutsOf(state: number): Int32Array {
    const known = this.cuts[state];
    if (known !== undefined) return known;
    let count = 0;
    for (const nfaState of this.dfaSets[state] as Int32Array) {
      const ranges = this.rangesOf(nfaState);
      if (ranges !== undefined) count += 2 * ranges.length;
    }
    const found = new Int32Array(count);
    count = 0;
    for (const nfaState of this.dfaSets[state] as Int32Array) {
      const ranges = this.rangesOf(nfaState);
      if (ranges === undefined) continue;
      for (const [low, high] of ranges) {
        found[count++] = low;
        found[count++] = high + 1;
      }
    }
    // A typed array sorts numerically in place, without a comparator.
    found.sort();
    const distinct = dedupeSorted(found, count);
    const cuts = distinct === count ? found : found.slice(0, distinct);
    this.cuts[state] = cuts;
    return cuts;
  }

  private rangesOf(nfaState: number): readonly CodePointRange[] | undefined {
    const id = this.edgeClass[nfaState] as number;
    return id < 0 ? undefined : this.classes[id];
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
        const ranges = this.rangesOf(nfaState);
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

  /** The DFA state of the epsilon closure of the first `seedCount` seeds; a new state is interned with its set sorted. */
  private closure(seeds: Int32Array, seedCount: number): number {
    const count = this.collect(seeds, seedCount);
    const found = this.found as Int32Array;
    sortPrefix(found, count);
    return this.intern(found, count);
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
      if (this.edgeClass[state] !== -1 || state === this.accept) found[count++] = state;
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

  /** The id of the DFA state `set[0 .. count)` (the scratch: copied when it is new). */
  private intern(set: Int32Array, count: number): number {
    const hash = hashStates(set, count);
    const bucket = this.dfaIds.get(hash);
    if (typeof bucket === 'number') {
      if (sameStates(this.dfaSets[bucket] as Int32Array, set, count)) return bucket;
    } else if (bucket !== undefined) {
      for (const id of bucket) if (sameStates(this.dfaSets[id] as Int32Array, set, count)) return id;
    }
    const id = this.dfaSets.length;
    if (bucket === undefined) this.dfaIds.set(hash, id);
    else if (typeof bucket === 'number') this.dfaIds.set(hash, [bucket, id]);
    else bucket.push(id);
    const copy = set.slice(0, count);
    this.dfaSets.push(copy);
    this.dfaAccepting.push(copy.includes(this.accept));
    this.transitions.push(new Map());
    return id;
  }

  /**
   * Returns the entry state of a fragment; its exit is always the next state
   * (returned as a number, not a pair: this runs for every node of every
   * regex compiled). Epsilon edges go to `build.links` as from, to pairs.
   */
  private build(regex: Regex, build: NfaBuild): number {
    const entry = build.next;
    const exit = entry + 1;
    build.next += 2;
    switch (regex.kind) {
      case 'nothing':
        break;
      case 'epsilon':
        addLink(build, entry, exit);
        break;
      case 'class':
        this.edgeClass[entry] = this.classId(regex.ranges, build);
        this.edgeTargets[entry] = exit;
        break;
      case 'concat': {
        let current = entry;
        for (const part of regex.parts) {
          const partEntry = this.build(part, build);
          addLink(build, current, partEntry);
          current = partEntry + 1;
        }
        addLink(build, current, exit);
        break;
      }
      case 'union':
        for (const option of regex.options) {
          const optionEntry = this.build(option, build);
          addLink(build, entry, optionEntry);
          addLink(build, optionEntry + 1, exit);
        }
        break;
      case 'star': {
        const innerEntry = this.build(regex.inner, build);
        addLink(build, entry, exit);
        addLink(build, entry, innerEntry);
        addLink(build, innerEntry + 1, innerEntry);
        addLink(build, innerEntry + 1, exit);
        break;
      }
      default:
        unreachable(regex);
    }
    return entry;
  }

  /** The index of `ranges` in `classes` (by identity: character regexes are shared, see regex.ts). */
  private classId(ranges: readonly CodePointRange[], build: NfaBuild): number {
    const known = build.classIds.get(ranges);
    if (known !== undefined) return known;
    const id = this.classes.length;
    this.classes.push(ranges);
    build.classIds.set(ranges, id);
    return id;
  }
}

interface NfaBuild {
  /** The next free state. */
  next: number;
  /** Epsilon edges as from, to pairs; sized by `countNfa`. */
  readonly links: Int32Array;
  linkCount: number;
  readonly classIds: Map<readonly CodePointRange[], number>;
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

function hashStates(set: Int32Array, count: number): number {
  let hash = 0x811c9dc5 ^ count;
  for (let index = 0; index < count; index++) hash = Math.imul(hash ^ (set[index] as number), 0x01000193);
  return hash;
}

/**
 * Sorts `values[0 .. count)` ascending in place: by insertion when short (most
 * closures and theory keys), else natively — without a view of the scratch
 * for the short ones.
 */
export function sortPrefix(values: Int32Array | Float64Array, count: number): void {
  if (count > 32) {
    values.subarray(0, count).sort();
    return;
  }
  for (let index = 1; index < count; index++) {
    const value = values[index] as number;
    let position = index - 1;
    while (position >= 0 && (values[position] as number) > value) {
      values[position + 1] = values[position] as number;
      position--;
    }
    values[position + 1] = value;
  }
}

/** Moves the distinct values of the sorted `values[0 .. count)` to its front; returns how many there are. */
function dedupeSorted(values: Int32Array, count: number): number {
  let distinct = 0;
  for (let index = 0; index < count; index++) {
    const value = values[index] as number;
    if (distinct === 0 || values[distinct - 1] !== value) values[distinct++] = value;
  }
  return distinct;
}

function sameStates(known: Int32Array, set: Int32Array, count: number): boolean {
  if (known.length !== count) return false;
  for (let index = 0; index < count; index++) if (known[index] !== set[index]) return false;
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
 * The product states of one witness search, numbered in the order they are
 * found — which is breadth-first order, so the frontier is just the range of
 * numbers not expanded yet. Tuples, parents and characters live in typed
 * arrays and tuples are found again through an open-addressing table of
 * their hashes (compared exactly on a hit), so a search allocates no object
 * per state. The arrays are kept between searches (a search never starts
 * another one), grown by doubling.
 */
class ProductTable {
  private width = 0;
  size = 0;
  tuples = new Int32Array(256);
  parents = new Int32Array(64);
  chars = new Int32Array(64);
  /** Open addressing: state number + 1, 0 for an empty slot. */
  private slots = new Int32Array(128);
  private mask = 127;

  reset(width: number): void {
    this.width = width;
    this.size = 0;
    this.slots.fill(0);
  }

  /** The number of the state with this tuple, or -1. */
  find(tuple: Int32Array): number {
    for (let slot = hashTuple(tuple, 0, this.width) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot] as number;
      if (entry === 0) return -1;
      if (this.holds(entry - 1, tuple)) return entry - 1;
    }
  }

  /** Adds a tuple not in the table yet; returns its number. */
  add(tuple: Int32Array, parent: number, char: number): number {
    const id = this.size++;
    if (this.size > this.parents.length) {
      this.parents = grown(this.parents, this.size);
      this.chars = grown(this.chars, this.size);
    }
    if (this.size * this.width > this.tuples.length) this.tuples = grown(this.tuples, this.size * this.width);
    for (let index = 0; index < this.width; index++)
      this.tuples[id * this.width + index] = tuple[index] as number;
    this.parents[id] = parent;
    this.chars[id] = char;
    // At most half full, so that probes stay short.
    if (2 * this.size > this.mask + 1) this.rehash();
    else this.place(id);
    return id;
  }

  /** The `index`th DFA state of state `id`. */
  stateOf(id: number, index: number): number {
    return this.tuples[id * this.width + index] as number;
  }

  private holds(id: number, tuple: Int32Array): boolean {
    const base = id * this.width;
    for (let index = 0; index < this.width; index++)
      if (this.tuples[base + index] !== tuple[index]) return false;
    return true;
  }

  private place(id: number): void {
    let slot = hashTuple(this.tuples, id * this.width, this.width) & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = id + 1;
  }

  private rehash(): void {
    const length = 2 * (this.mask + 1);
    if (this.slots.length < length) this.slots = new Int32Array(length);
    else this.slots.fill(0, 0, length);
    this.mask = length - 1;
    for (let id = 0; id < this.size; id++) this.place(id);
  }
}

/** FNV-1a over `values[offset .. offset + width)`. */
function hashTuple(values: Int32Array, offset: number, width: number): number {
  let hash = 0x811c9dc5;
  for (let index = offset; index < offset + width; index++)
    hash = Math.imul(hash ^ (values[index] as number), 0x01000193);
  return hash >>> 0;
}

function grown(array: Int32Array, needed: number): Int32Array<ArrayBuffer> {
  let length = array.length;
  while (length < needed) length *= 2;
  const copy = new Int32Array(length);
  copy.set(array);
  return copy;
}

const table = new ProductTable();
/** Scratch of `charsToTry`: two buffers of merged cuts, and the characters it returns. */
let cutsScratch = new Int32Array(256);
let mergeScratch = new Int32Array(256);
let charScratch = new Int32Array(256);
/** Scratch of the successor being built. */
let successor = new Int32Array(8);

/**
 * One representative per range on which every machine's transitions are
 * constant, readable characters first (so that the first witness found is
 * readable), otherwise in code point order: into `charScratch`, returning
 * how many. The machines' cut lists (sorted, cached per DFA state) are
 * merged, not collected in a set and sorted.
 */
function charsToTry(machines: readonly Automaton[], state: number): number {
  let count = 1;
  cutsScratch[0] = 0;
  for (let index = 0; index < machines.length; index++) {
    const cuts = (machines[index] as Automaton).cutsOf(table.stateOf(state, index));
    if (mergeScratch.length < count + cuts.length) mergeScratch = new Int32Array(2 * (count + cuts.length));
    count = mergeSorted(cutsScratch, count, cuts, mergeScratch);
    const merged = mergeScratch;
    mergeScratch = cutsScratch;
    cutsScratch = merged;
  }
  while (count > 0 && (cutsScratch[count - 1] as number) > MAX_CODE_POINT) count--;
  if (charScratch.length < count) charScratch = new Int32Array(2 * count);
  const written = representatives(count, true, 0);
  return representatives(count, false, written);
}

/** Appends to `charScratch` from `written` on the representatives of the `count` cut ranges that are (not) printable. */
function representatives(count: number, printable: boolean, written: number): number {
  for (let index = 0; index < count; index++) {
    const high = index + 1 < count ? (cutsScratch[index + 1] as number) - 1 : MAX_CODE_POINT;
    const char = representative(cutsScratch[index] as number, high);
    if (isPrintable(char) === printable) charScratch[written++] = char;
  }
  return written;
}

/** Merges the sorted, distinct `left[0 .. leftCount)` and `right` into `into`, without duplicates; returns the count. */
function mergeSorted(left: Int32Array, leftCount: number, right: Int32Array, into: Int32Array): number {
  let count = 0;
  let l = 0;
  let r = 0;
  while (l < leftCount || r < right.length) {
    const fromLeft = l < leftCount ? (left[l] as number) : Infinity;
    const fromRight = r < right.length ? (right[r] as number) : Infinity;
    const next = Math.min(fromLeft, fromRight);
    if (fromLeft === next) l++;
    if (fromRight === next) r++;
    into[count++] = next;
  }
  return count;
}

/**
 * A shortest string satisfying every literal, or proof that none exists.
 * Explores at most `maxStates` product states.
 */
export function regularWitness(literals: readonly RegularLiteral[], maxStates: number): WitnessResult {
  const machines = literals.map((literal) => automatonOf(literal.regex));
  const count = machines.length;
  if (successor.length < count) successor = new Int32Array(2 * count);
  table.reset(count);
  for (let index = 0; index < count; index++) successor[index] = (machines[index] as Automaton).start;
  table.add(successor, -1, 0);
  // Breadth-first: states are numbered in the order found.
  for (let current = 0; current < table.size; current++) {
    if (accepts(machines, literals, current)) return { status: 'sat', witness: spell(current) };
    const chars = charsToTry(machines, current);
    successors: for (let position = 0; position < chars; position++) {
      const char = charScratch[position] as number;
      for (let index = 0; index < count; index++) {
        const machine = machines[index] as Automaton;
        const state = machine.step(table.stateOf(current, index), char);
        // A positive literal whose machine died can never accept again, a negative one whose machine
        // accepts everything from here can never reject again: prune the branch.
        if ((literals[index] as RegularLiteral).positive ? machine.dead(state) : machine.universal(state)) {
          continue successors;
        }
        successor[index] = state;
      }
      if (table.find(successor) >= 0) continue;
      table.add(successor, current, char);
      if (table.size > maxStates) {
        return { status: 'unknown', reason: `automaton product exceeds ${maxStates} states` };
      }
    }
  }
  return { status: 'unsat' };
}

function accepts(
  machines: readonly Automaton[],
  literals: readonly RegularLiteral[],
  state: number,
): boolean {
  for (let index = 0; index < machines.length; index++) {
    const accepting = (machines[index] as Automaton).accepting(table.stateOf(state, index));
    if (accepting !== (literals[index] as RegularLiteral).positive) return false;
  }
  return true;
}

function isPrintable(codePoint: number): boolean {
  return codePoint >= PRINTABLE_LOW && codePoint <= PRINTABLE_HIGH;
}

/** The characters that lead from the start to product state `state`. */
function spell(state: number): string {
  const chars: number[] = [];
  for (let at = state; at > 0; at = table.parents[at] as number) chars.push(table.chars[at] as number);
  return String.fromCodePoint(...chars.reverse());
}
