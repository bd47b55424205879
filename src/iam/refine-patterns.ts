// Reading Action / NotAction entries of a policy kept as plain JSON, and
// searching sorted action names: shared by the refinement and the proof of
// its guarantee.

export const hasWildcard = (text: string): boolean => text.includes('*') || text.includes('?');

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
