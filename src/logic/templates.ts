// Realizing template atoms at a full Boolean assignment. The search treats a
// template as a free Boolean; here the variables templates read (parameters)
// get values, and then each template subject a value that satisfies its own
// atoms and its templates read at those values. Subjects are realized in
// dependency order (a subject that another template reads comes first).
//
// Two ways of choosing parameters, tried in turn:
// - forward: each parameter takes a witness of its own atoms, distinct from
//   the other parameters' values (so that `R${a}` true and `R${b}` false can
//   both hold), and the subject is solved with the values substituted;
// - backward, when forward fails: the subject is solved first against its
//   positive templates with every free parameter read as any string, and the
//   parameters are read back off that value by matching it against the
//   templates (`R${a}` and `R${b}` both true force a = b, which forward
//   choices cannot guess).
// When a subject still fails, it reads back the values it needs every
// parameter to have, subjects realized before it included, and the attempt
// starts again with those as seeds: a seeded subject tries its seed first
// (`principal = arn:…:${a}:…` with a fixed account in the principal, after
// `a = ${r}`: a, then r, take the principal's account).
// Every value found is checked against the formula by the caller. A failure
// is exact (a refutation) only when even the over-approximation — the
// subject's atoms and its positive templates with every parameter read as
// any string — has no value; otherwise the caller reports it as undecided.
import { automatonOf } from './automaton.js';
import { variable, type Atom, type Value } from './formula.js';
import { ANY_STRING, concat, literal, type Regex } from './regex.js';
import type { Literal, TheoryResult } from './theories.js';

export type TemplateAtom = Extract<Atom, { kind: 'template' }>;

/** A template atom with the truth value the search gave it. */
export interface TemplateLiteral {
  readonly atom: TemplateAtom;
  readonly positive: boolean;
}

export interface TemplateProblem {
  readonly templates: readonly TemplateLiteral[];
  /** Each variable's witness of its own atoms (templates aside). */
  readonly witnesses: ReadonlyMap<string, Value>;
  /** A value of a string variable satisfying its own atoms and `extra`. */
  readonly solveString: (name: string, extra: readonly Literal[]) => TheoryResult;
  /** A string variable's own literals (templates aside). */
  readonly literalsOf: (name: string) => readonly Literal[];
}

export type TemplateOutcome =
  | { readonly kind: 'realized'; readonly values: ReadonlyMap<string, string> }
  /** Exact: the subject's atoms and its positive templates cannot hold together, whatever the parameters. */
  /**
   * Exact: the subject's atoms, its true templates and the atoms of the
   * variables it equals (`through`, true templates `subject = ${v}`) cannot
   * hold together, whatever the other parameters.
   */
  | { readonly kind: 'refuted'; readonly subject: string; readonly through: readonly string[] }
  /** The values tried did not work; others might. */
  | {
      readonly kind: 'failed';
      readonly subject: string;
      readonly reason: string;
      /** Some theory check hit a limit: the values tried were not all refuted. */
      readonly exhausted: boolean;
    };

/**
 * Attempts started again with parameters read back by a subject that failed
 * because an earlier subject had fixed them (`a = ${p}` realized first with
 * any p, then `b = ${p}` with `b ≠ ""`).
 */
const RESTARTS = 3;
/** Subject values read back per subject before giving up. */
const READ_BACK_ROUNDS = 6;
/** Steps of matching one value against one template. */
const MATCH_STEPS = 20_000;

export function realizeTemplates(given: TemplateProblem): TemplateOutcome {
  let exhausted = false;
  const problem: TemplateProblem = {
    ...given,
    solveString: (name, extra) => {
      const result = given.solveString(name, extra);
      if (result.status === 'unknown') exhausted = true;
      return result;
    },
  };
  const bySubject = new Map<string, TemplateLiteral[]>();
  for (const entry of withoutReversedEqualities(problem.templates)) {
    const list = bySubject.get(entry.atom.subject.name) ?? [];
    list.push(entry);
    bySubject.set(entry.atom.subject.name, list);
  }
  const order = dependencyOrder(bySubject);
  const firstSubject = bySubject.keys().next().value ?? '';
  if (order === undefined) {
    return {
      kind: 'failed',
      subject: firstSubject,
      reason: 'templates read one another in a cycle',
      exhausted,
    };
  }
  let failure: { readonly subject: string; readonly reason: string } | undefined;
  for (const distinct of [true, false]) {
    const seeds = new Map<string, string>();
    for (let restart = 0; restart <= RESTARTS; restart++) {
      const outcome = attempt(problem, bySubject, order, distinct, seeds);
      if (outcome.kind === 'realized') return outcome;
      failure ??= outcome;
      const fresh = [...(outcome.hint ?? [])].filter(([name, value]) => seeds.get(name) !== value);
      if (fresh.length === 0) break;
      for (const [name, value] of fresh) seeds.set(name, value);
    }
  }
  for (const subject of bySubject.keys()) {
    const own = problem.templates.filter((entry) => entry.atom.subject.name === subject);
    const through = overApproximationEmpty(problem, subject, own);
    if (through !== undefined) return { kind: 'refuted', subject, through };
  }
  const subject = failure?.subject ?? firstSubject;
  return { kind: 'failed', subject, reason: failure?.reason ?? 'templates not realized', exhausted };
}

/**
 * A true `b = ${a}` next to a true `a = ${b}` says nothing more (the search
 * learned that they are one equality) but would make a cycle: it is left out
 * here; the caller's check of the whole formula still reads it.
 */
function withoutReversedEqualities(templates: readonly TemplateLiteral[]): TemplateLiteral[] {
  const equalities = new Set<string>();
  const kept: TemplateLiteral[] = [];
  for (const entry of templates) {
    const [only] = entry.atom.parts;
    const pure = entry.positive && entry.atom.parts.length === 1 && only?.kind === 'variable';
    if (pure && equalities.has(`${only.name}\u0000${entry.atom.subject.name}`)) continue;
    if (pure) equalities.add(`${entry.atom.subject.name}\u0000${only.name}`);
    kept.push(entry);
  }
  return kept;
}

/** Subjects after the subjects their templates read; undefined on a cycle. */
function dependencyOrder(bySubject: ReadonlyMap<string, readonly TemplateLiteral[]>): string[] | undefined {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (subject: string): boolean => {
    const seen = state.get(subject);
    if (seen === 'done') return true;
    if (seen === 'visiting') return false;
    state.set(subject, 'visiting');
    for (const name of parametersOf(bySubject.get(subject) ?? []))
      if (bySubject.has(name) && !visit(name)) return false;
    state.set(subject, 'done');
    order.push(subject);
    return true;
  };
  for (const subject of bySubject.keys()) if (!visit(subject)) return undefined;
  return order;
}

function parametersOf(templates: readonly TemplateLiteral[]): string[] {
  const names = new Set<string>();
  for (const { atom } of templates)
    for (const part of atom.parts) if (part.kind === 'variable') names.add(part.name);
  return [...names];
}

/** A failed attempt may carry parameter values that the failing subject read back with every parameter free. */
type Attempt =
  | { readonly kind: 'realized'; readonly values: ReadonlyMap<string, string> }
  | {
      readonly kind: 'failed';
      readonly subject: string;
      readonly reason: string;
      readonly hint: ReadonlyMap<string, string> | undefined;
    };

function attempt(
  problem: TemplateProblem,
  bySubject: ReadonlyMap<string, readonly TemplateLiteral[]>,
  order: readonly string[],
  distinct: boolean,
  seeds: ReadonlyMap<string, string>,
): Attempt {
  const values = new Map<string, string>();
  const parameters = parametersOf(problem.templates).filter((name) => !bySubject.has(name));
  for (const name of parameters) {
    const own = String(problem.witnesses.get(name) ?? '');
    const seed = seeds.get(name);
    if (seed !== undefined) {
      values.set(name, seed);
      continue;
    }
    if (!distinct) {
      values.set(name, own);
      continue;
    }
    const taken = [...values.values()].map((value) => valueIs(name, value, false));
    const chosen = problem.solveString(name, taken);
    values.set(name, chosen.status === 'sat' ? String(chosen.value) : own);
  }
  // Parameters read by a subject already realized keep their values.
  const locked = new Set<string>();
  for (const subject of order) {
    const templates = bySubject.get(subject) ?? [];
    const free = (name: string): boolean => !locked.has(name) && !bySubject.has(name);
    // A subject seeded by a later subject's read-back (`principal` needs the account `a = ${r}` took)
    // tries that value first.
    const seed = seeds.get(subject);
    const realized =
      (seed === undefined
        ? undefined
        : realizeSubject(problem, subject, templates, values, free, [valueIs(subject, seed, true)])) ??
      realizeSubject(problem, subject, templates, values, free, []);
    const value = realized?.value;
    if (value === undefined) {
      // Every parameter free, subjects realized earlier included: the values this subject needs them to have.
      const hint = readBack(problem, subject, templates, values, () => true, [])?.bindings;
      return {
        kind: 'failed',
        subject,
        reason: 'templates not realized with the witness values tried',
        hint,
      };
    }
    for (const [name, bound] of realized?.bindings ?? []) values.set(name, bound);
    values.set(subject, value);
    for (const name of parametersOf(templates)) locked.add(name);
  }
  return { kind: 'realized', values };
}

/** The subject's value: by its templates at `values`, else read back; `pinned` holds either way. */
function realizeSubject(
  problem: TemplateProblem,
  subject: string,
  templates: readonly TemplateLiteral[],
  values: ReadonlyMap<string, string>,
  free: (name: string) => boolean,
  pinned: readonly Literal[],
): { readonly value: string; readonly bindings?: ReadonlyMap<string, string> } | undefined {
  const direct = solveSubject(problem, subject, templates, values, pinned);
  if (direct !== undefined) return { value: direct };
  return readBack(problem, subject, templates, values, free, pinned);
}

/** `name` is (or, with `positive` false, is not) exactly `value`. */
function valueIs(name: string, value: string, positive: boolean): Literal {
  return { atom: { kind: 'matches', subject: variable(name, 'string'), regex: literal(value) }, positive };
}

/** The template's language with each parameter read as `read` gives it. */
function instantiate(atom: TemplateAtom, read: (name: string) => Regex): Regex {
  return concat(atom.parts.map((part) => (part.kind === 'regex' ? part.regex : read(part.name))));
}

function solveSubject(
  problem: TemplateProblem,
  subject: string,
  templates: readonly TemplateLiteral[],
  values: ReadonlyMap<string, string>,
  pinned: readonly Literal[],
): string | undefined {
  const extra = templates.map(({ atom, positive }) => ({
    atom: {
      kind: 'matches' as const,
      subject: atom.subject,
      regex: instantiate(atom, (name) => literal(values.get(name) ?? '')),
    },
    positive,
  }));
  const result = problem.solveString(subject, [...extra, ...pinned]);
  return result.status === 'sat' ? String(result.value) : undefined;
}

/**
 * Solves the subject with its free parameters read as any string, reads the
 * parameters back off the value, and solves again with them; a few values of
 * the subject are tried.
 */
function readBack(
  problem: TemplateProblem,
  subject: string,
  templates: readonly TemplateLiteral[],
  values: ReadonlyMap<string, string>,
  free: (name: string) => boolean,
  pinned: readonly Literal[],
): { readonly value: string; readonly bindings: ReadonlyMap<string, string> } | undefined {
  const positives = templates.filter((entry) => entry.positive);
  if (positives.length === 0) return undefined;
  const shape = positives.map(({ atom }) => ({
    atom: {
      kind: 'matches' as const,
      subject: atom.subject,
      regex: instantiate(atom, (name) => (free(name) ? ANY_STRING : literal(values.get(name) ?? ''))),
    },
    positive: true,
  }));
  const tried: Literal[] = [];
  for (let round = 0; round < READ_BACK_ROUNDS; round++) {
    const result = problem.solveString(subject, [...shape, ...pinned, ...tried]);
    if (result.status !== 'sat') return undefined;
    const text = String(result.value);
    const bindings = new Map<string, string>();
    const ownHolds = (name: string, value: string): boolean =>
      problem
        .literalsOf(name)
        .every(
          (entry) =>
            entry.atom.kind !== 'matches' || automatonOf(entry.atom.regex).matches(value) === entry.positive,
        );
    if (positives.every(({ atom }) => readInto(atom, text, values, free, ownHolds, bindings))) {
      const candidate = new Map([...values, ...bindings]);
      const value = solveSubject(problem, subject, templates, candidate, pinned);
      if (value !== undefined) return { value, bindings };
    }
    tried.push(valueIs(subject, text, false));
  }
  return undefined;
}

/**
 * Matches `text` against the template, binding its free parameters (shortest
 * first, each satisfying its own atoms); false when no split fits within the
 * step budget. Bindings made by earlier templates of the subject are kept.
 */
function readInto(
  atom: TemplateAtom,
  text: string,
  values: ReadonlyMap<string, string>,
  free: (name: string) => boolean,
  ownHolds: (name: string, value: string) => boolean,
  bindings: Map<string, string>,
): boolean {
  const points = [...text].map((char) => char.codePointAt(0) as number);
  let steps = 0;
  const fixedValue = (name: string): string | undefined =>
    bindings.get(name) ?? (free(name) ? undefined : (values.get(name) ?? ''));
  const from = (index: number, position: number): boolean => {
    if (++steps > MATCH_STEPS) return false;
    const part = atom.parts[index];
    if (part === undefined) return position === points.length;
    if (part.kind === 'regex') {
      const machine = automatonOf(part.regex);
      let state = machine.start;
      for (let end = position; ; end++) {
        if (machine.accepting(state) && from(index + 1, end)) return true;
        if (end === points.length) return false;
        state = machine.step(state, points[end] as number);
        if (machine.dead(state)) return false;
      }
    }
    const fixed = fixedValue(part.name);
    if (fixed !== undefined) {
      const wanted = [...fixed].map((char) => char.codePointAt(0) as number);
      const fits = wanted.every((point, offset) => points[position + offset] === point);
      return fits && from(index + 1, position + wanted.length);
    }
    for (let end = position; end <= points.length; end++) {
      const candidate = String.fromCodePoint(...points.slice(position, end));
      if (!ownHolds(part.name, candidate)) continue;
      bindings.set(part.name, candidate);
      if (from(index + 1, end)) return true;
      bindings.delete(part.name);
    }
    return false;
  };
  return from(0, 0);
}

/**
 * Whether the subject's atoms and positive templates have no common value
 * with every parameter read as any string, except that a template that is the
 * parameter itself (`subject = ${v}`) brings v's own atoms: the variables it
 * read that way when there is none, else undefined.
 */
function overApproximationEmpty(
  problem: TemplateProblem,
  subject: string,
  templates: readonly TemplateLiteral[],
): string[] | undefined {
  const through: string[] = [];
  const shape: Literal[] = [];
  for (const { atom, positive } of templates) {
    if (!positive) continue;
    const [only] = atom.parts;
    if (atom.parts.length === 1 && only?.kind === 'variable') {
      through.push(only.name);
      shape.push(...problem.literalsOf(only.name));
      continue;
    }
    shape.push({
      atom: { kind: 'matches', subject: atom.subject, regex: instantiate(atom, () => ANY_STRING) },
      positive: true,
    });
  }
  return problem.solveString(subject, shape).status === 'unsat' ? through : undefined;
}
