// The fast engine: Boolean search over the atoms with per-variable theory checks.
//
// Atoms are decided one at a time; after each decision the formula is
// evaluated three-valued (pruning as soon as it is false) and the theory of
// the atom's variable checks that its literals have a common value. A
// theory conflict is minimized to a core of literals on that variable and
// learned, so the same combination is refuted without a theory call.
// Template atoms are free Booleans during the search, which only adds
// models: UNSAT stays a proof, and a SAT assignment that uses them is
// realized by substituting witness values and checking the model.
import { evaluateFormula } from './evaluate.js';
import {
  atomsOf,
  formulaKey,
  isSetSort,
  variablesOf,
  variable,
  type Atom,
  type Formula,
  type Model,
  type ScalarSort,
  type Sort,
  type Value,
} from './formula.js';
import { concat, literal, unreachable } from './regex.js';
import { solveVariable, type Literal, type TheoryResult } from './theories.js';

export type Verdict =
  | { readonly status: 'sat'; readonly model: Model }
  | { readonly status: 'unsat' }
  | { readonly status: 'unknown'; readonly reason: string };

export interface SolveOptions {
  /** Boolean decisions before giving up; default 100,000. */
  readonly maxSteps?: number;
  /** Wall-clock budget in milliseconds; default 5,000. */
  readonly timeoutMs?: number;
  /** States of one automaton product; default 20,000. */
  readonly maxAutomatonStates?: number;
}

class OutOfBudget extends Error {}

interface Search {
  readonly formula: Formula;
  readonly atoms: readonly Atom[];
  readonly sorts: ReadonlyMap<string, Sort>;
  readonly assignment: Map<string, boolean>;
  readonly learned: Set<string>[];
  readonly options: Required<SolveOptions>;
  readonly deadline: number;
  steps: number;
  unknown: string | undefined;
}

/** Decides `formula` with the fast engine; a SAT model has been checked with `evaluateFormula`. */
export function solve(formula: Formula, options: SolveOptions = {}): Verdict {
  const resolved: Required<SolveOptions> = {
    maxSteps: options.maxSteps ?? 100_000,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxAutomatonStates: options.maxAutomatonStates ?? 20_000,
  };
  const search: Search = {
    formula,
    atoms: atomsOf(formula),
    sorts: variablesOf(formula),
    assignment: new Map(),
    learned: [],
    options: resolved,
    deadline: Date.now() + resolved.timeoutMs,
    steps: 0,
    unknown: undefined,
  };
  try {
    const model = branch(search, 0);
    if (model !== undefined) return { status: 'sat', model };
  } catch (error) {
    if (error instanceof OutOfBudget) return { status: 'unknown', reason: error.message };
    throw error;
  }
  return search.unknown === undefined ? { status: 'unsat' } : { status: 'unknown', reason: search.unknown };
}

function branch(search: Search, next: number): Model | undefined {
  const value = partialValue(search.formula, search.assignment);
  if (value === false) return undefined;
  const atom = search.atoms[next];
  if (value === true || atom === undefined) return realize(search);
  search.steps++;
  if (search.steps > search.options.maxSteps) throw new OutOfBudget(`more than ${search.options.maxSteps} decisions`);
  if ((search.steps & 63) === 0 && Date.now() > search.deadline) {
    throw new OutOfBudget(`time limit of ${search.options.timeoutMs} ms reached`);
  }
  const key = formulaKey(atom);
  for (const positive of [true, false]) {
    search.assignment.set(key, positive);
    if (consistent(search, atom)) {
      const model = branch(search, next + 1);
      if (model !== undefined) return model;
    }
    search.assignment.delete(key);
  }
  return undefined;
}

/** Three-valued value of a formula under a partial assignment of its atoms. */
function partialValue(formula: Formula, assignment: ReadonlyMap<string, boolean>): boolean | undefined {
  switch (formula.kind) {
    case 'const':
      return formula.value;
    case 'not': {
      const operand = partialValue(formula.operand, assignment);
      return operand === undefined ? undefined : !operand;
    }
    case 'and':
    case 'or': {
      const absorbing = formula.kind === 'or';
      let open = false;
      for (const operand of formula.operands) {
        const value = partialValue(operand, assignment);
        if (value === absorbing) return absorbing;
        if (value === undefined) open = true;
      }
      return open ? undefined : !absorbing;
    }
    case 'bool':
    case 'matches':
    case 'compare':
    case 'inRange':
    case 'template':
    case 'quantified':
      return assignment.get(formulaKey(formula));
    default:
      return unreachable(formula);
  }
}

function subjectName(atom: Atom): string {
  switch (atom.kind) {
    case 'quantified':
      return atom.set.name;
    case 'template':
      return atom.subject.name;
    case 'bool':
    case 'matches':
    case 'compare':
    case 'inRange':
      // INVARIANT: variablesOf rejected elements outside quantifiers.
      return atom.subject.kind === 'variable' ? atom.subject.name : '';
    default:
      return unreachable(atom);
  }
}

function literalsOf(search: Search, name: string): Literal[] {
  const literals: Literal[] = [];
  for (const atom of search.atoms) {
    const positive = search.assignment.get(formulaKey(atom));
    if (positive !== undefined && atom.kind !== 'template' && subjectName(atom) === name) {
      literals.push({ atom, positive });
    }
  }
  return literals;
}

function literalKey(literal: Literal): string {
  return `${literal.positive ? '+' : '-'}${formulaKey(literal.atom)}`;
}

/** Checks the theory of `atom`'s variable; learns a minimal core on conflict. */
function consistent(search: Search, atom: Atom): boolean {
  if (atom.kind === 'template') return true;
  const name = subjectName(atom);
  const literals = literalsOf(search, name);
  const keys = new Set(literals.map(literalKey));
  if (search.learned.some((core) => [...core].every((key) => keys.has(key)))) return false;
  const sort = search.sorts.get(name) as Sort;
  const result = theory(search, sort, literals);
  if (result.status === 'sat') return true;
  if (result.status === 'unknown') {
    search.unknown ??= result.reason;
    return false;
  }
  search.learned.push(new Set(minimalCore(search, sort, literals).map(literalKey)));
  return false;
}

/** Drops literals one at a time while the rest stays contradictory. */
function minimalCore(search: Search, sort: Sort, literals: readonly Literal[]): Literal[] {
  let core = [...literals];
  for (let index = core.length - 1; index >= 0; index--) {
    const without = core.filter((_, position) => position !== index);
    if (theory(search, sort, without).status === 'unsat') core = without;
  }
  return core;
}

const theoryResults = new Map<string, TheoryResult>();
const THEORY_CACHE_LIMIT = 50_000;

/** Theory checks are pure in their literals, so results are shared across searches. */
function theory(search: Search, sort: Sort, literals: readonly Literal[]): TheoryResult {
  const key = `${sort} ${literals.map(literalKey).sort().join(' ')}`;
  const known = theoryResults.get(key);
  if (known !== undefined) return known;
  const result = computeTheory(search, sort, literals);
  // Unknown depends on the budget of this search: not cached.
  if (result.status !== 'unknown') {
    if (theoryResults.size >= THEORY_CACHE_LIMIT) theoryResults.clear();
    theoryResults.set(key, result);
  }
  return result;
}

function computeTheory(search: Search, sort: Sort, literals: readonly Literal[]): TheoryResult {
  return solveVariable(sort, literals, {
    maxAutomatonStates: search.options.maxAutomatonStates,
    solveElement: (body, elementSort) => solveElement(search, body, elementSort),
  });
}

const ELEMENT = '\u0000element';

function solveElement(search: Search, body: Formula, sort: ScalarSort): TheoryResult {
  const bound = substituteElement(body, sort);
  const verdict = solve(bound, { ...search.options, timeoutMs: Math.max(1, search.deadline - Date.now()) });
  if (verdict.status !== 'sat') return verdict;
  return { status: 'sat', value: defaultValue(sort, verdict.model.get(ELEMENT)) };
}

/** The body with the bound element read as a fresh variable. */
function substituteElement(body: Formula, sort: ScalarSort): Formula {
  const handle = variable(ELEMENT, sort);
  const visit = (formula: Formula): Formula => {
    switch (formula.kind) {
      case 'bool':
      case 'matches':
      case 'compare':
      case 'inRange':
        return { ...formula, subject: handle } as Formula;
      case 'not':
        return { kind: 'not', operand: visit(formula.operand) };
      case 'and':
      case 'or':
        return { kind: formula.kind, operands: formula.operands.map(visit) };
      case 'const':
      case 'template':
      case 'quantified':
        return formula;
      default:
        return unreachable(formula);
    }
  };
  return visit(body);
}

function defaultValue(sort: Sort, known: Value | undefined): Value {
  if (known !== undefined) return known;
  if (isSetSort(sort)) return [];
  switch (sort) {
    case 'string':
      return '';
    case 'number':
      return 0;
    case 'bool':
      return false;
    case 'ip':
      return { family: 'v4', address: 0n };
    default:
      return unreachable(sort);
  }
}

/**
 * Builds a model from a consistent assignment: theory witnesses per variable,
 * then template subjects solved with the referenced variables' values substituted.
 */
function realize(search: Search): Model | undefined {
  const model = new Map<string, Value>();
  for (const [name, sort] of search.sorts) {
    const result = theory(search, sort, literalsOf(search, name));
    if (result.status !== 'sat') {
      search.unknown ??= result.status === 'unknown' ? result.reason : 'theory conflict at a leaf';
      return undefined;
    }
    model.set(name, defaultValue(sort, result.value));
  }
  const templates = search.atoms.filter(
    (atom): atom is Extract<Atom, { kind: 'template' }> =>
      atom.kind === 'template' && search.assignment.has(formulaKey(atom)),
  );
  const subjects = new Set(templates.map((atom) => atom.subject.name));
  for (const name of subjects) {
    const literals = literalsOf(search, name);
    for (const atom of templates.filter((candidate) => candidate.subject.name === name)) {
      const regex = concat(
        atom.parts.map((part) => (part.kind === 'regex' ? part.regex : literal(model.get(part.name) as string))),
      );
      literals.push({ atom: { kind: 'matches', subject: atom.subject, regex }, positive: search.assignment.get(formulaKey(atom)) as boolean });
    }
    const result = theory(search, 'string', literals);
    if (result.status === 'unsat' && templatesExact(search, templates, subjects)) return undefined;
    if (result.status !== 'sat') {
      search.unknown ??= 'templates not realized with the witness values tried';
      return undefined;
    }
    model.set(name, result.value as string);
  }
  if (evaluateFormula(search.formula, model)) return model;
  search.unknown ??= 'a candidate model failed verification';
  return undefined;
}

/**
 * Substituting witness values is exact when every variable the templates read
 * has only one possible value and is not itself a template subject: then a
 * failure refutes this assignment rather than the values tried.
 */
function templatesExact(
  search: Search,
  templates: readonly Extract<Atom, { kind: 'template' }>[],
  subjects: ReadonlySet<string>,
): boolean {
  return templates.every((atom) =>
    atom.parts.every((part) => {
      if (part.kind === 'regex') return true;
      if (subjects.has(part.name)) return false;
      const literals = literalsOf(search, part.name);
      const witness = theory(search, 'string', literals);
      if (witness.status !== 'sat') return false;
      const other: Literal = {
        atom: { kind: 'matches', subject: part, regex: literal(witness.value as string) },
        positive: false,
      };
      return theory(search, 'string', [...literals, other]).status === 'unsat';
    }),
  );
}
