// Finite domains: a string variable declared to range over a given finite set
// of strings (e.g. an action catalog). A formula whose only variable is such a
// string and whose atoms are regular is decided exactly, without automata or
// search: each atom is evaluated once to the set of members it holds for (a
// bitset, cached per regex), the Boolean structure becomes bitset operations,
// and the formula is SAT exactly when its set is non-empty, with a member as
// the model. Any other formula that mentions a domain variable gets the
// membership as one more atom and goes to the ordinary search.
//
// An atom is evaluated by walking the regex over the domain's members kept
// sorted by code points: the members starting with a given prefix are one
// contiguous run, so a trie node is a (depth, run) pair, a child is found by
// binary search, and `p*` (a trailing `Σ*`) takes the whole run at once.
import { GenerationalCache } from './cache.js';
import { evaluateFormula } from './evaluate.js';
import { and, atomsOf, matches, variable, variablesOf, type Formula } from './formula.js';
import { literal, MAX_CODE_POINT, regexKey, union, unreachable, type Regex } from './regex.js';
import type { Verdict } from './solve.js';

/** Bits per word of a member set. */
const WORD = 32;

/** Words of atom sets kept per domain and generation: about 16 MB. */
const ATOM_SET_WORDS = 4_000_000;

/** The finite set of strings a variable ranges over; build once (`finiteDomain`) and reuse. */
export class FiniteDomain {
  /** The members, distinct, sorted by code points. */
  readonly values: readonly string[];
  /** Each member's code points. */
  readonly points: readonly (readonly number[])[];
  /** More than the longest member's length: a node's key is `low * stride + depth`. */
  readonly stride: number;
  /** How many leading code points each member shares with the one before it (0 for the first). */
  readonly shared: readonly number[];
  private readonly atomSets = new GenerationalCache<string, Uint32Array>(
    ATOM_SET_WORDS,
    (_key, set) => set.length + 8,
  );
  private membershipRegex: Regex | undefined;

  constructor(values: Iterable<string>) {
    const points = [...new Set(values)].map((value) =>
      [...value].map((char) => char.codePointAt(0) as number),
    );
    points.sort(comparePoints);
    this.points = points;
    this.stride = points.reduce((longest, codePoints) => Math.max(longest, codePoints.length), 0) + 1;
    this.shared = points.map((codePoints, index) => commonLength(points[index - 1] ?? [], codePoints));
    this.values = points.map((codePoints) => String.fromCodePoint(...codePoints));
  }

  get size(): number {
    return this.values.length;
  }

  /** The members `regex` matches: evaluated once per regex structure. */
  matching(regex: Regex): Uint32Array {
    const key = regexKey(regex);
    const known = this.atomSets.get(key);
    if (known !== undefined) return known;
    const set = this.emptySet();
    const { exact, whole } = reached();
    if (this.size > 0) reach(this, regex, [{ depth: 0, low: 0, high: this.size }], true, { exact, whole });
    for (const node of exact) if (isMember(this, node)) setBit(set, node.low);
    for (const node of whole) for (let index = node.low; index < node.high; index++) setBit(set, index);
    this.atomSets.set(key, set);
    return set;
  }

  emptySet(): Uint32Array {
    return new Uint32Array(Math.ceil(this.size / WORD));
  }

  /** Every member: the set with no bit past the last member. */
  fullSet(): Uint32Array {
    const set = this.emptySet().fill(0xffffffff);
    trimTail(set, this.size);
    return set;
  }

  /** The union of the members as one regex: the membership atom of the fallback to the search. */
  membership(): Regex {
    this.membershipRegex ??= union(this.values.map((value) => literal(value)));
    return this.membershipRegex;
  }
}

export const finiteDomain = (values: Iterable<string>): FiniteDomain => new FiniteDomain(values);

function commonLength(a: readonly number[], b: readonly number[]): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}

function comparePoints(a: readonly number[], b: readonly number[]): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const difference = (a[index] as number) - (b[index] as number);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/**
 * A node of the domain's implicit trie: the members `low..high-1` share their
 * first `depth` code points (and no other member does); never empty.
 */
interface Node {
  readonly depth: number;
  readonly low: number;
  readonly high: number;
}

/** The member ending at this node, if any, is the first of its run. */
const isMember = (domain: FiniteDomain, node: Node): boolean =>
  (domain.points[node.low] as readonly number[]).length === node.depth;

/** The code point after the node's prefix; -1 for the member that ends there. */
const pointAt = (domain: FiniteDomain, index: number, depth: number): number =>
  (domain.points[index] as readonly number[])[depth] ?? -1;

/** The first member of `node.low..high-1` whose next code point is at least `codePoint`. */
function lowerBound(domain: FiniteDomain, node: Node, from: number, codePoint: number): number {
  let low = from;
  let high = node.high;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (pointAt(domain, middle, node.depth) < codePoint) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The children of `node` along code points in the class's ranges. */
function childrenIn(
  domain: FiniteDomain,
  node: Node,
  ranges: readonly (readonly [number, number])[],
  into: Node[],
): void {
  for (const [first, last] of ranges) {
    let start = lowerBound(domain, node, node.low, first);
    while (start < node.high) {
      const codePoint = pointAt(domain, start, node.depth);
      if (codePoint > last) break;
      const end = lowerBound(domain, node, start, codePoint + 1);
      into.push({ depth: node.depth + 1, low: start, high: end });
      start = end;
    }
  }
}

/**
 * The node below `node` along `run`, a word: its members are those of `node`
 * that continue with `run`, one stretch found by two binary searches rather
 * than a step per code point.
 */
function descend(domain: FiniteDomain, node: Node, run: readonly number[], into: Node[]): void {
  // The sign of (the member's code points after the node's prefix, cut to the run's length) − run.
  const compare = (index: number): number => {
    const points = domain.points[index] as readonly number[];
    for (let offset = 0; offset < run.length; offset++) {
      const difference = (points[node.depth + offset] ?? -1) - (run[offset] as number);
      if (difference !== 0) return difference;
    }
    return 0;
  };
  const bound = (past: boolean): number => {
    let low = node.low;
    let high = node.high;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const sign = compare(middle);
      if (sign < 0 || (past && sign === 0)) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  const low = bound(false);
  if (low < node.high && compare(low) === 0)
    into.push({ depth: node.depth + run.length, low, high: bound(true) });
}

/**
 * Where reading a regex from some nodes ends: `exact` nodes, whose member (if
 * any) matches, and, only in tail position, `whole` nodes, every member below
 * which matches (a trailing `Σ*`).
 */
interface Reach {
  readonly exact: Node[];
  readonly whole: Node[];
}

const reached = (): Reach => ({ exact: [], whole: [] });

/** Adds to `into` where reading `regex` from `from` ends. */
function reach(domain: FiniteDomain, regex: Regex, from: readonly Node[], tail: boolean, into: Reach): void {
  if (from.length === 0) return;
  switch (regex.kind) {
    case 'nothing':
      return;
    case 'epsilon':
      append(into.exact, from);
      return;
    case 'class':
      for (const node of from) childrenIn(domain, node, regex.ranges, into.exact);
      return;
    case 'concat':
      reachConcat(domain, regex.parts, from, tail, into);
      return;
    case 'union':
      for (const option of regex.options) reach(domain, option, from, tail, into);
      return;
    case 'star':
      if (tail && isAnyChar(regex.inner)) append(into.whole, from);
      else if (isAnyChar(regex.inner)) for (const node of from) descendants(domain, node, into.exact);
      else append(into.exact, closure(domain, regex.inner, from));
      return;
    default:
      return unreachable(regex);
  }
}

/** `push(...nodes)` without spreading: a closure can reach more nodes than a call takes arguments. */
function append(into: Node[], nodes: readonly Node[]): void {
  for (const node of nodes) into.push(node);
}

/** The parts in order, each run of single code points (a literal) as one descent. */
function reachConcat(
  domain: FiniteDomain,
  parts: readonly Regex[],
  from: readonly Node[],
  tail: boolean,
  into: Reach,
): void {
  let nodes = from;
  let index = 0;
  while (index < parts.length) {
    const run: number[] = [];
    for (let point = singlePoint(parts[index]); point !== undefined; point = singlePoint(parts[index])) {
      run.push(point);
      index++;
    }
    const part = run.length > 0 ? undefined : (parts[index++] as Regex);
    const last = index === parts.length;
    const next = last ? into : reached();
    if (part === undefined) for (const node of nodes) descend(domain, node, run, next.exact);
    else reach(domain, part, nodes, tail && last, next);
    if (last) return;
    nodes = distinct(domain, next.exact);
    if (nodes.length === 0) return;
  }
}

/** The code point of a one-point class. */
function singlePoint(regex: Regex | undefined): number | undefined {
  if (regex?.kind !== 'class' || regex.ranges.length !== 1) return undefined;
  const [low, high] = regex.ranges[0] as readonly [number, number];
  return low === high ? low : undefined;
}

const isAnyChar = (regex: Regex): boolean =>
  regex.kind === 'class' &&
  regex.ranges.length === 1 &&
  regex.ranges[0]?.[0] === 0 &&
  regex.ranges[0][1] === MAX_CODE_POINT;

/** The nodes reached by reading `inner` any number of times from `from`. */
function closure(domain: FiniteDomain, inner: Regex, from: readonly Node[]): Node[] {
  const seen = new Set<number>();
  const all: Node[] = [];
  const add = (nodes: readonly Node[]): Node[] =>
    nodes.filter((node) => {
      const key = nodeKey(domain, node);
      if (seen.has(key)) return false;
      seen.add(key);
      all.push(node);
      return true;
    });
  for (let frontier = add(from); frontier.length > 0;) {
    const next = reached();
    reach(domain, inner, frontier, false, next);
    frontier = add(next.exact);
  }
  return all;
}

/**
 * Every node at or below `node` (what `Σ*` reaches from it), read off the
 * members in order: member i starts the nodes deeper than what it shares with
 * member i-1, and a node ends before the first later member that shares less
 * than its depth. One pass, no search.
 */
function descendants(domain: FiniteDomain, node: Node, into: Node[]): void {
  // Nodes not yet ended, deepest last: their depth and first member.
  const open: { depth: number; low: number }[] = [];
  for (let index = node.low; index < node.high; index++) {
    const shared = index === node.low ? node.depth - 1 : (domain.shared[index] as number);
    for (let last = open.at(-1); last !== undefined && last.depth > shared; last = open.at(-1)) {
      open.pop();
      into.push({ depth: last.depth, low: last.low, high: index });
    }
    const length = (domain.points[index] as readonly number[]).length;
    for (let depth = shared + 1; depth <= length; depth++) open.push({ depth, low: index });
  }
  for (let last = open.pop(); last !== undefined; last = open.pop())
    into.push({ depth: last.depth, low: last.low, high: node.high });
}

/** A node is its first member and its depth. */
const nodeKey = (domain: FiniteDomain, node: Node): number => node.low * domain.stride + node.depth;

/** Nodes beyond which repeats are found with a mark per possible node rather than a set. */
const MANY_NODES = 4_096;

/** Drops repeats, which would multiply along a concatenation. */
function distinct(domain: FiniteDomain, nodes: readonly Node[]): readonly Node[] {
  if (nodes.length < 2) return nodes;
  // A walk under `Σ*` yields a node per catalog prefix: a flat array of marks beats hashing them.
  const marks = nodes.length < MANY_NODES ? undefined : new Uint8Array(domain.size * domain.stride);
  const seen = new Set<number>();
  return nodes.filter((node) => {
    const key = nodeKey(domain, node);
    if (marks !== undefined) {
      if (marks[key] === 1) return false;
      marks[key] = 1;
      return true;
    }
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function setBit(set: Uint32Array, index: number): void {
  set[index >>> 5] = ((set[index >>> 5] as number) | (1 << (index & 31))) >>> 0;
}

/** Clears the bits past the last member (complement sets them). */
function trimTail(set: Uint32Array, size: number): void {
  const used = size % WORD;
  if (used !== 0) set[set.length - 1] = ((set[set.length - 1] as number) & ((1 << used) - 1)) >>> 0;
}

/** The members for which `formula` holds; every atom is a `matches` on the domain's variable. */
function membersOf(formula: Formula, domain: FiniteDomain): Uint32Array {
  switch (formula.kind) {
    case 'const':
      return formula.value ? domain.fullSet() : domain.emptySet();
    case 'matches':
      return domain.matching(formula.regex);
    case 'not': {
      const set = membersOf(formula.operand, domain).map((word) => ~word >>> 0);
      trimTail(set, domain.size);
      return set;
    }
    case 'and':
    case 'or': {
      const [first, ...rest] = formula.operands.map((operand) => membersOf(operand, domain));
      const set = Uint32Array.from(first as Uint32Array);
      for (const other of rest)
        for (let word = 0; word < set.length; word++)
          set[word] =
            formula.kind === 'and'
              ? ((set[word] as number) & (other[word] as number)) >>> 0
              : ((set[word] as number) | (other[word] as number)) >>> 0;
      return set;
    }
    case 'bool':
    case 'compare':
    case 'inRange':
    case 'template':
    case 'quantified':
      throw new Error(`finite domain: a \`${formula.kind}\` atom is not a set of members`);
    default:
      return unreachable(formula);
  }
}

function firstMember(set: Uint32Array): number | undefined {
  for (let word = 0; word < set.length; word++) {
    const bits = set[word] as number;
    if (bits !== 0) return word * WORD + (31 - Math.clz32(bits & -bits));
  }
  return undefined;
}

/** Decided over the domain, or the formula (membership added) the search must decide. */
export type DomainOutcome =
  | { readonly kind: 'decided'; readonly verdict: Verdict }
  | { readonly kind: 'search'; readonly formula: Formula };

/**
 * Decides `formula` by set operations when its only variable is a string
 * ranging over a domain and every atom is regular; otherwise returns it with
 * each domain variable it mentions constrained to the domain's members.
 */
export function overDomains(formula: Formula, domains: ReadonlyMap<string, FiniteDomain>): DomainOutcome {
  const sorts = variablesOf(formula);
  const named = [...sorts.keys()].filter((name) => domains.has(name));
  for (const name of named)
    if (sorts.get(name) !== 'string') throw new Error(`finite domain for \`${name}\`, which is not a string`);
  const [only] = named;
  const decidable =
    only !== undefined &&
    sorts.size === 1 &&
    atomsOf(formula).every((atom) => atom.kind === 'matches' && atom.subject.kind === 'variable');
  // A constant needs no search either: it holds for any values, or for none.
  if (formula.kind === 'const')
    return {
      kind: 'decided',
      verdict: formula.value ? { status: 'sat', model: new Map() } : { status: 'unsat' },
    };
  if (!decidable) return { kind: 'search', formula: withMembership(formula, domains) };
  const domain = domains.get(only) as FiniteDomain;
  const index = firstMember(membersOf(formula, domain));
  if (index === undefined) return { kind: 'decided', verdict: { status: 'unsat' } };
  const model = new Map([[only, domain.values[index] as string]]);
  // As the search does: a model is returned only once the reference semantics agrees.
  const verdict: Verdict = evaluateFormula(formula, model)
    ? { status: 'sat', model }
    : { status: 'unknown', reason: `finite domain: the member \`${model.get(only)}\` fails the model check` };
  return { kind: 'decided', verdict };
}

/** `formula` with each domain variable it mentions constrained to the domain's members: for engines that know no domains. */
export function withMembership(formula: Formula, domains: ReadonlyMap<string, FiniteDomain>): Formula {
  const named = [...variablesOf(formula).keys()].filter((name) => domains.has(name));
  return and(
    formula,
    ...named.map((name) =>
      matches(variable(name, 'string'), (domains.get(name) as FiniteDomain).membership()),
    ),
  );
}
