// The formula IR: typed variables, atoms per sort, Boolean connectives.
//
// Constructors are the only way to build formulas: they check sorts (at
// compile time through the handles' type parameters, and at run time for
// what types cannot say) and fold constants, so a `Formula` is well sorted.
import { internKey, literal, regexKey, unreachable, type CaseOptions, type Regex } from './regex.js';

export type ScalarSort = 'string' | 'number' | 'bool' | 'ip';
export type SetSort = `set<${ScalarSort}>`;
export type Sort = ScalarSort | SetSort;

export type IpFamily = 'v4' | 'v6';
/** An address of one family; v4 addresses are 32-bit, v6 128-bit. */
export interface IpAddress {
  readonly family: IpFamily;
  readonly address: bigint;
}

export type ScalarValue = string | number | boolean | IpAddress;
/** Sets are listed without duplicates; order carries no meaning. */
export type Value = ScalarValue | readonly ScalarValue[];
/** Values of variables by name. */
export type Model = ReadonlyMap<string, Value>;

/** A request variable of a sort; two handles with the same name are the same variable. */
export interface Variable<S extends Sort = Sort> {
  readonly kind: 'variable';
  readonly name: string;
  readonly sort: S;
}

/** The element bound by `any`/`all`; only meaningful inside their body. */
export interface Element<S extends ScalarSort = ScalarSort> {
  readonly kind: 'element';
  readonly sort: S;
}

export type Subject<S extends ScalarSort> = Variable<S> | Element<S>;

export type Comparison = '=' | '<' | '<=' | '>' | '>=';

/** A piece of a template: a regular language or another string variable's value. */
export type TemplatePart = { readonly kind: 'regex'; readonly regex: Regex } | Variable<'string'>;

export type Formula =
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'bool'; readonly subject: Subject<'bool'> }
  | { readonly kind: 'matches'; readonly subject: Subject<'string'>; readonly regex: Regex }
  | {
      readonly kind: 'compare';
      readonly subject: Subject<'number'>;
      readonly op: Comparison;
      readonly bound: number;
    }
  | {
      readonly kind: 'inRange';
      readonly subject: Subject<'ip'>;
      readonly family: IpFamily;
      readonly low: bigint;
      readonly high: bigint;
    }
  /** The variable's value is in the concatenation of the parts, variables read as their values. */
  | {
      readonly kind: 'template';
      readonly subject: Variable<'string'>;
      readonly parts: readonly TemplatePart[];
    }
  /** `any`: some element satisfies the body; `all`: every element does (true for the empty set). */
  | {
      readonly kind: 'quantified';
      readonly quantifier: 'any' | 'all';
      readonly set: Variable<SetSort>;
      readonly body: Formula;
    }
  | { readonly kind: 'not'; readonly operand: Formula }
  | { readonly kind: 'and'; readonly operands: readonly Formula[] }
  | { readonly kind: 'or'; readonly operands: readonly Formula[] };

/** The formulas that are atoms of the Boolean search. */
export type Atom = Extract<
  Formula,
  { kind: 'bool' | 'matches' | 'compare' | 'inRange' | 'template' | 'quantified' }
>;

export const TRUE: Formula = { kind: 'const', value: true };
export const FALSE: Formula = { kind: 'const', value: false };

export function variable<S extends Sort>(name: string, sort: S): Variable<S> {
  return { kind: 'variable', name, sort };
}

export const IP_BITS: Readonly<Record<IpFamily, number>> = { v4: 32, v6: 128 };

export function maxAddress(family: IpFamily): bigint {
  return (1n << BigInt(IP_BITS[family])) - 1n;
}

export function boolAtom(subject: Subject<'bool'>): Formula {
  return { kind: 'bool', subject: checkSort(subject, 'bool') };
}

export function matches(subject: Subject<'string'>, regex: Regex): Formula {
  checkSort(subject, 'string');
  if (regex.kind === 'nothing') return FALSE;
  return { kind: 'matches', subject, regex };
}

export function compare(subject: Subject<'number'>, op: Comparison, bound: number): Formula {
  checkSort(subject, 'number');
  if (!Number.isFinite(bound)) throw new Error(`comparison bound must be finite: \`${bound}\``);
  return { kind: 'compare', subject, op, bound: bound === 0 ? 0 : bound };
}

export function inRange(subject: Subject<'ip'>, family: IpFamily, low: bigint, high: bigint): Formula {
  checkSort(subject, 'ip');
  if (low < 0n || high > maxAddress(family)) {
    throw new Error(`ip range outside the ${family} address space: \`${low}\`..\`${high}\``);
  }
  if (low > high) return FALSE;
  return { kind: 'inRange', subject, family, low, high };
}

/** Addresses of `family` whose first `prefixLength` bits equal those of `address`. */
export function inCidr(subject: Subject<'ip'>, address: IpAddress, prefixLength: number): Formula {
  const bits = IP_BITS[address.family];
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > bits) {
    throw new Error(`prefix length out of range: \`${prefixLength}\``);
  }
  const hostMask = (1n << BigInt(bits - prefixLength)) - 1n;
  const low = address.address & ~hostMask & maxAddress(address.family);
  return inRange(subject, address.family, low, low | hostMask);
}

export function template(subject: Variable<'string'>, parts: readonly TemplatePart[]): Formula {
  checkSort(subject, 'string');
  for (const part of parts) {
    if (part.kind === 'variable') checkSort(part, 'string');
    else if (part.regex.kind === 'nothing') return FALSE;
  }
  return { kind: 'template', subject, parts };
}

type ElementSort<S extends SetSort> = S extends `set<${infer E extends ScalarSort}>` ? E : never;

export function elementSort<S extends SetSort>(sort: S): ElementSort<S> {
  return sort.slice(4, -1) as ElementSort<S>;
}

export function isSetSort(sort: Sort): sort is SetSort {
  return sort.startsWith('set<');
}

function quantified<S extends SetSort>(
  quantifier: 'any' | 'all',
  set: Variable<S>,
  body: (element: Element<ElementSort<S>>) => Formula,
): Formula {
  if (!isSetSort(set.sort)) throw new Error(`\`${set.name}\` is not a set: \`${set.sort}\``);
  const element: Element<ElementSort<S>> = { kind: 'element', sort: elementSort(set.sort) };
  const built = body(element);
  checkElementBody(built, element.sort);
  // With a constant body, `any` still depends on whether the set is empty.
  return { kind: 'quantified', quantifier, set, body: built };
}

/** Some element of `set` satisfies `body` (false for the empty set). */
export function any<S extends SetSort>(
  set: Variable<S>,
  body: (element: Element<ElementSort<S>>) => Formula,
): Formula {
  return quantified('any', set, body);
}

/** Every element of `set` satisfies `body` (true for the empty set). */
export function all<S extends SetSort>(
  set: Variable<S>,
  body: (element: Element<ElementSort<S>>) => Formula,
): Formula {
  return quantified('all', set, body);
}

export function not(operand: Formula): Formula {
  if (operand.kind === 'const') return operand.value ? FALSE : TRUE;
  if (operand.kind === 'not') return operand.operand;
  return { kind: 'not', operand };
}

/**
 * The operands a junction keeps, with the key of what each asserts or
 * denies: a complementary pair is found without building (and interning the
 * key of) the negation of every operand. Keys are scanned while there are
 * few (most junctions have two or three operands), and indexed beyond that.
 * Module scratch, reused by every junction (building one never builds
 * another): the result is an exact-size copy of the kept operands.
 */
const junctionScratch = {
  kind: 'and' as 'and' | 'or',
  kept: [] as Formula[],
  keys: [] as string[],
  count: 0,
  /** Whether each key's operand is denied (a `not`), once there are more than `SCANNED_KEYS`. */
  index: new Map<string, boolean>(),
  indexed: false,
};

const SCANNED_KEYS = 16;

function junction(kind: 'and' | 'or', operands: readonly Formula[]): Formula {
  const absorbing = kind === 'or';
  const state = junctionScratch;
  state.kind = kind;
  state.count = 0;
  if (state.indexed) state.index.clear();
  state.indexed = false;
  let decided = false;
  for (const operand of operands) {
    if (addOperand(operand)) {
      decided = true;
      break;
    }
  }
  const kept = state.kept.slice(0, state.count);
  // The scratch holds no formula between calls.
  state.kept.fill(FALSE, 0, state.count);
  if (decided) return absorbing ? TRUE : FALSE;
  if (kept.length === 0) return absorbing ? FALSE : TRUE;
  if (kept.length === 1) return kept[0] as Formula;
  return { kind, operands: kept };
}

/** Adds an operand (flattening one of the same kind); true when the junction is decided by the absorbing value. */
function addOperand(operand: Formula): boolean {
  const state = junctionScratch;
  if (operand.kind === 'const') return operand.value === (state.kind === 'or');
  if (operand.kind === state.kind) {
    for (const inner of operand.operands) if (addOperand(inner)) return true;
    return false;
  }
  const negative = operand.kind === 'not';
  const key = formulaKey(negative ? operand.operand : operand);
  const known = deniedOf(key);
  if (known !== undefined) return known !== negative;
  state.kept[state.count] = operand;
  state.keys[state.count] = key;
  state.count++;
  if (state.indexed) state.index.set(key, negative);
  else if (state.count > SCANNED_KEYS) {
    for (let position = 0; position < state.count; position++)
      state.index.set(state.keys[position] as string, state.kept[position]?.kind === 'not');
    state.indexed = true;
  }
  return false;
}

/** Whether the operand kept with `key` is denied; undefined when there is none. */
function deniedOf(key: string): boolean | undefined {
  const state = junctionScratch;
  if (state.indexed) return state.index.get(key);
  for (let position = 0; position < state.count; position++)
    if (state.keys[position] === key) return state.kept[position]?.kind === 'not';
  return undefined;
}

export function and(...operands: readonly Formula[]): Formula {
  return junction('and', operands);
}

export function or(...operands: readonly Formula[]): Formula {
  return junction('or', operands);
}

export function implies(premise: Formula, conclusion: Formula): Formula {
  return or(not(premise), conclusion);
}

export function iff(left: Formula, right: Formula): Formula {
  return or(and(left, right), and(not(left), not(right)));
}

export function ite(condition: Formula, then: Formula, otherwise: Formula): Formula {
  return or(and(condition, then), and(not(condition), otherwise));
}

/** `subject` equals `text` exactly, optionally ignoring case. */
export function equals(subject: Subject<'string'>, text: string, options: CaseOptions = {}): Formula {
  return matches(subject, literal(text, options));
}

export function isAtom(formula: Formula): formula is Atom {
  switch (formula.kind) {
    case 'bool':
    case 'matches':
    case 'compare':
    case 'inRange':
    case 'template':
    case 'quantified':
      return true;
    case 'const':
    case 'not':
    case 'and':
    case 'or':
      return false;
    default:
      return unreachable(formula);
  }
}

function checkSort<S extends Sort>(subject: Variable<S> | Element<S & ScalarSort>, sort: S): typeof subject {
  if (subject.sort !== sort) {
    const name = subject.kind === 'variable' ? `\`${subject.name}\`` : 'the element';
    throw new Error(`${name} has sort \`${subject.sort}\`, not \`${sort}\``);
  }
  return subject;
}

function checkElementBody(body: Formula, sort: ScalarSort): void {
  for (const atom of atomsOf(body)) {
    const subject = atom.kind === 'quantified' || atom.kind === 'template' ? undefined : atom.subject;
    if (subject?.kind !== 'element') {
      throw new Error('a quantifier body may only test the bound element');
    }
    if (subject.sort !== sort) throw new Error(`the element has sort \`${sort}\`, not \`${subject.sort}\``);
  }
}

/** The distinct atoms of a formula, outside quantifier bodies. */
export function atomsOf(formula: Formula): Atom[] {
  const found = new Map<string, Atom>();
  const visit = (node: Formula): void => {
    if (isAtom(node)) found.set(formulaKey(node), node);
    else if (node.kind === 'not') visit(node.operand);
    else if (node.kind === 'and' || node.kind === 'or') node.operands.forEach(visit);
  };
  visit(formula);
  return [...found.values()];
}

/**
 * The variables of a formula with their sorts.
 * Throws when one name is used with two sorts or an element occurs outside a quantifier.
 */
export function variablesOf(formula: Formula): Map<string, Sort> {
  const sorts = new Map<string, Sort>();
  const declare = (handle: Variable): void => {
    const known = sorts.get(handle.name);
    if (known !== undefined && known !== handle.sort) {
      throw new Error(`variable \`${handle.name}\` used with sorts \`${known}\` and \`${handle.sort}\``);
    }
    sorts.set(handle.name, handle.sort);
  };
  for (const atom of atomsOf(formula)) {
    switch (atom.kind) {
      case 'quantified':
        declare(atom.set);
        break;
      case 'template':
        declare(atom.subject);
        for (const part of atom.parts) if (part.kind === 'variable') declare(part);
        break;
      case 'bool':
      case 'matches':
      case 'compare':
      case 'inRange':
        if (atom.subject.kind === 'element') throw new Error('an element occurs outside any/all');
        declare(atom.subject);
        break;
      default:
        unreachable(atom);
    }
  }
  return sorts;
}

const keys = new WeakMap<Formula, string>();

/** A canonical key of a formula: equal keys mean structurally equal formulas (interned, see `internKey`). */
export function formulaKey(formula: Formula): string {
  const cached = keys.get(formula);
  if (cached !== undefined) return cached;
  const key = internKey(computeKey(formula));
  keys.set(formula, key);
  return key;
}

function subjectKey(subject: Subject<ScalarSort>): string {
  return subject.kind === 'element' ? '@' : JSON.stringify(subject.name);
}

function computeKey(formula: Formula): string {
  switch (formula.kind) {
    case 'const':
      return formula.value ? 'T' : 'F';
    case 'bool':
      return `b ${subjectKey(formula.subject)}`;
    case 'matches':
      return `m ${subjectKey(formula.subject)} ${regexKey(formula.regex)}`;
    case 'compare':
      return `c ${subjectKey(formula.subject)} ${formula.op} ${formula.bound}`;
    case 'inRange':
      return `i ${subjectKey(formula.subject)} ${formula.family} ${formula.low} ${formula.high}`;
    case 'template': {
      const parts = formula.parts.map((part) =>
        part.kind === 'variable' ? JSON.stringify(part.name) : regexKey(part.regex),
      );
      return `t ${subjectKey(formula.subject)} ${parts.join(' ')}`;
    }
    case 'quantified':
      return `q ${formula.quantifier} ${JSON.stringify(formula.set.name)} {${formulaKey(formula.body)}}`;
    case 'not':
      return `!${formulaKey(formula.operand)}`;
    case 'and':
    case 'or':
      return `${formula.kind}(${formula.operands.map(formulaKey).join(',')})`;
    default:
      return unreachable(formula);
  }
}
