// The custom policy checks, with the request and response shapes of Access
// Analyzer's CheckNoNewAccess, CheckAccessNotGranted and CheckNoPublicAccess.
// Each check is one satisfiability question over every request, encoded by
// encode/ and decided by src/logic: no model is a proof (PASS), a model is a
// counterexample — replayed through the concrete evaluator before it is
// returned —, and a limit reached by both engines is UNKNOWN, never PASS.
import {
  and,
  decide,
  evaluateFormula,
  FALSE,
  literal,
  matches,
  not,
  or,
  solve,
  union,
  variablesOf,
  type Formula,
  type Model,
  type Regex,
  type ScalarSort,
  type ScalarValue,
  type Value,
  type Verdict,
} from '../logic/index.js';
import { loadActionCatalog, type ActionCatalog } from './catalog.js';
import {
  actionMatchesPattern,
  encodePolicies,
  resourceMatchesPattern,
  type EncodedPolicy,
  type EncodedStatement,
  type Encoding,
} from './encode/encode.js';
import {
  entryCovers,
  matchesInService,
  sameScope,
  sameStatement,
  scopeHash,
  serviceEntries,
  StatementGroups,
  statementHash,
} from './encode/services.js';
import {
  action,
  principal,
  principalType,
  requestOf,
  resource,
  type ConcreteRequest,
} from './encode/request.js';
import { evaluate } from './evaluate/evaluate.js';
import type { EvaluationRequest, RequestPrincipal } from './evaluate/request.js';
import type { Location, Pattern, Policy, Statement } from './model.js';
import { parsePattern } from './parse/patterns.js';
import { parsePolicy } from './parse/policy.js';
import {
  isPublicAccessResourceType,
  namedAccounts,
  outsiderConditions,
  publicAccessResourceTypes,
  resourceTypeServices,
  restrictingKeyInfos,
  type PublicAccessResourceType,
} from './public-access.js';

export type CheckPolicyType = 'IDENTITY_POLICY' | 'RESOURCE_POLICY';
export const checkPolicyTypes: readonly CheckPolicyType[] = ['IDENTITY_POLICY', 'RESOURCE_POLICY'];
export type CheckResultValue = 'PASS' | 'FAIL' | 'UNKNOWN';

/** As Access Analyzer's ReasonSummary. */
export interface ReasonSummary {
  readonly description: string;
  readonly statementIndex: number;
  readonly statementId?: string;
}

/** A concrete request that shows a FAIL, already replayed through the concrete evaluator. */
export type Counterexample = ConcreteRequest;

/** One piece of new access: an action pattern and a resource pattern of a statement of the new policy. */
export interface NewAccess {
  readonly statementIndex: number;
  readonly actions: string;
  readonly resources: string;
  readonly example: Counterexample;
}

export type CheckResponse =
  | { readonly result: 'PASS'; readonly message: string; readonly reasons: readonly [] }
  | {
      readonly result: 'FAIL';
      readonly message: string;
      readonly reasons: readonly ReasonSummary[];
      readonly counterexample: Counterexample;
      /** CheckNoNewAccess only: what the new policy grants that the existing one does not. */
      readonly newAccess?: readonly NewAccess[];
    }
  | {
      readonly result: 'UNKNOWN';
      readonly message: string;
      readonly reasons: readonly [];
      readonly unknownReason: string;
    };

export interface CheckInputError {
  /** The request field at fault, e.g. `newPolicyDocument`. */
  readonly field: string;
  readonly message: string;
  readonly location?: Location;
}

export type CheckOutcome =
  | { readonly ok: true; readonly response: CheckResponse }
  | { readonly ok: false; readonly errors: readonly CheckInputError[] };

export interface CheckNoNewAccessRequest {
  readonly existingPolicyDocument: string;
  readonly newPolicyDocument: string;
  readonly policyType: CheckPolicyType;
}

export interface Access {
  readonly actions?: readonly string[];
  readonly resources?: readonly string[];
}

export interface CheckAccessNotGrantedRequest {
  readonly policyDocument: string;
  readonly access: readonly Access[];
  readonly policyType: CheckPolicyType;
}

export interface CheckNoPublicAccessRequest {
  readonly policyDocument: string;
  readonly resourceType: string;
}

export interface CheckOptions {
  /** Budget of the fast engine per query, in milliseconds; default 5,000. */
  readonly timeoutMs?: number;
  /** Ask Z3 when the fast engine gives up; default true. */
  readonly fallback?: boolean;
}

export interface CheckNoNewAccessOptions extends CheckOptions {
  /** Compute `newAccess`, the entry-by-entry summary of a FAIL (one search per piece of new access). Default true. */
  readonly summarize?: boolean;
}

/** A counterexample the concrete evaluator does not confirm: a bug in the encoding or the engine. */
export class CounterexampleMismatchError extends Error {
  constructor(
    readonly request: EvaluationRequest,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `internal error: counterexample not confirmed by the concrete evaluator: expected ${expected}, evaluator says ${actual}: ${JSON.stringify(request)}`,
    );
  }
}

type Parsed =
  | { readonly ok: true; readonly policy: Policy }
  | { readonly ok: false; readonly errors: readonly CheckInputError[] };

type ParseResult = ReturnType<typeof parsePolicy>;

/**
 * The last documents parsed: a check reads two (the same one twice when a
 * policy is compared with itself), and consecutive versions share one. Two
 * fixed slots, overwritten in turn, rather than a Map: V8 makes a long-lived
 * Map's new tables (on clear and on growth) old, and a dropped old table keeps
 * whatever it pointed to alive through every minor GC until a full one —
 * measured, a scavenge over the corpus copied ~5 MB of dead parsed policies.
 */
const recentParses: ({ readonly text: string; readonly parsed: ParseResult } | undefined)[] = [
  undefined,
  undefined,
];
let nextParseSlot = 0;

function parseCached(text: string): ParseResult {
  for (const recent of recentParses) if (recent?.text === text) return recent.parsed;
  const parsed = parsePolicy(text);
  recentParses[nextParseSlot] = { text, parsed };
  nextParseSlot = (nextParseSlot + 1) % recentParses.length;
  return parsed;
}

function parseDocument(field: string, text: string): Parsed {
  const parsed = parseCached(text);
  if (parsed.ok) return { ok: true, policy: parsed.policy };
  return {
    ok: false,
    errors: parsed.errors.map((error) => ({
      field,
      message: `${field}: ${error.message}`,
      location: error.location,
    })),
  };
}

/**
 * A question over every request, asked in parts: a model of a part is a
 * request that one of the part's candidates (Allow statements of `target`)
 * grants while the part's `rest` holds. `whole` is the question uncut; the
 * parts together have a model exactly when it has. Reasons name the
 * candidates that take part in some model; `confirm` replays a request
 * through the concrete evaluator.
 */
interface Question {
  readonly encoding: Encoding;
  readonly target: EncodedPolicy;
  readonly whole: Part;
  readonly parts: readonly Part[];
  readonly confirm: (request: ConcreteRequest) => string | undefined;
}

/** Some candidate matches (as `matches` reads it in this part) and `rest` holds. */
interface Part {
  /** Positions of the target's Allow statements that may take part in a model; the others provably do not. */
  readonly candidates: readonly number[];
  readonly matches: (position: number) => Formula;
  /**
   * The target's Denys do not apply, the check's own condition holds, and the
   * request axioms; built on the first call. A function, not a getter of the
   * literal: see encode.ts `LazyPolicy` for what such getters cost the GC.
   */
  readonly rest: () => Formula;
}

function allowPositions(policy: EncodedPolicy): number[] {
  return policy.statements.flatMap((entry, position) =>
    entry.statement.effect === 'Allow' ? [position] : [],
  );
}

const partFormula = (part: Part, positions: readonly number[] = part.candidates): Formula =>
  and(or(...positions.map(part.matches)), part.rest());

/** The target's candidates as whole statements, against `condition` (built on first use). */
function wholePart(
  encoding: Encoding,
  target: EncodedPolicy,
  candidates: readonly number[],
  condition: () => Formula,
): Part {
  let rest: Formula | undefined;
  return {
    candidates,
    matches: (position) => target.statements[position]?.matches ?? FALSE,
    rest: () => (rest ??= and(not(target.denied), condition(), encoding.axioms)),
  };
}

/** A question of one part: the target's Allow statements against `condition`. */
function singleQuestion(
  encoding: Encoding,
  condition: Formula,
  confirm: (request: ConcreteRequest) => string | undefined,
): Question {
  const target = encoding.policies[0] as EncodedPolicy;
  const whole = wholePart(encoding, target, allowPositions(target), () => condition);
  return { encoding, target, whole, parts: [whole], confirm };
}

/** The policy's statements of `effect`, as a set told apart by `sameStatement`. */
function statementSet(policy: EncodedPolicy, effect: 'Allow' | 'Deny'): StatementGroups<true> {
  const set = new StatementGroups<true>(statementHash, sameStatement);
  for (const { statement } of policy.statements)
    if (statement.effect === effect) set.getOrAdd(statement, () => true);
  return set;
}

/** Every Deny statement of the existing policy is also in the new one. */
function deniesKept(before: EncodedPolicy, after: EncodedPolicy): boolean {
  const newDenies = statementSet(after, 'Deny');
  return before.statements.every(
    ({ statement }) => statement.effect !== 'Deny' || newDenies.get(statement) !== undefined,
  );
}

/**
 * The new policy's Allow statements that can grant new access. One that is
 * also an Allow statement of the existing policy cannot, when every Deny of
 * the existing policy is also in the new one: whatever it matches, the
 * existing policy allows too, unless a Deny of the new policy stops it.
 * Versions of a policy mostly keep their statements, so this leaves the
 * search with the statements that changed.
 */
function changedAllows(before: EncodedPolicy, after: EncodedPolicy, kept: boolean): number[] {
  const all = allowPositions(after);
  if (!kept) return all;
  const oldAllows = statementSet(before, 'Allow');
  return all.filter((position) => {
    const statement = after.statements[position]?.statement;
    return statement === undefined || oldAllows.get(statement) === undefined;
  });
}

/** Action entries as written, lower-cased (on first miss) and the `*`-ended ones among them: what covers an entry (see `entryCovers`). */
interface Covering {
  readonly written: ReadonlySet<string>;
  lowered: ReadonlySet<string> | undefined;
  readonly prefixes: readonly string[];
}

function covers(covering: Covering, raw: string): boolean {
  // Versions of a policy mostly repeat entries as written: found without lower-casing them.
  if (covering.written.has(raw)) return true;
  covering.lowered ??= new Set([...covering.written].map((pattern) => pattern.toLowerCase()));
  return (
    covering.lowered.has(raw.toLowerCase()) || covering.prefixes.some((pattern) => entryCovers(pattern, raw))
  );
}

/** Existing Allow statements of one scope, and their coverings by service (built on first use). */
interface ScopeGroup {
  readonly statements: readonly Statement[];
  readonly coverings: Map<string, Covering | undefined>;
}

function coveringOf(group: ScopeGroup, service: string): Covering | undefined {
  if (group.coverings.has(service)) return group.coverings.get(service);
  const written = new Set<string>();
  const prefixes: string[] = [];
  const add = (pattern: string): void => {
    written.add(pattern);
    if (pattern.endsWith('*')) prefixes.push(pattern);
  };
  for (const statement of group.statements) {
    const { byService, anyService } = serviceEntries(statement);
    byService.get(service)?.forEach(add);
    anyService.forEach(add);
  }
  const covering = written.size === 0 ? undefined : { written, lowered: undefined, prefixes };
  group.coverings.set(service, covering);
  return covering;
}

/**
 * Whether the existing Allow statements with the same principal, resource and
 * conditions as a statement have Action entries that cover its `raws` in a
 * service (encode/services.ts `entryCovers`): then the existing policy grants
 * whatever the statement grants there. The existing statements of a scope
 * are gathered, and their entries sorted by service, once per question and
 * only for the scopes and services of the statements asked about.
 */
function existingCoverage(
  before: EncodedPolicy,
): (statement: EncodedStatement, service: string, raws: readonly string[]) => boolean {
  const byHash = new Map<number, Statement[]>();
  for (const { statement } of before.statements) {
    if (statement.effect !== 'Allow' || statement.action.kind !== 'Action') continue;
    const hash = scopeHash(statement);
    const listed = byHash.get(hash);
    if (listed === undefined) byHash.set(hash, [statement]);
    else listed.push(statement);
  }
  const groups = new StatementGroups<ScopeGroup>(scopeHash, sameScope);
  const groupOf = (statement: Statement): ScopeGroup =>
    groups.getOrAdd(statement, () => ({
      statements: (byHash.get(scopeHash(statement)) ?? []).filter((other) => sameScope(other, statement)),
      coverings: new Map(),
    }));
  // The caller asks about one statement's services in a row: its group is looked up once.
  let last: { statement: Statement; group: ScopeGroup } | undefined;
  return (statement, service, raws) => {
    if (last?.statement !== statement.statement)
      last = { statement: statement.statement, group: groupOf(statement.statement) };
    const covering = coveringOf(last.group, service);
    return covering !== undefined && raws.every((raw) => covers(covering, raw));
  };
}

function withEffect(policy: EncodedPolicy, effect: 'Allow' | 'Deny'): EncodedStatement[] {
  return policy.statements.filter((entry) => entry.statement.effect === effect);
}

/** Some of `statements` matches in `service` (statements with no entry there are left out: they are false). */
function inService(statements: readonly EncodedStatement[], service: string): Formula {
  const matched: Formula[] = [];
  for (const entry of statements) {
    const formula = matchesInService(entry, service);
    if (formula !== FALSE) matched.push(formula);
  }
  return or(...matched);
}

/**
 * CheckNoNewAccess cut by service (encode/services.ts): a candidate whose
 * Action entries all name literal services is asked about in each of its
 * services, against both policies' statements as they read there, except
 * where existing Allow statements cover its entries (only when the existing
 * Denys are all kept). A candidate with NotAction or an entry of any service
 * is asked about whole.
 */
function serviceParts(
  encoding: Encoding,
  before: EncodedPolicy,
  after: EncodedPolicy,
  candidates: readonly number[],
  kept: boolean,
): Part[] {
  // Nothing changed (the versions keep every Allow): no part, and nothing to gather for one.
  if (candidates.length === 0) return [];
  const byService = new Map<string, number[]>();
  const whole: number[] = [];
  const covered = kept ? existingCoverage(before) : undefined;
  for (const position of candidates) {
    const entry = after.statements[position] as EncodedStatement;
    const entries = serviceEntries(entry.statement);
    if (entry.statement.action.kind === 'NotAction' || entries.anyService.length > 0) {
      whole.push(position);
      continue;
    }
    for (const [service, raws] of entries.byService) {
      if (covered?.(entry, service, raws) === true) continue;
      const listed = byService.get(service);
      if (listed === undefined) byService.set(service, [position]);
      else listed.push(position);
    }
  }
  const afterDenies = withEffect(after, 'Deny');
  const beforeAllows = withEffect(before, 'Allow');
  const beforeDenies = withEffect(before, 'Deny');
  const parts: Part[] = [];
  for (const [service, positions] of byService) {
    let rest: Formula | undefined;
    parts.push({
      candidates: positions,
      matches: (position) => matchesInService(after.statements[position] as EncodedStatement, service),
      // Built on first use: a part whose candidates were all blamed in earlier parts is not asked.
      rest: () =>
        (rest ??= and(
          not(inService(afterDenies, service)),
          not(and(inService(beforeAllows, service), not(inService(beforeDenies, service)))),
          encoding.axioms,
        )),
    });
  }
  if (whole.length > 0) parts.push(wholePart(encoding, after, whole, () => not(before.allows)));
  return parts;
}

async function decideFormula(formula: Formula, options: CheckOptions): Promise<Verdict> {
  return decide(formula, {
    fast: { timeoutMs: options.timeoutMs ?? 5_000 },
    z3: { timeoutMs: 20_000 },
    fallback: options.fallback ?? true,
  });
}

function principalOf(request: ConcreteRequest): RequestPrincipal {
  const who = request.principal;
  if (who === undefined) return { kind: 'anonymous' };
  const id = who.id;
  switch (who.type) {
    case 'Anonymous':
      return { kind: 'anonymous' };
    case 'AWS':
      return { kind: 'aws', arn: id };
    case 'Service':
      return { kind: 'service', service: id };
    case 'Federated':
      return { kind: 'federated', provider: id };
    case 'CanonicalUser':
      return { kind: 'canonicalUser', id };
    default:
      return who.type satisfies never;
  }
}

export function evaluationRequestOf(request: ConcreteRequest): EvaluationRequest {
  return {
    principal: principalOf(request),
    action: request.action,
    resource: request.resource,
    context: request.context,
  };
}

/**
 * Whether `policy` on its own allows the request, as the concrete evaluator
 * judges it: evaluated as the policy of a VPC endpoint the request goes
 * through (which filters every caller, exempting none, unlike the
 * organization's control policies), it allows exactly when some Allow
 * statement applies and no Deny does.
 */
export function allowsConcretely(policy: Policy, request: ConcreteRequest): boolean {
  const result = evaluate(evaluationRequestOf(request), { vpcEndpointPolicy: policy });
  switch (result.decision) {
    case 'Allow':
      return true;
    case 'ExplicitDeny':
      return false;
    case 'ImplicitDeny':
      return !result.reasons.some((reason) => reason.kind === 'vpcEndpointPolicy');
    default:
      return result satisfies never;
  }
}

let catalog: ActionCatalog | undefined;

/** Real action names, to show a counterexample with an action AWS has rather than the shortest string. */
async function actionCatalog(): Promise<ActionCatalog> {
  catalog ??= await loadActionCatalog();
  return catalog;
}

/** A resource pattern as a real-looking ARN: a region and an account where the pattern leaves them open. */
function fillArn(raw: string): string {
  const fields = raw.split(':');
  if (fields.length >= 6 && fields[0] === 'arn') {
    if (fields[3] === '*') fields[3] = 'us-east-1';
    if (fields[4] === '*') fields[4] = '111122223333';
  }
  return fields.join(':').replace(/\*/g, 'example').replace(/\?/g, 'x');
}

/** Whether the ARN's service field (its third) is `service`, a name without a colon: read in place. */
function arnOfService(arn: string, service: string): boolean {
  const first = arn.indexOf(':');
  const second = first < 0 ? -1 : arn.indexOf(':', first + 1);
  if (second < 0) return false;
  const end = second + 1 + service.length;
  return arn.startsWith(service, second + 1) && (end === arn.length || arn.charCodeAt(end) === 58);
}

const filledByPolicy = new WeakMap<Policy, readonly string[]>();

/** The policy's Resource entries as real-looking ARNs (kept per parsed policy). */
function filledResources(policy: Policy): readonly string[] {
  const known = filledByPolicy.get(policy);
  if (known !== undefined) return known;
  const resources: string[] = [];
  for (const statement of policy.statements) {
    for (const entry of statement.resource?.entries ?? []) {
      if (entry.pattern.parts.some((part) => part.kind === 'variable')) continue;
      if (entry.pattern.raw !== '*') resources.push(fillArn(entry.pattern.raw));
    }
  }
  filledByPolicy.set(policy, resources);
  return resources;
}

/** The services the policy's Action entries name: read only when the witness's own service has no fitting action. */
function policyServices(policy: Policy): string[] {
  const services = new Set<string>();
  for (const statement of policy.statements) {
    for (const entry of statement.action.entries) {
      const service = entry.pattern.raw.split(':')[0]?.toLowerCase() ?? '';
      if (/^[a-z0-9-]+$/.test(service)) services.add(service);
    }
  }
  return [...services];
}

const catalogUnions = new Map<string, Regex>();

/** A service's catalog actions, as the catalog spells them. */
function catalogActions(known: ActionCatalog, service: string): Regex | undefined {
  const cached = catalogUnions.get(service);
  if (cached !== undefined) return cached;
  const names = known.services.get(service)?.actions;
  if (names === undefined || names.length === 0) return undefined;
  const actions = union(names.map((name) => literal(`${service}:${name}`)));
  catalogUnions.set(service, actions);
  return actions;
}

/** Catalog actions tried on a model before searching the catalog's whole union: a few, so that a miss stays cheap. */
const PREFIX_TRIES = 4;

/** The first few catalog actions of `service` whose name starts with `prefix` (lower-case), as the catalog spells them. */
function catalogActionsStarting(known: ActionCatalog, service: string, prefix: string): string[] {
  const names = known.services.get(service)?.actions ?? [];
  const found: string[] = [];
  for (const name of names) {
    if (found.length === PREFIX_TRIES) break;
    if (name.toLowerCase().startsWith(prefix)) found.push(name);
  }
  return found;
}

/**
 * Makes a model read like a real request: an action from the catalog, a
 * resource and an account from the policies, where the formula still holds.
 * Only a cosmetic choice among models: every change is checked on the formula.
 */
function polish(model: Model, formula: Formula, target: Policy, known: ActionCatalog): Model {
  let current = completed(formula, model);
  // Tried in place and undone on failure: the model is ours (completed copies it), and a copy per try adds up.
  const tryValues = (values: readonly (readonly [string, Value])[]): boolean => {
    const previous = values.map(([name]) => current.get(name));
    for (const [name, value] of values) current.set(name, value);
    if (evaluateFormula(formula, current)) return true;
    values.forEach(([name], index) => {
      const value = previous[index];
      if (value === undefined) current.delete(name);
      else current.set(name, value);
    });
    return false;
  };
  const tryValue = (name: string, value: Value): boolean => tryValues([[name, value]]);
  const witnessAction = String(current.get(action.name) ?? '');
  const [witnessService = '', witnessName = ''] = witnessAction.toLowerCase().split(':');
  const spelled = known.services.get(witnessService)?.byLowerName.get(witnessName);
  // The catalog's spelling of the same action (the engine's witness may mix cases), else a catalog action:
  // first one the witness begins (a sample of `ce:Get*` spells `CE:GET`), tried on the formula without a search.
  const tryAction = (name: string): boolean => tryValue(action.name, `${witnessService}:${name}`);
  if (
    (spelled === undefined || !tryAction(spelled)) &&
    !catalogActionsStarting(known, witnessService, witnessName).some(tryAction)
  ) {
    const others = policyServices(target).filter((s) => s !== witnessService);
    for (const service of [witnessService, ...others].slice(0, 3)) {
      const actions = catalogActions(known, service);
      if (actions === undefined) continue;
      const verdict = solve(and(formula, matches(action, actions)), { timeoutMs: 50 });
      if (verdict.status === 'sat') {
        current = completed(formula, verdict.model);
        break;
      }
    }
  }
  const service = String(current.get(action.name) ?? '').split(':')[0] ?? 'service';
  // The policy's own ARNs of the action's service first, then any ARN of that service, then the policy's others.
  const ownService = (arn: string): boolean => arnOfService(arn, service);
  const resources = filledResources(target);
  const arns = [
    ...resources.filter(ownService).slice(0, 32),
    `arn:aws:${service}:us-east-1:111122223333:example`,
    ...resources.filter((arn) => !ownService(arn)).slice(0, 32),
  ];
  for (const candidate of arns) if (tryValue(resource.name, candidate)) break;
  // An IAM identity of a documentation account reads better than the engine's first principal.
  for (const arn of ['arn:aws:iam::111122223333:role/example', 'arn:aws:iam::111122223333:user/example']) {
    if (
      tryValues([
        [principalType.name, 'AWS'],
        [principal.name, arn],
      ])
    )
      break;
  }
  // Accounts the engine made up (000000000000, the shortest witness) read as documentation accounts,
  // replaced everywhere at once: keys such as aws:ResourceAccount may be tied to the principal's account.
  for (const account of accountsIn(current)) {
    if (DOCUMENTATION_ACCOUNTS.includes(account)) continue;
    for (const readable of DOCUMENTATION_ACCOUNTS) {
      const candidate = replacedEverywhere(current, account, readable);
      if (evaluateFormula(formula, candidate)) {
        current = candidate;
        break;
      }
    }
  }
  // A readable principal name in whatever account the principal has to be.
  const who = current.get(principal.name);
  const account = typeof who === 'string' ? /^arn:aws:iam::(\d{12}):/.exec(who)?.[1] : undefined;
  if (current.get(principalType.name) === 'AWS' && account !== undefined) {
    for (const kind of ['role', 'user'])
      if (tryValue(principal.name, `arn:aws:iam::${account}:${kind}/example`)) break;
  }
  agreeOnResourceAccount(current, tryValues);
  return current;
}

const resourceAccountKey = 'key:aws:resourceaccount';

/**
 * aws:ResourceAccount as the resource ARN's account field names it, when the
 * question allows: AWS gives the owner's account there for most resources.
 * Not an axiom of the encoding, because not for all resources (see the README).
 */
function agreeOnResourceAccount(
  model: Model,
  tryValues: (values: readonly (readonly [string, Value])[]) => boolean,
): void {
  const owner = model.get(resourceAccountKey);
  const fields = String(model.get(resource.name) ?? '').split(':');
  const inArn = fields[4] ?? '';
  if (model.get(`${resourceAccountKey}?`) !== true || typeof owner !== 'string') return;
  if (fields.length < 6 || fields[0] !== 'arn' || !/^\d{12}$/.test(inArn) || owner === inArn) return;
  const inResource = (id: string): string => [...fields.slice(0, 4), id, ...fields.slice(5)].join(':');
  // The ARN's account as the owner, the owner's in the ARN, or another account in both.
  const candidates: (readonly (readonly [string, Value])[])[] = [
    [[resourceAccountKey, inArn]],
    ...(/^\d{12}$/.test(owner) ? [[[resource.name, inResource(owner)] as const]] : []),
    ...DOCUMENTATION_ACCOUNTS.filter((id) => id !== inArn).map((id) => [
      [resourceAccountKey, id] as const,
      [resource.name, inResource(id)] as const,
    ]),
  ];
  candidates.some((values) => tryValues(values));
}

/** The accounts AWS documentation uses in examples. */
const DOCUMENTATION_ACCOUNTS = ['111122223333', '444455556666'];

/** The 12-digit account ids in a model's strings. */
function accountsIn(model: ReadonlyMap<string, Value>): Set<string> {
  const found = new Set<string>();
  const visit = (value: Value): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'string')
      for (const match of value.matchAll(/(?<!\d)\d{12}(?!\d)/g)) found.add(match[0]);
  };
  for (const value of model.values()) visit(value);
  return found;
}

function replacedEverywhere(model: ReadonlyMap<string, Value>, from: string, to: string): Map<string, Value> {
  const replace = (value: Value): Value => {
    if (Array.isArray(value)) return [...new Set(value.map((item: Value) => replace(item) as ScalarValue))];
    return typeof value === 'string' ? value.split(from).join(to) : value;
  };
  return new Map([...model].map(([name, value]) => [name, replace(value)]));
}

/** The model with every variable of `formula` it does not mention (folded away from the question) at a default. */
function completed(formula: Formula, model: Model): Map<string, Value> {
  const complete = new Map<string, Value>(model);
  for (const [name, sort] of variablesOf(formula)) {
    if (complete.has(name)) continue;
    complete.set(name, sort.startsWith('set<') ? [] : defaults[sort as ScalarSort]);
  }
  return complete;
}

/** `formula` in `model`, the variables the model does not mention at their defaults (copied only when some are missing). */
function holdsIn(formula: Formula, model: Model): boolean {
  let complete: Map<string, Value> | undefined;
  for (const [name, sort] of variablesOf(formula)) {
    if (model.has(name)) continue;
    complete ??= new Map(model);
    complete.set(name, sort.startsWith('set<') ? [] : defaults[sort as ScalarSort]);
  }
  return evaluateFormula(formula, complete ?? model);
}

const defaults: Readonly<Record<ScalarSort, Value>> = {
  string: '',
  number: 0,
  bool: false,
  ip: { family: 'v4', address: 0n },
};

/** INVARIANT: a counterexample is returned only when the concrete evaluator agrees with it. */
function confirmed(question: Question, model: Model): Counterexample {
  const request = requestOf(model, question.encoding.keys);
  const disagreement = question.confirm(request);
  if (disagreement !== undefined) {
    throw new CounterexampleMismatchError(evaluationRequestOf(request), 'a counterexample', disagreement);
  }
  return request;
}

function unknown(reason: string): CheckResponse {
  return {
    result: 'UNKNOWN',
    message: `the engine could not decide: ${reason}`,
    reasons: [],
    unknownReason: reason,
  };
}

function reasonFor(
  policy: EncodedPolicy,
  position: number,
  describe: (index: number) => string,
): ReasonSummary {
  const statement = policy.statements[position]?.statement;
  const index = statement?.index ?? position;
  return {
    description: describe(index),
    statementIndex: index,
    ...(statement?.sid === undefined ? {} : { statementId: statement.sid }),
  };
}

/**
 * A FAIL's reasons: every blamed statement, then any statement a later query
 * could not settle, said as such rather than left out.
 */
function failReasons(
  policy: EncodedPolicy,
  result: Extract<Answer, { result: 'FAIL' }>,
  describe: (index: number) => string,
): ReasonSummary[] {
  return [
    ...result.blamed.map((position) => reasonFor(policy, position, describe)),
    ...result.unsettled.positions.map((position) =>
      reasonFor(
        policy,
        position,
        (index) => `Possibly also: ${describe(index)} (not decided: ${result.unsettled.reason})`,
      ),
    ),
  ];
}

type Answer =
  | { readonly result: 'PASS' }
  | { readonly result: 'UNKNOWN'; readonly reason: string }
  | {
      readonly result: 'FAIL';
      readonly counterexample: Counterexample;
      readonly blamed: readonly number[];
      /** Statements still open when a later query was undecided: they may grant it too. */
      readonly unsettled: { readonly positions: readonly number[]; readonly reason: string };
    };

/**
 * Decides the question part by part. Within a part, each model blames the
 * candidates it satisfies and the next query asks for a model through the
 * others, until none is left — one query per group of statements, not one
 * per statement; a statement blamed in one part is not asked about again.
 * The first model, polished, is the counterexample.
 */
async function answer(question: Question, target: Policy, options: CheckOptions): Promise<Answer> {
  const blamed = new Set<number>();
  const unsettled = new Set<number>();
  let first: Model | undefined;
  let undecided: string | undefined;
  for (const part of question.parts) {
    let open = part.candidates.filter((position) => !blamed.has(position));
    while (open.length > 0) {
      const formula = partFormula(part, open);
      const verdict = await decideFormula(formula, options);
      if (verdict.status === 'unsat') break;
      if (verdict.status === 'unknown') {
        undecided ??= verdict.reason;
        for (const position of open) unsettled.add(position);
        break;
      }
      const model =
        first === undefined ? polish(verdict.model, formula, target, await actionCatalog()) : verdict.model;
      if (
        !question.encoding.exact &&
        question.confirm(requestOf(model, question.encoding.keys)) !== undefined
      ) {
        undecided ??= 'a test the logic cannot state made the candidate request unreal';
        for (const position of open) unsettled.add(position);
        break;
      }
      first ??= model;
      // Completed once for all the candidates asked about: their variables are the query's.
      const filled = completed(formula, model);
      const hit = open.filter((position) => holdsIn(part.matches(position), filled));
      // INVARIANT: a model of the query satisfies one of the statements asked about.
      if (hit.length === 0) throw new Error('internal error: a model of the query matches no statement');
      for (const position of hit) blamed.add(position);
      open = open.filter((position) => !blamed.has(position));
    }
  }
  if (first !== undefined) {
    return {
      result: 'FAIL',
      counterexample: confirmed(question, first),
      blamed: [...blamed].sort((a, b) => a - b),
      unsettled: {
        positions: [...unsettled].filter((position) => !blamed.has(position)).sort((a, b) => a - b),
        reason: undecided ?? '',
      },
    };
  }
  return undecided === undefined ? { result: 'PASS' } : { result: 'UNKNOWN', reason: undecided };
}

/** An Action or Resource entry given in a check's request, parsed as a policy entry is. */
function accessPattern(raw: string): Pattern {
  const parsed = parsePattern(raw, { wildcards: true, variables: false });
  return parsed.ok ? parsed.pattern : { raw, parts: [{ kind: 'literal', text: raw }] };
}

function statementEntries(entries: readonly { readonly pattern: Pattern }[]): string {
  return entries.map((entry) => entry.pattern.raw).join(', ');
}

/**
 * What the new access is, entry by entry: find a model in a blamed
 * statement, name the Action and Resource entries it falls in, exclude that
 * pair, repeat — one search per piece of new access.
 */
async function newAccessSummary(
  question: Question,
  target: Policy,
  blamed: readonly number[],
  options: CheckOptions,
): Promise<NewAccess[]> {
  const summary: NewAccess[] = [];
  const perStatement = 16;
  for (const position of blamed) {
    const entry = question.target.statements[position];
    if (entry === undefined) continue;
    const { action: actions, resource: resources, index } = entry.statement;
    const actionEntries =
      actions.kind === 'Action'
        ? actions.entries.map((e) => ({ raw: e.pattern.raw, matches: actionMatchesPattern(e.pattern.raw) }))
        : [];
    const resourceEntries =
      resources?.kind === 'Resource'
        ? resources.entries
            .filter((e) => !e.pattern.parts.some((part) => part.kind === 'variable'))
            .map((e) => ({ raw: e.pattern.raw, matches: resourceMatchesPattern(e.pattern) }))
        : [];
    const excluded: Formula[] = [];
    for (let found = 0; found < perStatement; found++) {
      const formula = and(entry.matches, ...excluded.map(not), question.whole.rest());
      const verdict = await decideFormula(formula, options);
      if (verdict.status !== 'sat') break;
      // Read like the counterexample: the catalog's spelling of the action, a documentation account.
      const model = polish(verdict.model, formula, target, await actionCatalog());
      const example = confirmed(question, model);
      const actionEntry = actionEntries.find((e) => holdsIn(e.matches, model));
      const resourceEntry = resourceEntries.find((e) => holdsIn(e.matches, model));
      summary.push({
        statementIndex: index,
        actions: actionEntry?.raw ?? `${actions.kind} ${statementEntries(actions.entries)}`,
        resources:
          resourceEntry?.raw ??
          (resources === undefined ? '*' : `${resources.kind} ${statementEntries(resources.entries)}`),
        example,
      });
      // NotAction/NotResource statements have no entry to exclude: one example says it.
      if (actionEntry === undefined && resourceEntry === undefined) break;
      excluded.push(and(actionEntry?.matches ?? and(), resourceEntry?.matches ?? and()));
    }
  }
  return summary;
}

function noNewAccessQuestion(existing: Policy, updated: Policy): Question {
  const encoding = encodePolicies([existing, updated]);
  const [before, after] = encoding.policies as [EncodedPolicy, EncodedPolicy];
  const kept = deniesKept(before, after);
  const candidates = changedAllows(before, after, kept);
  return {
    encoding,
    target: after,
    whole: wholePart(encoding, after, candidates, () => not(before.allows)),
    parts: serviceParts(encoding, before, after, candidates, kept),
    confirm: (concrete) => {
      const allowedAfter = allowsConcretely(updated, concrete);
      const allowedBefore = allowsConcretely(existing, concrete);
      return allowedAfter && !allowedBefore
        ? undefined
        : `new policy ${allowedAfter ? 'allows' : 'denies'}, existing policy ${allowedBefore ? 'allows' : 'denies'}`;
    },
  };
}

/** CheckNoNewAccess's question as formulas, for benchmarks and for tests of the shortcuts. */
export interface NoNewAccessFormulas {
  /** The question uncut, every Allow statement of the new policy: satisfiable exactly when it grants new access. */
  readonly plain: Formula;
  /** `plain` through one Allow statement, by statement index: satisfiable exactly when that statement grants new access. */
  readonly byStatement: ReadonlyMap<number, Formula>;
  /** What the check decides first, part by part (the shortcuts applied). */
  readonly parts: readonly Formula[];
}

/** Undefined when a document does not parse. */
export function noNewAccessFormulas(
  existingDocument: string,
  newDocument: string,
): NoNewAccessFormulas | undefined {
  const existing = parseCached(existingDocument);
  const updated = parseCached(newDocument);
  if (!existing.ok || !updated.ok) return undefined;
  const question = noNewAccessQuestion(existing.policy, updated.policy);
  const before = question.encoding.policies[0] as EncodedPolicy;
  const plain = wholePart(question.encoding, question.target, allowPositions(question.target), () =>
    not(before.allows),
  );
  return {
    plain: partFormula(plain),
    byStatement: new Map(
      plain.candidates.map((position) => [
        question.target.statements[position]?.statement.index ?? position,
        partFormula(plain, [position]),
      ]),
    ),
    parts: question.parts.map((part) => partFormula(part)),
  };
}

/** The policy type as the SDK spells it; a JavaScript caller may pass anything. */
function policyTypeErrors(value: unknown): CheckInputError[] {
  if ((checkPolicyTypes as readonly unknown[]).includes(value)) return [];
  const message = `policyType: must be ${checkPolicyTypes.join(' or ')}, not ${JSON.stringify(value) ?? String(value)}`;
  return [{ field: 'policyType', message }];
}

export async function checkNoNewAccess(
  request: CheckNoNewAccessRequest,
  options: CheckNoNewAccessOptions = {},
): Promise<CheckOutcome> {
  const existing = parseDocument('existingPolicyDocument', request.existingPolicyDocument);
  const updated = parseDocument('newPolicyDocument', request.newPolicyDocument);
  const typeErrors = policyTypeErrors(request.policyType);
  if (!existing.ok || !updated.ok || typeErrors.length > 0) {
    return {
      ok: false,
      errors: [...(existing.ok ? [] : existing.errors), ...(updated.ok ? [] : updated.errors), ...typeErrors],
    };
  }
  const question = noNewAccessQuestion(existing.policy, updated.policy);
  const result = await answer(question, updated.policy, options);
  switch (result.result) {
    case 'PASS':
      return {
        ok: true,
        response: {
          result: 'PASS',
          message: 'the new policy grants no access the existing policy does not',
          reasons: [],
        },
      };
    case 'UNKNOWN':
      return { ok: true, response: unknown(result.reason) };
    case 'FAIL': {
      const response = {
        result: 'FAIL' as const,
        message: 'the new policy grants new access',
        reasons: failReasons(
          question.target,
          result,
          (index) => `New access in the statement with index: ${index}`,
        ),
        counterexample: result.counterexample,
      };
      if (options.summarize === false) return { ok: true, response };
      return {
        ok: true,
        response: {
          ...response,
          newAccess: await newAccessSummary(question, updated.policy, result.blamed, options),
        },
      };
    }
    default:
      return result satisfies never;
  }
}

function accessFormula(access: Access): Formula {
  const actions = access.actions ?? [];
  const resources = access.resources ?? [];
  return and(
    actions.length === 0 ? and() : or(...actions.map(actionMatchesPattern)),
    resources.length === 0
      ? and()
      : or(...resources.map((raw) => resourceMatchesPattern(accessPattern(raw)))),
  );
}

function accessHolds(access: readonly Access[], request: ConcreteRequest): boolean {
  const model = new Map<string, Value>([
    [action.name, request.action],
    [resource.name, request.resource],
  ]);
  return access.some((entry) => evaluateFormula(accessFormula(entry), model));
}

/** The `access` list as the SDK shapes it: entries whose actions and resources are lists of strings. */
function accessErrors(access: unknown): CheckInputError[] {
  const error = (message: string): CheckInputError => ({ field: 'access', message });
  if (!Array.isArray(access)) return [error('access: must be a list of entries of actions or resources')];
  if (access.length === 0) return [error('access: give at least one entry of actions or resources')];
  return access.flatMap((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      return [error(`access[${index}]: must be an object with actions or resources`)];
    return (['actions', 'resources'] as const).flatMap((field) => {
      const list: unknown = (entry as Record<string, unknown>)[field];
      if (list === undefined || (Array.isArray(list) && list.every((item) => typeof item === 'string')))
        return [];
      return [error(`access[${index}].${field}: must be a list of strings`)];
    });
  });
}

export async function checkAccessNotGranted(
  request: CheckAccessNotGrantedRequest,
  options: CheckOptions = {},
): Promise<CheckOutcome> {
  const parsed = parseDocument('policyDocument', request.policyDocument);
  if (!parsed.ok) return parsed;
  const errors = [...accessErrors(request.access), ...policyTypeErrors(request.policyType)];
  if (errors.length > 0) return { ok: false, errors };
  const encoding = encodePolicies([parsed.policy]);
  const question = singleQuestion(encoding, or(...request.access.map(accessFormula)), (concrete) => {
    if (!accessHolds(request.access, concrete)) return 'the request is not one of the specified accesses';
    return allowsConcretely(parsed.policy, concrete) ? undefined : 'the policy denies';
  });
  const result = await answer(question, parsed.policy, options);
  switch (result.result) {
    case 'PASS':
      return {
        ok: true,
        response: { result: 'PASS', message: 'the policy does not grant the specified access', reasons: [] },
      };
    case 'UNKNOWN':
      return { ok: true, response: unknown(result.reason) };
    case 'FAIL':
      return {
        ok: true,
        response: {
          result: 'FAIL',
          message: 'the policy grants the specified access',
          reasons: failReasons(
            question.target,
            result,
            (index) =>
              `One of the specified actions or resources is granted in the statement with index: ${index}`,
          ),
          counterexample: result.counterexample,
        },
      };
    default:
      return result satisfies never;
  }
}

export async function checkNoPublicAccess(
  request: CheckNoPublicAccessRequest,
  options: CheckOptions = {},
): Promise<CheckOutcome> {
  if (!isPublicAccessResourceType(request.resourceType)) {
    return {
      ok: false,
      errors: [
        {
          field: 'resourceType',
          message: `resourceType: unsupported resource type \`${request.resourceType}\`: expected one of ${publicAccessResourceTypes.join(', ')}`,
        },
      ],
    };
  }
  const parsed = parseDocument('policyDocument', request.policyDocument);
  if (!parsed.ok) return parsed;
  const resourceType: PublicAccessResourceType = request.resourceType;
  const encoding = encodePolicies([parsed.policy], { extraKeys: restrictingKeyInfos });
  const outsider = outsiderConditions(encoding.keys, namedAccounts(request.policyDocument), parsed.policy);
  const services = resourceTypeServices[resourceType].map((service) => actionMatchesPattern(`${service}:*`));
  const question = singleQuestion(encoding, and(or(...services), outsider), (concrete) =>
    allowsConcretely(parsed.policy, concrete) ? undefined : 'the policy denies',
  );
  const result = await answer(question, parsed.policy, options);
  switch (result.result) {
    case 'PASS':
      return {
        ok: true,
        response: {
          result: 'PASS',
          message: `the resource policy does not grant public access for the resource type ${resourceType}`,
          reasons: [],
        },
      };
    case 'UNKNOWN':
      return { ok: true, response: unknown(result.reason) };
    case 'FAIL':
      return {
        ok: true,
        response: {
          result: 'FAIL',
          message: `the resource policy grants public access for the resource type ${resourceType}`,
          reasons: failReasons(
            question.target,
            result,
            (index) => `Public access granted in the following statement with index: ${index}`,
          ),
          counterexample: result.counterexample,
        },
      };
    default:
      return result satisfies never;
  }
}
