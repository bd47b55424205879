// The reference semantics of formulas: a formula's value under a model.
//
// The solvers' SAT answers are checked against this before being returned,
// so it is written to be obviously correct rather than fast.
import { automatonOf } from './automaton.js';
import {
  elementSort,
  isSetSort,
  type Formula,
  type IpAddress,
  type Model,
  type ScalarValue,
  type Sort,
  type Subject,
  type ScalarSort,
  type Value,
} from './formula.js';
import { concat, literal, unreachable, type Regex } from './regex.js';

export class ModelError extends Error {}

/** The truth value of `formula` under `model`; throws `ModelError` when a variable is missing or ill-typed. */
export function evaluateFormula(formula: Formula, model: Model): boolean {
  return evaluate(formula, model, undefined);
}

function evaluate(formula: Formula, model: Model, element: ScalarValue | undefined): boolean {
  switch (formula.kind) {
    case 'const':
      return formula.value;
    case 'bool':
      return subjectValue(formula.subject, model, element) as boolean;
    case 'matches':
      return automatonOf(formula.regex).matches(subjectValue(formula.subject, model, element) as string);
    case 'compare': {
      const value = subjectValue(formula.subject, model, element) as number;
      return compareValues(value, formula.op, formula.bound);
    }
    case 'inRange': {
      const ip = subjectValue(formula.subject, model, element) as IpAddress;
      return ip.family === formula.family && formula.low <= ip.address && ip.address <= formula.high;
    }
    case 'template': {
      const regex: Regex = concat(
        formula.parts.map((part) =>
          part.kind === 'regex' ? part.regex : literal(lookup(model, part.name, 'string') as string),
        ),
      );
      return automatonOf(regex).matches(lookup(model, formula.subject.name, 'string') as string);
    }
    // Loops rather than some/every: a closure per node was most of what checking a model allocated.
    case 'quantified': {
      const elements = lookup(model, formula.set.name, formula.set.sort) as readonly ScalarValue[];
      const wanted = formula.quantifier === 'any';
      for (const value of elements) if (evaluate(formula.body, model, value) === wanted) return wanted;
      return !wanted;
    }
    case 'not':
      return !evaluate(formula.operand, model, element);
    case 'and':
      for (const operand of formula.operands) if (!evaluate(operand, model, element)) return false;
      return true;
    case 'or':
      for (const operand of formula.operands) if (evaluate(operand, model, element)) return true;
      return false;
    default:
      return unreachable(formula);
  }
}

export function compareValues(value: number, op: '=' | '<' | '<=' | '>' | '>=', bound: number): boolean {
  switch (op) {
    case '=':
      return value === bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    default:
      return unreachable(op);
  }
}

function subjectValue(
  subject: Subject<ScalarSort>,
  model: Model,
  element: ScalarValue | undefined,
): ScalarValue {
  if (subject.kind === 'variable') return lookup(model, subject.name, subject.sort) as ScalarValue;
  if (element === undefined) throw new ModelError('an element occurs outside any/all');
  if (!hasSort(element, subject.sort)) throw new ModelError(`an element is not of sort \`${subject.sort}\``);
  return element;
}

function lookup(model: Model, name: string, sort: Sort): Value {
  const value = model.get(name);
  if (value === undefined) throw new ModelError(`the model has no value for \`${name}\``);
  if (!valueHasSort(value, sort)) throw new ModelError(`the value of \`${name}\` is not of sort \`${sort}\``);
  return value;
}

export function valueHasSort(value: Value, sort: Sort): boolean {
  if (Array.isArray(value)) {
    if (!isSetSort(sort)) return false;
    // A loop and the element sort read once: this runs for every set atom of every model checked.
    const element = elementSort(sort);
    for (const item of value as readonly ScalarValue[]) if (!hasSort(item, element)) return false;
    return true;
  }
  return hasSort(value as ScalarValue, sort as ScalarSort);
}

function hasSort(value: ScalarValue, sort: ScalarSort): boolean {
  switch (sort) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'ip':
      return typeof value === 'object' && (value.family === 'v4' || value.family === 'v6');
    default:
      return unreachable(sort);
  }
}
