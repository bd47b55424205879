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
import { regularWitness, sortPrefix } from './automaton.js';
import { concat, internedNumber, literal, unreachable, type Regex } from './regex.js';
import { GenerationalCache } from './cache.js';
import { Cdcl, type TheoryAnswer } from './cdcl.js';
import { overDomains, type FiniteDomain } from './finite.js';
import { realizeTemplates, type TemplateAtom } from './templates.js';
import { solveVariable, type Literal, type TheoryLimits, type TheoryResult } from './theories.js';

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
  /** String variables declared to range over a finite set of values (finite.ts). */
  readonly domains?: ReadonlyMap<string, FiniteDomain>;
}

type Limits = Required<Omit<SolveOptions, 'domains'>>;

class OutOfBudget extends Error {}

interface Search {
  readonly formula: Formula;
  readonly atoms: readonly Atom[];
  readonly sorts: ReadonlyMap<string, Sort>;
  readonly cnf: Cnf;
  readonly groups: ReadonlyMap<string, Group>;
  /** The group of each CNF variable; undefined for gates and templates. */
  readonly groupOf: readonly (Group | undefined)[];
  readonly solver: Cdcl;
  readonly options: Limits;
  readonly deadline: number;
  steps: number;
  unknown: string | undefined;
  model: Model | undefined;
  /** Set by a failed template realization: the literals it depended on, negated. */
  refuted: number[] | undefined;
  /** The literal objects of the atoms, at `2 × variable number` (true) and the next slot (false), made once. */
  readonly literals: (Literal | undefined)[];
  /** The interned number of each atom, by variable number (see `atomNumber`). */
  readonly atomNumbers: Float64Array;
  /** What the theory checks of this search may use, made at the first one. */
  theoryLimits: TheoryLimits | undefined;
  /** Scratch of `checkTheories`: the groups touched, marked with `stamp`. */
  readonly touched: Group[];
  stamp: number;
}

/** The atoms about one variable (templates excepted): what its theory check reads. */
interface Group {
  readonly name: string;
  readonly sort: Sort;
  readonly variables: number[];
  /** The last `Search.stamp` that touched the group. */
  stamp: number;
}

/** Decides `formula` with the fast engine; a SAT model has been checked with `evaluateFormula`. */
export function solve(given: Formula, options: SolveOptions = {}): Verdict {
  const restricted = options.domains === undefined ? undefined : overDomains(given, options.domains);
  if (restricted?.kind === 'decided') return restricted.verdict;
  const formula = restricted?.formula ?? given;
  const resolved: Limits = {
    maxSteps: options.maxSteps ?? 100_000,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxAutomatonStates: options.maxAutomatonStates ?? 20_000,
  };
  const atoms = atomsOf(formula);
  const sorts = variablesOf(formula);
  const cnf = toCnf(formula, atoms);
  for (const clause of templateImplications(atoms, resolved)) cnf.clauses.push(clause);
  const groups = new Map<string, Group>();
  const groupOf: (Group | undefined)[] = [];
  atoms.forEach((atom, index) => {
    if (atom.kind === 'template') return;
    const name = subjectName(atom);
    let group = groups.get(name);
    if (group === undefined) {
      group = { name, sort: sorts.get(name) as Sort, variables: [], stamp: 0 };
      groups.set(name, group);
    }
    group.variables.push(index + 1);
    groupOf[index + 1] = group;
  });
  const search: Search = {
    formula,
    atoms,
    sorts,
    cnf,
    groups,
    groupOf,
    solver: new Cdcl(cnf.variableCount, cnf.clauses),
    options: resolved,
    deadline: Date.now() + resolved.timeoutMs,
    steps: 0,
    unknown: undefined,
    model: undefined,
    refuted: undefined,
    literals: [],
    atomNumbers: Float64Array.from({ length: atoms.length + 1 }, (_, index) =>
      index === 0 ? 0 : atomNumber(atoms[index - 1] as Atom),
    ),
    theoryLimits: undefined,
    touched: [],
    stamp: 0,
  };
  try {
    const satisfied = search.solver.run({
      check: (trail, from) => checkTheories(search, trail, from),
      complete: () => complete(search),
      tick: () => tick(search),
    });
    if (satisfied && search.model !== undefined) return { status: 'sat', model: search.model };
  } catch (error) {
    if (error instanceof OutOfBudget) return { status: 'unknown', reason: error.message };
    throw error;
  }
  return search.unknown === undefined ? { status: 'unsat' } : { status: 'unknown', reason: search.unknown };
}

/**
 * `¬t1 ∨ t2` for template atoms on one subject that read the same variables in
 * the same order when each regular stretch of t1 (between two variables) is
 * included in t2's: every value of t1 is then one of t2, for any values of the
 * variables. The search treats templates as free Booleans, so without these
 * clauses it could not refute `t1 ∧ ¬t2` (e.g. an ArnLike pattern ending in
 * `${ec2:InstanceId}` against a StringLike `*${ec2:InstanceId}`).
 */
function templateImplications(atoms: readonly Atom[], options: Limits): number[][] {
  const templates = atoms
    .map((atom, index) => ({ atom, variableNumber: index + 1 }))
    .filter(
      (entry): entry is { atom: TemplateAtom; variableNumber: number } => entry.atom.kind === 'template',
    );
  const clauses: number[][] = [];
  for (const narrow of templates) {
    for (const wide of templates) {
      if (narrow === wide) continue;
      const implied =
        narrow.atom.subject.name === wide.atom.subject.name
          ? templateIncluded(narrow.atom, wide.atom, options)
          : reversedEquality(narrow.atom, wide.atom);
      if (implied) clauses.push([-narrow.variableNumber, wide.variableNumber]);
    }
  }
  return clauses;
}

/** `a = ${b}` and `b = ${a}`: one equality read from both sides (aws:ResourceAccount and aws:PrincipalAccount). */
function reversedEquality(left: TemplateAtom, right: TemplateAtom): boolean {
  const [leftRead] = left.parts;
  const [rightRead] = right.parts;
  return (
    left.parts.length === 1 &&
    right.parts.length === 1 &&
    leftRead?.kind === 'variable' &&
    rightRead?.kind === 'variable' &&
    leftRead.name === right.subject.name &&
    rightRead.name === left.subject.name
  );
}

function templateIncluded(narrow: TemplateAtom, wide: TemplateAtom, options: Limits): boolean {
  const narrowStretches = stretches(narrow);
  const wideStretches = stretches(wide);
  if (narrowStretches.variables.join('\u0000') !== wideStretches.variables.join('\u0000')) return false;
  return narrowStretches.regexes.every((regex, index) => {
    const outside = regularWitness(
      [
        { regex, positive: true },
        { regex: wideStretches.regexes[index] as Regex, positive: false },
      ],
      options.maxAutomatonStates,
    );
    return outside.status === 'unsat';
  });
}

/** The variables a template reads, in order, and the regular stretches around them (one more than variables). */
function stretches(atom: TemplateAtom): { variables: string[]; regexes: Regex[] } {
  const variables: string[] = [];
  const regexes: Regex[] = [];
  let current: Regex[] = [];
  for (const part of atom.parts) {
    if (part.kind === 'regex') {
      current.push(part.regex);
      continue;
    }
    regexes.push(concat(current));
    variables.push(part.name);
    current = [];
  }
  regexes.push(concat(current));
  return { variables, regexes };
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
        // The long clause is built in place: slot 0 waits for the gate, numbered after its operands.
        const long = [0];
        for (const operand of node.operands) long.push(literalOf(operand));
        const gate = ++cnf.variableCount;
        gates.set(key, gate);
        // and: gate ⇔ ∧ operands; or is its dual.
        const sign = node.kind === 'and' ? 1 : -1;
        for (let index = 1; index < long.length; index++) {
          const operand = long[index] as number;
          cnf.clauses.push([-sign * gate, sign * operand]);
          long[index] = -sign * operand;
        }
        long[0] = sign * gate;
        cnf.clauses.push(long);
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

function tick(search: Search): void {
  search.steps++;
  if (search.steps > search.options.maxSteps)
    throw new OutOfBudget(`more than ${search.options.maxSteps} decisions`);
  if ((search.steps & 63) === 0 && Date.now() > search.deadline) {
    throw new OutOfBudget(`time limit of ${search.options.timeoutMs} ms reached`);
  }
}

/**
 * Checks the theory of every variable with an atom assigned since `trail[from]`.
 * A conflict is minimized to a core and returned as a clause; an undecided
 * check blocks the group's literals too, but marks the search so that it can
 * no longer answer UNSAT.
 */
function checkTheories(search: Search, trail: readonly number[], from: number): TheoryAnswer {
  const touched = search.touched;
  touched.length = 0;
  const stamp = ++search.stamp;
  for (let index = from; index < trail.length; index++) {
    const group = search.groupOf[Math.abs(trail[index] as number)];
    if (group === undefined || group.sort === 'bool' || group.stamp === stamp) continue;
    group.stamp = stamp;
    touched.push(group);
  }
  for (const group of touched) {
    const result = groupTheory(search, group);
    if (result.status === 'sat') continue;
    const literals = groupLiterals(search, group);
    if (result.status === 'unknown') {
      search.unknown ??= result.reason;
      return { status: 'conflict', clause: literals.map((literal) => blocking(search, literal)) };
    }
    // Without decisions the conflict ends the search: the clause is never used again.
    const core =
      search.solver.level === 0 ? literals : minimalCore(search, group.sort, result.core ?? literals);
    return { status: 'conflict', clause: core.map((literal) => blocking(search, literal)) };
  }
  return CONSISTENT;
}

const CONSISTENT: TheoryAnswer = { status: 'consistent' };

/** The CNF literal that is false exactly when `literal` holds. */
function blocking(search: Search, literal: Literal): number {
  const variableNumber = search.cnf.atomVariables.get(formulaKey(literal.atom)) as number;
  return literal.positive ? -variableNumber : variableNumber;
}

/** At a full assignment: a verified model, or a clause blocking this assignment of the atoms. */
function complete(search: Search): number[] | undefined {
  search.refuted = undefined;
  const model = realize(search);
  if (model !== undefined) {
    search.model = model;
    return undefined;
  }
  if (search.refuted !== undefined) return search.refuted;
  const clause: number[] = [];
  for (let variableNumber = 1; variableNumber <= search.atoms.length; variableNumber++) {
    clause.push(search.solver.valueOf(variableNumber) > 0 ? -variableNumber : variableNumber);
  }
  return clause;
}

function groupLiterals(search: Search, group: Group): Literal[] {
  const literals: Literal[] = [];
  for (const variableNumber of group.variables) {
    const value = search.solver.valueOf(variableNumber);
    if (value !== 0) literals.push(literalObject(search, variableNumber, value > 0));
  }
  return literals;
}

/** The literal of an atom's variable, made once per search: theory checks read the same ones again and again. */
function literalObject(search: Search, variableNumber: number, positive: boolean): Literal {
  const slot = 2 * variableNumber + (positive ? 0 : 1);
  return (search.literals[slot] ??= { atom: search.cnf.atomOf[variableNumber] as Atom, positive });
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

/** The theory check of a group's assigned literals: a cache hit reads their codes off the solver, without a literal list. */
function groupTheory(search: Search, group: Group): TheoryResult {
  let count = 0;
  for (const variableNumber of group.variables) {
    const value = search.solver.valueOf(variableNumber);
    if (value === 0) continue;
    if (codeScratch.length <= count) codeScratch = grownCodes(codeScratch);
    codeScratch[count++] = 2 * (search.atomNumbers[variableNumber] as number) + (value > 0 ? 0 : 1);
  }
  return (
    cachedTheory(group.sort, count) ?? storedTheory(search, group.sort, count, groupLiterals(search, group))
  );
}

function literalsOf(search: Search, name: string): Literal[] {
  const group = search.groups.get(name);
  return group === undefined ? [] : groupLiterals(search, group);
}

const atomNumbers = new WeakMap<Atom, number>();

/** An atom's interned number (`formulaKey`), which the theory cache's keys are made of. */
function atomNumber(atom: Atom): number {
  let known = atomNumbers.get(atom);
  if (known === undefined) {
    known = internedNumber(formulaKey(atom));
    atomNumbers.set(atom, known);
  }
  return known;
}

/** A literal as a number: its atom's number, doubled, plus one when negative. */
function literalCode(literal: Literal): number {
  return 2 * atomNumber(literal.atom) + (literal.positive ? 0 : 1);
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

/** A cached theory check: its sort and literal codes (sorted) are its key. */
interface TheoryEntry {
  readonly sort: Sort;
  readonly codes: Float64Array;
  readonly result: TheoryResult;
}

/** Entries by the hash of their key; the few that share a hash are told apart by comparing keys. */
const theoryResults = new GenerationalCache<number, TheoryEntry[]>(20_000);
/** Scratch of `theory`: the codes of the literals asked about. */
let codeScratch = new Float64Array(64);

/**
 * Theory checks are pure in their literals, so results are shared across
 * searches. The key is the sorted codes of the literals (a multiset: order
 * does not matter, repeats do), hashed and compared in a typed array: a
 * string key per check (sorted and joined) was a tenth of the memory the
 * checks bench allocated.
 */
function theory(search: Search, sort: Sort, literals: readonly Literal[]): TheoryResult {
  const count = literals.length;
  while (codeScratch.length < count) codeScratch = grownCodes(codeScratch);
  for (let index = 0; index < count; index++) codeScratch[index] = literalCode(literals[index] as Literal);
  return cachedTheory(sort, count) ?? storedTheory(search, sort, count, literals);
}

function grownCodes(codes: Float64Array): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(2 * codes.length);
  grown.set(codes);
  return grown;
}

/** The cached result for the codes in `codeScratch[0 .. count)` (sorted in place). */
function cachedTheory(sort: Sort, count: number): TheoryResult | undefined {
  sortPrefix(codeScratch, count);
  const known = theoryResults.get(hashCodes(sort, codeScratch, count));
  if (known === undefined) return undefined;
  for (const entry of known)
    if (entry.sort === sort && sameCodes(entry.codes, codeScratch, count)) return entry.result;
  return undefined;
}

/** Checks `literals`, whose sorted codes are in `codeScratch[0 .. count)`, and caches the result. */
function storedTheory(search: Search, sort: Sort, count: number, literals: readonly Literal[]): TheoryResult {
  // Copied before the check: a set witness solves a nested search, which reuses the scratch.
  const codes = codeScratch.slice(0, count);
  const result = computeTheory(search, sort, literals);
  // Unknown depends on the budget of this search: not cached.
  if (result.status === 'unknown') return result;
  const hash = hashCodes(sort, codes, count);
  const entry: TheoryEntry = { sort, codes, result };
  const bucket = theoryResults.get(hash);
  if (bucket === undefined) theoryResults.set(hash, [entry]);
  else {
    bucket.push(entry);
    theoryResults.set(hash, bucket);
  }
  return result;
}

const SORT_NUMBERS: Readonly<Record<Sort, number>> = {
  string: 1,
  number: 2,
  bool: 3,
  ip: 4,
  'set<string>': 5,
  'set<number>': 6,
  'set<bool>': 7,
  'set<ip>': 8,
};

/** FNV-1a over the sort and the codes' low and high 32 bits (codes are integers below 2^53). */
function hashCodes(sort: Sort, codes: Float64Array, count: number): number {
  let hash = Math.imul(0x811c9dc5 ^ SORT_NUMBERS[sort], 0x01000193);
  for (let index = 0; index < count; index++) {
    const code = codes[index] as number;
    hash = Math.imul(hash ^ (code % 0x100000000), 0x01000193);
    hash = Math.imul(hash ^ Math.floor(code / 0x100000000), 0x01000193);
  }
  return hash;
}

function sameCodes(known: Float64Array, codes: Float64Array, count: number): boolean {
  if (known.length !== count) return false;
  for (let index = 0; index < count; index++) if (known[index] !== codes[index]) return false;
  return true;
}

function computeTheory(search: Search, sort: Sort, literals: readonly Literal[]): TheoryResult {
  return solveVariable(sort, literals, (search.theoryLimits ??= theoryLimitsOf(search)));
}

function theoryLimitsOf(search: Search): TheoryLimits {
  return {
    maxAutomatonStates: search.options.maxAutomatonStates,
    solveElement: (body, elementSort) => solveElement(search, body, elementSort),
  };
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
    const group = search.groups.get(name);
    const result = group === undefined ? theory(search, sort, []) : groupTheory(search, group);
    if (result.status !== 'sat') {
      search.unknown ??= result.status === 'unknown' ? result.reason : 'theory conflict at a leaf';
      return undefined;
    }
    model.set(name, defaultValue(sort, result.value));
  }
  // INVARIANT: realize runs at a full assignment, so every template atom has a value.
  const templates = search.atoms.filter((atom): atom is TemplateAtom => atom.kind === 'template');
  if (templates.length > 0) {
    const outcome = realizeTemplates({
      templates: templates.map((atom) => ({ atom, positive: assignedTrue(search, atom) })),
      witnesses: model,
      solveString: (name, extra) => theory(search, 'string', [...literalsOf(search, name), ...extra]),
      literalsOf: (name) => literalsOf(search, name),
    });
    switch (outcome.kind) {
      case 'realized':
        for (const [name, value] of outcome.values) model.set(name, value);
        break;
      case 'refuted':
        search.refuted = refutation(search, outcome.subject, outcome.through, templates);
        return undefined;
      case 'failed': {
        const subjects = new Set(templates.map((atom) => atom.subject.name));
        search.refuted = templateAssignment(search, outcome.subject, templates);
        if (!outcome.exhausted && templatesExact(search, templates, subjects)) return undefined;
        search.unknown ??= outcome.reason;
        return undefined;
      }
      default:
        return unreachable(outcome);
    }
  }
  if (evaluateFormula(search.formula, model)) return model;
  search.unknown ??= 'a candidate model failed verification';
  return undefined;
}

function assignedTrue(search: Search, atom: Atom): boolean {
  return search.solver.valueOf(search.cnf.atomVariables.get(formulaKey(atom)) as number) > 0;
}

/**
 * An exact refutation of the subject's realization: its own atoms, its true
 * templates and the atoms of the variables it equals (`through`) cannot hold
 * together (realizeTemplates proved it with every other parameter read as any
 * string), so the clause needs nothing else.
 */
function refutation(
  search: Search,
  subject: string,
  through: readonly string[],
  templates: readonly TemplateAtom[],
): number[] {
  const clause = [subject, ...through].flatMap((name) =>
    literalsOf(search, name).map((literal) => blocking(search, literal)),
  );
  for (const atom of templates) {
    if (atom.subject.name !== subject || !assignedTrue(search, atom)) continue;
    clause.push(-(search.cnf.atomVariables.get(formulaKey(atom)) as number));
  }
  // A variable may be read twice (equal to itself, or through two templates): each literal once.
  return [...new Set(clause)];
}

/**
 * The literals a failed realization of `subject` read: its own atoms, its
 * template atoms and the atoms of the variables those templates read. Blocking
 * only these (not the whole assignment) keeps the search from enumerating the
 * other variables' assignments under the same failure.
 */
function templateAssignment(search: Search, subject: string, templates: readonly TemplateAtom[]): number[] {
  const read = new Set([subject]);
  const clause: number[] = [];
  for (const atom of templates) {
    if (atom.subject.name !== subject) continue;
    const variableNumber = search.cnf.atomVariables.get(formulaKey(atom)) as number;
    clause.push(search.solver.valueOf(variableNumber) > 0 ? -variableNumber : variableNumber);
    for (const part of atom.parts) if (part.kind === 'variable') read.add(part.name);
  }
  for (const name of read)
    for (const literal of literalsOf(search, name)) clause.push(blocking(search, literal));
  return clause;
}

/**
 * Substituting witness values is exact when every variable the templates read
 * has only one possible value and is not itself a template subject: then a
 * failure refutes this assignment rather than the values tried.
 */
function templatesExact(
  search: Search,
  templates: readonly TemplateAtom[],
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
