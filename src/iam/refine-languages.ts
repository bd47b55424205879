// The languages the proof of the refinement's guarantee talks about, as
// regexes over the lower-cased action: unions of IAM globs (Action and
// NotAction elements, the unused actions).
import { ANY_STRING, concat, EPSILON, glob, literal, union, type Regex } from '../logic/index.js';
import { hasWildcard } from './refine-patterns.js';

/** A word, or with `anySuffix` every string starting with it. */
export interface Prefix {
  readonly text: string;
  readonly anySuffix: boolean;
}

/**
 * A union of lower-cased IAM globs: words and `prefix*` patterns, which are
 * factored by common prefixes, and other globs (`?`, inner `*`) as options of
 * their own.
 */
export interface PatternSet {
  readonly prefixes: readonly Prefix[];
  readonly others: readonly string[];
}

export function patternSet(patterns: readonly string[]): PatternSet {
  const prefixes: Prefix[] = [];
  const others: string[] = [];
  for (const pattern of patterns) {
    const anySuffix = pattern.endsWith('*');
    const text = anySuffix ? pattern.slice(0, -1) : pattern;
    if (hasWildcard(text)) others.push(pattern);
    else prefixes.push({ text, anySuffix });
  }
  return { prefixes, others };
}

/**
 * The set's language, factored by common prefixes: the same language as the
 * plain union, but each position reads one branch per letter, so the finite
 * domain's walk (and an automaton) follows each shared prefix once.
 */
export function setRegex(set: PatternSet): Regex {
  const sorted = [...set.prefixes].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return union([
    ...(sorted.length === 0 ? [] : [sortedRegex(sorted, 0, sorted.length, 0)]),
    ...set.others.map((pattern) => glob(pattern)),
  ]);
}

/**
 * The language of `prefixes[low..high-1]`, sorted, which share their first
 * `depth` code units (a whole number of code points). Sorted, the texts that
 * continue with one code point are contiguous, and a text ending here comes
 * first: no trie needs building.
 */
function sortedRegex(prefixes: readonly Prefix[], low: number, high: number, depth: number): Regex {
  const first = prefixes[low] as Prefix;
  const last = prefixes[high - 1] as Prefix;
  // While every text continues with the same code point, that code point is part of one literal.
  let end = depth;
  while (first.text.length > end && first.text.codePointAt(end) === last.text.codePointAt(end))
    end += width(first.text, end);
  let index = low;
  let final = false;
  for (; index < high && (prefixes[index] as Prefix).text.length === end; index++) {
    if ((prefixes[index] as Prefix).anySuffix) return prepend(first.text.slice(depth, end), ANY_STRING);
    final = true;
  }
  const options: Regex[] = final ? [EPSILON] : [];
  while (index < high) {
    const codePoint = (prefixes[index] as Prefix).text.codePointAt(end);
    let next = index + 1;
    while (next < high && (prefixes[next] as Prefix).text.codePointAt(end) === codePoint) next++;
    options.push(sortedRegex(prefixes, index, next, end));
    index = next;
  }
  return prepend(first.text.slice(depth, end), union(options));
}

/** Code units of the code point at `index`. */
const width = (text: string, index: number): number => ((text.codePointAt(index) as number) > 0xffff ? 2 : 1);

const prepend = (text: string, rest: Regex): Regex => (text === '' ? rest : concat([literal(text), rest]));
