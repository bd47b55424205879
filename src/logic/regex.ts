// Regular languages over Unicode code points, as a small AST.
//
// The IAM encoding builds these from globs and ARN segment patterns; the
// solver compiles them to automata (automaton.ts) and the SMT-LIB emitter
// prints them as `re.*` terms. Code points run from 0 to 0x10FFFF.

import { GenerationalCache } from './cache.js';

/** An inclusive range of code points. */
export type CodePointRange = readonly [low: number, high: number];

export type Regex =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'epsilon' }
  /** One code point from a union of ranges, sorted, disjoint, non-adjacent. */
  | { readonly kind: 'class'; readonly ranges: readonly CodePointRange[] }
  | { readonly kind: 'concat'; readonly parts: readonly Regex[] }
  | { readonly kind: 'union'; readonly options: readonly Regex[] }
  | { readonly kind: 'star'; readonly inner: Regex };

export const MAX_CODE_POINT = 0x10ffff;

export const NOTHING: Regex = { kind: 'nothing' };
export const EPSILON: Regex = { kind: 'epsilon' };

/** Sorts and merges ranges; clamps them to valid code points. */
export function normalizeRanges(ranges: readonly CodePointRange[]): CodePointRange[] {
  const sorted = ranges
    .map(([low, high]): CodePointRange => [Math.max(0, low), Math.min(MAX_CODE_POINT, high)])
    .filter(([low, high]) => low <= high)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [low, high] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && low <= last[1] + 1) last[1] = Math.max(last[1], high);
    else merged.push([low, high]);
  }
  return merged;
}

export function complementRanges(ranges: readonly CodePointRange[]): CodePointRange[] {
  const result: CodePointRange[] = [];
  let next = 0;
  for (const [low, high] of normalizeRanges(ranges)) {
    if (low > next) result.push([next, low - 1]);
    next = high + 1;
  }
  if (next <= MAX_CODE_POINT) result.push([next, MAX_CODE_POINT]);
  return result;
}

export function charClass(ranges: readonly CodePointRange[]): Regex {
  const normal = normalizeRanges(ranges);
  return normal.length === 0 ? NOTHING : { kind: 'class', ranges: normal };
}

/** Any code point except those in `ranges`, e.g. `notChars([[58, 58]])` for "not ':'". */
export function notChars(ranges: readonly CodePointRange[]): Regex {
  return charClass(complementRanges(ranges));
}

export const ANY_CHAR: Regex = charClass([[0, MAX_CODE_POINT]]);

export function concat(parts: readonly Regex[]): Regex {
  const flat: Regex[] = [];
  for (const part of parts) {
    if (part.kind === 'nothing') return NOTHING;
    if (part.kind === 'epsilon') continue;
    if (part.kind === 'concat') flat.push(...part.parts);
    else flat.push(part);
  }
  if (flat.length === 0) return EPSILON;
  if (flat.length === 1) return flat[0] as Regex;
  return { kind: 'concat', parts: flat };
}

export function union(options: readonly Regex[]): Regex {
  const flat: Regex[] = [];
  for (const option of options) {
    if (option.kind === 'nothing') continue;
    if (option.kind === 'union') flat.push(...option.options);
    else flat.push(option);
  }
  if (flat.length === 0) return NOTHING;
  if (flat.length === 1) return flat[0] as Regex;
  return { kind: 'union', options: flat };
}

export function star(inner: Regex): Regex {
  if (inner.kind === 'nothing' || inner.kind === 'epsilon') return EPSILON;
  if (inner.kind === 'star') return inner;
  return { kind: 'star', inner };
}

/** Any string, including the empty one. */
export const ANY_STRING: Regex = star(ANY_CHAR);

export interface CaseOptions {
  /** Each letter matches its lower- and upper-case forms. */
  readonly caseInsensitive?: boolean;
}

const charRegexes = new Map<number, Regex>();

/** One code point, or its case variants: memoized, literals are built for every policy entry. */
function charRegex(codePoint: number, options: CaseOptions): Regex {
  const slot = options.caseInsensitive === true ? -1 - codePoint : codePoint;
  const known = charRegexes.get(slot);
  if (known !== undefined) return known;
  const built = buildCharRegex(codePoint, options);
  charRegexes.set(slot, built);
  return built;
}

function buildCharRegex(codePoint: number, options: CaseOptions): Regex {
  if (options.caseInsensitive !== true) return charClass([[codePoint, codePoint]]);
  const char = String.fromCodePoint(codePoint);
  const variants = [char, char.toLowerCase(), char.toUpperCase()]
    .filter((variant) => [...variant].length === 1)
    .map((variant) => variant.codePointAt(0) as number);
  return charClass(variants.map((variant): CodePointRange => [variant, variant]));
}

/** Exactly `text`: one shared character regex per code point, in one array (no array of characters first). */
export function literal(text: string, options: CaseOptions = {}): Regex {
  const parts: Regex[] = [];
  for (let index = 0; index < text.length;) {
    const codePoint = text.codePointAt(index) as number;
    parts.push(charRegex(codePoint, options));
    index += codePoint > 0xffff ? 2 : 1;
  }
  return concatOfSingles(parts);
}

/**
 * What `concat` gives for parts that are never nothing, epsilon or
 * concatenations (character classes and stars), without copying them.
 */
function concatOfSingles(parts: Regex[]): Regex {
  if (parts.length === 0) return EPSILON;
  return parts.length === 1 ? (parts[0] as Regex) : { kind: 'concat', parts };
}

export interface GlobOptions extends CaseOptions {
  /** What `*` and `?` may match one character of; any code point by default. */
  readonly wildcardChars?: readonly CodePointRange[];
}

/** An IAM glob: `*` matches any run of characters, `?` exactly one; everything else is literal. */
export function glob(pattern: string, options: GlobOptions = {}): Regex {
  const wildcard = options.wildcardChars === undefined ? ANY_CHAR : charClass(options.wildcardChars);
  // One star shared by the pattern's `*`s (the constant one for any characters): regexes are immutable.
  const run = wildcard === ANY_CHAR ? ANY_STRING : star(wildcard);
  const parts: Regex[] = [];
  for (let index = 0; index < pattern.length;) {
    const codePoint = pattern.codePointAt(index) as number;
    index += codePoint > 0xffff ? 2 : 1;
    if (codePoint === STAR) parts.push(run);
    else if (codePoint === QUESTION_MARK) parts.push(wildcard);
    else parts.push(charRegex(codePoint, options));
  }
  // A wildcard of no characters makes `?` nothing and `*` epsilon, which `concat` folds.
  return wildcard.kind === 'nothing' ? concat(parts) : concatOfSingles(parts);
}

const STAR = 0x2a;
const QUESTION_MARK = 0x3f;

const regexKeys = new WeakMap<Regex, string>();

/**
 * A canonical key for a regex: structurally equal regexes get equal keys.
 * Keys are interned ids built from the children's ids (hash-consing), so a
 * key is short and computed in time proportional to the node's own children,
 * however large the regex — an Action list of 800 entries is one atom.
 */
export function regexKey(regex: Regex): string {
  const known = regexKeys.get(regex);
  if (known !== undefined) return known;
  const key = internKey(shallowRegexKey(regex));
  regexKeys.set(regex, key);
  return key;
}

function shallowRegexKey(regex: Regex): string {
  switch (regex.kind) {
    case 'nothing':
      return '∅';
    case 'epsilon':
      return 'ε';
    case 'class':
      return `[${regex.ranges.map(([low, high]) => (low === high ? `${low}` : `${low}-${high}`)).join(',')}]`;
    case 'concat':
      return `·${regex.parts.map(regexKey).join(' ')}`;
    case 'union':
      return `|${regex.options.map(regexKey).join(' ')}`;
    case 'star':
      return `*${regexKey(regex.inner)}`;
    default:
      return unreachable(regex);
  }
}

/** Weighed by key length: about 40 MB of keys per generation. */
const interned = new GenerationalCache<string, string>(20_000_000, (shallow) => shallow.length + 16);
let nextId = 0;

/**
 * The id of a shallow key. Ids are never reused: after a key is evicted (to
 * bound memory), an equal structure gets a fresh id, which only costs cache
 * hits, never conflates two different structures.
 */
export function internKey(shallow: string): string {
  const known = interned.get(shallow);
  if (known !== undefined) return known;
  const id = `#${(nextId++).toString(36)}`;
  interned.set(shallow, id);
  return id;
}

/** The number behind an interned key (`internKey`'s result): numbers are equal exactly when keys are. */
export function internedNumber(key: string): number {
  let value = 0;
  // Base 36 digits after the '#', read without slicing the string.
  for (let index = 1; index < key.length; index++) {
    const code = key.charCodeAt(index);
    value = value * 36 + (code <= 57 ? code - 48 : code - 87);
  }
  return value;
}

export function unreachable(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
