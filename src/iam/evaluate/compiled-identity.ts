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
  matchesResourceAndConditions,
  type CompiledPolicy,
  type CompiledStatement,
} from './compiled-policy.js';
import { checkRequest } from './input.js';
import { principalMatch } from './match.js';
import {
  callerAccount,
  callerOf,
  normalizeRequest,
  resourceAccountOf,
  type ActionText,
  type Caller,
  type EvaluationRequest,
  type NormalizedRequest,
} from './request.js';

/** What the applicable statements decide for an IAM caller, before the account rules. */
type Decided =
  | { readonly kind: 'denied'; readonly result: EvaluationResult }
  /** Allow statements apply (and no Deny): the Allow result naming them. */
  | { readonly kind: 'allowed'; readonly result: EvaluationResult }
  | { readonly kind: 'none' };

interface ActionPlan {
  /** The action read once (lower-cased, its service), for requests that need the whole request read. */
  readonly action: ActionText;
  /** The statements whose Action matches, in policy order. */
  readonly statements: readonly CompiledStatement[];
  /** What they decide, when every one of them is unconditional; undefined when it depends on the request. */
  readonly fixed: Decided | undefined;
}

function frozen<T extends object>(result: T): T {
  for (const value of Object.values(result)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(result);
}

const noCaller = frozen<EvaluationResult>({
  decision: 'ImplicitDeny',
  reasons: [{ kind: 'resourcePolicy' }],
});
const crossAccountGranted = noCaller;
const crossAccountNotGranted = frozen<EvaluationResult>({
  decision: 'ImplicitDeny',
  reasons: [{ kind: 'identityPolicy' }, { kind: 'resourcePolicy' }],
});
const notGranted = frozen<EvaluationResult>({
  decision: 'ImplicitDeny',
  reasons: [{ kind: 'identityOrResourcePolicy' }],
});
const rootAllowed = frozen<EvaluationResult>({ decision: 'Allow', allowedBy: [] });
const decidedNothing: Decided = { kind: 'none' };

/**
 * What applicable statements decide, for one request. Plans build the same
 * in planOf: separately, because V8 allocates an object literal whose
 * objects tend to live long (a plan's) directly in the old generation, which
 * would make every per-request result costly to allocate and collect.
 */
function decidedBy(allows: readonly MatchedStatement[], denies: readonly MatchedStatement[]): Decided {
  if (denies.length > 0) return { kind: 'denied', result: { decision: 'ExplicitDeny', deniedBy: denies } };
  if (allows.length > 0) return { kind: 'allowed', result: { decision: 'Allow', allowedBy: allows } };
  return decidedNothing;
}

/** The plan's statements that apply to the request, as the reference's statementApplies decides. */
function decideStatements(statements: readonly CompiledStatement[], request: NormalizedRequest): Decided {
  // Allocated when a statement applies: most statements of most requests do not.
  let allows: MatchedStatement[] | undefined;
  let denies: MatchedStatement[] | undefined;
  for (const statement of statements) {
    if (
      !statement.unconditional &&
      (!matchesResourceAndConditions(statement, request) ||
        principalMatch(statement.principal, request.caller) === undefined)
    )
      continue;
    if (statement.effect === 'Allow') (allows ??= []).push(statement.matched);
    else (denies ??= []).push(statement.matched);
  }
  return allows === undefined && denies === undefined
    ? decidedNothing
    : decidedBy(allows ?? [], denies ?? []);
}

function planOf(policies: readonly CompiledPolicy[], request: NormalizedRequest): ActionPlan {
  const action: ActionText = { lowerCase: request.actionLowerCase, service: request.actionService };
  const statements = policies.flatMap((policy) => policy.matchingAction(request));
  if (!statements.every((statement) => statement.unconditional))
    return { action, statements, fixed: undefined };
  const effect = (wanted: 'Allow' | 'Deny'): MatchedStatement[] =>
    statements.filter((statement) => statement.effect === wanted).map((statement) => statement.matched);
  const [allows, denies] = [effect('Allow'), effect('Deny')];
  const fixed: Decided =
    denies.length > 0
      ? { kind: 'denied', result: frozen({ decision: 'ExplicitDeny', deniedBy: denies }) }
      : allows.length > 0
        ? { kind: 'allowed', result: frozen({ decision: 'Allow', allowedBy: allows }) }
        : decidedNothing;
  return { action, statements, fixed };
}

export class CompiledIdentityPolicies {
  private readonly plans = new Map<string, ActionPlan>();

  constructor(private readonly policies: readonly CompiledPolicy[]) {}

  private plan(request: EvaluationRequest, caller: Caller): ActionPlan {
    let plan = this.plans.get(request.action);
    if (plan === undefined) {
      plan = planOf(this.policies, normalizeRequest(request, caller));
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
    const decided =
      plan.fixed ?? decideStatements(plan.statements, normalizeRequest(request, caller, plan.action));
    if (decided.kind === 'denied') return decided.result;
    const isRoot = caller.type === 'Account';
    const granted = isRoot || decided.kind === 'allowed';
    const account = callerAccount(caller);
    if (account === undefined || account !== resourceAccountOf(request, caller))
      return granted ? crossAccountGranted : crossAccountNotGranted;
    if (!granted) return notGranted;
    return isRoot || decided.kind !== 'allowed' ? rootAllowed : decided.result;
  };
}
