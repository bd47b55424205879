// The compiled evaluator for identity-based policies alone, the usual
// question (what do a principal's own policies allow): the reference's
// `decide` folded by hand for that shape. Only an IAM caller has identity
// policies; their Deny wins; no resource policy can grant, so a
// cross-account request is denied for want of one, and within the account
// the identity-based policies decide (the root user needs none, and is then
// allowed by nothing in particular).
//
// What makes it fast is a plan per action, made the first time a request
// names the action (keyed by the action as the request writes it, so a
// request needs no lower-casing to find it): the statements whose Action
// matches, in policy order, and — when none of them depends on anything but
// the action (no Condition, no Principal, Resource `*`) — what they decide,
// with its result objects built once. Such a request then reads its caller,
// one map entry and a result; results are frozen, since many requests share
// them.
import type { EvaluationResult, MatchedStatement } from './evaluate.js';
import {
  actionCacheLimit,
  frozenResult,
  matchesResourceAndConditions,
  type CompiledPolicy,
  type CompiledStatement,
} from './compiled-policy.js';
import { checkRequest } from './input.js';
import { principalMatch } from './match.js';
import {
  actionOf,
  callerAccount,
  callerOf,
  readRequest,
  resourceAccountOf,
  type ActionText,
  type Caller,
  type EvaluationRequest,
  type NormalizedRequest,
} from './request.js';

/**
 * What the applicable statements decide for an IAM caller, before the
 * account rules: an ExplicitDeny result naming the Deny statements, else an
 * Allow result naming the Allow statements, else undefined (none applies).
 */
type Decided = EvaluationResult | undefined;

interface ActionPlan {
  /** The action read once (lower-cased, its service), for requests that need the whole request read. */
  readonly action: ActionText;
  /** The statements whose Action matches, in policy order. */
  readonly statements: readonly CompiledStatement[];
  /** Every one of them is unconditional: `decided` holds for every request of the action. */
  readonly fixed: boolean;
  readonly decided: Decided;
}

const noCaller = frozenResult({ decision: 'ImplicitDeny', reasons: [{ kind: 'resourcePolicy' }] });
const crossAccountGranted = noCaller;
const crossAccountNotGranted = frozenResult({
  decision: 'ImplicitDeny',
  reasons: [{ kind: 'identityPolicy' }, { kind: 'resourcePolicy' }],
});
const notGranted = frozenResult({
  decision: 'ImplicitDeny',
  reasons: [{ kind: 'identityOrResourcePolicy' }],
});
const rootAllowed = frozenResult({ decision: 'Allow', allowedBy: [] });

/**
 * The plan's statements that apply to the request, as the reference's
 * statementApplies decides. A lone applicable statement (the usual case)
 * answers with its own prepared result; arrays and results are made only
 * when several apply — from literals of their own, not shared with the
 * results plans and statements keep, since V8 would place these short-lived
 * objects with those long-lived ones in the old generation.
 */
function decideStatements(statements: readonly CompiledStatement[], request: NormalizedRequest): Decided {
  let firstAllow: CompiledStatement | undefined;
  let firstDeny: CompiledStatement | undefined;
  let allows: MatchedStatement[] | undefined;
  let denies: MatchedStatement[] | undefined;
  for (const statement of statements) {
    if (
      !statement.unconditional &&
      (!matchesResourceAndConditions(statement, request) ||
        principalMatch(statement.principal, request.caller) === undefined)
    )
      continue;
    if (statement.effect === 'Allow') {
      if (firstAllow === undefined) firstAllow = statement;
      else (allows ??= [firstAllow.matched]).push(statement.matched);
    } else if (firstDeny === undefined) firstDeny = statement;
    else (denies ??= [firstDeny.matched]).push(statement.matched);
  }
  if (firstDeny !== undefined)
    return denies === undefined ? firstDeny.alone : { decision: 'ExplicitDeny', deniedBy: denies };
  if (firstAllow !== undefined)
    return allows === undefined ? firstAllow.alone : { decision: 'Allow', allowedBy: allows };
  return undefined;
}

function planOf(policies: readonly CompiledPolicy[], request: NormalizedRequest): ActionPlan {
  const action: ActionText = { lowerCase: request.actionLowerCase, service: request.actionService };
  const statements = policies.flatMap((policy) => policy.matchingAction(request));
  if (!statements.every((statement) => statement.unconditional))
    return { action, statements, fixed: false, decided: undefined };
  const effect = (wanted: 'Allow' | 'Deny'): MatchedStatement[] =>
    statements.filter((statement) => statement.effect === wanted).map((statement) => statement.matched);
  const [allows, denies] = [effect('Allow'), effect('Deny')];
  const decided =
    denies.length > 0
      ? frozenResult({ decision: 'ExplicitDeny', deniedBy: denies })
      : allows.length > 0
        ? frozenResult({ decision: 'Allow', allowedBy: allows })
        : undefined;
  return { action, statements, fixed: true, decided };
}

export class CompiledIdentityPolicies {
  private readonly plans = new Map<string, ActionPlan>();

  constructor(private readonly policies: readonly CompiledPolicy[]) {}

  private plan(request: EvaluationRequest, caller: Caller): ActionPlan {
    let plan = this.plans.get(request.action);
    if (plan === undefined) {
      plan = planOf(this.policies, readRequest(request, caller, actionOf(request.action)));
      if (this.plans.size >= actionCacheLimit) this.plans.clear();
      this.plans.set(request.action, plan);
    }
    return plan;
  }

  // A property, so that it can be handed out as CompiledPolicies.evaluate without a wrapper.
  readonly evaluate = (request: EvaluationRequest): EvaluationResult => {
    checkRequest(request);
    const caller = callerOf(request.principal);
    if (caller.kind !== 'aws') return noCaller;
    const plan = this.plan(request, caller);
    const decided = plan.fixed
      ? plan.decided
      : decideStatements(plan.statements, readRequest(request, caller, plan.action));
    if (decided?.decision === 'ExplicitDeny') return decided;
    const isRoot = caller.type === 'Account';
    const granted = isRoot || decided !== undefined;
    const account = callerAccount(caller);
    if (account === undefined || account !== resourceAccountOf(request, caller))
      return granted ? crossAccountGranted : crossAccountNotGranted;
    if (!granted) return notGranted;
    return isRoot || decided === undefined ? rootAllowed : decided;
  };
}
