// The request a policy is evaluated against, and the normalized form the
// evaluator reads: who asks (with every identity AWS checks for them), the
// action, the resource, its owner account, and the request context with
// case-insensitive keys.
import { checkContextValue, checkRequest } from './input.js';

/** One value of a condition key as the request carries it; the operator decides how it is read. */
export type ContextScalar = string | number | boolean;

/** An array is a multivalued key (aws:TagKeys); anything else a single-valued one. */
export type ContextValue = ContextScalar | readonly ContextScalar[];

/** Who makes the request, in a form that needs no guessing. */
export type RequestPrincipal =
  /**
   * An IAM identity or session, by ARN: the account root
   * (`arn:aws:iam::111122223333:root`), an IAM user or role, an assumed-role
   * session (`arn:aws:sts::111122223333:assumed-role/ROLE/SESSION`) or a
   * federated user (`arn:aws:sts::111122223333:federated-user/NAME`).
   * `roleArn` gives a session's role ARN with its path, which the session
   * ARN does not carry. `isServiceLinkedRole` says the role (or the
   * session's role) is a service-linked role; by default it is when the
   * role's path is `/aws-service-role/`, the path AWS reserves for them.
   */
  | {
      readonly kind: 'aws';
      readonly arn: string;
      readonly roleArn?: string;
      readonly isServiceLinkedRole?: boolean;
    }
  /** An AWS service acting itself, such as `cloudtrail.amazonaws.com`. */
  | { readonly kind: 'service'; readonly service: string }
  /** A web identity or SAML session before it becomes a role session (trust policies). */
  | { readonly kind: 'federated'; readonly provider: string }
  /** An S3 canonical user id. */
  | { readonly kind: 'canonicalUser'; readonly id: string }
  /** An unsigned request. */
  | { readonly kind: 'anonymous' };

export interface EvaluationRequest {
  /**
   * A structured principal, or a string: `*` or `anonymous` (unsigned), a
   * 12-digit account id (its root user), an ARN, a service principal
   * (`s3.amazonaws.com`), a 64-hex-digit canonical user id.
   */
  readonly principal: string | RequestPrincipal;
  /** `service:ActionName`; compared case-insensitively. */
  readonly action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Condition keys (case-insensitive) and their values. */
  readonly context?: Readonly<Record<string, ContextValue>>;
  /**
   * The account that owns the resource. Default: the account field of the
   * resource ARN when it is a 12-digit account id, else the principal's
   * account (S3 bucket ARNs name no account; the usual case is one account).
   */
  readonly resourceAccount?: string;
  /**
   * The account id of the organization's management account. SCPs do not
   * affect principals of the management account, and RCPs do not affect
   * its resources; without it, neither account is taken to be it.
   */
  readonly managementAccount?: string;
}

/** The kinds of IAM principal AWS distinguishes in aws:PrincipalType and in policy evaluation. */
export type AwsPrincipalType = 'Account' | 'User' | 'Role' | 'AssumedRole' | 'FederatedUser';

/** The principal with everything evaluation needs read off it once. */
export type Caller =
  | {
      readonly kind: 'aws';
      readonly type: AwsPrincipalType;
      /** The ARN that signs the request (the session ARN for a session). */
      readonly arn: string;
      readonly partition: string;
      readonly account: string;
      /** The role a session belongs to, as an IAM role ARN. */
      readonly roleArn?: string;
      /** The IAM user name, for aws:username. */
      readonly userName?: string;
      /** A service-linked role or one of its sessions: no SCP or RCP restricts it. */
      readonly serviceLinkedRole: boolean;
    }
  | { readonly kind: 'service'; readonly service: string }
  | { readonly kind: 'federated'; readonly provider: string }
  | { readonly kind: 'canonicalUser'; readonly id: string }
  | { readonly kind: 'anonymous' };

/** Context values are strings once read: AWS compares request values as text converted per operator. */
export type ContextEntry =
  | { readonly kind: 'single'; readonly value: string }
  | { readonly kind: 'multi'; readonly values: readonly string[] };

export interface NormalizedRequest {
  readonly caller: Caller;
  readonly action: string;
  /** The action lower-cased, and its service prefix (before the first colon), for case-insensitive matching. */
  readonly actionLowerCase: string;
  readonly actionService: string;
  readonly resource: string;
  /** Undefined when neither the request nor the resource ARN nor the principal names one. */
  readonly resourceAccount: string | undefined;
  readonly managementAccount: string | undefined;
  readonly context: RequestContext;
}

/** The request context, read by lower-cased key: what the request gives, else what AWS derives. */
export interface RequestContext {
  readonly get: (key: string) => ContextEntry | undefined;
}

const accountIdPattern = /^\d{12}$/;
const canonicalUserPattern = /^[0-9a-f]{64}$/;

/** Reads a principal written as a string; never fails: what is not recognized is an IAM ARN as given. */
export function parsePrincipal(text: string): RequestPrincipal {
  if (text === '*' || text === 'anonymous') return { kind: 'anonymous' };
  if (accountIdPattern.test(text)) return { kind: 'aws', arn: `arn:aws:iam::${text}:root` };
  if (text.startsWith('arn:')) return { kind: 'aws', arn: text };
  if (canonicalUserPattern.test(text)) return { kind: 'canonicalUser', id: text };
  if (text.includes('.') && !text.includes(':') && !text.includes('/'))
    return { kind: 'service', service: text };
  return { kind: 'aws', arn: text };
}

/** The parts of an ARN; undefined when the text has fewer than six colon-separated fields. */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

export function splitArn(text: string): ArnParts | undefined {
  const fields = text.split(':');
  if (fields.length < 6 || fields[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', account = ''] = fields;
  return { partition, service, region, account, resource: fields.slice(5).join(':') };
}

/** AWS creates service-linked roles, and only them, under this path. */
const serviceLinkedRolePath = 'role/aws-service-role/';

function awsCaller(principal: Extract<RequestPrincipal, { kind: 'aws' }>): Caller {
  const { arn, roleArn: roleArnGiven, isServiceLinkedRole } = principal;
  const parts = splitArn(arn);
  const account = parts?.account ?? '';
  const partition = parts?.partition ?? 'aws';
  const resource = parts?.resource ?? '';
  const serviceLinked = (roleArn: string): boolean =>
    isServiceLinkedRole ?? splitArn(roleArn)?.resource.startsWith(serviceLinkedRolePath) ?? false;
  const base = { kind: 'aws' as const, arn, partition, account, serviceLinkedRole: false };
  if (parts?.service === 'sts' && resource.startsWith('assumed-role/')) {
    const [, roleName = ''] = resource.split('/');
    const roleArn = roleArnGiven ?? `arn:${partition}:iam::${account}:role/${roleName}`;
    return { ...base, type: 'AssumedRole', roleArn, serviceLinkedRole: serviceLinked(roleArn) };
  }
  if (parts?.service === 'sts' && resource.startsWith('federated-user/'))
    return { ...base, type: 'FederatedUser' };
  if (parts?.service === 'iam' && resource === 'root') return { ...base, type: 'Account' };
  if (parts?.service === 'iam' && resource.startsWith('role/'))
    return { ...base, type: 'Role', roleArn: arn, serviceLinkedRole: serviceLinked(arn) };
  if (parts?.service === 'iam' && resource.startsWith('user/')) {
    const userName = resource.slice(resource.lastIndexOf('/') + 1);
    return { ...base, type: 'User', userName };
  }
  return { ...base, type: 'User' };
}

/** Callers read from principal strings; requests repeat a few principals many times. */
const callersByText = new Map<string, Caller>();
const callerCacheLimit = 10_000;

/** The caller of a request, read once per principal text. */
export function callerOf(principal: string | RequestPrincipal): Caller {
  if (typeof principal !== 'string') return callerOfStructured(principal);
  let caller = callersByText.get(principal);
  if (caller === undefined) {
    if (callersByText.size >= callerCacheLimit) callersByText.clear();
    caller = callerOfStructured(parsePrincipal(principal));
    callersByText.set(principal, caller);
  }
  return caller;
}

function callerOfStructured(structured: RequestPrincipal): Caller {
  switch (structured.kind) {
    case 'aws':
      return awsCaller(structured);
    case 'service':
    case 'federated':
    case 'canonicalUser':
    case 'anonymous':
      return structured;
    default: {
      const unreachable: never = structured;
      return unreachable;
    }
  }
}

function scalarText(value: ContextScalar): string {
  return typeof value === 'string' ? value : String(value);
}

function entryOf(value: ContextValue): ContextEntry {
  return Array.isArray(value)
    ? { kind: 'multi', values: (value as readonly ContextScalar[]).map(scalarText) }
    : { kind: 'single', value: scalarText(value as ContextScalar) };
}

/**
 * Keys AWS puts in every request context from who is asking. They are added
 * only when the request does not give them, so a caller can still state them
 * (or contradict them, to test a policy against a situation).
 * aws:userid, aws:PrincipalOrgID, aws:PrincipalTag/* and aws:CurrentTime are
 * never derived: their values are not in the principal's ARN and a reference
 * evaluator must not read the clock.
 */
function derivedContext(caller: Caller): [string, string][] {
  const derived: [string, string][] = [];
  switch (caller.kind) {
    case 'aws': {
      // For a role session aws:PrincipalArn is the role's ARN, not the session's (global condition keys).
      const principalArn = caller.type === 'AssumedRole' ? (caller.roleArn ?? caller.arn) : caller.arn;
      derived.push(['aws:principalarn', principalArn]);
      if (caller.account !== '') derived.push(['aws:principalaccount', caller.account]);
      derived.push(['aws:principaltype', caller.type === 'Role' ? 'AssumedRole' : caller.type]);
      derived.push(['aws:principalisawsservice', 'false']);
      if (caller.userName !== undefined) derived.push(['aws:username', caller.userName]);
      return derived;
    }
    case 'service':
      derived.push(['aws:principalisawsservice', 'true'], ['aws:principalservicename', caller.service]);
      return derived;
    case 'anonymous':
      derived.push(['aws:principaltype', 'Anonymous']);
      return derived;
    case 'federated':
    case 'canonicalUser':
      return derived;
    default: {
      const unreachable: never = caller;
      return unreachable;
    }
  }
}

function accountOf(caller: Caller): string | undefined {
  return caller.kind === 'aws' && caller.account !== '' ? caller.account : undefined;
}

/** The account field of an ARN (the fifth), found without splitting the whole ARN. */
function arnAccount(text: string): string | undefined {
  if (!text.startsWith('arn:')) return undefined;
  let start = 0;
  for (let field = 0; field < 4; field++) {
    start = text.indexOf(':', start) + 1;
    if (start === 0) return undefined;
  }
  const end = text.indexOf(':', start);
  return end < 0 ? undefined : text.slice(start, end);
}

function defaultResourceAccount(resource: string, caller: Caller): string | undefined {
  const account = arnAccount(resource);
  if (account !== undefined && accountIdPattern.test(account)) return account;
  return accountOf(caller);
}

const derivedByCaller = new WeakMap<Caller, ReadonlyMap<string, ContextEntry>>();

function derivedEntries(caller: Caller): ReadonlyMap<string, ContextEntry> {
  let entries = derivedByCaller.get(caller);
  if (entries === undefined) {
    entries = new Map(
      derivedContext(caller).map(([key, value]) => [key, { kind: 'single', value }] as const),
    );
    derivedByCaller.set(caller, entries);
  }
  return entries;
}

/** Context keys lower-cased; requests repeat a small vocabulary of keys many times. */
const lowerCaseKeys = new Map<string, string>();
const keyCacheLimit = 10_000;

export function lowerCaseKey(key: string): string {
  let lower = lowerCaseKeys.get(key);
  if (lower === undefined) {
    if (lowerCaseKeys.size >= keyCacheLimit) lowerCaseKeys.clear();
    lower = key.toLowerCase();
    lowerCaseKeys.set(key, lower);
  }
  return lower;
}

/**
 * The request's own value of a lower-cased key; when it gives the key in
 * several cases, the last one written. A scan: contexts hold a handful of
 * keys, and most requests read none of them.
 */
function givenValue(context: EvaluationRequest['context'], key: string): ContextValue | undefined {
  let found: ContextValue | undefined;
  for (const given in context) {
    const value = context[given];
    if (value !== undefined && mayLowerCaseTo(given, key) && lowerCaseKey(given) === key) {
      checkContextValue(given, value);
      found = value;
    }
  }
  return found;
}

/**
 * Whether `text` lower-cased can be `lowerCase`, by length alone: lower-casing
 * keeps every UTF-16 length but that of U+0130 (İ), which becomes two units
 * (i and a combining dot). Spares most keys of a context the lookup of their
 * lower-cased form.
 */
function mayLowerCaseTo(text: string, lowerCase: string): boolean {
  return text.length === lowerCase.length || (text.length < lowerCase.length && text.includes('\u0130'));
}

export interface ActionText {
  readonly lowerCase: string;
  /** The lower-cased service prefix, before the first colon (the whole action without one). */
  readonly service: string;
}

/**
 * Actions read once per text: requests repeat a few actions, and the one
 * lower-cased string per action is then what every index is looked up with.
 */
const actionsByText = new Map<string, ActionText>();

export function actionOf(action: string): ActionText {
  let read = actionsByText.get(action);
  if (read === undefined) {
    if (actionsByText.size >= keyCacheLimit) actionsByText.clear();
    const lowerCase = action.toLowerCase();
    const colon = lowerCase.indexOf(':');
    read = { lowerCase, service: colon < 0 ? lowerCase : lowerCase.slice(0, colon) };
    actionsByText.set(action, read);
  }
  return read;
}

/**
 * A request read for evaluation, and its context: its own values, else the
 * caller's derived keys, else the resource's account. One object that is
 * its own context, with a method rather than a closure: every evaluation
 * makes one.
 */
class RequestReading implements NormalizedRequest, RequestContext {
  readonly context: RequestContext = this;

  constructor(
    readonly caller: Caller,
    readonly action: string,
    readonly actionLowerCase: string,
    readonly actionService: string,
    readonly resource: string,
    readonly resourceAccount: string | undefined,
    readonly managementAccount: string | undefined,
    private readonly given: EvaluationRequest['context'],
    private readonly derived: ReadonlyMap<string, ContextEntry>,
  ) {}

  get(key: string): ContextEntry | undefined {
    const value = givenValue(this.given, key);
    if (value !== undefined) return entryOf(value);
    const entry = this.derived.get(key);
    if (entry !== undefined || key !== 'aws:resourceaccount' || this.resourceAccount === undefined)
      return entry;
    return { kind: 'single', value: this.resourceAccount };
  }
}

/** The account that owns the request's resource (see EvaluationRequest.resourceAccount). */
export function resourceAccountOf(request: EvaluationRequest, caller: Caller): string | undefined {
  return request.resourceAccount ?? defaultResourceAccount(request.resource, caller);
}

/** The request read for evaluation, after checking its shape. */
export function normalizeRequest(request: EvaluationRequest): NormalizedRequest {
  checkRequest(request);
  return readRequest(request, callerOf(request.principal), actionOf(request.action));
}

/** normalizeRequest for a request already checked, with its principal and action already read. */
export function readRequest(
  request: EvaluationRequest,
  caller: Caller,
  action: ActionText,
): NormalizedRequest {
  return new RequestReading(
    caller,
    request.action,
    action.lowerCase,
    action.service,
    request.resource,
    resourceAccountOf(request, caller),
    request.managementAccount,
    request.context,
    derivedEntries(caller),
  );
}

/** The caller's account, for the same-account rules. */
export function callerAccount(caller: Caller): string | undefined {
  return accountOf(caller);
}
