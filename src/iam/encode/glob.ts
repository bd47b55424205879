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

export function globKey(glob: Glob): string {
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
      if (glob.ignoreCase) chars.add(token.char.toUpperCase());
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
  const letters = alphabet([...positives, ...negatives]);
  const fresh = letters.find((char) => freshCandidates.includes(char)) ?? 'x';
  const digit = letters.find((char) => freshDigits.includes(char)) ?? '0';
  const candidates: string[] = [];
  for (const glob of positives) {
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
 * Is there a string that matches every positive glob and no negative glob?
 * Exact up to the limits: beyond them the answer is `unknown`, never `unsat`.
 */
export function solveGlobs(
  positives: readonly Glob[],
  negatives: readonly Glob[],
  limits: GlobLimits = defaultLimits,
): GlobSolution {
  for (const candidate of candidateWitnesses(positives, negatives)) {
    if (
      positives.every((glob) => matchesGlob(glob, candidate)) &&
      !negatives.some((glob) => matchesGlob(glob, candidate))
    )
      return { kind: 'sat', witness: candidate };
  }
  const globs = [...positives, ...negatives];
  const letters = alphabet(globs);
  const start = globs.map((glob) => closure(glob.tokens, [0]));
  const isGoal = (state: readonly (readonly number[])[]): boolean =>
    state.every((positions, index) => {
      const glob = globs[index];
      if (glob === undefined) return false;
      return index < positives.length ? accepts(glob, positions) : !accepts(glob, positions);
    });
  const keyOf = (state: readonly (readonly number[])[]): string =>
    state.map((positions) => positions.join(',')).join('|');
  type Node = { readonly state: number[][]; readonly text: string };
  const seen = new Set<string>([keyOf(start)]);
  let frontier: Node[] = [{ state: start, text: '' }];
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
        const state = node.state.map((positions, index) => {
          const glob = globs[index];
          return glob === undefined ? [] : step(glob, positions, char);
        });
        // A positive glob with no live position can never accept again.
        if (state.slice(0, positives.length).some((positions) => positions.length === 0)) continue;
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

export function unreachable(value: never): never {
  throw new Error(`internal error: unexpected value ${JSON.stringify(value)}`);
}
