// One policy compiled for the compiled evaluator (compiled.ts): its
// statements prepared on first use (Action list, Resource and condition
// values) with their result objects built ahead, and indexed by the service
// and the action a request names. Matching is match.ts's and conditions.ts's;
// this file only arranges it so that a request touches few statements.
import type { PrincipalElement, Statement } from '../model.js';
import { compileCondition, type CompiledCondition } from './compiled-conditions.js';
import { compilePatterns, compiledPatternsMatch, type CompiledPatterns } from './compiled-patterns.js';
import {
  matchedStatement,
  type Applicable,
  type EvaluationResult,
  type MatchedStatement,
  type PolicyReference,
} from './evaluate.js';
import {
  actionList,
  listsAction,
  mayNameService,
  principalMatch,
  type ActionList,
  type PrincipalMatch,
} from './match.js';
import type { NormalizedRequest } from './request.js';

export interface CompiledStatement {
  readonly effect: Statement['effect'];
  readonly actions: ActionList;
  /** NotAction: the statement applies when no entry lists the action. */
  readonly notAction: boolean;
  readonly resources: CompiledPatterns | undefined;
  readonly notResource: boolean;
  readonly principal: PrincipalElement | undefined;
  readonly conditions: readonly CompiledCondition[];
  /**
   * No Principal, no Condition, and no Resource or a Resource listing `*`:
   * the statement applies to every request whose action it matches.
   */
  readonly unconditional: boolean;
  readonly matched: MatchedStatement;
  /** The result when it is the only statement that applies: Allow or ExplicitDeny naming it alone. */
  readonly alone: EvaluationResult;
  /** What the statement contributes, for each way its Principal can name the caller. */
  readonly applicable: Readonly<Record<PrincipalMatch, Applicable>>;
}

function compileStatement(statement: Statement, reference: PolicyReference): CompiledStatement {
  const matched = matchedStatement(reference, statement);
  const resources =
    statement.resource === undefined
      ? undefined
      : compilePatterns(
          statement.resource.entries.map((entry) => entry.pattern),
          'arn',
        );
  const notResource = statement.resource?.kind === 'NotResource';
  return {
    effect: statement.effect,
    actions: actionList(statement.action),
    notAction: statement.action.kind === 'NotAction',
    resources,
    notResource,
    principal: statement.principal,
    conditions: statement.conditions.map(compileCondition),
    unconditional:
      statement.principal === undefined &&
      statement.conditions.length === 0 &&
      (resources === undefined || (resources.everything && !notResource)),
    matched,
    alone: frozenResult(
      statement.effect === 'Allow'
        ? { decision: 'Allow', allowedBy: [matched] }
        : { decision: 'ExplicitDeny', deniedBy: [matched] },
    ),
    applicable: {
      caller: { principal: 'caller', statement: matched },
      sessionRole: { principal: 'sessionRole', statement: matched },
      account: { principal: 'account', statement: matched },
    },
  };
}

/**
 * A result shared by many requests, frozen with its lists: a caller that
 * changed one would change every later answer.
 */
export function frozenResult(result: EvaluationResult): EvaluationResult {
  for (const value of Object.values(result)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(result);
}

/**
 * How a statement whose Action matches the request applies to it, as the
 * reference's statementApplies decides it.
 */
export function applicable(statement: CompiledStatement, request: NormalizedRequest): Applicable | undefined {
  if (!matchesResourceAndConditions(statement, request)) return undefined;
  const principal = principalMatch(statement.principal, request.caller);
  return principal === undefined ? undefined : statement.applicable[principal];
}

export const matchesAction = (statement: CompiledStatement, request: NormalizedRequest): boolean =>
  listsAction(statement.actions, request) !== statement.notAction;

export function matchesResourceAndConditions(
  statement: CompiledStatement,
  request: NormalizedRequest,
): boolean {
  const { resources } = statement;
  if (resources !== undefined) {
    const listed = compiledPatternsMatch(resources, request.resource, request);
    if (listed === statement.notResource) return false;
  }
  for (const condition of statement.conditions) if (!condition.holds(request)) return false;
  return true;
}

/** Actions remembered per policy or policy set; beyond that many the memory starts again. */
export const actionCacheLimit = 4096;

/** One policy in its place among the inputs. */
export class CompiledPolicy {
  private readonly compiled: (CompiledStatement | undefined)[];
  private readonly byService = new Map<string, readonly CompiledStatement[]>();
  private readonly byAction = new Map<string, readonly CompiledStatement[]>();
  private notPrincipal: readonly CompiledStatement[] | undefined;

  constructor(
    private readonly statements: readonly Statement[],
    private readonly reference: PolicyReference,
  ) {
    this.compiled = statements.map(() => undefined);
  }

  private statement(position: number): CompiledStatement {
    let compiled = this.compiled[position];
    if (compiled === undefined) {
      compiled = compileStatement(this.statements[position] as Statement, this.reference);
      this.compiled[position] = compiled;
    }
    return compiled;
  }

  private selected(keep: (statement: Statement) => boolean): CompiledStatement[] {
    const selected: CompiledStatement[] = [];
    this.statements.forEach((statement, position) => {
      if (keep(statement)) selected.push(this.statement(position));
    });
    return selected;
  }

  /** The statements that can apply to an action of the service, in policy order (candidateStatements). */
  private candidates(service: string): readonly CompiledStatement[] {
    let candidates = this.byService.get(service);
    if (candidates === undefined) {
      candidates = this.selected((statement) => mayNameService(statement, service));
      this.byService.set(service, candidates);
    }
    return candidates;
  }

  /** The statements whose Action matches the request's action, in policy order, found afresh. */
  matchingAction(request: NormalizedRequest): CompiledStatement[] {
    return this.candidates(request.actionService).filter((statement) => matchesAction(statement, request));
  }

  /**
   * The statements whose Action matches the request's action, in policy
   * order. Kept per lower-cased action: a policy set evaluated many times
   * meets the same few actions again and again.
   */
  matching(request: NormalizedRequest): readonly CompiledStatement[] {
    let matching = this.byAction.get(request.actionLowerCase);
    if (matching === undefined) {
      matching = this.matchingAction(request);
      if (this.byAction.size >= actionCacheLimit) this.byAction.clear();
      this.byAction.set(request.actionLowerCase, matching);
    }
    return matching;
  }

  /** Its Deny statements with NotPrincipal, which a permissions boundary triggers in a resource policy. */
  notPrincipalDenies(): readonly CompiledStatement[] {
    this.notPrincipal ??= this.selected(
      (statement) => statement.effect === 'Deny' && statement.principal?.kind === 'NotPrincipal',
    );
    return this.notPrincipal;
  }
}
