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

export function atomKey(value: Atom): string {
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
  | { readonly kind: 'and'; readonly operands: readonly Nnf[] }
  | { readonly kind: 'or'; readonly operands: readonly Nnf[] }
  | { readonly kind: 'const'; readonly value: boolean };

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
      const operands = formula.operands.map((operand) => toNnf(operand, positive));
      const conjunctive = (formula.kind === 'and') === positive;
      return { kind: conjunctive ? 'and' : 'or', operands };
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

/** One value that satisfies every constraint: pick one test of each positive disjunction. */
function solveElement(constraints: readonly ElementConstraint[]): VariableSolution {
  const failing = constraints
    .filter((constraint) => !constraint.positive)
    .flatMap((constraint) => constraint.tests);
  const choices = constraints
    .filter((constraint) => constraint.positive)
    .map((constraint) => constraint.tests);
  let unknownReason: string | undefined;
  const chosen: ValueTest[] = [];
  const choose = (index: number): string | undefined => {
    const options = choices[index];
    if (options === undefined) {
      const result = solveValue(chosen, failing);
      if (result.kind === 'sat') return result.witness;
      if (result.kind === 'unknown') unknownReason = result.reason;
      return undefined;
    }
    for (const option of options) {
      chosen.push(option);
      const witness = choose(index + 1);
      chosen.pop();
      if (witness !== undefined) return witness;
    }
    return undefined;
  };
  const witness = choose(0);
  if (witness !== undefined) return { kind: 'sat', values: [witness] };
  return unknownReason === undefined ? { kind: 'unsat' } : { kind: 'unknown', reason: unknownReason };
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

  const literalStatus = (node: Nnf): boolean | undefined => {
    if (node.kind === 'const') return node.value;
    if (node.kind !== 'literal') return undefined;
    const value = asserted.get(node.key);
    return value === undefined ? undefined : value === node.literal.positive;
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
        return search([...head.operands, ...rest], pending);
      case 'or':
        return search(rest, [...pending, head]);
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
    // Pick the disjunction with the fewest children still possible: forced choices first.
    let best: { index: number; options: Nnf[] } | undefined;
    const open: Nnf[] = [];
    for (const node of pending) {
      if (node.kind !== 'or') continue;
      if (node.operands.some((operand) => literalStatus(operand) === true)) continue;
      open.push(node);
    }
    for (const [index, node] of open.entries()) {
      if (node.kind !== 'or') continue;
      const options = node.operands.filter((operand) => literalStatus(operand) !== false);
      if (best === undefined || options.length < best.options.length) best = { index, options };
      if (options.length <= 1) break;
    }
    if (best === undefined) return complete();
    const others = open.filter((_, index) => index !== best.index);
    for (const option of best.options) {
      if (search([option], others)) return true;
    }
    return false;
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
