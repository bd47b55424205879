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
import type { PrincipalElement, Statement } from '../model.js';
import { compileCondition, type CompiledCondition } from './compiled-conditions.js';
import { compilePatterns, compiledPatternsMatch, type CompiledPatterns } from './compiled-patterns.js';
import {
  decide,
  mapPolicySet,
  matchedStatement,
  policyOf,
  referenceOf,
  type Applicable,
  type EvaluationPolicies,
  type EvaluationResult,
  type MatchedStatement,
  type PolicyReader,
  type PolicyReference,
  type PolicySet,
  type Verdict,
} from './evaluate.js';
import {
  actionList,
  listsAction,
  mayNameService,
  principalMatch,
  type ActionList,
  type PrincipalMatch,
} from './match.js';
import {
  callerAccount,
  normalizeRequest,
  type EvaluationRequest,
  type NormalizedRequest,
} from './request.js';

/** A policy set compiled for many requests. The policies must not change afterwards. */
export interface CompiledPolicies {
  /** The same result as `evaluate(request, policies)` for the policies it was compiled from. */
  readonly evaluate: (request: EvaluationRequest) => EvaluationResult;
}

interface CompiledStatement {
  readonly effect: Statement['effect'];
  readonly actions: ActionList;
  /** NotAction: the statement applies when no entry lists the action. */
  readonly notAction: boolean;
  readonly resources: CompiledPatterns | undefined;
  readonly notResource: boolean;
  readonly principal: PrincipalElement | undefined;
  readonly conditions: readonly CompiledCondition[];
  readonly matched: MatchedStatement;
  /** What the statement contributes, for each way its Principal can name the caller. */
  readonly applicable: Readonly<Record<PrincipalMatch, Applicable>>;
}

function compileStatement(statement: Statement, reference: PolicyReference): CompiledStatement {
  const matched = matchedStatement(reference, statement);
  return {
    effect: statement.effect,
    actions: actionList(statement.action),
    notAction: statement.action.kind === 'NotAction',
    resources:
      statement.resource === undefined
        ? undefined
        : compilePatterns(
            statement.resource.entries.map((entry) => entry.pattern),
            'arn',
          ),
    notResource: statement.resource?.kind === 'NotResource',
    principal: statement.principal,
    conditions: statement.conditions.map(compileCondition),
    matched,
    applicable: {
      caller: { principal: 'caller', statement: matched },
      sessionRole: { principal: 'sessionRole', statement: matched },
      account: { principal: 'account', statement: matched },
    },
  };
}

/**
 * How a statement whose Action matches the request applies to it, as the
 * reference's statementApplies decides it.
 */
function applicable(statement: CompiledStatement, request: NormalizedRequest): Applicable | undefined {
  if (!matchesResourceAndConditions(statement, request)) return undefined;
  const principal = principalMatch(statement.principal, request.caller);
  return principal === undefined ? undefined : statement.applicable[principal];
}

const matchesAction = (statement: CompiledStatement, request: NormalizedRequest): boolean =>
  listsAction(statement.actions, request) !== statement.notAction;

function matchesResourceAndConditions(statement: CompiledStatement, request: NormalizedRequest): boolean {
  const { resources } = statement;
  if (resources !== undefined) {
    const listed = compiledPatternsMatch(resources, request.resource, request);
    if (listed === statement.notResource) return false;
  }
  for (const condition of statement.conditions) if (!condition(request)) return false;
  return true;
}

/** Actions remembered per policy; beyond that many the memory starts again. */
const actionCacheLimit = 4096;

/** One policy in its place among the inputs. */
class CompiledPolicy {
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

  /**
   * The statements whose Action matches the request's action, in policy
   * order. Kept per lower-cased action: a policy set evaluated many times
   * meets the same few actions again and again.
   */
  matching(request: NormalizedRequest): readonly CompiledStatement[] {
    let matching = this.byAction.get(request.actionLowerCase);
    if (matching === undefined) {
      matching = this.candidates(request.actionService).filter((statement) =>
        matchesAction(statement, request),
      );
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
 * `decide` folded for identity-based policies alone, the usual question
 * (what do a principal's own policies allow): only an IAM caller has
 * identity policies; their Deny wins; no resource policy can grant, so a
 * cross-account request is denied for want of one, and within the account
 * the identity-based policies decide (the root user needs none, and is then
 * allowed by nothing in particular).
 */
function decideIdentityOnly(
  policies: readonly CompiledPolicy[],
  request: NormalizedRequest,
): EvaluationResult {
  const { caller } = request;
  if (caller.kind !== 'aws') return { decision: 'ImplicitDeny', reasons: [{ kind: 'resourcePolicy' }] };
  const { allows, denies } = groupVerdict(policies, request);
  if (denies.length > 0)
    return { decision: 'ExplicitDeny', deniedBy: denies.map((found) => found.statement) };
  const isRoot = caller.type === 'Account';
  const granted = isRoot || allows.length > 0;
  const account = callerAccount(caller);
  if (account === undefined || account !== request.resourceAccount) {
    return {
      decision: 'ImplicitDeny',
      reasons: granted
        ? [{ kind: 'resourcePolicy' }]
        : [{ kind: 'identityPolicy' }, { kind: 'resourcePolicy' }],
    };
  }
  if (!granted) return { decision: 'ImplicitDeny', reasons: [{ kind: 'identityOrResourcePolicy' }] };
  return { decision: 'Allow', allowedBy: isRoot ? [] : allows.map((found) => found.statement) };
}

/**
 * Compiles parsed policies for evaluating many requests: the same results
 * as `evaluate`, several times faster per request once compiled. Statements
 * are prepared for a service the first time a request asks about it.
 */
export function compilePolicies(policies: EvaluationPolicies): CompiledPolicies {
  const set = compileSet(policies);
  const identity = identityOnly(set);
  if (identity !== undefined)
    return { evaluate: (request) => decideIdentityOnly(identity, normalizeRequest(request)) };
  return { evaluate: (request) => decide(set, normalizeRequest(request), compiledReader) };
}
