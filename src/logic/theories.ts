// Per-variable theory checks: is there a value satisfying these literals?
import { automatonOf, regularWitness, type Automaton, type RegularLiteral } from './automaton.js';
import {
  maxAddress,
  type Atom,
  type Formula,
  type IpAddress,
  type IpFamily,
  type ScalarSort,
  type ScalarValue,
  type Sort,
} from './formula.js';
import { NOTHING, regexKey, union, unreachable, type Regex } from './regex.js';

/** An atom with the truth value the search gave it. */
export interface Literal {
  readonly atom: Atom;
  readonly positive: boolean;
}

export type TheoryResult =
  | { readonly status: 'sat'; readonly value: ScalarValue | readonly ScalarValue[] }
  /** `core`, when given, is a subset of the literals that is already contradictory. */
  | { readonly status: 'unsat'; readonly core?: readonly Literal[] }
  | { readonly status: 'unknown'; readonly reason: string };

export interface TheoryLimits {
  readonly maxAutomatonStates: number;
  /** Decides a quantifier body about one element: used for set witnesses. */
  readonly solveElement: (body: Formula, sort: ScalarSort) => TheoryResult;
}

/** A value of `sort` satisfying every literal; template literals are ignored here. */
export function solveVariable(sort: Sort, literals: readonly Literal[], limits: TheoryLimits): TheoryResult {
  switch (sort) {
    case 'string':
      return solveString(literals, limits);
    case 'number':
      return solveNumber(literals);
    case 'ip':
      return solveIp(literals);
    case 'bool':
      return { status: 'sat', value: literals.some((literal) => literal.positive) };
    case 'set<string>':
    case 'set<number>':
    case 'set<bool>':
    case 'set<ip>':
      return solveSet(sort.slice(4, -1) as ScalarSort, literals, limits);
    default:
      return unreachable(sort);
  }
}

function solveString(literals: readonly Literal[], limits: TheoryLimits): TheoryResult {
  const regular: RegularLiteral[] = [];
  for (const { atom, positive } of literals) {
    if (atom.kind === 'matches') regular.push({ regex: atom.regex, positive });
  }
  return solveRegular(regular, limits);
}

function solveRegular(regular: readonly RegularLiteral[], limits: TheoryLimits): TheoryResult {
  const pruned = pruneCoveredOptions(regular);
  if (pruned === undefined) return { status: 'unsat' };
  const cheap = sampledWitness(pruned);
  if (cheap !== undefined) return { status: 'sat', value: cheap };
  const result = regularWitness(pruned, limits.maxAutomatonStates);
  return result.status === 'sat' ? { status: 'sat', value: result.witness } : result;
}

/**
 * A value must match a positive union and avoid every negative one: an option
 * of the positive union that is literally an option of a negative union (or
 * the whole negative regex) can never give the witness, so it is dropped
 * before the automata are built. This is how a long Action list compared with
 * its previous version shrinks to the entries that changed. Undefined when a
 * positive union loses every option (no witness).
 */
function pruneCoveredOptions(literals: readonly RegularLiteral[]): RegularLiteral[] | undefined {
  const forbidden: ReadonlySet<string>[] = [];
  for (const { regex, positive } of literals) if (!positive) forbidden.push(forbiddenKeys(regex));
  if (forbidden.length === 0) return [...literals];
  const result: RegularLiteral[] = [];
  for (const literal of literals) {
    const { regex, positive } = literal;
    if (!positive) {
      result.push(literal);
      continue;
    }
    if (isForbidden(forbidden, regex)) return undefined;
    if (regex.kind !== 'union') {
      result.push(literal);
      continue;
    }
    const kept = regex.options.filter((option) => !isForbidden(forbidden, option));
    if (kept.length === 0) return undefined;
    result.push(kept.length === regex.options.length ? literal : { regex: union(kept), positive });
  }
  return result;
}

/** The keys of a negated regex and of its options, per regex: the same negations are read in check after check. */
const forbiddenSets = new WeakMap<Regex, ReadonlySet<string>>();

function forbiddenKeys(regex: Regex): ReadonlySet<string> {
  const known = forbiddenSets.get(regex);
  if (known !== undefined) return known;
  const keys = new Set([regexKey(regex)]);
  if (regex.kind === 'union') for (const option of regex.options) keys.add(regexKey(option));
  forbiddenSets.set(regex, keys);
  return keys;
}

function isForbidden(forbidden: readonly ReadonlySet<string>[], regex: Regex): boolean {
  const key = regexKey(regex);
  for (const keys of forbidden) if (keys.has(key)) return true;
  return false;
}

const SAMPLED_LITERALS = 4;
const SAMPLED_OPTIONS = 64;

/**
 * Before any product search: the positive literals' own members, wildcards
 * matching nothing or one readable character, tried against every literal.
 * Most theory checks of a policy query are met this way — by an Action entry
 * as written, which is also the most readable witness —, and the search is
 * left to the questions that need it (UNSAT, or a witness no entry spells).
 */
function sampledWitness(literals: readonly RegularLiteral[]): string | undefined {
  const positives = literals.filter((literal) => literal.positive);
  // Each literal's automaton looked up once, when a candidate first reaches it.
  const machines: (Automaton | undefined)[] = [];
  const holds = (literal: RegularLiteral, index: number, candidate: string): boolean =>
    (machines[index] ??= automatonOf(literal.regex)).matches(candidate) === literal.positive;
  for (const candidate of candidatesOf(positives)) {
    if (literals.every((literal, index) => holds(literal, index, candidate))) return candidate;
  }
  return undefined;
}

/**
 * The candidates in order — of the first few positive literals, of their
 * first options, the option with its stars empty, then filled once —, made
 * as they are tried: the first one or two usually answer, and spelling every
 * option of an 800-entry union first cost more than the tries.
 */
function* candidatesOf(positives: readonly RegularLiteral[]): Generator<string> {
  if (positives.length === 0) yield '';
  for (const { regex } of positives.slice(0, SAMPLED_LITERALS)) {
    const options = regex.kind === 'union' ? regex.options : [regex];
    for (let index = 0; index < Math.min(options.length, SAMPLED_OPTIONS); index++)
      yield* samplesOf(options[index] as Regex);
  }
}

/** Samples per option: a query asks about the same statement's regexes again and again. */
const samples = new WeakMap<Regex, readonly string[]>();

/** The option with its stars empty, and filled once when that spells another string. */
function samplesOf(option: Regex): readonly string[] {
  const known = samples.get(option);
  if (known !== undefined) return known;
  const empty = sample(option, false);
  const filled = sample(option, true);
  const found = filled === empty ? [empty] : [empty, filled];
  samples.set(option, found);
  return found;
}

/** One member of the regex: the first option of each union, stars empty or once. */
function sample(regex: Regex, fillStars: boolean): string {
  switch (regex.kind) {
    case 'nothing':
    case 'epsilon':
      return '';
    case 'class':
      return String.fromCodePoint(readableIn(regex.ranges));
    case 'concat': {
      // Appended in a loop: an array and a closure per concat were most of the samples' allocation.
      let text = '';
      for (const part of regex.parts) text += sample(part, fillStars);
      return text;
    }
    case 'union':
      return sample(regex.options[0] as Regex, fillStars);
    case 'star':
      return fillStars ? sample(regex.inner, false) : '';
    default:
      return unreachable(regex);
  }
}

const READABLE = [...'a0-_x'].map((char) => char.codePointAt(0) as number);

function readableIn(ranges: readonly (readonly [number, number])[]): number {
  for (const preferred of READABLE) if (inSomeRange(ranges, preferred)) return preferred;
  for (const [low, high] of ranges) if (high >= 0x21 && low <= 0x7e) return Math.max(low, 0x21);
  return (ranges[0] as readonly [number, number])[0];
}

function inSomeRange(ranges: readonly (readonly [number, number])[], point: number): boolean {
  for (const [low, high] of ranges) if (low <= point && point <= high) return true;
  return false;
}

/** Satisfies every comparison: the bounds give an interval, negated equalities remove points. */
function solveNumber(literals: readonly Literal[]): TheoryResult {
  let low = -Infinity;
  let lowOpen = true;
  let high = Infinity;
  let highOpen = true;
  const excluded: number[] = [];
  const raise = (bound: number, open: boolean): void => {
    if (bound > low || (bound === low && open)) [low, lowOpen] = [bound, open];
  };
  const lower = (bound: number, open: boolean): void => {
    if (bound < high || (bound === high && open)) [high, highOpen] = [bound, open];
  };
  for (const { atom, positive } of literals) {
    if (atom.kind !== 'compare') continue;
    const c = atom.bound;
    const op = positive ? atom.op : negate(atom.op);
    if (op === '=') {
      raise(c, false);
      lower(c, false);
    } else if (op === '!=') excluded.push(c);
    else if (op === '<') lower(c, true);
    else if (op === '<=') lower(c, false);
    else if (op === '>') raise(c, true);
    else raise(c, false);
  }
  if (low > high || (low === high && (lowOpen || highOpen))) return { status: 'unsat' };
  const inside = (value: number): boolean =>
    Number.isFinite(value) &&
    (lowOpen ? value > low : value >= low) &&
    (highOpen ? value < high : value <= high) &&
    !excluded.includes(value);
  for (const candidate of numberCandidates(low, high, excluded)) {
    if (inside(candidate)) return { status: 'sat', value: candidate === 0 ? 0 : candidate };
  }
  // A non-degenerate real interval minus finitely many points is never empty,
  // but doubles can run out between two adjacent bounds.
  return low === high ? { status: 'unsat' } : { status: 'unknown', reason: 'no double between the bounds' };
}

function* numberCandidates(low: number, high: number, excluded: readonly number[]): Generator<number> {
  yield 0;
  const from = Number.isFinite(low) ? low : Number.isFinite(high) ? Math.min(high, 0) - 1 : 0;
  const to = Number.isFinite(high) ? high : from + excluded.length + 2;
  yield from;
  for (
    let integer = Math.ceil(from);
    integer <= Math.min(to, Math.ceil(from) + excluded.length + 1);
    integer++
  ) {
    yield integer;
  }
  // Halving toward the low bound finds a point that avoids the excluded ones.
  let point = to;
  for (let step = 0; step < 64 + excluded.length; step++) {
    point = from + (point - from) / 2;
    yield point;
  }
}

function negate(op: '=' | '<' | '<=' | '>' | '>='): '!=' | '<' | '<=' | '>' | '>=' {
  switch (op) {
    case '=':
      return '!=';
    case '<':
      return '>=';
    case '<=':
      return '>';
    case '>':
      return '<=';
    case '>=':
      return '<';
    default:
      return unreachable(op);
  }
}

/** Tries each family: intersect the ranges it must be in, then skip over the ranges it must avoid. */
function solveIp(literals: readonly Literal[]): TheoryResult {
  for (const family of ['v4', 'v6'] as const) {
    const address = ipInFamily(family, literals);
    if (address !== undefined) return { status: 'sat', value: { family, address } satisfies IpAddress };
  }
  return { status: 'unsat' };
}

function ipInFamily(family: IpFamily, literals: readonly Literal[]): bigint | undefined {
  let low = 0n;
  let high = maxAddress(family);
  const avoid: [bigint, bigint][] = [];
  for (const { atom, positive } of literals) {
    if (atom.kind !== 'inRange') continue;
    if (positive) {
      if (atom.family !== family) return undefined;
      if (atom.low > low) low = atom.low;
      if (atom.high < high) high = atom.high;
    } else if (atom.family === family) {
      avoid.push([atom.low, atom.high]);
    }
  }
  avoid.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let candidate = low;
  for (const [avoidLow, avoidHigh] of avoid) {
    if (avoidLow <= candidate && candidate <= avoidHigh) candidate = avoidHigh + 1n;
  }
  return candidate <= high ? candidate : undefined;
}

/**
 * The small-model argument: each true `any` and each false `all` needs one
 * witness satisfying its (negated) body, every true `all` body and every
 * false `any` body negated; the set of those witnesses satisfies every literal.
 */
function solveSet(sort: ScalarSort, literals: readonly Literal[], limits: TheoryLimits): TheoryResult {
  const shared: Formula[] = [];
  const sharedLiterals: Literal[] = [];
  const needs: { readonly body: Formula; readonly literal: Literal }[] = [];
  for (const literal of literals) {
    const { atom, positive } = literal;
    if (atom.kind !== 'quantified') continue;
    const holdsForAll = (atom.quantifier === 'all') === positive;
    const body = atom.quantifier === 'all' ? atom.body : negation(atom.body);
    if (holdsForAll) {
      shared.push(body);
      sharedLiterals.push(literal);
    } else needs.push({ body: negation(body), literal });
  }
  const elements: ScalarValue[] = [];
  for (const need of needs) {
    const result = solveElement(sort, [need.body, ...shared], limits);
    // One witness is missing: its literal and the shared ones are the contradiction, the other needs play no part.
    if (result.status === 'unsat') return { status: 'unsat', core: [need.literal, ...sharedLiterals] };
    if (result.status !== 'sat') return result;
    const value = result.value as ScalarValue;
    if (!elements.some((known) => sameScalar(known, value))) elements.push(value);
  }
  return { status: 'sat', value: elements };
}

/**
 * A witness of the conjunction of element bodies: by the string theory itself
 * when each body is regular (a policy's value lists: matches, or of matches,
 * their negations), which saves building a search per witness; else by a
 * search over the conjunction.
 */
function solveElement(sort: ScalarSort, bodies: readonly Formula[], limits: TheoryLimits): TheoryResult {
  if (sort === 'string') {
    const regular: RegularLiteral[] = [];
    if (bodies.every((body) => addRegular(body, true, regular))) return solveRegular(regular, limits);
  }
  return limits.solveElement(conjunction([...bodies]), sort);
}

/** Adds `body` (or its negation) as regular literals on the element; false when it is not one. */
function addRegular(body: Formula, positive: boolean, into: RegularLiteral[]): boolean {
  switch (body.kind) {
    case 'matches':
      into.push({ regex: body.regex, positive });
      return true;
    case 'not':
      return addRegular(body.operand, !positive, into);
    case 'const':
      if (body.value !== positive) into.push({ regex: NOTHING, positive: true });
      return true;
    case 'and':
    case 'or': {
      // A conjunction (or a negated disjunction) splits into literals; a disjunction of matches is one union.
      if ((body.kind === 'and') === positive)
        return body.operands.every((operand) => addRegular(operand, positive, into));
      const options = unionOf(body);
      if (options === undefined) return false;
      into.push({ regex: options, positive: true });
      return true;
    }
    default:
      return false;
  }
}

const unions = new WeakMap<Formula, Regex | null>();

/** The union of a disjunction's `matches` operands, kept per node; undefined when an operand is something else. */
function unionOf(node: Extract<Formula, { kind: 'and' | 'or' }>): Regex | undefined {
  if (node.kind === 'and') return undefined;
  let known = unions.get(node);
  if (known === undefined) {
    const regexes = node.operands.map((operand) => (operand.kind === 'matches' ? operand.regex : undefined));
    known = regexes.every((regex) => regex !== undefined) ? union(regexes as Regex[]) : null;
    unions.set(node, known);
  }
  return known ?? undefined;
}

function negation(formula: Formula): Formula {
  return formula.kind === 'not' ? formula.operand : { kind: 'not', operand: formula };
}

function conjunction(operands: Formula[]): Formula {
  return operands.length === 1 ? (operands[0] as Formula) : { kind: 'and', operands };
}

export function sameScalar(left: ScalarValue, right: ScalarValue): boolean {
  if (typeof left === 'object' && typeof right === 'object') {
    return left.family === right.family && left.address === right.address;
  }
  return left === right;
}
