// Reading Action / NotAction entries of a policy kept as plain JSON, and
// searching sorted action names: shared by the refinement and the proof of
// its guarantee.

export const hasWildcard = (text: string): boolean => text.includes('*') || text.includes('?');

/** Subsets of the pattern's positions explored before `coversEveryExtension` gives up and answers no. */
const SUBSET_LIMIT = 4096;

/**
 * Does the glob `pattern` match every string starting with `prefix`, over all
 * strings and not only the catalog's? Both lower-cased. A `prefix*` written in
 * place of the pattern then grants no action AWS adds later that the pattern
 * did not grant. Decided on the pattern's automaton (a state is a position in
 * the pattern): every set of states reachable after reading `prefix` must
 * accept. The letters that matter are the pattern's literals and one letter
 * standing for all others. Past SUBSET_LIMIT sets it answers no, which only
 * makes the refinement write more names out.
 */
export function coversEveryExtension(pattern: string, prefix: string): boolean {
  const start = readAll(pattern, starClosure(pattern, [0]), prefix);
  const letters = [...new Set(pattern.replace(/[*?]/g, ''))];
  let other = 0;
  while (pattern.includes(String.fromCharCode(other))) other++;
  letters.push(String.fromCharCode(other));
  const seen = new Set<string>();
  const pending = [start];
  for (let sets = pending.pop(); sets !== undefined; sets = pending.pop()) {
    const key = sets.join();
    if (seen.has(key)) continue;
    if (!sets.includes(pattern.length) || seen.size >= SUBSET_LIMIT) return false;
    seen.add(key);
    for (const letter of letters) pending.push(step(pattern, sets, letter));
  }
  return true;
}

/** The states after reading `text` (code units, as matchesWildcard reads them) from `states`. */
function readAll(pattern: string, states: number[], text: string): number[] {
  let current = states;
  for (let index = 0; index < text.length && current.length > 0; index++)
    current = step(pattern, current, text[index] as string);
  return current;
}

function step(pattern: string, states: readonly number[], letter: string): number[] {
  const next: number[] = [];
  for (const state of states) {
    const symbol = pattern[state];
    if (symbol === '*') next.push(state);
    else if (symbol === '?' || symbol === letter) next.push(state + 1);
  }
  return starClosure(pattern, next);
}

/** The positions reachable from `states` by letting `*`s match nothing, without repeats. */
function starClosure(pattern: string, states: readonly number[]): number[] {
  const reached = new Set<number>();
  for (let state of states) {
    while (!reached.has(state)) {
      reached.add(state);
      if (pattern[state] !== '*') break;
      state++;
    }
  }
  return [...reached].sort((a, b) => a - b);
}

/** An element written as one string or an array of strings; undefined for anything else. */
export const stringList = (value: unknown): readonly string[] | undefined =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value) && value.every((v) => typeof v === 'string')
      ? (value as string[])
      : undefined;

/**
 * The pattern's service, lower-cased, when it names exactly one: the text
 * before the first `:` has no wildcard. Such a pattern can only match actions
 * of that service, since service prefixes never contain `:`.
 */
export function literalService(pattern: string): string | undefined {
  const colon = pattern.indexOf(':');
  const service = colon < 0 ? pattern : pattern.slice(0, colon);
  return colon >= 0 && !hasWildcard(service) ? service.toLowerCase() : undefined;
}

/** The first index of a sorted array whose string is not below `key`: strings starting with `key` follow from there. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < key) low = middle + 1;
    else high = middle;
  }
  return low;
}
