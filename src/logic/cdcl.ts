// Conflict-driven clause learning over a CNF whose first variables are
// theory atoms. The Boolean part is the textbook loop (two watched literals,
// first-UIP learning, non-chronological backjumping, activity-ordered
// decisions with saved phases); the theory part is a callback that, after
// each propagation fixpoint, either accepts the assignment or returns a
// clause of currently false literals that refutes it.

/** A clause that is false under the current assignment, or that the assignment is fine. */
export type TheoryAnswer =
  { readonly status: 'consistent' } | { readonly status: 'conflict'; readonly clause: number[] };

export interface TheoryHooks {
  /**
   * Called at every propagation fixpoint with the trail (the literals assigned,
   * in order): those from `trail[from]` on are new since the last call.
   */
  readonly check: (trail: readonly number[], from: number) => TheoryAnswer;
  /** Called when every variable has a value; `undefined` accepts it, a clause of false literals refutes it. */
  readonly complete: () => number[] | undefined;
  /** Called before each decision; throws to abandon the search. */
  readonly tick: () => void;
}

export class Cdcl {
  private readonly values: Int8Array;
  private readonly levels: Int32Array;
  private readonly reasons: Int32Array;
  private readonly activity: Float64Array;
  private readonly phases: Int8Array;
  /** Clauses watching each literal (by `code`), made when the first one does: most gates' negations are never watched. */
  private readonly watches: (number[] | undefined)[];
  private readonly clauses: number[][] = [];
  private readonly trail: number[] = [];
  private readonly levelStarts: number[] = [];
  private readonly seen: Uint8Array;
  /** Scratch of `withoutRepeats` and `tautology`: the signs each variable has in the clause at hand. */
  private readonly signs: Int8Array;
  private propagated = 0;
  private theoryChecked = 0;
  private increment = 1;
  private contradiction = false;

  /** Takes the clause arrays over: they are stored, and their literals reordered, without a copy. */
  constructor(
    private readonly variableCount: number,
    clauses: readonly number[][],
  ) {
    this.values = new Int8Array(variableCount + 1);
    this.levels = new Int32Array(variableCount + 1);
    this.reasons = new Int32Array(variableCount + 1).fill(-1);
    this.activity = new Float64Array(variableCount + 1);
    this.phases = new Int8Array(variableCount + 1).fill(-1);
    this.seen = new Uint8Array(variableCount + 1);
    this.signs = new Int8Array(variableCount + 1);
    this.watches = new Array<number[] | undefined>(2 * variableCount + 2);
    for (const clause of clauses) this.addInitial(clause);
  }

  /** The value of a literal: 1 true, -1 false, 0 unassigned. */
  valueOf(literal: number): number {
    const value = this.values[Math.abs(literal)] as number;
    return literal > 0 ? value : -value;
  }

  /** True when a satisfying assignment was reached (read it with `valueOf`), false when none exists. */
  run(theory: TheoryHooks): boolean {
    if (this.contradiction) return false;
    for (;;) {
      const conflict = this.propagateWithTheory(theory);
      if (conflict !== undefined) {
        if (!this.resolve(conflict)) return false;
        continue;
      }
      const next = this.pickBranch();
      if (next === 0) {
        const refutation = theory.complete();
        if (refutation === undefined) return true;
        if (!this.resolve(refutation)) return false;
        continue;
      }
      theory.tick();
      this.levelStarts.push(this.trail.length);
      this.enqueue(next, -1);
    }
  }

  /** The number of decisions on the trail: at 0, every conflict ends the search. */
  get level(): number {
    return this.levelStarts.length;
  }

  private addInitial(clause: number[]): void {
    const distinct = this.withoutRepeats(clause);
    if (this.tautology(distinct)) return;
    if (distinct.length === 0) {
      this.contradiction = true;
      return;
    }
    if (distinct.length === 1) {
      const literal = distinct[0] as number;
      const value = this.valueOf(literal);
      if (value < 0) this.contradiction = true;
      else if (value === 0) this.enqueue(literal, this.store(distinct));
      return;
    }
    this.watch(this.store(distinct));
  }

  /**
   * The clause without repeated literals, in their first order: the same
   * array when it has none (as Tseitin clauses do). Marks each variable with
   * the signs seen (bit 1 true, bit 2 false) instead of building a set per clause.
   */
  private withoutRepeats(clause: number[]): number[] {
    let repeated = false;
    for (const literal of clause) repeated = this.mark(literal) || repeated;
    this.unmark(clause);
    if (!repeated) return clause;
    const distinct: number[] = [];
    for (const literal of clause) if (!this.mark(literal)) distinct.push(literal);
    this.unmark(clause);
    return distinct;
  }

  /** Whether the clause holds a literal and its negation. */
  private tautology(clause: readonly number[]): boolean {
    for (const literal of clause) this.mark(literal);
    let found = false;
    for (const literal of clause) found ||= this.signs[Math.abs(literal)] === 3;
    this.unmark(clause);
    return found;
  }

  /** Marks `literal`'s sign on its variable; whether it was marked already. */
  private mark(literal: number): boolean {
    const variable = Math.abs(literal);
    const bit = literal > 0 ? 1 : 2;
    const marks = this.signs[variable] as number;
    this.signs[variable] = marks | bit;
    return (marks & bit) !== 0;
  }

  private unmark(clause: readonly number[]): void {
    for (const literal of clause) this.signs[Math.abs(literal)] = 0;
  }

  private store(clause: number[]): number {
    this.clauses.push(clause);
    return this.clauses.length - 1;
  }

  private watch(index: number): void {
    const clause = this.clauses[index] as number[];
    this.watchBy(code(clause[0] as number), index);
    this.watchBy(code(clause[1] as number), index);
  }

  /**
   * Adds clause `index` to a literal's watch list. A new list is made with
   * its one element (an empty one grows to 16 slots at the first push, and
   * many literals only ever watch one clause).
   */
  private watchBy(slot: number, index: number): void {
    const list = this.watches[slot];
    if (list === undefined) this.watches[slot] = [index];
    else list.push(index);
  }

  private enqueue(literal: number, reason: number): void {
    const variable = Math.abs(literal);
    this.values[variable] = literal > 0 ? 1 : -1;
    this.levels[variable] = this.level;
    this.reasons[variable] = reason;
    this.trail.push(literal);
  }

  /** Unit propagation, then the theory at the fixpoint; the index of a false clause on conflict. */
  private propagateWithTheory(theory: TheoryHooks): number | undefined {
    for (;;) {
      const conflict = this.propagate();
      if (conflict !== undefined) return conflict;
      if (this.theoryChecked === this.trail.length) return undefined;
      const from = this.theoryChecked;
      this.theoryChecked = this.trail.length;
      const answer = theory.check(this.trail, from);
      if (answer.status === 'conflict') return this.storeConflict(answer.clause);
    }
  }

  private propagate(): number | undefined {
    while (this.propagated < this.trail.length) {
      const falsified = -(this.trail[this.propagated++] as number);
      const watching = this.watches[code(falsified)];
      if (watching === undefined) continue;
      let kept = 0;
      for (let position = 0; position < watching.length; position++) {
        const index = watching[position] as number;
        const clause = this.clauses[index] as number[];
        if (clause[0] === falsified) [clause[0], clause[1]] = [clause[1] as number, falsified];
        if (this.valueOf(clause[0] as number) > 0) {
          watching[kept++] = index;
          continue;
        }
        let moved = false;
        for (let other = 2; other < clause.length; other++) {
          if (this.valueOf(clause[other] as number) >= 0) {
            [clause[1], clause[other]] = [clause[other] as number, falsified];
            this.watchBy(code(clause[1] as number), index);
            moved = true;
            break;
          }
        }
        if (moved) continue;
        watching[kept++] = index;
        if (this.valueOf(clause[0] as number) < 0) {
          for (position++; position < watching.length; position++)
            watching[kept++] = watching[position] as number;
          watching.length = kept;
          return index;
        }
        this.enqueue(clause[0] as number, index);
      }
      watching.length = kept;
    }
    return undefined;
  }

  /** Stores a clause of false literals, watching its two latest-assigned literals. */
  private storeConflict(clause: readonly number[]): number {
    const ordered = this.withoutRepeats([...clause]);
    // By level, latest first; an insertion sort (stable, as Array.sort is), without a comparator closure.
    for (let index = 1; index < ordered.length; index++) {
      const literal = ordered[index] as number;
      let position = index - 1;
      while (position >= 0 && this.levelOf(ordered[position] as number) < this.levelOf(literal)) {
        ordered[position + 1] = ordered[position] as number;
        position--;
      }
      ordered[position + 1] = literal;
    }
    const index = this.store(ordered);
    if (ordered.length >= 2) this.watch(index);
    return index;
  }

  private levelOf(literal: number): number {
    return this.levels[Math.abs(literal)] as number;
  }

  /** Learns from a false clause and backjumps; false when the conflict holds at level 0. */
  private resolve(conflictOrClause: number | readonly number[]): boolean {
    const conflict =
      typeof conflictOrClause === 'number' ? conflictOrClause : this.storeConflict(conflictOrClause);
    const clause = this.clauses[conflict] as number[];
    let highest = 0;
    for (const literal of clause) highest = Math.max(highest, this.levelOf(literal));
    if (highest === 0) {
      this.contradiction = true;
      return false;
    }
    // A theory clause may be false already at a lower level than the current one.
    this.backtrack(highest);
    const learned = this.analyze(conflict);
    let second = 1;
    for (let index = 2; index < learned.length; index++) {
      if (this.levelOf(learned[index] as number) > this.levelOf(learned[second] as number)) second = index;
    }
    if (second < learned.length && second !== 1)
      [learned[1], learned[second]] = [learned[second] as number, learned[1] as number];
    const backLevel = learned.length > 1 ? this.levelOf(learned[1] as number) : 0;
    this.backtrack(backLevel);
    const index = this.store(learned);
    if (learned.length >= 2) this.watch(index);
    this.enqueue(learned[0] as number, index);
    this.increment /= 0.95;
    return true;
  }

  /** First-UIP learning: resolves the conflict with reasons until one literal of this level is left. */
  private analyze(conflict: number): number[] {
    const learned: number[] = [0];
    let pending = 0;
    let clause = this.clauses[conflict] as number[];
    let resolvedOn = 0;
    let cursor = this.trail.length - 1;
    for (;;) {
      for (const literal of clause) {
        const variable = Math.abs(literal);
        if (variable === resolvedOn || this.seen[variable] === 1 || this.levelOf(literal) === 0) continue;
        this.seen[variable] = 1;
        this.bump(variable);
        if (this.levelOf(literal) === this.level) pending++;
        else learned.push(literal);
      }
      while (this.seen[Math.abs(this.trail[cursor] as number)] === 0) cursor--;
      const uip = this.trail[cursor--] as number;
      resolvedOn = Math.abs(uip);
      this.seen[resolvedOn] = 0;
      pending--;
      if (pending === 0) {
        learned[0] = -uip;
        break;
      }
      clause = this.clauses[this.reasons[resolvedOn] as number] as number[];
    }
    for (const literal of learned) this.seen[Math.abs(literal)] = 0;
    return learned;
  }

  private bump(variable: number): void {
    const raised = (this.activity[variable] as number) + this.increment;
    this.activity[variable] = raised;
    if (raised > 1e100) {
      for (let index = 1; index <= this.variableCount; index++)
        this.activity[index] = (this.activity[index] as number) * 1e-100;
      this.increment *= 1e-100;
    }
  }

  private backtrack(level: number): void {
    if (this.level <= level) return;
    const start = this.levelStarts[level] as number;
    for (let index = this.trail.length - 1; index >= start; index--) {
      const variable = Math.abs(this.trail[index] as number);
      this.phases[variable] = this.values[variable] as number;
      this.values[variable] = 0;
      this.reasons[variable] = -1;
    }
    this.trail.length = start;
    this.levelStarts.length = level;
    this.propagated = Math.min(this.propagated, start);
    this.theoryChecked = Math.min(this.theoryChecked, start);
  }

  /** The unassigned variable of highest activity (lowest number on ties), as a literal in its saved phase. */
  private pickBranch(): number {
    let best = 0;
    let bestActivity = -1;
    for (let variable = 1; variable <= this.variableCount; variable++) {
      if (this.values[variable] !== 0) continue;
      const activity = this.activity[variable] as number;
      if (activity > bestActivity) {
        best = variable;
        bestActivity = activity;
      }
    }
    if (best === 0) return 0;
    return this.phases[best] === 1 ? best : -best;
  }
}

/** Watch-list slot of a literal. */
function code(literal: number): number {
  return literal > 0 ? 2 * literal : -2 * literal + 1;
}
