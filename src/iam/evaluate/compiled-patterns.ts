// Pattern lists compiled to one regular expression for the compiled
// evaluator: the literal texts in a set, every pattern without policy
// variables in one alternation (the engine compiles it to native code), and
// patterns with variables left to the reference's substitute-then-glob per
// request. The regular expression says what match.ts's glob matching says:
// `*` any run and `?` one UTF-16 unit (no `u` flag, as the glob indexes
// text), and for ARNs, wildcards in the first five fields stay inside their
// field (`[^:]`) while the resource part spans colons; a pattern with fewer
// than five literal colons is one field. test/iam/evaluate-compiled.test.ts
// checks it against matchesText and matchesArn on random patterns.
import type { Pattern } from '../model.js';
import { fixedPattern, matchesArn, matchesText, substitute, type Substituted } from './match.js';
import type { NormalizedRequest } from './request.js';

export type PatternKind = 'arn' | 'text';

export interface CompiledPatterns {
  readonly kind: PatternKind;
  /** A lone `*` is among the patterns: every text matches (most Resource elements). */
  readonly everything: boolean;
  /** Undefined when there is none, so that most lists cost no lookup. */
  readonly literals: ReadonlySet<string> | undefined;
  /** Every fixed pattern with a wildcard; undefined when there is none. */
  readonly wildcards: RegExp | undefined;
  readonly variable: readonly Pattern[];
}

const escapeCharacter = (char: string): string => char.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** The regular expression source of a prepared pattern, without anchors. */
export function patternSource(pattern: Substituted, kind: PatternKind): string {
  // ARN fields 0–4 end at the first five literal colons, when there are five.
  const fieldsEnd = kind === 'arn' && pattern.colons.length === 5 ? (pattern.colons[4] ?? 0) : -1;
  let source = '';
  pattern.chars.forEach((char, index) => {
    const inField = index < fieldsEnd;
    if (pattern.wildcard[index] !== true) source += escapeCharacter(char);
    else if (char === '*') source += inField ? '[^:]*' : '[^]*';
    else source += inField ? '[^:]' : '[^]';
  });
  return source;
}

/**
 * One regular expression per source across every compiled policy: policies
 * repeat the same Resource lists (the 2,119 non-`*` Resource lists that the
 * bench's requests reach are 1,020 distinct ones), and every regular
 * expression brings its own machine code, which a request reads from memory
 * when its policy has not been used for a while. Sharing is safe: `test`
 * without the g or y flag keeps no state.
 */
const expressions = new Map<string, RegExp>();
const expressionCacheLimit = 10_000;

function expression(source: string): RegExp {
  let compiled = expressions.get(source);
  if (compiled === undefined) {
    if (expressions.size >= expressionCacheLimit) expressions.clear();
    compiled = new RegExp(source);
    expressions.set(source, compiled);
  }
  return compiled;
}

/** Case-sensitive patterns: Resource, NotResource, Arn* and case-sensitive String* condition values. */
export function compilePatterns(patterns: readonly Pattern[], kind: PatternKind): CompiledPatterns {
  const literals = new Set<string>();
  const sources: string[] = [];
  const variable: Pattern[] = [];
  let everything = false;
  for (const pattern of patterns) {
    const prepared = fixedPattern(pattern);
    if (prepared === undefined) variable.push(pattern);
    else if (prepared.chars.length === 1 && prepared.wildcard[0] === true && prepared.chars[0] === '*')
      everything = true;
    else if (prepared.literal !== undefined) literals.add(prepared.literal);
    else sources.push(patternSource(prepared, kind));
  }
  const wildcards = sources.length === 0 ? undefined : expression(`^(?:${sources.join('|')})$`);
  return { kind, everything, literals: literals.size > 0 ? literals : undefined, wildcards, variable };
}

export function compiledPatternsMatch(
  patterns: CompiledPatterns,
  text: string,
  request: NormalizedRequest,
): boolean {
  if (patterns.everything || patterns.literals?.has(text) === true) return true;
  if (patterns.wildcards?.test(text) === true) return true;
  const matches = patterns.kind === 'arn' ? matchesArn : matchesText;
  for (const pattern of patterns.variable) {
    const substituted = substitute(pattern, request);
    if (substituted !== undefined && matches(substituted, text)) return true;
  }
  return false;
}
