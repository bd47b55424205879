// The concrete reference evaluator: one request against every policy that
// applies to it, decided as AWS's policy evaluation logic describes it. This
// is the ground truth the decision procedure and the checks are tested
// against, so it favours plain, obviously right code over speed.
import type { Effect, Location, Policy, Statement } from '../model.js';
import { conditionHolds } from './conditions.js';
import { checkPolicySet } from './input.js';
import {
  actionMatches,
  candidateStatements,
  principalMatch,
  resourceMatches,
  type PrincipalMatch,
} from './match.js';
import {
  callerAccount,
  normalizeRequest,
  splitArn,
  type EvaluationRequest,
  type NormalizedRequest,
} from './request.js';

/** A policy, optionally with the name results and the CLI show for it. */
export type PolicyInput = Policy | { readonly name: string; readonly policy: Policy };

/**
 * Every policy that may apply to the request. Absent kinds do not take part:
 * no permissions boundary means none limits the caller, no SCP levels means
 * the account is not governed by Organizations SCPs. `Document` is a
 * parsed policy here, its JSON text for evaluatePolicyText.
 */
export interface PolicySet<Document> {
  /** The caller's identity-based policies (inline, managed, and its groups'). */
  readonly identityPolicies?: readonly Document[];
  /** The resource's resource-based policy (bucket policy, key policy, trust policy...). */
  readonly resourcePolicy?: Document;
  /** The caller's permissions boundary; an IAM entity has at most one. */
  readonly permissionsBoundary?: Document;
  /** The session policies passed when the session was created; together they form one limit. */
  readonly sessionPolicies?: readonly Document[];
  /**
   * SCPs by level, from the organization root through each OU to the
   * caller's account: at every level some SCP must allow.
   */
  readonly serviceControlPolicies?: readonly (readonly Document[])[];
  /** RCPs by level, as SCPs, applying to the resource's account. */
  readonly resourceControlPolicies?: readonly (readonly Document[])[];
  /**
   * The policy of the VPC endpoint the request goes through: "it does not
   * override or replace identity-based or resource-based policies" but must
   * allow the request too, whoever makes it.
   */
  readonly vpcEndpointPolicy?: Document;
}

export type EvaluationPolicies = PolicySet<PolicyInput>;

/**
 * The same set with every document replaced by `place(document, placement)`,
 * in the order kinds are listed in PolicySet; kinds the set leaves out stay out.
 */
export function mapPolicySet<From, To>(
  set: PolicySet<From>,
  place: (document: From, placement: Placement) => To,
): PolicySet<To> {
  const list = (inputs: readonly From[] | undefined, kind: PolicyKind): To[] | undefined =>
    inputs?.map((input, index) => place(input, { kind, index, level: undefined }));
  const levels = (inputs: readonly (readonly From[])[] | undefined, kind: PolicyKind): To[][] | undefined =>
    inputs?.map((inputsOfLevel, level) =>
      inputsOfLevel.map((input, index) => place(input, { kind, index, level })),
    );
  const single = (input: From | undefined, kind: PolicyKind): To | undefined =>
    input === undefined ? undefined : place(input, { kind, index: 0, level: undefined });
  const mapped: PolicySet<To> = {
    identityPolicies: list(set.identityPolicies, 'identity'),
    resourcePolicy: single(set.resourcePolicy, 'resource'),
    permissionsBoundary: single(set.permissionsBoundary, 'permissionsBoundary'),
    sessionPolicies: list(set.sessionPolicies, 'session'),
    serviceControlPolicies: levels(set.serviceControlPolicies, 'serviceControl'),
    resourceControlPolicies: levels(set.resourceControlPolicies, 'resourceControl'),
    vpcEndpointPolicy: single(set.vpcEndpointPolicy, 'vpcEndpoint'),
  };
  return Object.fromEntries(Object.entries(mapped).filter(([, value]) => value !== undefined));
}

export type PolicyKind =
  | 'identity'
  | 'resource'
  | 'permissionsBoundary'
  | 'session'
  | 'serviceControl'
  | 'resourceControl'
  | 'vpcEndpoint';

/** Which policy a statement belongs to. */
export interface PolicyReference {
  readonly kind: PolicyKind;
  /** Position in its list (in its level for SCPs and RCPs); 0 for the single resource policy and boundary. */
  readonly index: number;
  /** The level, 0 = organization root, for SCPs and RCPs. */
  readonly level?: number;
  readonly name?: string;
}

export interface MatchedStatement {
  readonly policy: PolicyReference;
  readonly statementIndex: number;
  readonly sid?: string;
  readonly effect: Effect;
  readonly location: Location;
}

/** Why nothing allowed the request. */
export type DenialReason =
  | { readonly kind: 'resourceControlPolicy'; readonly level: number }
  | { readonly kind: 'serviceControlPolicy'; readonly level: number }
  | { readonly kind: 'vpcEndpointPolicy' }
  | { readonly kind: 'permissionsBoundary' }
  | { readonly kind: 'sessionPolicy' }
  /** Cross-account: the caller's own account does not allow the request. */
  | { readonly kind: 'identityPolicy' }
  /** Cross-account, or a caller with no identity policies (service, anonymous): the resource does not allow it. */
  | { readonly kind: 'resourcePolicy' }
  /** Within one account: neither kind of policy grants it. */
  | { readonly kind: 'identityOrResourcePolicy' };

export type EvaluationResult =
  | {
      readonly decision: 'Allow';
      /** The Allow statements that allowed it, in every kind that had to allow. */
      readonly allowedBy: readonly MatchedStatement[];
    }
  | {
      readonly decision: 'ExplicitDeny';
      /** Every Deny statement that matched. */
      readonly deniedBy: readonly MatchedStatement[];
    }
  | {
      readonly decision: 'ImplicitDeny';
      /** Every requirement that failed, in evaluation order. */
      readonly reasons: readonly DenialReason[];
    };

/** Where a policy sits among the inputs; made into a PolicyReference only for statements that apply. */
export interface Placement {
  readonly kind: PolicyKind;
  readonly index: number;
  readonly level: number | undefined;
}

export function policyOf(input: PolicyInput): Policy {
  return 'policy' in input ? input.policy : input;
}

export function referenceOf(input: PolicyInput, placement: Placement): PolicyReference {
  const { kind, index, level } = placement;
  const name = 'policy' in input ? input.name : undefined;
  return { kind, index, ...(level === undefined ? {} : { level }), ...(name === undefined ? {} : { name }) };
}

/** A statement that applies to the request, with how its Principal named the caller. */
export interface Applicable {
  readonly statement: MatchedStatement;
  readonly principal: PrincipalMatch;
}

function statementApplies(statement: Statement, request: NormalizedRequest): PrincipalMatch | undefined {
  if (!actionMatches(statement.action, request)) return undefined;
  if (!resourceMatches(statement.resource, request)) return undefined;
  const principal = principalMatch(statement.principal, request.caller);
  if (principal === undefined) return undefined;
  return statement.conditions.every((condition) => conditionHolds(condition, request))
    ? principal
    : undefined;
}

export function matchedStatement(reference: PolicyReference, statement: Statement): MatchedStatement {
  return {
    policy: reference,
    statementIndex: statement.index,
    ...(statement.sid === undefined ? {} : { sid: statement.sid }),
    effect: statement.effect,
    location: statement.location,
  };
}

/** The applicable statements of a group of policies, split by effect. */
export interface Verdict {
  readonly allows: readonly Applicable[];
  readonly denies: readonly Applicable[];
}

function verdictOf(
  inputs: readonly PolicyInput[],
  kind: PolicyKind,
  level: number | undefined,
  request: NormalizedRequest,
): Verdict {
  const allows: Applicable[] = [];
  const denies: Applicable[] = [];
  inputs.forEach((input, index) => {
    let reference: PolicyReference | undefined;
    for (const statement of candidateStatements(policyOf(input), request)) {
      const principal = statementApplies(statement, request);
      if (principal === undefined) continue;
      reference ??= referenceOf(input, { kind, index, level });
      const found = { principal, statement: matchedStatement(reference, statement) };
      (statement.effect === 'Allow' ? allows : denies).push(found);
    }
  });
  return { allows, denies };
}

const noVerdict: Verdict = { allows: [], denies: [] };

/** The caller's kinds of policy, read once. Undefined lists mean the kind takes no part. */
interface Verdicts {
  readonly identity: Verdict;
  readonly resource: Verdict | undefined;
  readonly boundary: Verdict | undefined;
  readonly session: Verdict | undefined;
  readonly scpLevels: readonly Verdict[];
  readonly rcpLevels: readonly Verdict[];
  readonly endpoint: Verdict | undefined;
}

/**
 * "SCPs don't affect users or roles in the management account" and "SCPs do
 * not affect any service-linked role" (Service control policies, AWS
 * Organizations User Guide).
 */
function scpsApply(request: NormalizedRequest): boolean {
  const { caller, managementAccount } = request;
  return caller.kind === 'aws' && !caller.serviceLinkedRole && caller.account !== managementAccount;
}

/**
 * "RCPs don't affect resources in the management account"; they do not
 * restrict service-linked roles nor AWS service principals (Resource control
 * policies, AWS Organizations User Guide).
 */
function rcpsApply(request: NormalizedRequest): boolean {
  const { caller, managementAccount, resourceAccount } = request;
  if (caller.kind === 'service' || (caller.kind === 'aws' && caller.serviceLinkedRole)) return false;
  return managementAccount === undefined || resourceAccount !== managementAccount;
}

/**
 * How one evaluator reads policies of type `Document`: the applicable
 * statements of a group of policies, and the resource policy's Deny
 * statements with NotPrincipal that a permissions boundary triggers (see
 * boundaryNotPrincipalDenies). The reference reads parsed policies; the
 * compiled evaluator (compiled.ts) reads its compiled form through the same
 * decision below, so the two can differ only in matching.
 */
export interface PolicyReader<Document> {
  readonly verdict: (
    inputs: readonly Document[],
    kind: PolicyKind,
    level: number | undefined,
    request: NormalizedRequest,
  ) => Verdict;
  readonly notPrincipalDenies: (resourcePolicy: Document, request: NormalizedRequest) => MatchedStatement[];
}

/**
 * Identity-based policies, boundaries, session policies and SCPs belong to
 * IAM principals; a service, a web identity, a canonical user or an
 * anonymous caller has none of them, so for those only the resource side
 * (resource policy, RCPs) takes part. Exempt callers and resources skip
 * SCPs and RCPs entirely, their Deny statements included.
 */
function verdictsOf<Document>(
  policies: PolicySet<Document>,
  request: NormalizedRequest,
  reader: PolicyReader<Document>,
): Verdicts {
  const iamCaller = request.caller.kind === 'aws';
  const list = (inputs: readonly Document[] | undefined, kind: PolicyKind): Verdict =>
    reader.verdict(inputs ?? [], kind, undefined, request);
  const levels = (inputs: readonly (readonly Document[])[] | undefined, kind: PolicyKind): Verdict[] =>
    (inputs ?? []).map((level, levelIndex) => reader.verdict(level, kind, levelIndex, request));
  const single = (input: Document | undefined, kind: PolicyKind): Verdict | undefined =>
    input === undefined ? undefined : reader.verdict([input], kind, undefined, request);
  return {
    identity: iamCaller ? list(policies.identityPolicies, 'identity') : noVerdict,
    resource: single(policies.resourcePolicy, 'resource'),
    boundary: iamCaller ? single(policies.permissionsBoundary, 'permissionsBoundary') : undefined,
    session:
      iamCaller && policies.sessionPolicies !== undefined
        ? list(policies.sessionPolicies, 'session')
        : undefined,
    scpLevels: scpsApply(request) ? levels(policies.serviceControlPolicies, 'serviceControl') : [],
    rcpLevels: rcpsApply(request) ? levels(policies.resourceControlPolicies, 'resourceControl') : [],
    endpoint: single(policies.vpcEndpointPolicy, 'vpcEndpoint'),
  };
}

/**
 * "The NotPrincipal element with a Deny effect will always deny any IAM
 * principal that has a permissions boundary policy attached, regardless of
 * the values specified in the NotPrincipal element" (NotPrincipal, key
 * points): such a statement in the resource policy denies whenever its
 * action, resource and conditions match.
 */
function boundaryNotPrincipalDenies<Document>(
  policies: PolicySet<Document>,
  request: NormalizedRequest,
  reader: PolicyReader<Document>,
): MatchedStatement[] {
  if (policies.resourcePolicy === undefined || policies.permissionsBoundary === undefined) return [];
  if (request.caller.kind !== 'aws') return [];
  return reader.notPrincipalDenies(policies.resourcePolicy, request);
}

/** The reference reader: every statement of every policy, matched as match.ts and conditions.ts say. */
const referenceReader: PolicyReader<PolicyInput> = {
  verdict: verdictOf,
  notPrincipalDenies: (input, request) =>
    policyOf(input)
      .statements.filter(
        (statement) =>
          statement.effect === 'Deny' &&
          statement.principal?.kind === 'NotPrincipal' &&
          actionMatches(statement.action, request) &&
          resourceMatches(statement.resource, request) &&
          statement.conditions.every((condition) => conditionHolds(condition, request)),
      )
      .map((statement) =>
        matchedStatement(referenceOf(input, { kind: 'resource', index: 0, level: undefined }), statement),
      ),
};

function explicitDenies(verdicts: Verdicts, extra: readonly MatchedStatement[]): MatchedStatement[] {
  const denied = (verdict: Verdict | undefined): boolean =>
    verdict !== undefined && verdict.denies.length > 0;
  const anyDeny =
    extra.length > 0 ||
    [verdicts.identity, verdicts.resource, verdicts.boundary, verdicts.session, verdicts.endpoint].some(
      denied,
    ) ||
    verdicts.scpLevels.some(denied) ||
    verdicts.rcpLevels.some(denied);
  if (!anyDeny) return [];
  const denies = [
    ...verdicts.rcpLevels.flatMap((level) => level.denies),
    ...(verdicts.endpoint?.denies ?? []),
    ...verdicts.scpLevels.flatMap((level) => level.denies),
    ...(verdicts.resource?.denies ?? []),
    ...verdicts.identity.denies,
    ...(verdicts.boundary?.denies ?? []),
    ...(verdicts.session?.denies ?? []),
  ].map((found) => found.statement);
  const seen = new Set(denies.map(statementKey));
  return [...denies, ...extra.filter((statement) => !seen.has(statementKey(statement)))];
}

function statementKey(statement: MatchedStatement): string {
  const { kind, index, level } = statement.policy;
  return `${kind}/${level ?? ''}/${index}/${statement.statementIndex}`;
}

/** What the grant needs beyond the identity or resource policy, and whether it holds. */
interface Grant {
  readonly allowedBy: readonly MatchedStatement[];
  readonly reasons: readonly DenialReason[];
}

const statementsOf = (applicable: readonly Applicable[]): MatchedStatement[] =>
  applicable.map((found) => found.statement);

/** The boundary and session policy, as limits: each present one must allow. */
function limits(verdicts: Verdicts): Grant {
  const allowedBy: MatchedStatement[] = [];
  const reasons: DenialReason[] = [];
  if (verdicts.boundary !== undefined) {
    if (verdicts.boundary.allows.length === 0) reasons.push({ kind: 'permissionsBoundary' });
    allowedBy.push(...statementsOf(verdicts.boundary.allows));
  }
  if (verdicts.session !== undefined) {
    if (verdicts.session.allows.length === 0) reasons.push({ kind: 'sessionPolicy' });
    allowedBy.push(...statementsOf(verdicts.session.allows));
  }
  return { allowedBy, reasons };
}

/**
 * Resources whose resource-based policy decides whether identity-based
 * policies count at all, even within one account: a KMS key ("unless the key
 * policy explicitly allows it, you cannot use IAM policies to allow access to
 * a KMS key") and an IAM role assumed through STS (its trust policy must
 * trust the caller or the caller's account). The rule applies only when that
 * policy is given: evaluating without it reads as the default key policy
 * (which delegates to IAM) or a role whose trust is not in question.
 */
function resourcePolicyGates(request: NormalizedRequest): boolean {
  const arn = splitArn(request.resource);
  if (arn === undefined) return false;
  if (request.actionService === 'kms') return arn.service === 'kms' && arn.resource.startsWith('key/');
  if (request.actionService === 'sts') return arn.service === 'iam' && arn.resource.startsWith('role/');
  return false;
}

/**
 * The grant for an IAM caller.
 *
 * Same account ("if either the identity-based policy or the resource-based
 * policy within the same account allows the request and the other doesn't,
 * the request is still allowed"):
 * - identity-based policies allow, within the boundary and the session
 *   policy (and, for a KMS key or a role's trust, when the resource policy
 *   allows the caller's account);
 * - or the resource policy names the caller itself (user ARN, session ARN,
 *   federated user ARN, `*`): "an implicit deny in a permissions boundary
 *   does not limit the permissions granted to an IAM user by a
 *   resource-based policy", and permissions granted to a session ARN "are
 *   added after the session is created; the session policy doesn't limit
 *   them";
 * - or it names the role of the session: "an implicit deny in a permissions
 *   boundary does limit the permissions granted to the ARN of the
 *   underlying IAM role", and the session policy limits them too;
 * - naming only the account delegates to the identity-based policies and
 *   grants nothing by itself.
 *
 * Cross-account: "the identity-based policy in the requesting account and
 * the resource-based policy in the trusting account must both allow"; the
 * boundary and the session policy limit the caller's side.
 *
 * The account root user has full access: its side needs no
 * identity-based policy.
 */
function iamGrant(verdicts: Verdicts, request: NormalizedRequest): Grant {
  const isRoot = request.caller.kind === 'aws' && request.caller.type === 'Account';
  // A caller whose ARN names no account is in no one's account: only cross-account rules can allow it.
  const account = callerAccount(request.caller);
  const sameAccount = account !== undefined && account === request.resourceAccount;
  const limit = limits(verdicts);
  const identityAllows = verdicts.identity.allows;
  const resourceAllows = verdicts.resource?.allows ?? [];
  // The root user's full access stands in for identity-based policies only: a boundary or
  // session policy given for it (the root user has none in AWS) still limits it.
  const callerSide: Grant = isRoot
    ? limit
    : {
        allowedBy: [...statementsOf(identityAllows), ...limit.allowedBy],
        reasons: identityAllows.length === 0 ? [{ kind: 'identityPolicy' }, ...limit.reasons] : limit.reasons,
      };
  if (!sameAccount) {
    const reasons = [...callerSide.reasons];
    if (resourceAllows.length === 0) reasons.push({ kind: 'resourcePolicy' });
    return { allowedBy: [...callerSide.allowedBy, ...statementsOf(resourceAllows)], reasons };
  }
  const gated = verdicts.resource !== undefined && resourcePolicyGates(request);
  const trustsAccount = resourceAllows.filter((found) => found.principal === 'account');
  if (callerSide.reasons.length === 0 && (!gated || trustsAccount.length > 0)) {
    return gated
      ? { allowedBy: [...callerSide.allowedBy, ...statementsOf(trustsAccount)], reasons: [] }
      : callerSide;
  }
  const direct = resourceAllows.filter((found) => found.principal === 'caller');
  if (direct.length > 0) return { allowedBy: statementsOf(direct), reasons: [] };
  const viaRole = resourceAllows.filter((found) => found.principal === 'sessionRole');
  if (viaRole.length > 0 && limit.reasons.length === 0) {
    return { allowedBy: [...statementsOf(viaRole), ...limit.allowedBy], reasons: [] };
  }
  if (callerSide.reasons.length === 0) return { allowedBy: [], reasons: [{ kind: 'resourcePolicy' }] };
  const grantReasons: DenialReason[] =
    identityAllows.length === 0 && viaRole.length === 0 ? [{ kind: 'identityOrResourcePolicy' }] : [];
  return { allowedBy: [], reasons: [...grantReasons, ...limit.reasons] };
}

/** Callers with no identity-based policies are allowed by the resource policy alone. */
function resourceOnlyGrant(verdicts: Verdicts): Grant {
  const allows = verdicts.resource?.allows ?? [];
  return allows.length > 0
    ? { allowedBy: statementsOf(allows), reasons: [] }
    : { allowedBy: [], reasons: [{ kind: 'resourcePolicy' }] };
}

function endpointFilter(endpoint: Verdict | undefined): Grant {
  if (endpoint === undefined) return { allowedBy: [], reasons: [] };
  return endpoint.allows.length > 0
    ? { allowedBy: statementsOf(endpoint.allows), reasons: [] }
    : { allowedBy: [], reasons: [{ kind: 'vpcEndpointPolicy' }] };
}

/** Every level of the organization's control policies must allow. */
function controlLevels(
  levels: readonly Verdict[],
  kind: 'resourceControlPolicy' | 'serviceControlPolicy',
): Grant {
  const reasons: DenialReason[] = [];
  const allowedBy: MatchedStatement[] = [];
  levels.forEach((level, index) => {
    if (level.allows.length === 0) reasons.push({ kind, level: index });
    allowedBy.push(...statementsOf(level.allows));
  });
  return { allowedBy, reasons };
}

/**
 * Decides one request: an explicit Deny in any policy wins; otherwise RCPs
 * and SCPs must allow at every level and the identity/resource grant must
 * hold (see iamGrant). Every policy is evaluated in full, not
 * short-circuited, so the result lists every statement that decided it.
 */
export function evaluate(request: EvaluationRequest, policies: EvaluationPolicies): EvaluationResult {
  checkPolicySet(policies);
  return decide(policies, normalizeRequest(request), referenceReader);
}

/** The decision over policies read by `reader`; `evaluate` with the reference reader. */
export function decide<Document>(
  policies: PolicySet<Document>,
  normalized: NormalizedRequest,
  reader: PolicyReader<Document>,
): EvaluationResult {
  const verdicts = verdictsOf(policies, normalized, reader);
  const deniedBy = explicitDenies(verdicts, boundaryNotPrincipalDenies(policies, normalized, reader));
  if (deniedBy.length > 0) return { decision: 'ExplicitDeny', deniedBy };
  const parts = [
    controlLevels(verdicts.rcpLevels, 'resourceControlPolicy'),
    endpointFilter(verdicts.endpoint),
    controlLevels(verdicts.scpLevels, 'serviceControlPolicy'),
    normalized.caller.kind === 'aws' ? iamGrant(verdicts, normalized) : resourceOnlyGrant(verdicts),
  ];
  const reasons = parts.flatMap((part) => part.reasons);
  if (reasons.length > 0) return { decision: 'ImplicitDeny', reasons };
  return { decision: 'Allow', allowedBy: parts.flatMap((part) => part.allowedBy) };
}

/** A reason as a sentence fragment for people: lower-case, no final period. */
export function describeDenialReason(reason: DenialReason): string {
  switch (reason.kind) {
    case 'resourceControlPolicy':
      return `no resource control policy at level ${reason.level} allows the request`;
    case 'serviceControlPolicy':
      return `no service control policy at level ${reason.level} allows the request`;
    case 'vpcEndpointPolicy':
      return 'the VPC endpoint policy does not allow the request';
    case 'permissionsBoundary':
      return 'the permissions boundary does not allow the request';
    case 'sessionPolicy':
      return 'no session policy allows the request';
    case 'identityPolicy':
      return 'no identity-based policy allows the request';
    case 'resourcePolicy':
      return 'the resource-based policy does not allow the request';
    case 'identityOrResourcePolicy':
      return 'no identity-based or resource-based policy allows the request';
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}
