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
  formulaKey,
  not,
  or,
  variablesOf,
  type Formula,
  type Model,
  type ScalarSort,
  type Value,
  type Verdict,
} from '../logic/index.js';
import { loadActionCatalog, type ActionCatalog } from './catalog.js';
import {
  actionMatchesPattern,
  encodePolicies,
  resourceMatchesPattern,
  type EncodedPolicy,
  type Encoding,
} from './encode/encode.js';
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
import type { Location, Pattern, Policy } from './model.js';
import { parsePattern } from './parse/patterns.js';
import { parsePolicy } from './parse/policy.js';
import {
  isPublicAccessResourceType,
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

const parsedDocuments = new Map<string, ReturnType<typeof parsePolicy>>();
const PARSE_CACHE_LIMIT = 256;

/** Parsing is pure in the text; CI runs and the corpus compare the same documents many times. */
function parseCached(text: string): ReturnType<typeof parsePolicy> {
  const known = parsedDocuments.get(text);
  if (known !== undefined) return known;
  if (parsedDocuments.size >= PARSE_CACHE_LIMIT) parsedDocuments.clear();
  const parsed = parsePolicy(text);
  parsedDocuments.set(text, parsed);
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
 * A question over every request: `target` allows the request and `rest`
 * holds. Reasons name the target's Allow statements that take part in some
 * model; `confirm` replays a request through the concrete evaluator.
 */
interface Question {
  readonly encoding: Encoding;
  readonly target: EncodedPolicy;
  readonly rest: Formula;
  readonly confirm: (request: ConcreteRequest) => string | undefined;
  /** Positions of the target's Allow statements that may take part in a model; the others provably do not. */
  readonly candidates: readonly number[];
}

function allowPositions(policy: EncodedPolicy): number[] {
  return policy.statements.flatMap((entry, position) =>
    entry.statement.effect === 'Allow' ? [position] : [],
  );
}

const grantedBy = (question: Question, positions: readonly number[]): Formula =>
  or(...positions.map((position) => question.target.statements[position]?.matches ?? FALSE));

const formulaOf = (
  question: Question,
  granted: Formula = grantedBy(question, question.candidates),
): Formula => and(granted, not(question.target.denied), question.rest, question.encoding.axioms);

/**
 * The new policy's Allow statements that can grant new access. One that is
 * also an Allow statement of the existing policy cannot, when every Deny of
 * the existing policy is also in the new one: whatever it matches, the
 * existing policy allows too, unless a Deny of the new policy stops it.
 * Versions of a policy mostly keep their statements, so this leaves the
 * search with the statements that changed.
 */
function changedAllows(before: EncodedPolicy, after: EncodedPolicy): number[] {
  const keysOf = (policy: EncodedPolicy, effect: 'Allow' | 'Deny'): Set<string> =>
    new Set(
      policy.statements
        .filter((entry) => entry.statement.effect === effect)
        .map((entry) => formulaKey(entry.matches)),
    );
  const newDenies = keysOf(after, 'Deny');
  const all = allowPositions(after);
  if ([...keysOf(before, 'Deny')].some((key) => !newDenies.has(key))) return all;
  const oldAllows = keysOf(before, 'Allow');
  return all.filter((position) => !oldAllows.has(formulaKey(after.statements[position]?.matches ?? FALSE)));
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
 * judges it: evaluated as the one level of resource control policies (which
 * apply to every caller), it allows exactly when some Allow statement applies
 * and no Deny does.
 */
export function allowsConcretely(policy: Policy, request: ConcreteRequest): boolean {
  const result = evaluate(evaluationRequestOf(request), { resourceControlPolicies: [[policy]] });
  switch (result.decision) {
    case 'Allow':
      return true;
    case 'ExplicitDeny':
      return false;
    case 'ImplicitDeny':
      return !result.reasons.some((reason) => reason.kind === 'resourceControlPolicy');
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

function filledPatterns(policies: readonly Policy[]): {
  actions: string[];
  resources: string[];
  services: string[];
} {
  const actions: string[] = [];
  const resources: string[] = [];
  for (const policy of policies) {
    for (const statement of policy.statements) {
      for (const entry of statement.action.entries) actions.push(entry.pattern.raw);
      for (const entry of statement.resource?.entries ?? []) {
        if (entry.pattern.parts.some((part) => part.kind === 'variable')) continue;
        if (entry.pattern.raw !== '*') resources.push(fillArn(entry.pattern.raw));
      }
    }
  }
  const services = [
    ...new Set(
      actions.map((raw) => raw.split(':')[0]?.toLowerCase() ?? '').filter((s) => /^[a-z0-9-]+$/.test(s)),
    ),
  ];
  return { actions, resources, services };
}

/**
 * Makes a model read like a real request: an action from the catalog, a
 * resource and an account from the policies, where the formula still holds.
 * Only a cosmetic choice among models: every change is checked on the formula.
 */
function polish(model: Model, formula: Formula, policies: readonly Policy[], known: ActionCatalog): Model {
  let current = new Map<string, Value>(model);
  const tryValues = (values: readonly (readonly [string, string])[]): boolean => {
    const candidate = new Map(current);
    for (const [name, value] of values) candidate.set(name, value);
    if (!holdsIn(formula, candidate)) return false;
    current = candidate;
    return true;
  };
  const tryValue = (name: string, value: string): boolean => tryValues([[name, value]]);
  const { resources, services } = filledPatterns(policies);
  const witnessAction = String(current.get(action.name) ?? '');
  const [witnessService = '', witnessName = ''] = witnessAction.toLowerCase().split(':');
  const spelled = known.services.get(witnessService)?.byLowerName.get(witnessName);
  // The catalog's spelling of the same action (the engine's witness may mix cases), else a catalog action.
  if (spelled === undefined || !tryValue(action.name, `${witnessService}:${spelled}`)) {
    let tries = 0;
    search: for (const service of [witnessService, ...services.filter((s) => s !== witnessService)].slice(
      0,
      6,
    )) {
      for (const name of known.services.get(service)?.actions ?? []) {
        if (++tries > 2_000) break search;
        if (tryValue(action.name, `${service}:${name}`)) break search;
      }
    }
  }
  const service = String(current.get(action.name) ?? '').split(':')[0] ?? 'service';
  const arns = [...resources, `arn:aws:${service}:us-east-1:111122223333:example`];
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
  const who = current.get(principal.name);
  if (
    current.get(principalType.name) === 'AWS' &&
    typeof who === 'string' &&
    who.includes('::000000000000:')
  ) {
    tryValue(principal.name, who.replace('::000000000000:', '::111122223333:'));
  }
  return current;
}

/** `formula` under `model`, variables the model does not mention (folded away from the question) at a default. */
function holdsIn(formula: Formula, model: Model): boolean {
  const complete = new Map<string, Value>(model);
  for (const [name, sort] of variablesOf(formula)) {
    if (complete.has(name)) continue;
    complete.set(name, sort.startsWith('set<') ? [] : defaults[sort as ScalarSort]);
  }
  return evaluateFormula(formula, complete);
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

/**
 * The Allow statements of the target that take part in some model: those the
 * model satisfies, then one query for a model through the others, until none
 * is left — one query per group of statements, not one per statement.
 */
async function blamedStatements(question: Question, model: Model, options: CheckOptions): Promise<number[]> {
  const allows = question.candidates;
  const blamed = new Set<number>();
  let current: Model | undefined = model;
  while (current !== undefined) {
    const witness: Model = current;
    const before = blamed.size;
    for (const position of allows) {
      const entry = question.target.statements[position];
      if (entry !== undefined && holdsIn(entry.matches, witness)) blamed.add(position);
    }
    // INVARIANT: a model of the query satisfies one of the statements asked about.
    if (blamed.size === before)
      throw new Error('internal error: a model of the blame query matches no statement');
    const others = allows.filter((position) => !blamed.has(position));
    if (others.length === 0) break;
    const verdict = await decideFormula(formulaOf(question, grantedBy(question, others)), options);
    current = verdict.status === 'sat' ? verdict.model : undefined;
  }
  return [...blamed].sort((a, b) => a - b);
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

type Answer =
  | { readonly result: 'PASS' }
  | { readonly result: 'UNKNOWN'; readonly reason: string }
  | {
      readonly result: 'FAIL';
      readonly counterexample: Counterexample;
      readonly blamed: readonly number[];
      readonly formula: Formula;
    };

async function answer(
  question: Question,
  policies: readonly Policy[],
  options: CheckOptions,
): Promise<Answer> {
  const formula = formulaOf(question);
  const verdict = await decideFormula(formula, options);
  switch (verdict.status) {
    case 'unsat':
      return { result: 'PASS' };
    case 'unknown':
      return { result: 'UNKNOWN', reason: verdict.reason };
    case 'sat': {
      const model = polish(verdict.model, formula, policies, await actionCatalog());
      if (
        !question.encoding.exact &&
        question.confirm(requestOf(model, question.encoding.keys)) !== undefined
      ) {
        return {
          result: 'UNKNOWN',
          reason: 'a test the logic cannot state made the candidate request unreal',
        };
      }
      const counterexample = confirmed(question, model);
      return {
        result: 'FAIL',
        counterexample,
        blamed: await blamedStatements(question, model, options),
        formula,
      };
    }
    default:
      return verdict satisfies never;
  }
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
      const verdict = await decideFormula(
        formulaOf(question, and(entry.matches, ...excluded.map(not))),
        options,
      );
      if (verdict.status !== 'sat') break;
      const example = confirmed(question, verdict.model);
      const actionEntry = actionEntries.find((e) => holdsIn(e.matches, verdict.model));
      const resourceEntry = resourceEntries.find((e) => holdsIn(e.matches, verdict.model));
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
  return {
    encoding,
    target: after,
    rest: not(before.allows),
    candidates: changedAllows(before, after),
    confirm: (concrete) => {
      const allowedAfter = allowsConcretely(updated, concrete);
      const allowedBefore = allowsConcretely(existing, concrete);
      return allowedAfter && !allowedBefore
        ? undefined
        : `new policy ${allowedAfter ? 'allows' : 'denies'}, existing policy ${allowedBefore ? 'allows' : 'denies'}`;
    },
  };
}

/**
 * The formula CheckNoNewAccess decides first (satisfiable exactly when the
 * new policy grants new access), for benchmarks that give the identical
 * query to another engine. Undefined when a document does not parse.
 */
export function noNewAccessFormula(existingDocument: string, newDocument: string): Formula | undefined {
  const existing = parseCached(existingDocument);
  const updated = parseCached(newDocument);
  if (!existing.ok || !updated.ok) return undefined;
  return formulaOf(noNewAccessQuestion(existing.policy, updated.policy));
}

export async function checkNoNewAccess(
  request: CheckNoNewAccessRequest,
  options: CheckNoNewAccessOptions = {},
): Promise<CheckOutcome> {
  const existing = parseDocument('existingPolicyDocument', request.existingPolicyDocument);
  const updated = parseDocument('newPolicyDocument', request.newPolicyDocument);
  if (!existing.ok || !updated.ok) {
    return {
      ok: false,
      errors: [...(existing.ok ? [] : existing.errors), ...(updated.ok ? [] : updated.errors)],
    };
  }
  const question = noNewAccessQuestion(existing.policy, updated.policy);
  const result = await answer(question, [updated.policy, existing.policy], options);
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
        reasons: result.blamed.map((position) =>
          reasonFor(question.target, position, (index) => `New access in the statement with index: ${index}`),
        ),
        counterexample: result.counterexample,
      };
      if (options.summarize === false) return { ok: true, response };
      return {
        ok: true,
        response: { ...response, newAccess: await newAccessSummary(question, result.blamed, options) },
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

export async function checkAccessNotGranted(
  request: CheckAccessNotGrantedRequest,
  options: CheckOptions = {},
): Promise<CheckOutcome> {
  const parsed = parseDocument('policyDocument', request.policyDocument);
  if (!parsed.ok) return parsed;
  if (request.access.length === 0) {
    return {
      ok: false,
      errors: [{ field: 'access', message: 'access: give at least one entry of actions or resources' }],
    };
  }
  const encoding = encodePolicies([parsed.policy]);
  const question: Question = {
    encoding,
    target: encoding.policies[0] as EncodedPolicy,
    rest: or(...request.access.map(accessFormula)),
    candidates: allowPositions(encoding.policies[0] as EncodedPolicy),
    confirm: (concrete) => {
      if (!accessHolds(request.access, concrete)) return 'the request is not one of the specified accesses';
      return allowsConcretely(parsed.policy, concrete) ? undefined : 'the policy denies';
    },
  };
  const result = await answer(question, [parsed.policy], options);
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
          reasons: result.blamed.map((position) =>
            reasonFor(
              question.target,
              position,
              (index) =>
                `One of the specified actions or resources is granted in the statement with index: ${index}`,
            ),
          ),
          counterexample: result.counterexample,
        },
      };
    default:
      return result satisfies never;
  }
}

/** An account id that the policy text does not mention: the outsider's account. */
function outsiderAccount(text: string): string {
  for (let candidate = 999_999_999_999; ; candidate -= 111_111_111) {
    const account = String(candidate).padStart(12, '0');
    if (!text.includes(account)) return account;
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
  const account = outsiderAccount(request.policyDocument);
  const outsider = outsiderConditions(encoding.keys, account, parsed.policy);
  const services = resourceTypeServices[resourceType].map((service) => actionMatchesPattern(`${service}:*`));
  const question: Question = {
    encoding,
    target: encoding.policies[0] as EncodedPolicy,
    rest: and(or(...services), outsider),
    candidates: allowPositions(encoding.policies[0] as EncodedPolicy),
    confirm: (concrete) => (allowsConcretely(parsed.policy, concrete) ? undefined : 'the policy denies'),
  };
  const result = await answer(question, [parsed.policy], options);
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
          reasons: result.blamed.map((position) =>
            reasonFor(
              question.target,
              position,
              (index) => `Public access granted in the following statement with index: ${index}`,
            ),
          ),
          counterexample: result.counterexample,
        },
      };
    default:
      return result satisfies never;
  }
}
