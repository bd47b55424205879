// Matching of IAM `*` / `?` wildcard patterns against a concrete string.
// Shared by the concrete evaluator (actions, resources, StringLike) and the
// refinement (expanding action wildcards over the catalog).

/**
 * Does `text` match `pattern`, where `*` matches any run of characters
 * (including none) and `?` exactly one? Every other character is literal.
 * Greedy two-pointer scan with backtracking to the last `*`: linear in
 * practice, O(|pattern|·|text|) at worst, never exponential.
 */
export function matchesWildcard(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let starPi = -1;
  let starTi = 0;
  while (ti < t.length) {
    const pc = p[pi];
    if (pc === '*') {
      starPi = pi++;
      starTi = ti;
    } else if (pc !== undefined && (pc === '?' || pc === t[ti])) {
      pi++;
      ti++;
    } else if (starPi >= 0) {
      pi = starPi + 1;
      ti = ++starTi;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}
