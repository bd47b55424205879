// IAM Access Analyzer's external access findings for one resource policy,
// offline: who outside the owner account can reach the resource. Candidates
// are every principal the Allow statements name (accounts, ARNs, services,
// identity providers, canonical users), every account named in a condition,
// and `*` — a principal of an account nobody names, or an anonymous caller.
// Each candidate is a satisfiability question over every request by it
// (Deny statements and conditions included): SAT is a finding, with a
// request the concrete evaluator confirms; UNSAT proves there is none;
// UNKNOWN is reported as an undecided finding, never dropped.
import { createHash } from 'node:crypto';
import {
  and,
  decide,
  equals,
  literal,
  matches,
  not,
  or,
  TRUE,
  FALSE,
  evaluateFormula,
  type Formula,
  type Regex,
  type Model,
  type Subject,
  type Value,
  type Verdict,
} from '../logic/index.js';
import { loadActionCatalog, type ActionCatalog } from './catalog.js';
import {
  allowsConcretely,
  CounterexampleMismatchError,
  evaluationRequestOf,
  type CheckInputError,
  type CheckOptions,
} from './checks.js';
import { actionMatchesPattern, encodePolicies, type EncodedPolicy, type Encoding } from './encode/encode.js';
import {
  action,
  arnsOfAccount,
  everyValue as everyValueOf,
  keyPresence,
  keyVariable,
  principal,
  resource,
  principalIs,
  principalsOfAccount,
  requestOf,
  type ConcreteRequest,
  type KeyInfo,
} from './encode/request.js';
import type { Policy, PrincipalEntry, Statement } from './model.js';
import { parsePolicy } from './parse/policy.js';
import {
  isPublicAccessResourceType,
  namedAccounts,
  outsiderAccountValue,
  outsiderConditions,
  outsiderPrincipal,
  publicAccessResourceTypes,
  publicIdentityProviders,
  resourceTypeServices,
  restrictingKeyInfos,
  type PublicAccessResourceType,
} from './public-access.js';
import { matchesWildcard } from './wildcard.js';

export interface FindExternalAccessRequest {
  readonly policyDocument: string;
  readonly resourceType: string;
  /** The 12-digit account that owns the resource: its principals are the zone of trust. */
  readonly ownerAccount: string;
}

/** As Access Analyzer writes it: `{ "AWS": "444455556666" }`, `{ "AWS": "*" }`, `{ "Service": "sns.amazonaws.com" }`. */
export type ExternalPrincipal = Readonly<Record<string, string>>;

export interface ExternalAccessFinding {
  /** Stable for the same resource type, owner and principal. */
  readonly id: string;
  readonly findingType: 'ExternalAccess';
  readonly status: 'ACTIVE';
  readonly resourceType: PublicAccessResourceType;
  readonly resourceOwnerAccount: string;
  readonly principal: ExternalPrincipal;
  /**
   * The catalog actions of the resource type's services that this principal
   * can perform, each proved by a request; empty when `accessibility` is UNKNOWN.
   */
  readonly action: readonly string[];
  /** The conditions of the statements that grant the access: key to its values, comma-separated. */
  readonly condition: Readonly<Record<string, string>>;
  /** Anyone could use the access: no restricting key (aws:PrincipalOrgID, aws:SourceVpce, ...) is pinned. */
  readonly isPublic: boolean;
  /** PROVED: shown by `counterexample`. UNKNOWN: the solver reached a limit; the access may exist. */
  readonly accessibility: 'PROVED' | 'UNKNOWN';
  /** The Allow statements through which the access is granted. */
  readonly reasons: readonly { readonly statementIndex: number; readonly statementId?: string }[];
  /** A request by this principal that the policy allows, confirmed by the concrete evaluator. */
  readonly counterexample?: ConcreteRequest;
  /** Why the finding is UNKNOWN. */
  readonly unknownReason?: string;
}

export type FindExternalAccessOutcome =
  | { readonly ok: true; readonly response: { readonly findings: readonly ExternalAccessFinding[] } }
  | { readonly ok: false; readonly errors: readonly CheckInputError[] };

/** A principal outside the zone of trust that the policy may let in. */
type Candidate =
  | { readonly kind: 'account'; readonly account: string }
  | { readonly kind: 'arn'; readonly arn: string }
  | { readonly kind: 'service'; readonly service: string }
  | { readonly kind: 'federated'; readonly provider: string }
  | { readonly kind: 'canonicalUser'; readonly id: string }
  /** A principal of an account no policy names, or an anonymous caller. */
  | { readonly kind: 'anyone' };

const accountPattern = /^\d{12}$/;
/** `arn:PARTITION:iam|sts::ACCOUNT:REST`. */
const principalArnPattern = /^arn:[^:]+:(?:iam|sts)::(\d{12}):(.+)$/;

/** The account an AWS or Federated principal value belongs to, when it says. */
function accountOf(value: string): string | undefined {
  if (accountPattern.test(value)) return value;
  return principalArnPattern.exec(value)?.[1];
}

function candidateOfEntry(entry: PrincipalEntry, owner: string): Candidate | undefined {
  const account = accountOf(entry.value);
  if (account === owner) return undefined;
  switch (entry.type) {
    case 'AWS': {
      if (entry.value === '*') return { kind: 'anyone' };
      const rest = principalArnPattern.exec(entry.value)?.[2];
      return account !== undefined && (rest === undefined || rest === 'root')
        ? { kind: 'account', account }
        : { kind: 'arn', arn: entry.value };
    }
    case 'Service':
      return { kind: 'service', service: entry.value };
    case 'Federated':
      return { kind: 'federated', provider: entry.value };
    case 'CanonicalUser':
      return { kind: 'canonicalUser', id: entry.value };
    default:
      return entry.type satisfies never;
  }
}

/** Accounts written as condition values (aws:PrincipalAccount, kms:CallerAccount, ...): callers the policy may let in. */
function conditionAccounts(statement: Statement, owner: string): string[] {
  return statement.conditions.flatMap((condition) =>
    condition.values
      .map((value) => String(value.value))
      .filter((value) => accountPattern.test(value) && value !== owner),
  );
}

function candidateKey(candidate: Candidate): string {
  return JSON.stringify(candidate);
}

/** Every candidate the Allow statements name, then `*`. */
function candidatesOf(policy: Policy, owner: string): Candidate[] {
  const found = new Map<string, Candidate>();
  const add = (candidate: Candidate | undefined): void => {
    if (candidate !== undefined) found.set(candidateKey(candidate), candidate);
  };
  for (const statement of policy.statements) {
    if (statement.effect !== 'Allow') continue;
    const value = statement.principal?.value;
    if (statement.principal?.kind === 'Principal' && value?.kind === 'entries')
      for (const entry of value.entries) add(candidateOfEntry(entry, owner));
    for (const account of conditionAccounts(statement, owner)) add({ kind: 'account', account });
  }
  add({ kind: 'anyone' });
  return [...found.values()];
}

/** Whatever a multi-valued key holds must pass `test`; a single-valued key, when present. */
function everyValue(info: KeyInfo, test: (subject: Subject<'string'>) => Formula): Formula {
  // Read as a number, date or address somewhere, the key can hold no account or ARN to compare.
  if (info.type !== 'string') return TRUE;
  return info.multiValued
    ? everyValueOf(info, (value) => test(value as Subject<'string'>))
    : or(not(keyPresence(info)), test(keyVariable(info) as Subject<'string'>));
}

const arnInAccount = (account: string): Regex => arnsOfAccount(literal(account));

interface Question {
  readonly policy: Policy;
  readonly encoding: Encoding;
  readonly target: EncodedPolicy;
  readonly owner: string;
  /** The accounts the policy names and the owner's: `*` stands for every other account. */
  readonly named: readonly string[];
  /** The request is about the resource type: an action of one of its services. */
  readonly onResource: Formula;
  readonly options: CheckOptions;
}

const keyInfo = (question: Question, key: string): KeyInfo => question.encoding.keys.get(key) as KeyInfo;

/** kms:CallerAccount is the caller's own account: tie it to the candidate's. */
function callerAccountIs(question: Question, account: string): Formula {
  return everyValue(keyInfo(question, 'kms:calleraccount'), (subject) => equals(subject, account));
}

/**
 * A service acts for the resource named by aws:SourceAccount / SourceOwner /
 * SourceArn: it is external unless that source is in the owner account.
 */
function onBehalfOfOutsider(question: Question): Formula {
  const { owner } = question;
  return and(
    everyValue(keyInfo(question, 'aws:sourceaccount'), (subject) => not(equals(subject, owner))),
    everyValue(keyInfo(question, 'aws:sourceowner'), (subject) => not(equals(subject, owner))),
    everyValue(keyInfo(question, 'aws:sourcearn'), (subject) => not(matches(subject, arnInAccount(owner)))),
  );
}

/** The requests this candidate makes. */
function who(question: Question, candidate: Candidate): Formula {
  switch (candidate.kind) {
    case 'account':
      return and(
        principalIs('AWS'),
        matches(principal, principalsOfAccount(literal(candidate.account))),
        callerAccountIs(question, candidate.account),
      );
    case 'arn': {
      const account = accountOf(candidate.arn);
      return and(
        principalIs('AWS'),
        equals(principal, candidate.arn),
        account === undefined ? TRUE : callerAccountIs(question, account),
      );
    }
    case 'service':
      return and(principalIs('Service'), equals(principal, candidate.service), onBehalfOfOutsider(question));
    case 'federated':
      return and(principalIs('Federated'), equals(principal, candidate.provider));
    case 'canonicalUser':
      return and(principalIs('CanonicalUser'), equals(principal, candidate.id));
    case 'anyone':
      return or(
        // An unsigned request comes from no account at all.
        and(
          principalIs('Anonymous'),
          everyValue(keyInfo(question, 'kms:calleraccount'), () => FALSE),
        ),
        // Any account nobody names, not one chosen among them: `1*` in aws:PrincipalAccount lets some in.
        and(
          outsiderPrincipal(question.named),
          everyValue(keyInfo(question, 'kms:calleraccount'), (subject) =>
            outsiderAccountValue(subject, question.named),
          ),
        ),
      );
    default:
      return candidate satisfies never;
  }
}

/** The principal map Access Analyzer reports. */
function principalMap(candidate: Candidate): ExternalPrincipal {
  switch (candidate.kind) {
    case 'account':
      return { AWS: candidate.account };
    case 'arn':
      return { AWS: candidate.arn };
    case 'service':
      return { Service: candidate.service };
    case 'federated':
      return { Federated: candidate.provider };
    case 'canonicalUser':
      return { CanonicalUser: candidate.id };
    case 'anyone':
      return { AWS: '*' };
    default:
      return candidate satisfies never;
  }
}

function allowedFormula(question: Question, granted: Formula, extra: Formula): Formula {
  return and(granted, not(question.target.denied), question.onResource, extra, question.encoding.axioms);
}

async function decideFormula(formula: Formula, options: CheckOptions): Promise<Verdict> {
  return decide(formula, {
    fast: { timeoutMs: options.timeoutMs ?? 5_000 },
    z3: { timeoutMs: 20_000 },
    fallback: options.fallback ?? true,
  });
}

/** The catalog actions of the resource type's services that some Allow statement's Action element matches. */
function actionsToTry(question: Question, services: readonly string[], catalog: ActionCatalog): string[] {
  const allows = question.policy.statements.filter((statement) => statement.effect === 'Allow');
  const matchedBy = (statement: Statement, name: string): boolean =>
    statement.action.entries.some((entry) => matchesWildcard(entry.pattern.raw, name, true)) !==
    (statement.action.kind === 'NotAction');
  return services.flatMap((namespace) =>
    (catalog.services.get(namespace)?.actions ?? [])
      .map((name) => `${namespace}:${name}`)
      .filter((name) => allows.some((statement) => matchedBy(statement, name))),
  );
}

/** The statement's conditions as Access Analyzer lists them: key to its values. */
function conditionMap(statements: readonly Statement[]): Record<string, string> {
  const values = new Map<string, Set<string>>();
  for (const statement of statements)
    for (const condition of statement.conditions) {
      const known = values.get(condition.key) ?? new Set<string>();
      for (const value of condition.values) known.add(String(value.value));
      values.set(condition.key, known);
    }
  return Object.fromEntries([...values].map(([key, set]) => [key, [...set].join(',')]));
}

function findingId(resourceType: string, owner: string, principalValue: ExternalPrincipal): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([resourceType, owner, principalValue]))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

type Replay = { readonly confirmed: true; readonly request: ConcreteRequest } | { readonly confirmed: false };

/**
 * Makes a model read like a real request — the catalog's spelling of the
 * action, a resource the policy names — where the formula still holds.
 */
function polish(model: Model, formula: Formula, actionName: string | undefined, policy: Policy): Model {
  let current: Map<string, Value> = new Map(model);
  const attempt = (name: string, value: string): void => {
    const candidate = new Map(current);
    candidate.set(name, value);
    if (evaluateFormula(formula, candidate)) current = candidate;
  };
  if (actionName !== undefined) attempt(action.name, actionName);
  const resources = policy.statements.flatMap((statement) =>
    (statement.resource?.entries ?? []).map((entry) => entry.pattern.raw),
  );
  for (const raw of resources.reverse())
    attempt(resource.name, raw.replace(/\*/g, 'example').replace(/\?/g, 'x'));
  return current;
}

/** The model as a request, replayed through the concrete evaluator. */
function replay(question: Question, model: Model): Replay {
  const request = requestOf(model, question.encoding.keys);
  if (allowsConcretely(question.policy, request)) return { confirmed: true, request };
  // An inexact encoding (a test it had to leave free) may give a model that is no real request.
  if (!question.encoding.exact) return { confirmed: false };
  throw new CounterexampleMismatchError(evaluationRequestOf(request), 'allow', 'deny');
}

async function findingFor(
  question: Question,
  candidate: Candidate,
  resourceType: PublicAccessResourceType,
  catalog: ActionCatalog,
): Promise<ExternalAccessFinding | undefined> {
  const { target, options } = question;
  const by = who(question, candidate);
  const existence = await decideFormula(allowedFormula(question, target.granted, by), options);
  if (existence.status === 'unsat') return undefined;
  const principalValue = principalMap(candidate);
  const base = {
    id: findingId(resourceType, question.owner, principalValue),
    findingType: 'ExternalAccess',
    status: 'ACTIVE',
    resourceType,
    resourceOwnerAccount: question.owner,
    principal: principalValue,
  } as const;
  const undecided = (reason: string): ExternalAccessFinding => ({
    ...base,
    action: [],
    condition: conditionMap(question.policy.statements.filter((s) => s.effect === 'Allow')),
    isPublic: candidate.kind === 'anyone',
    accessibility: 'UNKNOWN',
    reasons: [],
    unknownReason: reason,
  });
  if (existence.status === 'unknown') return undecided(existence.reason);

  const reasons: Statement[] = [];
  for (const [position, entry] of target.statements.entries()) {
    if (entry.statement.effect !== 'Allow') continue;
    const verdict = await decideFormula(allowedFormula(question, entry.matches, by), options);
    if (verdict.status !== 'unsat') reasons.push(question.policy.statements[position] as Statement);
  }

  const actions: string[] = [];
  let counterexample: ConcreteRequest | undefined;
  const services = resourceTypeServices[resourceType];
  for (const name of actionsToTry(question, services, catalog)) {
    const formula = allowedFormula(question, target.granted, and(by, actionMatchesPattern(name)));
    const verdict = await decideFormula(formula, options);
    if (verdict.status === 'unknown') return undecided(`action \`${name}\`: ${verdict.reason}`);
    if (verdict.status === 'unsat') continue;
    actions.push(name);
    if (counterexample === undefined) {
      const replayed = replay(question, polish(verdict.model, formula, name, question.policy));
      if (!replayed.confirmed) return undecided('the solver model is not a request the evaluator allows');
      counterexample = replayed.request;
    }
  }
  if (counterexample === undefined) {
    // Only actions the catalog does not know reach the resource: show one of them.
    const replayed = replay(question, existence.model);
    if (!replayed.confirmed) return undecided('the solver model is not a request the evaluator allows');
    counterexample = replayed.request;
  }

  const isPublic = await publicFor(question, candidate, by);
  if (isPublic === 'unknown') return undecided('whether the access is public is undecided');
  return {
    ...base,
    action: actions,
    condition: conditionMap(reasons),
    isPublic,
    accessibility: 'PROVED',
    reasons: reasons.map((statement) => ({
      statementIndex: statement.index,
      ...(statement.sid === undefined ? {} : { statementId: statement.sid }),
    })),
    counterexample,
  };
}

/**
 * Public: `*` or a public identity provider, with every restricting key
 * absent or holding what an outsider brings (the definition of checkNoPublicAccess).
 */
async function publicFor(
  question: Question,
  candidate: Candidate,
  by: Formula,
): Promise<boolean | 'unknown'> {
  const mayBePublic =
    candidate.kind === 'anyone' ||
    (candidate.kind === 'federated' && publicIdentityProviders.includes(candidate.provider));
  if (!mayBePublic) return false;
  const outsider = outsiderConditions(question.encoding.keys, question.named, question.policy);
  const verdict = await decideFormula(
    allowedFormula(question, question.target.granted, and(by, outsider)),
    question.options,
  );
  return verdict.status === 'unknown' ? 'unknown' : verdict.status === 'sat';
}

/**
 * Lists who outside `ownerAccount` can reach a resource with this resource
 * policy, as Access Analyzer's external access findings: one per principal.
 */
export async function findExternalAccess(
  request: FindExternalAccessRequest,
  options: CheckOptions = {},
): Promise<FindExternalAccessOutcome> {
  const errors: CheckInputError[] = [];
  if (!isPublicAccessResourceType(request.resourceType))
    errors.push({
      field: 'resourceType',
      message: `resourceType: unsupported resource type \`${request.resourceType}\`: expected one of ${publicAccessResourceTypes.join(', ')}`,
    });
  if (!accountPattern.test(request.ownerAccount))
    errors.push({
      field: 'ownerAccount',
      message: `ownerAccount: expected a 12-digit account id, not \`${request.ownerAccount}\``,
    });
  const parsed = parsePolicy(request.policyDocument);
  if (!parsed.ok)
    errors.push(
      ...parsed.errors.map((error) => ({
        field: 'policyDocument',
        message: `policyDocument: ${error.message}`,
        location: error.location,
      })),
    );
  if (errors.length > 0 || !parsed.ok || !isPublicAccessResourceType(request.resourceType))
    return { ok: false, errors };
  const resourceType: PublicAccessResourceType = request.resourceType;
  const owner = request.ownerAccount;
  const encoding = encodePolicies([parsed.policy], { extraKeys: restrictingKeyInfos });
  const question: Question = {
    policy: parsed.policy,
    encoding,
    target: encoding.policies[0] as EncodedPolicy,
    owner,
    named: [...new Set([...namedAccounts(request.policyDocument), owner])],
    onResource: or(
      ...resourceTypeServices[resourceType].map((service) => actionMatchesPattern(`${service}:*`)),
    ),
    options,
  };
  const catalog = await loadActionCatalog();
  const findings: ExternalAccessFinding[] = [];
  for (const candidate of candidatesOf(parsed.policy, owner)) {
    const finding = await findingFor(question, candidate, resourceType, catalog);
    if (finding !== undefined) findings.push(finding);
  }
  return { ok: true, response: { findings } };
}
