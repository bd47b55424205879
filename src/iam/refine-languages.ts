// The languages the proof of the refinement's guarantee talks about, as
// regexes over the lower-cased action: unions of IAM globs (Action and
// NotAction elements, the unused actions) and the catalog actions of some
// services, exactly or as a small superset that the patterns cannot tell
// apart from the catalog.
import {
  ANY_STRING,
  charClass,
  concat,
  EPSILON,
  glob,
  literal,
  union,
  type CodePointRange,
  type Regex,
} from '../logic/index.js';
import type { ActionCatalog } from './catalog.js';
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

export const NO_PATTERNS: PatternSet = { prefixes: [], others: [] };

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

export const unitePatternSets = (a: PatternSet, b: PatternSet): PatternSet => ({
  prefixes: [...a.prefixes, ...b.prefixes],
  others: [...a.others, ...b.others],
});

/** What a glob starts with up to its first wildcard: every string it matches starts with this. */
export const literalPrefix = (pattern: string): string => pattern.split(/[*?]/)[0] ?? '';

/**
 * The prefixes that extend no other: a string starts with one of `prefixes`
 * exactly when it starts with one of these. Sorted, the strings extending a
 * prefix follow it directly.
 */
export function minimalPrefixes(prefixes: readonly string[]): string[] {
  const minimal: string[] = [];
  for (const prefix of [...new Set(prefixes)].sort()) {
    const last = minimal[minimal.length - 1];
    if (last === undefined || !prefix.startsWith(last)) minimal.push(prefix);
  }
  return minimal;
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

/** A service's catalog as a trie of lower-cased `n:name`, with each subtree's regex built once. */
interface CatalogTrie {
  readonly root: TrieNode;
  readonly regexes: WeakMap<TrieNode, Regex>;
}

const catalogTries = new WeakMap<ActionCatalog, Map<string, CatalogTrie>>();

/** Built once per catalog and service, so a process holds at most one trie per catalog service. */
function catalogTrie(catalog: ActionCatalog, namespace: string): CatalogTrie {
  let byService = catalogTries.get(catalog);
  if (byService === undefined) {
    byService = new Map();
    catalogTries.set(catalog, byService);
  }
  let trie = byService.get(namespace);
  if (trie === undefined) {
    const names = catalog.services.get(namespace)?.actions ?? [];
    const words = names.map((name) => ({ text: `${namespace}:${name}`.toLowerCase(), anySuffix: false }));
    trie = { root: prefixTrie(words), regexes: new WeakMap() };
    byService.set(namespace, trie);
  }
  return trie;
}

/** The words below `node`; shared between queries, so the solver's caches see the same regexes again. */
function subtreeRegex(trie: CatalogTrie, node: TrieNode): Regex {
  const known = trie.regexes.get(node);
  if (known !== undefined) return known;
  const regex = union([
    ...(node.final ? [EPSILON] : []),
    ...[...node.children].map(([char, child]) => concat([literal(char), subtreeRegex(trie, child)])),
  ]);
  trie.regexes.set(node, regex);
  return regex;
}

/**
 * Exactly the catalog actions of `namespaces` that start with one of
 * `prefixes` (any, when undefined): a union of the catalog's words.
 */
export function catalogRegex(
  catalog: ActionCatalog,
  namespaces: readonly string[],
  prefixes: readonly string[] | undefined,
): Regex {
  const minimal = minimalPrefixes(prefixes ?? ['']);
  return union(
    namespaces.flatMap((namespace) => {
      const trie = catalogTrie(catalog, namespace);
      return minimal.flatMap((start) => {
        let node: TrieNode | undefined = trie.root;
        for (const char of start) node = node?.children.get(char);
        return node === undefined ? [] : [concat([literal(start), subtreeRegex(trie, node)])];
      });
    }),
  );
}

/** Where the patterns can tell catalog actions apart, and where only exact words will do. */
interface Guide {
  readonly children: Map<string, Guide>;
  /** A glob with inner wildcards starts here: below, the catalog is kept word for word. */
  exact: boolean;
}

/**
 * A superset of the catalog actions of `namespaces` that no pattern of `sets`
 * can tell apart from the catalog. Every word and prefix text of the sets is
 * a path of the guide; a catalog subtree whose path leaves the guide (at `t`,
 * with no text starting with `t`) is replaced by every string starting with
 * `t`: each such string starts with the same texts as the catalog words below
 * `t` and equals none of the words, so a Boolean combination of the sets holds
 * for it exactly when it holds for those catalog words. Below the literal
 * prefix of a glob with inner wildcards (`s3:get*tagging`) that argument
 * fails, and the catalog is kept exact there.
 *
 * INVARIANT: the result contains every catalog action of `namespaces`, so an
 * UNSAT answer over it is an UNSAT answer over the catalog; a SAT answer is a
 * catalog action's behaviour too, but its witness need not be a catalog word.
 */
export function distinguishedCatalogRegex(
  catalog: ActionCatalog,
  namespaces: readonly string[],
  sets: readonly PatternSet[],
): Regex {
  const guide: Guide = { children: new Map(), exact: false };
  const path = (text: string): Guide => {
    let node = guide;
    for (const char of text) {
      let child = node.children.get(char);
      if (child === undefined) {
        child = { children: new Map(), exact: false };
        node.children.set(char, child);
      }
      node = child;
    }
    return node;
  };
  for (const set of sets) {
    for (const prefix of set.prefixes) path(prefix.text);
    for (const pattern of set.others) path(literalPrefix(pattern)).exact = true;
  }
  const tries = namespaces.map((namespace) => catalogTrie(catalog, namespace));
  return walk(
    tries.map((trie) => ({ trie, node: trie.root })),
    guide,
  );
}

interface Position {
  readonly trie: CatalogTrie;
  readonly node: TrieNode;
}

/** The catalog tries below one path, walked together so that their common prefixes stay factored. */
function walk(start: readonly Position[], startGuide: Guide): Regex {
  let text = '';
  let positions = start;
  let guide = startGuide;
  for (;;) {
    if (guide.exact) return prepend(text, union(positions.map(({ trie, node }) => subtreeRegex(trie, node))));
    const below = new Map<string, Position[]>();
    for (const { trie, node } of positions)
      for (const [char, child] of node.children) {
        const list = below.get(char);
        if (list === undefined) below.set(char, [{ trie, node: child }]);
        else list.push({ trie, node: child });
      }
    const final = positions.some(({ node }) => node.final);
    const [only] = below;
    const onlyGuide = only === undefined ? undefined : guide.children.get(only[0]);
    if (final || below.size !== 1 || only === undefined || onlyGuide === undefined)
      return prepend(text, branches(final, below, guide));
    // One way on along the guide: part of a literal built once.
    text += only[0];
    positions = only[1];
    guide = onlyGuide;
  }
}

function branches(final: boolean, below: ReadonlyMap<string, Position[]>, guide: Guide): Regex {
  const options: Regex[] = final ? [EPSILON] : [];
  const leaving: CodePointRange[] = [];
  for (const [char, children] of below) {
    const next = guide.children.get(char);
    if (next === undefined) {
      const codePoint = char.codePointAt(0) as number;
      leaving.push([codePoint, codePoint]);
    } else options.push(concat([literal(char), walk(children, next)]));
  }
  if (leaving.length > 0) options.push(concat([charClass(leaving), ANY_STRING]));
  return union(options);
}

const prepend = (text: string, rest: Regex): Regex => (text === '' ? rest : concat([literal(text), rest]));
