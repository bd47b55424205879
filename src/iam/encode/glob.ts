// Glob patterns over all strings, and deciding whether some string matches a
// set of patterns while avoiding another set. This is the string theory of the
// encoding: action names, resource ARNs, principals and string condition
// values are all constrained by such patterns.
//
// A pattern is a sequence of tokens; character classes let one pattern say
// that a wildcard stays inside an ARN segment (`seg`: anything but `:`).
// Satisfiability is decided exactly by a breadth-first search over the product
// of the patterns' position sets (each glob's NFA, determinised on the fly);
// the search is bounded and says so when it gives up.

export type CharClass = 'any' | 'seg' | 'digit';

export type GlobToken =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'one'; readonly cls: CharClass }
  | { readonly kind: 'star'; readonly cls: CharClass };

export interface Glob {
  readonly tokens: readonly GlobToken[];
  /** Compare lower-cased text with a lower-cased pattern. */
  readonly ignoreCase: boolean;
}

export function literalGlob(text: string, ignoreCase = false): Glob {
  const chars = ignoreCase ? text.toLowerCase() : text;
  return { tokens: [...chars].map((char) => ({ kind: 'char', char })), ignoreCase };
}

const globKeys = new WeakMap<Glob, string>();

/** A canonical text for the glob: equal keys, equal languages. Memoised: globs are immutable. */
export function globKey(glob: Glob): string {
  let key = globKeys.get(glob);
  if (key === undefined) {
    key = computeGlobKey(glob);
    globKeys.set(glob, key);
  }
  return key;
}

function computeGlobKey(glob: Glob): string {
  const body = glob.tokens
    .map((token) => {
      switch (token.kind) {
        case 'char':
          return token.char === '\\' || token.char === '{' ? `\\${token.char}` : token.char;
        case 'one':
          return `{?${token.cls}}`;
        case 'star':
          return `{*${token.cls}}`;
        default:
          return unreachable(token);
      }
    })
    .join('');
  return glob.ignoreCase ? `i:${body}` : `c:${body}`;
}

function inClass(cls: CharClass, char: string): boolean {
  switch (cls) {
    case 'any':
      return true;
    case 'seg':
      return char !== ':';
    case 'digit':
      return char >= '0' && char <= '9';
    default:
      return unreachable(cls);
  }
}

function tokenAccepts(token: GlobToken, char: string): boolean {
  return token.kind === 'char' ? token.char === char : inClass(token.cls, char);
}

/** Positions reachable from `positions` without reading: a star may match nothing. */
function closure(tokens: readonly GlobToken[], positions: readonly number[]): number[] {
  const result = new Set<number>();
  for (let position of positions) {
    result.add(position);
    while (tokens[position]?.kind === 'star') result.add(++position);
  }
  return [...result].sort((a, b) => a - b);
}

function step(glob: Glob, positions: readonly number[], char: string): number[] {
  const input = glob.ignoreCase ? char.toLowerCase() : char;
  const next: number[] = [];
  for (const position of positions) {
    const token = glob.tokens[position];
    if (token === undefined || !tokenAccepts(token, input)) continue;
    next.push(token.kind === 'star' ? position : position + 1);
  }
  return closure(glob.tokens, next);
}

function accepts(glob: Glob, positions: readonly number[]): boolean {
  return positions.includes(glob.tokens.length);
}

export function matchesGlob(glob: Glob, text: string): boolean {
  let positions = closure(glob.tokens, [0]);
  for (const char of text) {
    positions = step(glob, positions, char);
    if (positions.length === 0) return false;
  }
  return accepts(glob, positions);
}

export type GlobSolution =
  | { readonly kind: 'sat'; readonly witness: string }
  | { readonly kind: 'unsat' }
  | { readonly kind: 'unknown'; readonly reason: string };

export interface GlobLimits {
  readonly maxStates: number;
  readonly maxLength: number;
}

const defaultLimits: GlobLimits = { maxStates: 50_000, maxLength: 256 };

/** Characters that never occur in patterns are interchangeable; one stands for all of them. */
const freshCandidates = ['x', 'q', 'z', 'k', 'j', 'w', '_', '~', '#', 'ÿ'];
const freshDigits = ['7', '3', '5', '1', '9', '0', '2', '4', '6', '8'];

function alphabet(globs: readonly Glob[]): string[] {
  const chars = new Set<string>([':']);
  for (const glob of globs) {
    for (const token of glob.tokens) {
      if (token.kind !== 'char') continue;
      chars.add(token.char);
    }
  }
  const lowered = new Set([...chars].map((char) => char.toLowerCase()));
  const fresh = freshCandidates.find((char) => !lowered.has(char));
  const digit = freshDigits.find((char) => !chars.has(char));
  if (fresh !== undefined) chars.add(fresh);
  if (digit !== undefined) chars.add(digit);
  return [...chars].sort();
}

/** Cheap first try: the positives' own instantiations, stars matching nothing or one fresh character. */
function candidateWitnesses(positives: readonly Glob[], negatives: readonly Glob[]): string[] {
  const letters = alphabet([...positives.slice(0, 32), ...negatives]);
  const fresh = letters.find((char) => freshCandidates.includes(char)) ?? 'x';
  const digit = letters.find((char) => freshDigits.includes(char)) ?? '0';
  const candidates: string[] = [];
  for (const glob of positives.slice(0, 32)) {
    for (const starFill of ['', 'fill']) {
      candidates.push(
        glob.tokens
          .map((token) => {
            if (token.kind === 'char') return token.char;
            const filler = token.cls === 'digit' ? digit : fresh;
            return token.kind === 'one' || starFill !== '' ? filler : '';
          })
          .join(''),
      );
    }
  }
  if (positives.length === 0) candidates.push(fresh);
  return candidates;
}

/**
 * Is there a string that matches some glob of every group in `required` and
 * no glob in `forbidden`? A group is a disjunction (an Action list); deciding
 * it in one search avoids trying its members one by one. Exact up to the
 * limits: beyond them the answer is `unknown`, never `unsat`.
 */
export function solveGlobs(
  requiredGroups: readonly (readonly Glob[])[],
  forbidden: readonly Glob[],
  limits: GlobLimits = defaultLimits,
): GlobSolution {
  const forbiddenKeys = new Set(forbidden.map(globKey));
  const prefixes = forbidden.flatMap((glob) => {
    const prefix = literalPrefixOfUniversal(glob);
    return prefix === undefined ? [] : [{ prefix, ignoreCase: glob.ignoreCase }];
  });
  // Members that a forbidden glob plainly covers can never be the witness; most of
  // an Action list compared with its previous version goes here without a search.
  const covered = (glob: Glob): boolean =>
    forbiddenKeys.has(globKey(glob)) ||
    prefixes.some(
      ({ prefix, ignoreCase }) => ignoreCase === glob.ignoreCase && startsWithLiteral(glob, prefix),
    );
  const required = requiredGroups.map((group) => group.filter((glob) => !covered(glob)));
  if (required.some((group) => group.length === 0)) return { kind: 'unsat' };
  const flat = required.flat();
  const passes = (text: string): boolean =>
    required.every((group) => group.some((glob) => matchesGlob(glob, text))) &&
    !forbidden.some((glob) => matchesGlob(glob, text));
  const candidate = candidateWitnesses(flat, forbidden).find(passes);
  if (candidate !== undefined) return { kind: 'sat', witness: candidate };
  const positives = flat;
  const negatives = forbidden;
  const groupOf: number[] = required.flatMap((group, groupIndex) => group.map(() => groupIndex));
  const globs = [...positives, ...negatives];
  const letters = alphabet(globs);
  // Only live globs are carried: a dead negative can never match again, and a
  // negative that matches every continuation prunes the whole branch.
  type Live = readonly (readonly [number, readonly number[]])[];
  const universal = globs.map((glob) => universalFrom(glob));
  const isDoomed = (state: Live): boolean =>
    state.some(
      ([index, positions]) =>
        index >= positives.length && positions.some((position) => universal[index]?.[position] === true),
    );
  const isGoal = (state: Live): boolean => {
    const satisfied = new Set<number>();
    for (const [index, positions] of state) {
      const glob = globs[index];
      if (glob === undefined || !accepts(glob, positions)) continue;
      if (index >= positives.length) return false;
      satisfied.add(groupOf[index] ?? -1);
    }
    return satisfied.size === required.length;
  };
  const keyOf = (state: Live): string =>
    state.map(([index, positions]) => `${index}:${positions.join(',')}`).join('|');
  const start: Live = globs.map((glob, index) => [index, closure(glob.tokens, [0])] as const);
  type Node = { readonly state: Live; readonly text: string };
  const seen = new Set<string>([keyOf(start)]);
  let frontier: Node[] = isDoomed(start) ? [] : [{ state: start, text: '' }];
  let truncated = false;
  while (frontier.length > 0) {
    const next: Node[] = [];
    for (const node of frontier) {
      if (isGoal(node.state)) return { kind: 'sat', witness: node.text };
      if (node.text.length >= limits.maxLength) {
        truncated = true;
        continue;
      }
      for (const char of letters) {
        const state: (readonly [number, readonly number[]])[] = [];
        const liveGroups = new Set<number>();
        for (const [index, positions] of node.state) {
          const glob = globs[index];
          const after = glob === undefined ? [] : step(glob, positions, char);
          if (after.length === 0) continue;
          state.push([index, after]);
          if (index < positives.length) liveGroups.add(groupOf[index] ?? -1);
        }
        // A group with no live glob can never be satisfied again.
        if (liveGroups.size < required.length || isDoomed(state)) continue;
        const key = keyOf(state);
        if (seen.has(key)) continue;
        seen.add(key);
        if (seen.size > limits.maxStates)
          return { kind: 'unknown', reason: `string search exceeded ${limits.maxStates} states` };
        next.push({ state, text: node.text + char });
      }
    }
    frontier = next;
  }
  return truncated
    ? { kind: 'unknown', reason: `string search exceeded length ${limits.maxLength}` }
    : { kind: 'unsat' };
}

/** `abc` when the glob is `abc*` (any class), the shape of most broad patterns. */
function literalPrefixOfUniversal(glob: Glob): string | undefined {
  const last = glob.tokens[glob.tokens.length - 1];
  if (last?.kind !== 'star' || last.cls !== 'any') return undefined;
  let prefix = '';
  for (const token of glob.tokens.slice(0, -1)) {
    if (token.kind !== 'char') return undefined;
    prefix += token.char;
  }
  return prefix;
}

function startsWithLiteral(glob: Glob, prefix: string): boolean {
  if (glob.tokens.length < prefix.length) return false;
  return [...prefix].every((char, index) => {
    const token = glob.tokens[index];
    return token?.kind === 'char' && token.char === char;
  });
}

/** For each position: does the rest of the pattern match every string (only `*` of any class left)? */
function universalFrom(glob: Glob): boolean[] {
  const result = Array<boolean>(glob.tokens.length + 1).fill(false);
  for (let position = glob.tokens.length - 1; position >= 0; position--) {
    const token = glob.tokens[position];
    if (token?.kind !== 'star' || token.cls !== 'any') break;
    result[position] = true;
  }
  return result;
}

export function unreachable(value: never): never {
  throw new Error(`internal error: unexpected value ${JSON.stringify(value)}`);
}
