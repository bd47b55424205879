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

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /** A word ends here. */
  final: boolean;
  /** Every continuation matches: a `prefix*` pattern ends here. */
  anySuffix: boolean;
}

const trieNode = (): TrieNode => ({ children: new Map(), final: false, anySuffix: false });

function insert(root: TrieNode, text: string): TrieNode {
  let node = root;
  for (const char of text) {
    let child = node.children.get(char);
    if (child === undefined) {
      child = trieNode();
      node.children.set(char, child);
    }
    node = child;
  }
  return node;
}

function prefixTrie(prefixes: readonly Prefix[]): TrieNode {
  const root = trieNode();
  for (const { text, anySuffix } of prefixes) {
    const node = insert(root, text);
    if (anySuffix) node.anySuffix = true;
    else node.final = true;
  }
  return root;
}

/**
 * The set's language. Factoring by prefixes keeps the same language as the
 * plain union, but each automaton state has one successor per letter:
 * determinizing it stays small and the solver splits the alphabet at few points.
 */
export function setRegex(set: PatternSet): Regex {
  const toRegex = (start: TrieNode): Regex => {
    // A run of nodes with one child and nothing ending in them is one literal, built once.
    let text = '';
    let node = start;
    for (let only = soleChild(node); only !== undefined; only = soleChild(node)) {
      text += only[0];
      node = only[1];
    }
    const rest = node.anySuffix
      ? ANY_STRING
      : union([
          ...(node.final ? [EPSILON] : []),
          ...[...node.children].map(([char, child]) => concat([literal(char), toRegex(child)])),
        ]);
    return prepend(text, rest);
  };
  return union([
    ...(set.prefixes.length === 0 ? [] : [toRegex(prefixTrie(set.prefixes))]),
    ...set.others.map((pattern) => glob(pattern)),
  ]);
}

function soleChild(node: TrieNode): [string, TrieNode] | undefined {
  if (node.final || node.anySuffix || node.children.size !== 1) return undefined;
  const [only] = node.children;
  return only;
}

const prepend = (text: string, rest: Regex): Regex => (text === '' ? rest : concat([literal(text), rest]));
