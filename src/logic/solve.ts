// The fast engine: DPLL over a Tseitin encoding of the formula's Boolean
// structure, with a theory check per variable whenever one of its atoms is
// assigned (by decision or by unit propagation). A theory conflict is
// minimized to a core of literals on that variable and learned as a clause,
// so it propagates in every later branch. Template atoms are free Booleans
// during the search, which only adds models: UNSAT stays a proof, and a SAT
// assignment that uses them is realized by substituting witness values and
// checking the model.
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
  readonly cnf: Cnf;
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
  const atoms = atomsOf(formula);
  const search: Search = {
    formula,
    atoms,
    sorts: variablesOf(formula),
    assignment: new Map(),
    cnf: toCnf(formula, atoms),
    options: resolved,
    deadline: Date.now() + resolved.timeoutMs,
    steps: 0,
    unknown: undefined,
  };
  try {
    const trail: Trail = { values: new Int8Array(search.cnf.variableCount + 1), assigned: [] };
    const model = branch(search, trail, 0);
    if (model !== undefined) return { status: 'sat', model };
  } catch (error) {
    if (error instanceof OutOfBudget) return { status: 'unknown', reason: error.message };
    throw error;
  }
  return search.unknown === undefined ? { status: 'unsat' } : { status: 'unknown', reason: search.unknown };
}

/** Clauses over signed variable numbers: atoms first, then Tseitin gates. */
interface Cnf {
  readonly clauses: number[][];
  /** Variable number of each atom, by atom key. */
  readonly atomVariables: ReadonlyMap<string, number>;
  readonly atomOf: readonly (Atom | undefined)[];
  variableCount: number;
}

function toCnf(formula: Formula, atoms: readonly Atom[]): Cnf {
  const atomVariables = new Map(atoms.map((atom, index) => [formulaKey(atom), index + 1]));
  const cnf: Cnf = { clauses: [], atomVariables, atomOf: [undefined, ...atoms], variableCount: atoms.length };
  const gates = new Map<string, number>();
  const literalOf = (node: Formula): number => {
    switch (node.kind) {
      case 'not':
        return -literalOf(node.operand);
      case 'const': {
        // INVARIANT: constructors fold constants away except at the root.
        const gate = ++cnf.variableCount;
        cnf.clauses.push([node.value ? gate : -gate]);
        return gate;
      }
      case 'and':
      case 'or': {
        const key = formulaKey(node);
        const known = gates.get(key);
        if (known !== undefined) return known;
        const operands = node.operands.map(literalOf);
        const gate = ++cnf.variableCount;
        gates.set(key, gate);
        // and: gate ⇔ ∧ operands; or is its dual.
        const sign = node.kind === 'and' ? 1 : -1;
        for (const operand of operands) cnf.clauses.push([-sign * gate, sign * operand]);
        cnf.clauses.push([sign * gate, ...operands.map((operand) => -sign * operand)]);
        return gate;
      }
      case 'bool':
      case 'matches':
      case 'compare':
      case 'inRange':
      case 'template':
      case 'quantified':
        return atomVariables.get(formulaKey(node)) as number;
      default:
        return unreachable(node);
    }
  };
  cnf.clauses.push([literalOf(formula)]);
  return cnf;
}

interface Trail {
  readonly values: Int8Array;
  readonly assigned: number[];
}

function assign(search: Search, trail: Trail, literal: number): void {
  const variableNumber = Math.abs(literal);
  trail.values[variableNumber] = literal > 0 ? 1 : -1;
  trail.assigned.push(variableNumber);
  const atom = search.cnf.atomOf[variableNumber];
  if (atom !== undefined) search.assignment.set(formulaKey(atom), literal > 0);
}

function undo(search: Search, trail: Trail, mark: number): void {
  while (trail.assigned.length > mark) {
    const variableNumber = trail.assigned.pop() as number;
    trail.values[variableNumber] = 0;
    const atom = search.cnf.atomOf[variableNumber];
    if (atom !== undefined) search.assignment.delete(formulaKey(atom));
  }
}

const valueOf = (trail: Trail, literal: number): number =>
  literal > 0 ? (trail.values[literal] as number) : -(trail.values[-literal] as number);

/** Unit propagation with theory checks of newly assigned atoms; false on conflict. */
function propagate(search: Search, trail: Trail, from: number): boolean {
  let checked = from;
  for (;;) {
    while (checked < trail.assigned.length) {
      const atom = search.cnf.atomOf[trail.assigned[checked++] as number];
      if (atom !== undefined && !consistent(search, atom)) return false;
    }
    let changed = false;
    for (const clause of search.cnf.clauses) {
      let open = 0;
      let last = 0;
      let satisfied = false;
      for (const literal of clause) {
        const value = valueOf(trail, literal);
        if (value > 0) {
          satisfied = true;
          break;
        }
        if (value === 0) {
          open++;
          last = literal;
        }
      }
      if (satisfied) continue;
      if (open === 0) return false;
      if (open === 1) {
        assign(search, trail, last);
        changed = true;
      }
    }
    if (!changed && checked === trail.assigned.length) return true;
  }
}

function branch(search: Search, trail: Trail, from: number): Model | undefined {
  if (!propagate(search, trail, from)) return undefined;
  let next = 0;
  for (let variableNumber = 1; variableNumber <= search.cnf.variableCount; variableNumber++) {
    if (trail.values[variableNumber] === 0) {
      next = variableNumber;
      break;
    }
  }
  if (next === 0) return realize(search);
  search.steps++;
  if (search.steps > search.options.maxSteps)
    throw new OutOfBudget(`more than ${search.options.maxSteps} decisions`);
  if ((search.steps & 63) === 0 && Date.now() > search.deadline) {
    throw new OutOfBudget(`time limit of ${search.options.timeoutMs} ms reached`);
  }
  // Most atoms of a policy query are false in a model: try false first.
  for (const literal of [-next, next]) {
    const mark = trail.assigned.length;
    assign(search, trail, literal);
    const model = branch(search, trail, mark);
    undo(search, trail, mark);
    if (model !== undefined) return model;
  }
  return undefined;
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

/** Checks the theory of `atom`'s variable; on conflict learns the negation of a minimal core. */
function consistent(search: Search, atom: Atom): boolean {
  if (atom.kind === 'template') return true;
  const name = subjectName(atom);
  const literals = literalsOf(search, name);
  const sort = search.sorts.get(name) as Sort;
  const result = theory(search, sort, literals);
  if (result.status === 'sat') return true;
  if (result.status === 'unknown') {
    search.unknown ??= result.reason;
    return false;
  }
  const core = minimalCore(search, sort, literals);
  search.cnf.clauses.push(
    core.map((literal) => {
      const variableNumber = search.cnf.atomVariables.get(formulaKey(literal.atom)) as number;
      return literal.positive ? -variableNumber : variableNumber;
    }),
  );
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
const THEORY_CACHE_LIMIT = 10_000;

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
        atom.parts.map((part) =>
          part.kind === 'regex' ? part.regex : literal(model.get(part.name) as string),
        ),
      );
      literals.push({
        atom: { kind: 'matches', subject: atom.subject, regex },
        positive: search.assignment.get(formulaKey(atom)) as boolean,
      });
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
