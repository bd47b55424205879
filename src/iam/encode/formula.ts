// Formulas over request variables and the search that decides them.
//
// A request variable is absent or holds values: one value for single-valued
// keys, a non-empty set for multi-valued ones. Atoms test presence, or test
// the values against a disjunction of value tests (`one`: the single value,
// `some`/`all`: ForAnyValue/ForAllValues over the set), or are opaque
// (policy variables relate two variables; they are decided by replaying the
// candidate request, never assumed).
//
// The search is DPLL over the formula's disjunctions with a theory check per
// variable after every new literal. Treating opaque atoms as free Booleans
// only adds models, so UNSAT stays a proof; a model that uses them is kept
// only if the concrete request it yields satisfies the formula.
import { unreachable } from './glob.js';
import { passesTest, solveValue, testKey, type ValueTest } from './values.js';

export type Quantifier = 'one' | 'some' | 'all';

export type Atom =
  | { readonly kind: 'present'; readonly variable: string }
  | {
      readonly kind: 'value';
      readonly variable: string;
      readonly quantifier: Quantifier;
      /** Passes when any of these tests passes. */
      readonly tests: readonly ValueTest[];
    }
  | {
      readonly kind: 'opaque';
      readonly key: string;
      readonly holds: (request: Assignment) => boolean;
    };

export type Formula =
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'atom'; readonly atom: Atom }
  | { readonly kind: 'not'; readonly operand: Formula }
  | { readonly kind: 'and'; readonly operands: readonly Formula[] }
  | { readonly kind: 'or'; readonly operands: readonly Formula[] };

/** A concrete request: absent variables are missing from the map. */
export type Assignment = ReadonlyMap<string, readonly string[]>;

export const TRUE: Formula = { kind: 'const', value: true };
export const FALSE: Formula = { kind: 'const', value: false };

export function atom(value: Atom): Formula {
  return { kind: 'atom', atom: value };
}

export function not(operand: Formula): Formula {
  if (operand.kind === 'const') return operand.value ? FALSE : TRUE;
  if (operand.kind === 'not') return operand.operand;
  return { kind: 'not', operand };
}

export function and(operands: readonly Formula[]): Formula {
  const kept: Formula[] = [];
  for (const operand of operands) {
    if (operand.kind === 'const') {
      if (!operand.value) return FALSE;
      continue;
    }
    if (operand.kind === 'and') kept.push(...operand.operands);
    else kept.push(operand);
  }
  if (kept.length === 0) return TRUE;
  return kept.length === 1 ? (kept[0] ?? TRUE) : { kind: 'and', operands: kept };
}

export function or(operands: readonly Formula[]): Formula {
  const kept: Formula[] = [];
  for (const operand of operands) {
    if (operand.kind === 'const') {
      if (operand.value) return TRUE;
      continue;
    }
    if (operand.kind === 'or') kept.push(...operand.operands);
    else kept.push(operand);
  }
  if (kept.length === 0) return FALSE;
  return kept.length === 1 ? (kept[0] ?? FALSE) : { kind: 'or', operands: kept };
}

const atomKeys = new WeakMap<Atom, string>();

/** Atoms with equal keys are the same test; memoised because atoms are immutable and shared. */
export function atomKey(value: Atom): string {
  let key = atomKeys.get(value);
  if (key === undefined) {
    key = computeAtomKey(value);
    atomKeys.set(value, key);
  }
  return key;
}

function computeAtomKey(value: Atom): string {
  switch (value.kind) {
    case 'present':
      return `present:${value.variable}`;
    case 'value':
      return `${value.quantifier}:${value.variable}:${value.tests.map(testKey).sort().join('|')}`;
    case 'opaque':
      return `opaque:${value.key}`;
    default:
      return unreachable(value);
  }
}

export function holdsAtom(value: Atom, request: Assignment): boolean {
  switch (value.kind) {
    case 'present':
      return request.has(value.variable);
    case 'value': {
      const values = request.get(value.variable) ?? [];
      const passes = (text: string): boolean => value.tests.some((test) => passesTest(test, text));
      return value.quantifier === 'all' ? values.every(passes) : values.some(passes);
    }
    case 'opaque':
      return value.holds(request);
    default:
      return unreachable(value);
  }
}

/** The formula's truth on a concrete request: the reference the search is checked against. */
export function holds(formula: Formula, request: Assignment): boolean {
  switch (formula.kind) {
    case 'const':
      return formula.value;
    case 'atom':
      return holdsAtom(formula.atom, request);
    case 'not':
      return !holds(formula.operand, request);
    case 'and':
      return formula.operands.every((operand) => holds(operand, request));
    case 'or':
      return formula.operands.some((operand) => holds(operand, request));
    default:
      return unreachable(formula);
  }
}

export type Solution =
  | { readonly kind: 'sat'; readonly model: Assignment }
  | { readonly kind: 'unsat' }
  | { readonly kind: 'unknown'; readonly reason: string };

export interface SolveOptions {
  /** Variables that hold sets (multi-valued keys); every other variable holds one value. */
  readonly setVariables?: ReadonlySet<string>;
  /** Search steps before giving up with `unknown`. */
  readonly maxSteps?: number;
}

interface Literal {
  readonly atom: Atom;
  readonly positive: boolean;
}

/** Negation normal form: `not` only directly above atoms. */
type Nnf =
  | { readonly kind: 'literal'; readonly literal: Literal; readonly key: string }
  | Compound
  | { readonly kind: 'const'; readonly value: boolean };

/**
 * A conjunction or disjunction that stands for formula `id` (or its negation):
 * equal subformulas share an id, so once a statement is known to hold, the
 * same statement negated elsewhere (in the other policy) is known false.
 */
interface Compound {
  readonly kind: 'and' | 'or';
  readonly operands: readonly Nnf[];
  readonly key: string;
  readonly positive: boolean;
}

const internedKeys = new Map<string, number>();
const formulaIds = new WeakMap<Formula, number>();

/** Structurally equal formulas get the same id. */
function formulaId(formula: Formula): number {
  let id = formulaIds.get(formula);
  if (id !== undefined) return id;
  let key: string;
  switch (formula.kind) {
    case 'const':
      key = String(formula.value);
      break;
    case 'atom':
      key = `a${atomKey(formula.atom)}`;
      break;
    case 'not':
      key = `n${formulaId(formula.operand)}`;
      break;
    case 'and':
    case 'or':
      key = `${formula.kind}(${formula.operands.map(formulaId).join(',')})`;
      break;
    default:
      return unreachable(formula);
  }
  id = internedKeys.get(key);
  if (id === undefined) {
    id = internedKeys.size;
    internedKeys.set(key, id);
  }
  formulaIds.set(formula, id);
  return id;
}

function toNnf(formula: Formula, positive: boolean): Nnf {
  switch (formula.kind) {
    case 'const':
      return { kind: 'const', value: formula.value === positive };
    case 'atom':
      return { kind: 'literal', literal: { atom: formula.atom, positive }, key: atomKey(formula.atom) };
    case 'not':
      return toNnf(formula.operand, !positive);
    case 'and':
    case 'or': {
      const conjunctive = (formula.kind === 'and') === positive;
      const kind = conjunctive ? 'and' : 'or';
      // Flattened, so that a negated conjunction under a disjunction is one disjunction.
      const operands = formula.operands
        .map((operand) => toNnf(operand, positive))
        .flatMap((operand) => (operand.kind === kind ? operand.operands : [operand]));
      return { kind, operands, key: `f${formulaId(formula)}`, positive };
    }
    default:
      return unreachable(formula);
  }
}

type VariableSolution =
  | { readonly kind: 'sat'; readonly values: readonly string[] | undefined }
  | { readonly kind: 'unsat' }
  | { readonly kind: 'unknown'; readonly reason: string };

interface ElementConstraint {
  readonly tests: readonly ValueTest[];
  readonly positive: boolean;
}

/** One value that satisfies every constraint. */
function solveElement(constraints: readonly ElementConstraint[]): VariableSolution {
  const forbidden = constraints
    .filter((constraint) => !constraint.positive)
    .flatMap((constraint) => constraint.tests);
  const required = constraints
    .filter((constraint) => constraint.positive)
    .map((constraint) => constraint.tests);
  const result = solveValue(required, forbidden);
  return result.kind === 'sat' ? { kind: 'sat', values: [result.witness] } : result;
}

function solveVariable(literals: readonly Literal[], isSet: boolean): VariableSolution {
  let mustBePresent = false;
  let mustBeAbsent = false;
  const universal: ElementConstraint[] = [];
  const existential: ElementConstraint[] = [];
  for (const { atom: value, positive } of literals) {
    if (value.kind === 'present') {
      if (positive) mustBePresent = true;
      else mustBeAbsent = true;
      continue;
    }
    if (value.kind !== 'value') continue;
    const quantifier: Quantifier = isSet ? (value.quantifier === 'one' ? 'some' : value.quantifier) : 'one';
    const constraint = { tests: value.tests, positive };
    if (quantifier === 'one') {
      if (positive) mustBePresent = true;
      universal.push(constraint);
    } else if ((quantifier === 'all') === positive) {
      universal.push(constraint);
    } else {
      existential.push(constraint);
    }
  }
  if (mustBePresent && mustBeAbsent) return { kind: 'unsat' };
  if (!isSet) {
    // A single value's negative tests hold vacuously when it is absent.
    if (!mustBePresent) return { kind: 'sat', values: undefined };
    return solveElement(universal);
  }
  if (existential.length > 0 && mustBeAbsent) return { kind: 'unsat' };
  if (existential.length === 0 && !mustBePresent) return { kind: 'sat', values: undefined };
  const elements: string[] = [];
  for (const witnessConstraint of existential.length > 0 ? existential : [undefined]) {
    const element = solveElement(
      witnessConstraint === undefined ? universal : [...universal, witnessConstraint],
    );
    if (element.kind !== 'sat') return element;
    elements.push(...(element.values ?? []));
  }
  return { kind: 'sat', values: [...new Set(elements)] };
}

class Budget {
  steps = 0;
  constructor(readonly limit: number) {}
}

class StepLimit extends Error {}

/**
 * Decides `formula`: a model (a concrete request satisfying it, checked with
 * `holds`), a proof that none exists, or `unknown` when a limit is reached.
 */
export function solve(formula: Formula, options: SolveOptions = {}): Solution {
  const setVariables = options.setVariables ?? new Set<string>();
  const budget = new Budget(options.maxSteps ?? 200_000);
  const literalsByVariable = new Map<string, Literal[]>();
  const asserted = new Map<string, boolean>();
  const opaque: Literal[] = [];
  const theoryCache = new Map<string, VariableSolution>();
  const unknownReasons = new Set<string>();
  const root = toNnf(formula, true);

  const variableOf = (value: Atom): string | undefined =>
    value.kind === 'opaque' ? undefined : value.variable;

  const checkVariable = (variable: string): VariableSolution => {
    const literals = literalsByVariable.get(variable) ?? [];
    const key = `${variable}#${literals
      .map((literal) => `${literal.positive ? '+' : '-'}${atomKey(literal.atom)}`)
      .sort()
      .join('&')}`;
    let result = theoryCache.get(key);
    if (result === undefined) {
      result = solveVariable(literals, setVariables.has(variable));
      theoryCache.set(key, result);
    }
    return result;
  };

  const buildModel = (): Map<string, readonly string[]> | undefined => {
    const model = new Map<string, readonly string[]>();
    for (const variable of literalsByVariable.keys()) {
      const result = checkVariable(variable);
      if (result.kind !== 'sat') return undefined;
      if (result.values !== undefined) model.set(variable, result.values);
    }
    return model;
  };

  /** Three-valued truth under the literals asserted so far. */
  const literalStatus = (node: Nnf): boolean | undefined => {
    switch (node.kind) {
      case 'const':
        return node.value;
      case 'literal': {
        const value = asserted.get(node.key);
        return value === undefined ? undefined : value === node.literal.positive;
      }
      case 'and':
      case 'or': {
        const known = asserted.get(node.key);
        if (known !== undefined) return known === node.positive;
        const decisive = node.kind === 'or';
        let open = false;
        for (const operand of node.operands) {
          const status = literalStatus(operand);
          if (status === decisive) return decisive;
          if (status === undefined) open = true;
        }
        return open ? undefined : !decisive;
      }
      default:
        return unreachable(node);
    }
  };

  let found: Map<string, readonly string[]> | undefined;

  const search = (agenda: readonly Nnf[], pending: readonly Nnf[]): boolean => {
    if (++budget.steps > budget.limit) throw new StepLimit();
    const [head, ...rest] = agenda;
    if (head === undefined) return decideDisjunction(pending);
    switch (head.kind) {
      case 'const':
        return head.value && search(rest, pending);
      case 'and':
        return assume(head, () => search([...head.operands, ...rest], pending));
      case 'or': {
        const status = literalStatus(head);
        if (status === true) return search(rest, pending);
        if (status === false) return false;
        return search(rest, [...pending, head]);
      }
      case 'literal':
        return assertLiteral(head, () => search(rest, pending));
      default:
        return unreachable(head);
    }
  };

  const assertLiteral = (node: Nnf & { kind: 'literal' }, continuation: () => boolean): boolean => {
    const status = literalStatus(node);
    if (status !== undefined) return status && continuation();
    const { literal } = node;
    asserted.set(node.key, literal.positive);
    const variable = variableOf(literal.atom);
    let ok = true;
    if (variable === undefined) {
      opaque.push(literal);
    } else {
      const list = literalsByVariable.get(variable) ?? [];
      list.push(literal);
      literalsByVariable.set(variable, list);
      const result = checkVariable(variable);
      if (result.kind === 'unknown') unknownReasons.add(result.reason);
      ok = result.kind === 'sat';
    }
    const outcome = ok && continuation();
    asserted.delete(node.key);
    if (variable === undefined) opaque.pop();
    else literalsByVariable.get(variable)?.pop();
    return outcome;
  };

  const decideDisjunction = (pending: readonly Nnf[]): boolean => {
    // Forced choices first; otherwise the first open disjunction in formula order, so
    // the first conjunct (what must be allowed) is decided before what it is compared with.
    let best: { index: number; options: Nnf[] } | undefined;
    const open: Nnf[] = [];
    for (const node of pending) {
      if (node.kind !== 'or') continue;
      if (literalStatus(node) === true) continue;
      open.push(node);
    }
    for (const [index, node] of open.entries()) {
      if (node.kind !== 'or') continue;
      const options = node.operands.filter((operand) => literalStatus(operand) !== false);
      if (best === undefined || options.length <= 1) best = { index, options };
      if (options.length <= 1) break;
    }
    if (best === undefined) return complete();
    const others = open.filter((_, index) => index !== best.index);
    for (const option of best.options) {
      if (search([option], others)) return true;
    }
    return false;
  };

  /** While `node` is being made true, its formula's truth is known to every other occurrence. */
  const assume = (node: Compound, continuation: () => boolean): boolean => {
    if (asserted.has(node.key)) return continuation();
    asserted.set(node.key, node.positive);
    const outcome = continuation();
    asserted.delete(node.key);
    return outcome;
  };

  const complete = (): boolean => {
    const model = buildModel();
    if (model === undefined) return false;
    if (!holds(formula, model)) {
      if (opaque.length === 0)
        throw new Error('internal error: the search built a model that does not satisfy the formula');
      unknownReasons.add('a policy variable could not be given a value that realises the model');
      return false;
    }
    found = model;
    return true;
  };

  try {
    if (search([root], [])) {
      if (found === undefined) throw new Error('internal error: the search succeeded without a model');
      return { kind: 'sat', model: found };
    }
  } catch (error) {
    if (error instanceof StepLimit)
      return { kind: 'unknown', reason: `search exceeded ${budget.limit} steps` };
    throw error;
  }
  const [reason] = unknownReasons;
  return reason === undefined ? { kind: 'unsat' } : { kind: 'unknown', reason };
}
