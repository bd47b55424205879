// SMT-LIB 2 emission of formulas, for Z3 and for users who want to see the query.
//
// Strings are `String` with `re.*` terms; numbers `Real`; an ip is a Bool
// (is it v6) and an `Int` address; a set of sort T is bounded to k
// candidate elements with membership flags, where k is the number of
// distinct any/all atoms on it: by the small-model argument (each true `any`
// and each false `all` needs one witness) this is equisatisfiable.
//
// Z3 strings only hold code points up to 0x2FFFF. Classes are cut there;
// when no class has a bound above 0x2FFFE, every higher code point behaves
// like 0x2FFFF in every atom, so the cut is exact. Otherwise the emission
// is marked `lossy` and an UNSAT from Z3 is reported as UNKNOWN.
import {
  atomsOf,
  elementSort,
  isSetSort,
  maxAddress,
  variablesOf,
  type Atom,
  type Formula,
  type ScalarSort,
} from './formula.js';
import { unreachable, type Regex } from './regex.js';

export const Z3_MAX_CODE_POINT = 0x2ffff;

/** How one Keyaki variable (or set element) appears in the script. */
export type Symbols =
  | { readonly sort: 'string' | 'number' | 'bool'; readonly symbol: string }
  | { readonly sort: 'ip'; readonly isV6: string; readonly address: string }
  | {
      readonly sort: 'set';
      readonly elementSort: ScalarSort;
      readonly elements: readonly { readonly member: string; readonly element: Symbols }[];
    };

export interface SmtQuery {
  readonly script: string;
  readonly variables: ReadonlyMap<string, Symbols>;
  /** Symbols whose values `(get-value ...)` asks for. */
  readonly constants: readonly string[];
  /** Code points above what Z3 supports are distinguished: UNSAT is not a proof. */
  readonly lossy: boolean;
}

/** The formula as an SMT-LIB script ending in `(check-sat)` and `(get-value ...)`. */
export function toSmtLib(formula: Formula): SmtQuery {
  const declarations: string[] = [];
  const constants: string[] = [];
  const declare = (smtSort: string): string => {
    const symbol = `k${constants.length}`;
    constants.push(symbol);
    declarations.push(`(declare-const ${symbol} ${smtSort})`);
    return symbol;
  };
  const scalar = (sort: ScalarSort): Symbols => {
    switch (sort) {
      case 'string':
        return { sort, symbol: declare('String') };
      case 'number':
        return { sort, symbol: declare('Real') };
      case 'bool':
        return { sort, symbol: declare('Bool') };
      case 'ip': {
        const isV6 = declare('Bool');
        const address = declare('Int');
        declarations.push(
          `(assert (and (<= 0 ${address}) (<= ${address} (ite ${isV6} ${maxAddress('v6')} ${maxAddress('v4')}))))`,
        );
        return { sort, isV6, address };
      }
      default:
        return unreachable(sort);
    }
  };
  const atoms = atomsOf(formula);
  const variables = new Map<string, Symbols>();
  for (const [name, sort] of variablesOf(formula)) {
    if (isSetSort(sort)) {
      const count = Math.max(
        1,
        atoms.filter((atom) => atom.kind === 'quantified' && atom.set.name === name).length,
      );
      const element = elementSort(sort);
      const elements = Array.from({ length: count }, () => ({
        member: declare('Bool'),
        element: scalar(element),
      }));
      variables.set(name, { sort: 'set', elementSort: element, elements });
    } else {
      variables.set(name, scalar(sort as ScalarSort));
    }
  }
  const body = emit(formula, variables, undefined);
  const script = [
    ...declarations,
    `(assert ${body})`,
    '(check-sat)',
    `(get-value (${constants.join(' ')}))`,
  ].join('\n');
  return { script, variables, constants, lossy: hasHighBoundary(formula) };
}

type Lookup = ReadonlyMap<string, Symbols>;

function emit(formula: Formula, variables: Lookup, element: Symbols | undefined): string {
  const subject = (atom: Exclude<Atom, { kind: 'quantified' | 'template' }>): Symbols => {
    const found = atom.subject.kind === 'element' ? element : variables.get(atom.subject.name);
    if (found === undefined) throw new Error('an element occurs outside any/all');
    return found;
  };
  switch (formula.kind) {
    case 'const':
      return formula.value ? 'true' : 'false';
    case 'bool':
      return symbolOf(subject(formula));
    case 'matches':
      return `(str.in_re ${symbolOf(subject(formula))} ${regexTerm(formula.regex)})`;
    case 'compare': {
      const op = formula.op === '=' ? '=' : formula.op;
      return `(${op} ${symbolOf(subject(formula))} ${realTerm(formula.bound)})`;
    }
    case 'inRange': {
      const ip = subject(formula);
      if (ip.sort !== 'ip') throw new Error('an ip atom on a non-ip symbol');
      const family = formula.family === 'v6' ? ip.isV6 : `(not ${ip.isV6})`;
      return `(and ${family} (<= ${formula.low} ${ip.address}) (<= ${ip.address} ${formula.high}))`;
    }
    case 'template': {
      const parts = formula.parts.map((part) =>
        part.kind === 'regex' ? regexTerm(part.regex) : `(str.to_re ${symbolOf(variables.get(part.name))})`,
      );
      const regex =
        parts.length === 0 ? '(str.to_re "")' : parts.length === 1 ? parts[0] : `(re.++ ${parts.join(' ')})`;
      return `(str.in_re ${symbolOf(variables.get(formula.subject.name))} ${regex})`;
    }
    case 'quantified': {
      const set = variables.get(formula.set.name);
      if (set?.sort !== 'set') throw new Error(`\`${formula.set.name}\` is not a set`);
      const cases = set.elements.map(({ member, element: candidate }) => {
        const body = emit(formula.body, variables, candidate);
        return formula.quantifier === 'any' ? `(and ${member} ${body})` : `(=> ${member} ${body})`;
      });
      return `(${formula.quantifier === 'any' ? 'or' : 'and'} ${cases.join(' ')} ${formula.quantifier === 'any' ? 'false' : 'true'})`;
    }
    case 'not':
      return `(not ${emit(formula.operand, variables, element)})`;
    case 'and':
    case 'or':
      return `(${formula.kind} ${formula.operands.map((operand) => emit(operand, variables, element)).join(' ')})`;
    default:
      return unreachable(formula);
  }
}

function symbolOf(symbols: Symbols | undefined): string {
  if (symbols === undefined || symbols.sort === 'ip' || symbols.sort === 'set') {
    throw new Error('expected a scalar symbol');
  }
  return symbols.symbol;
}

export function regexTerm(regex: Regex): string {
  switch (regex.kind) {
    case 'nothing':
      return 're.none';
    case 'epsilon':
      return '(str.to_re "")';
    case 'class': {
      const ranges = regex.ranges
        .filter(([low]) => low <= Z3_MAX_CODE_POINT)
        .map(
          ([low, high]) =>
            `(re.range ${stringLiteral(String.fromCodePoint(low))} ${stringLiteral(String.fromCodePoint(Math.min(high, Z3_MAX_CODE_POINT)))})`,
        );
      if (ranges.length === 0) return 're.none';
      return ranges.length === 1 ? (ranges[0] as string) : `(re.union ${ranges.join(' ')})`;
    }
    case 'concat':
      return `(re.++ ${regex.parts.map(regexTerm).join(' ')})`;
    case 'union':
      return `(re.union ${regex.options.map(regexTerm).join(' ')})`;
    case 'star':
      return `(re.* ${regexTerm(regex.inner)})`;
    default:
      return unreachable(regex);
  }
}

/** An SMT-LIB string literal: printable ASCII as is, everything else as `\u{...}`. */
export function stringLiteral(text: string): string {
  let body = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    body +=
      code >= 0x20 && code <= 0x7e && char !== '"' && char !== '\\' ? char : `\\u{${code.toString(16)}}`;
  }
  return `"${body}"`;
}

/** The exact rational value of a double. */
export function realTerm(value: number): string {
  let numerator = Math.abs(value);
  let denominator = 1n;
  while (!Number.isInteger(numerator)) {
    numerator *= 2;
    denominator *= 2n;
  }
  const magnitude =
    denominator === 1n ? `${BigInt(numerator)}.0` : `(/ ${BigInt(numerator)}.0 ${denominator}.0)`;
  return value < 0 ? `(- ${magnitude})` : magnitude;
}

function hasHighBoundary(formula: Formula): boolean {
  const high = (regex: Regex): boolean => {
    switch (regex.kind) {
      case 'nothing':
      case 'epsilon':
        return false;
      case 'class':
        return regex.ranges.some(
          ([low, top]) => top >= Z3_MAX_CODE_POINT && !(low <= Z3_MAX_CODE_POINT && top === 0x10ffff),
        );
      case 'concat':
        return regex.parts.some(high);
      case 'union':
        return regex.options.some(high);
      case 'star':
        return high(regex.inner);
      default:
        return unreachable(regex);
    }
  };
  const visit = (node: Formula): boolean => {
    switch (node.kind) {
      case 'matches':
        return high(node.regex);
      case 'template':
        return node.parts.some((part) => part.kind === 'regex' && high(part.regex));
      case 'quantified':
        return visit(node.body);
      case 'not':
        return visit(node.operand);
      case 'and':
      case 'or':
        return node.operands.some(visit);
      case 'const':
      case 'bool':
      case 'compare':
      case 'inRange':
        return false;
      default:
        return unreachable(node);
    }
  };
  return visit(formula);
}
