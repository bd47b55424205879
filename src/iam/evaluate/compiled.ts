// The compiled evaluator: a policy set read once into the form requests are
// matched against fastest, then any number of requests decided against it.
// It gives exactly the reference evaluator's result (evaluate.ts): the
// decision itself is the reference's `decide` (for identity-based policies
// alone, `decide` folded by hand for that shape), over statements matched as
// match.ts and conditions.ts say; what compiling adds is only preparation —
// each policy placed once (its reference and every result object built
// ahead), its statements indexed by the service their Action can name and
// then by action (built on first use, so a policy costs nothing for services
// no request asks about), Resource and condition values prepared, and
// condition keys lower-cased. test/iam/evaluate-compiled.test.ts checks it
// equal to `evaluate` on generated scenarios of every policy kind and on the
// bench's managed-policy requests.
import { CompiledIdentityPolicies } from './compiled-identity.js';
import { checkPolicySet } from './input.js';
import {
  applicable,
  CompiledPolicy,
  matchesAction,
  matchesResourceAndConditions,
} from './compiled-policy.js';
import {
  decide,
  mapPolicySet,
  policyOf,
  referenceOf,
  type Applicable,
  type EvaluationPolicies,
  type EvaluationResult,
  type PolicyReader,
  type PolicySet,
  type Verdict,
} from './evaluate.js';
import { normalizeRequest, type EvaluationRequest, type NormalizedRequest } from './request.js';

/** A policy set compiled for many requests. The policies must not change afterwards. */
export interface CompiledPolicies {
  /** The same result as `evaluate(request, policies)` for the policies it was compiled from. */
  readonly evaluate: (request: EvaluationRequest) => EvaluationResult;
}

const none: readonly Applicable[] = [];

function groupVerdict(policies: readonly CompiledPolicy[], request: NormalizedRequest): Verdict {
  // Allocated when a statement applies: most statements of most groups do not.
  let allows: Applicable[] | undefined;
  let denies: Applicable[] | undefined;
  for (const policy of policies) {
    for (const statement of policy.matching(request)) {
      const found = applicable(statement, request);
      if (found === undefined) continue;
      if (statement.effect === 'Allow') (allows ??= []).push(found);
      else (denies ??= []).push(found);
    }
  }
  return { allows: allows ?? none, denies: denies ?? none };
}

const compiledReader: PolicyReader<CompiledPolicy> = {
  // Each compiled policy already knows its kind, index and level.
  verdict: (policies, _kind, _level, request) => groupVerdict(policies, request),
  notPrincipalDenies: (policy, request) =>
    policy
      .notPrincipalDenies()
      .filter(
        (statement) => matchesAction(statement, request) && matchesResourceAndConditions(statement, request),
      )
      .map((statement) => statement.matched),
};

function compileSet(policies: EvaluationPolicies): PolicySet<CompiledPolicy> {
  return mapPolicySet(
    policies,
    (input, placement) => new CompiledPolicy(policyOf(input).statements, referenceOf(input, placement)),
  );
}

/** Identity-based policies and nothing else: no resource, boundary, session, endpoint, SCP or RCP policy. */
function identityOnly(set: PolicySet<CompiledPolicy>): readonly CompiledPolicy[] | undefined {
  const others = [set.resourcePolicy, set.permissionsBoundary, set.sessionPolicies, set.vpcEndpointPolicy];
  const noLevels = (levels: readonly (readonly CompiledPolicy[])[] | undefined): boolean =>
    levels === undefined || levels.length === 0;
  return others.every((other) => other === undefined) &&
    noLevels(set.serviceControlPolicies) &&
    noLevels(set.resourceControlPolicies)
    ? (set.identityPolicies ?? [])
    : undefined;
}

/**
 * Compiles parsed policies for evaluating many requests: the same results
 * as `evaluate`, several times faster per request once compiled. Statements
 * are prepared for a service the first time a request asks about it.
 */
export function compilePolicies(policies: EvaluationPolicies): CompiledPolicies {
  checkPolicySet(policies);
  const set = compileSet(policies);
  const identity = identityOnly(set);
  if (identity !== undefined) return new CompiledIdentityPolicies(identity);
  return { evaluate: (request) => decide(set, normalizeRequest(request), compiledReader) };
}
