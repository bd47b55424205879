// Cedar's authorizer: forbid overrides permit, an explicit permit is needed,
// and the default is deny. A policy that fails to evaluate is skipped and
// reported. Every policy is evaluated, so reasons and errors are complete.
import { policyCondition, type ValidatorPolicy } from '../validator/expr.js';
import { compileExpr, type Compiled, type Environment, type Request, type SlotValues } from './evaluator.js';
import type { EntityStore } from './entities.js';
import { EvaluationError } from './values.js';

export type Effect = 'permit' | 'forbid';

export interface CompiledPolicy {
  readonly id: string;
  readonly effect: Effect;
  readonly condition: Compiled;
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

/** Compiles a parsed policy once; a template needs values for its slots. */
export function compilePolicy(
  policy: ValidatorPolicy,
  slots?: SlotValues,
  id: string = policy.id,
): CompiledPolicy {
  return { id, effect: policy.effect, condition: compileExpr(policyCondition(policy), slots) };
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

export function authorize(
  policies: readonly CompiledPolicy[],
  request: Request,
  entities: EntityStore,
): Decision {
  const env: Environment = { ...request, entities };
  const permits: string[] = [];
  const forbids: string[] = [];
  const errors: PolicyError[] = [];
  for (const policy of policies) {
    const outcome = evaluatePolicy(policy, env);
    if ('error' in outcome) errors.push({ policyId: policy.id, message: outcome.error });
    else if (outcome.satisfied) (policy.effect === 'permit' ? permits : forbids).push(policy.id);
  }
  if (forbids.length > 0) return { decision: 'deny', reason: forbids, errors };
  return permits.length > 0
    ? { decision: 'allow', reason: permits, errors }
    : { decision: 'deny', reason: [], errors };
}
