// Cedar's authorizer: forbid overrides permit, an explicit permit is needed,
// and the default is deny. A policy that fails to evaluate is skipped and
// reported. Every policy is evaluated, so reasons and errors are complete.
import {
  policyCondition,
  type ActionConstraint,
  type EntityTarget,
  type Expr,
  type ScopeConstraint,
  type ValidatorPolicy,
} from '../validator/expr.js';
import { compileExpr, type Compiled, type Environment, type Request, type SlotValues } from './evaluator.js';
import type { EntityStore } from './entities.js';
import { EntityRef, EvaluationError } from './values.js';

export type Effect = 'permit' | 'forbid';

/**
 * The entities a policy's scope can match through, as keys: the targets of
 * `==` and `in` (and `is ... in`). A request can satisfy the scope only if the
 * request's entity or one of its ancestors is among them.
 */
export interface ScopeIndex {
  readonly principal?: readonly string[];
  readonly action?: readonly string[];
  readonly resource?: readonly string[];
}

export interface CompiledPolicy {
  readonly id: string;
  readonly effect: Effect;
  /** Scope and conditions; compiled into closures the first time a request reaches the policy. */
  readonly condition: Compiled;
  readonly scope: ScopeIndex;
}

export interface PolicyError {
  readonly policyId: string;
  readonly message: string;
}

export interface Decision {
  readonly decision: 'allow' | 'deny';
  /** Ids of the policies that determined the decision: the satisfied forbids, else the satisfied permits. */
  readonly reason: readonly string[];
  readonly errors: readonly PolicyError[];
}

/**
 * A condition compiled on its first call and kept. Most requests reach a few
 * policies of a large set through the scope index, so compiling every policy
 * up front would spend most of the time of reading a policy set on closures
 * that may never run. Deferring changes no answer: compiling fails only on an
 * unlinked slot, and `compilePolicy` has already refused those in the scope
 * (the only place slots can be).
 */
function compiledOnFirstUse(expr: Expr, slots: SlotValues): Compiled {
  let compiled: Compiled | undefined;
  return (env) => {
    compiled ??= compileExpr(expr, slots);
    return compiled(env);
  };
}

/** Prepares a parsed policy to be evaluated; a template needs values for its slots. */
export function compilePolicy(
  policy: ValidatorPolicy,
  slots: SlotValues = new Map(),
  id: string = policy.id,
): CompiledPolicy {
  const targetKey = (target: EntityTarget): string => {
    if (target.kind === 'entity') return new EntityRef(target.uid.type, target.uid.id).key;
    const uid = slots.get(target.id);
    if (uid === undefined) throw new EvaluationError(`slot \`${target.id}\` is not linked`);
    return new EntityRef(uid.type, uid.id).key;
  };
  const scopeKeys = (constraint: ScopeConstraint): readonly string[] | undefined => {
    if (constraint.op === '==' || constraint.op === 'in') return [targetKey(constraint.target)];
    return constraint.op === 'is' && constraint.in !== undefined ? [targetKey(constraint.in)] : undefined;
  };
  const actionKeys = (constraint: ActionConstraint): readonly string[] | undefined => {
    if (constraint.op === '==') return [new EntityRef(constraint.uid.type, constraint.uid.id).key];
    return constraint.op === 'in'
      ? constraint.uids.map((uid) => new EntityRef(uid.type, uid.id).key)
      : undefined;
  };
  const principal = scopeKeys(policy.principal);
  const action = actionKeys(policy.action);
  const resource = scopeKeys(policy.resource);
  return {
    id,
    effect: policy.effect,
    condition: compiledOnFirstUse(policyCondition(policy), slots),
    scope: {
      ...(principal === undefined ? {} : { principal }),
      ...(action === undefined ? {} : { action }),
      ...(resource === undefined ? {} : { resource }),
    },
  };
}

type Role = 'principal' | 'action' | 'resource';

/**
 * A compiled policy set with an index from scope targets to policies, so that a
 * request only evaluates the policies whose scope it can satisfy. Skipping the
 * others changes nothing: a scope never errors, and a false scope ends the
 * policy's evaluation before its conditions.
 */
export class CompiledPolicySet {
  private readonly byTarget: ReadonlyMap<Role, ReadonlyMap<string, readonly number[]>>;
  private readonly unindexed: readonly number[];

  constructor(readonly policies: readonly CompiledPolicy[]) {
    const byTarget = new Map<Role, Map<string, number[]>>();
    const unindexed: number[] = [];
    policies.forEach((policy, index) => {
      // One role per policy is enough: the one most likely to rule it out.
      const role = (['principal', 'resource', 'action'] as const).find(
        (name) => policy.scope[name] !== undefined,
      );
      if (role === undefined) {
        unindexed.push(index);
        return;
      }
      let map = byTarget.get(role);
      if (map === undefined) {
        map = new Map();
        byTarget.set(role, map);
      }
      for (const key of new Set(policy.scope[role])) {
        const indices = map.get(key);
        if (indices === undefined) map.set(key, [index]);
        else indices.push(index);
      }
    });
    this.byTarget = byTarget;
    this.unindexed = unindexed;
  }

  /** Indices, in policy order, of the policies whose scope the request may satisfy (perhaps repeated). */
  candidates(env: Environment): number[] {
    const found = [...this.unindexed];
    for (const [role, map] of this.byTarget) {
      const uid = env[role];
      const own = map.get(uid.key);
      if (own !== undefined) found.push(...own);
      const entity = env.entities.get(uid);
      if (entity === undefined) continue;
      for (const ancestor of entity.ancestors) {
        const matches = map.get(ancestor);
        if (matches !== undefined) found.push(...matches);
      }
    }
    return found.sort((a, b) => a - b);
  }
}

type Outcome = { readonly satisfied: boolean } | { readonly error: string };

function evaluatePolicy(policy: CompiledPolicy, env: Environment): Outcome {
  try {
    const result = policy.condition(env);
    if (typeof result !== 'boolean') return { error: 'type error: expected bool' };
    return { satisfied: result };
  } catch (error) {
    if (error instanceof EvaluationError) return { error: error.message };
    if (error instanceof RangeError) return { error: `evaluation error: ${error.message}` };
    throw error;
  }
}

export function authorize(policySet: CompiledPolicySet, request: Request, entities: EntityStore): Decision {
  const env: Environment = {
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    context: request.context,
    entities,
  };
  const permits: string[] = [];
  const forbids: string[] = [];
  const errors: PolicyError[] = [];
  const policies = policySet.policies;
  let previous = -1;
  for (const index of policySet.candidates(env)) {
    // A policy reached through two ancestors is listed twice.
    if (index === previous) continue;
    previous = index;
    const policy = policies[index] as CompiledPolicy;
    const outcome = evaluatePolicy(policy, env);
    if ('error' in outcome) errors.push({ policyId: policy.id, message: outcome.error });
    else if (outcome.satisfied) (policy.effect === 'permit' ? permits : forbids).push(policy.id);
  }
  if (forbids.length > 0) return { decision: 'deny', reason: forbids, errors };
  return permits.length > 0
    ? { decision: 'allow', reason: permits, errors }
    : { decision: 'deny', reason: [], errors };
}
