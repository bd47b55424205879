// The Z3 backend: runs the SMT-LIB emission on z3-solver (WebAssembly) and
// reads the model back, checking it with the reference evaluator.
import { init } from 'z3-solver';
import { evaluateFormula, ModelError } from './evaluate.js';
import { unreachable } from './regex.js';
import type { Formula, ScalarValue, Value } from './formula.js';
import { toSmtLib, type Symbols } from './smtlib.js';
import { sameScalar } from './theories.js';
import type { Verdict } from './solve.js';

export interface Z3Options {
  /** Z3's own timeout in milliseconds; default 10,000. */
  readonly timeoutMs?: number;
}

type Z3Api = Awaited<ReturnType<typeof init>>['Z3'];
let api: Promise<Z3Api> | undefined;

async function z3(): Promise<Z3Api> {
  api ??= init().then((loaded) => loaded.Z3);
  return api;
}

/** Decides `formula` with Z3; UNSAT only when the emission is exact, SAT only with a verified model. */
export async function solveWithZ3(formula: Formula, options: Z3Options = {}): Promise<Verdict> {
  const query = toSmtLib(formula);
  const Z3 = await z3();
  const config = Z3.mk_config();
  Z3.set_param_value(config, 'timeout', String(options.timeoutMs ?? 10_000));
  const context = Z3.mk_context(config);
  Z3.del_config(config);
  try {
    // The context's timeout does not reach check-sat run from a script: the script sets its own.
    const timeout = `(set-option :timeout ${Math.max(1, Math.round(options.timeoutMs ?? 10_000))})\n`;
    const output = await Z3.eval_smtlib2_string(context, timeout + query.script);
    const [status, ...rest] = output.trim().split('\n');
    if (status === 'unsat') {
      return query.lossy
        ? { status: 'unknown', reason: 'z3: code points above 0x2FFFF are distinguished' }
        : { status: 'unsat' };
    }
    if (status !== 'sat') return { status: 'unknown', reason: `z3: ${status ?? 'no answer'}` };
    const values = readValues(rest.join('\n'));
    const model = new Map<string, Value>();
    for (const [name, symbols] of query.variables) model.set(name, valueOf(symbols, values));
    if (!holds(formula, model)) return { status: 'unknown', reason: 'z3 model failed verification' };
    return { status: 'sat', model };
  } finally {
    Z3.del_context(context);
  }
}

type Sexp = string | { readonly text: string } | readonly Sexp[];

/** Parses `((k0 v0) (k1 v1) ...)` into values by symbol. */
function readValues(text: string): Map<string, Sexp> {
  const [parsed] = parseSexps(text);
  const values = new Map<string, Sexp>();
  if (Array.isArray(parsed)) {
    for (const pair of parsed as readonly Sexp[]) {
      if (Array.isArray(pair) && typeof pair[0] === 'string') values.set(pair[0], pair[1] as Sexp);
    }
  }
  return values;
}

function parseSexps(text: string): Sexp[] {
  const stack: Sexp[][] = [[]];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === '(') {
      stack.push([]);
      index++;
    } else if (char === ')') {
      const done = stack.pop() as Sexp[];
      (stack[stack.length - 1] as Sexp[]).push(done);
      index++;
    } else if (char === '"') {
      let end = index + 1;
      let raw = '';
      for (;;) {
        if (text[end] === '"' && text[end + 1] === '"') {
          raw += '"';
          end += 2;
        } else if (text[end] === '"' || end >= text.length) break;
        else raw += text[end++];
      }
      (stack[stack.length - 1] as Sexp[]).push({ text: unescape(raw) });
      index = end + 1;
    } else if (/\s/.test(char)) {
      index++;
    } else {
      let end = index;
      while (end < text.length && !/[\s()"]/.test(text[end] as string)) end++;
      (stack[stack.length - 1] as Sexp[]).push(text.slice(index, end));
      index = end;
    }
  }
  return stack[0] as Sexp[];
}

function unescape(raw: string): string {
  return raw.replace(
    /\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})/g,
    (_, braced: string | undefined, plain: string | undefined) =>
      String.fromCodePoint(parseInt(braced ?? plain ?? '0', 16)),
  );
}

function valueOf(symbols: Symbols, values: ReadonlyMap<string, Sexp>): Value {
  switch (symbols.sort) {
    case 'string': {
      const value = values.get(symbols.symbol);
      return typeof value === 'object' && !Array.isArray(value) ? (value as { text: string }).text : '';
    }
    case 'number':
      return numberOf(values.get(symbols.symbol));
    case 'bool':
      return values.get(symbols.symbol) === 'true';
    case 'ip': {
      const address = values.get(symbols.address);
      return {
        family: values.get(symbols.isV6) === 'true' ? 'v6' : 'v4',
        address: typeof address === 'string' ? BigInt(address) : 0n,
      };
    }
    case 'set': {
      const elements: ScalarValue[] = [];
      for (const { member, element } of symbols.elements) {
        if (values.get(member) !== 'true') continue;
        const value = valueOf(element, values) as ScalarValue;
        if (!elements.some((known) => sameScalar(known, value))) elements.push(value);
      }
      return elements;
    }
    default:
      return unreachable(symbols);
  }
}

/** Reads a Real value: `2.0`, `(- 2.0)`, `(/ 1.0 3.0)`; the evaluator checks the rounding. */
function numberOf(value: Sexp | undefined): number {
  if (typeof value === 'string') return Number(value);
  if (Array.isArray(value)) {
    const [head, first, second] = value as Sexp[];
    if (head === '-' && second === undefined) return -numberOf(first);
    if (head === '/') return numberOf(first) / numberOf(second);
  }
  return Number.NaN;
}

function holds(formula: Formula, model: Map<string, Value>): boolean {
  try {
    return evaluateFormula(formula, model);
  } catch (error) {
    if (error instanceof ModelError) return false;
    throw error;
  }
}
