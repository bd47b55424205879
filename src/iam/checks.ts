// The custom policy checks, with the request and response shapes of Access
// Analyzer's CheckNoNewAccess, CheckAccessNotGranted and CheckNoPublicAccess.
// Each check is one satisfiability question over every request: a model is a
// counterexample (replayed on the concrete request before it is returned),
// no model is a proof (PASS), a limit reached is UNKNOWN — never PASS.
import { literalGlob, type Glob, type GlobToken } from './encode/glob.js';
import {
  accountPrincipalsGlob,
  actionVariable,
  encodePolicy,
  keyVariable,
  principalTypeVariable,
  principalVariable,
  requestAxioms,
  resourceVariable,
  type EncodedPolicy,
  type VariableValues,
} from './encode/encode.js';
import {
  and,
  atom,
  holds,
  not,
  or,
  solve,
  type Assignment,
  type Formula,
  type Solution,
} from './encode/formula.js';
import { parseCidr, formatIp, type ValueTest } from './encode/values.js';
import type { Location, Policy } from './model.js';
import { parsePolicy } from './parse/policy.js';
import { parsePattern } from './parse/patterns.js';
import {
  isPublicAccessResourceType,
  publicAccessResourceTypes,
  publicIdentityProviders,
  resourceTypeServices,
  restrictingKeys,
  type PublicAccessResourceType,
  type RestrictingKey,
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

/** A concrete request that shows a FAIL, already replayed on the policies. */
export interface Counterexample {
  readonly principal?: { readonly type: string; readonly id: string };
  readonly action: string;
  readonly resource?: string;
  /** Condition keys the request carries; multi-valued keys hold arrays. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

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

type Parsed =
  | { readonly ok: true; readonly policy: Policy }
  | { readonly ok: false; readonly errors: readonly CheckInputError[] };

function parseDocument(field: string, text: string): Parsed {
  const parsed = parsePolicy(text);
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

/** A question over every request: the formula, and the policies a counterexample must be replayed on. */
interface Question {
  readonly build: (values: VariableValues | undefined) => {
    readonly formula: Formula;
    readonly setVariables: ReadonlySet<string>;
  };
  readonly referencedKeys: ReadonlySet<string>;
}

const freshVariableValue = 'keyaki-value';

/**
 * Solves with policy variables opaque; when a model cannot be realised, tries
 * fixing every referenced key to a fresh value or to absent. A model found
 * that way is real; failing all tries stays UNKNOWN.
 */
function decide(question: Question): { readonly solution: Solution; readonly formula: Formula } {
  const first = question.build(undefined);
  const solution = solve(first.formula, { setVariables: first.setVariables });
  if (solution.kind !== 'unknown' || question.referencedKeys.size === 0)
    return { solution, formula: first.formula };
  for (const value of [freshVariableValue, undefined]) {
    const values = new Map([...question.referencedKeys].map((key) => [key, value]));
    const fixed = question.build(values);
    const pinned = and([fixed.formula, ...[...values.keys()].map((key) => pinKey(key, value))]);
    const retry = solve(pinned, { setVariables: fixed.setVariables });
    if (retry.kind === 'sat') return { solution: retry, formula: pinned };
  }
  return { solution, formula: first.formula };
}

function pinKey(key: string, value: string | undefined): Formula {
  const present = atom({ kind: 'present', variable: keyVariable(key) });
  if (value === undefined) return not(present);
  return atom({
    kind: 'value',
    variable: keyVariable(key),
    quantifier: 'one',
    tests: [{ kind: 'glob', glob: literalGlob(value) }],
  });
}

function counterexampleOf(model: Assignment): Counterexample {
  const context: Record<string, string | readonly string[]> = {};
  for (const [variable, values] of model) {
    if (!variable.startsWith('key:')) continue;
    context[variable.slice('key:'.length)] = values.length === 1 ? (values[0] ?? '') : values;
  }
  const type = model.get(principalTypeVariable)?.[0];
  const id = model.get(principalVariable)?.[0];
  return {
    ...(type === undefined ? {} : { principal: { type, id: id ?? '' } }),
    action: model.get(actionVariable)?.[0] ?? '',
    ...(model.has(resourceVariable) ? { resource: model.get(resourceVariable)?.[0] ?? '' } : {}),
    context,
  };
}

/** INVARIANT: a counterexample is only returned when the replay agrees; anything else is a bug. */
function confirmed(formula: Formula, model: Assignment): Counterexample {
  if (!holds(formula, model))
    throw new Error('internal error: a counterexample was not confirmed by replaying it');
  return counterexampleOf(model);
}

function unknown(reason: string): CheckResponse {
  return {
    result: 'UNKNOWN',
    message: `the engine could not decide: ${reason}`,
    reasons: [],
    unknownReason: reason,
  };
}

function reasonFor(policy: EncodedPolicy, index: number, description: string): ReasonSummary {
  const statement = policy.statements[index]?.statement;
  return {
    description,
    statementIndex: statement?.index ?? index,
    ...(statement?.sid === undefined ? {} : { statementId: statement.sid }),
  };
}

/** The statements of `policy` whose Allow takes part in some model of `formula`. */
function blamedStatements(
  policy: EncodedPolicy,
  formula: Formula,
  setVariables: ReadonlySet<string>,
): number[] {
  const blamed: number[] = [];
  policy.statements.forEach(({ statement, matches }, index) => {
    if (statement.effect !== 'Allow') return;
    if (solve(and([formula, matches]), { setVariables }).kind === 'sat') blamed.push(index);
  });
  return blamed;
}

function union(...sets: readonly ReadonlySet<string>[]): Set<string> {
  return new Set(sets.flatMap((set) => [...set]));
}

function fail(
  policy: EncodedPolicy,
  formula: Formula,
  setVariables: ReadonlySet<string>,
  model: Assignment,
  message: string,
  describe: (index: number) => string,
): CheckResponse & { result: 'FAIL' } {
  const counterexample = confirmed(formula, model);
  const blamed = blamedStatements(policy, formula, setVariables);
  return {
    result: 'FAIL',
    message,
    reasons: blamed.map((index) => reasonFor(policy, index, describe(index))),
    counterexample,
  };
}

/** Patterns given in a check's request (`access`), parsed the way policy Action/Resource entries are. */
function accessPattern(raw: string) {
  const parsed = parsePattern(raw, { wildcards: true, variables: false });
  return parsed.ok ? parsed.pattern : { raw, parts: [{ kind: 'literal' as const, text: raw }] };
}

function encodeAccessAsPolicy(access: Access): Policy {
  const location: Location = {
    path: [],
    span: { start: { line: 1, column: 0, offset: 0 }, end: { line: 1, column: 0, offset: 0 } },
  };
  const entries = (values: readonly string[]) =>
    values.map((value) => ({ pattern: accessPattern(value), location }));
  return {
    version: '2012-10-17',
    location,
    statements: [
      {
        index: 0,
        effect: 'Allow',
        action:
          access.actions === undefined || access.actions.length === 0
            ? { kind: 'Action', entries: entries(['*']), location }
            : { kind: 'Action', entries: entries(access.actions), location },
        ...(access.resources === undefined || access.resources.length === 0
          ? {}
          : { resource: { kind: 'Resource' as const, entries: entries(access.resources), location } }),
        conditions: [],
        location,
      },
    ],
  };
}

/**
 * What the new access is, entry by entry: find a model, name the Action and
 * Resource entries of the statement it falls in, exclude that pair, repeat.
 * One search per piece of new access, not one per pair of entries.
 */
function newAccessSummary(
  fresh: EncodedPolicy,
  question: Formula,
  setVariables: ReadonlySet<string>,
  blamed: readonly number[],
): NewAccess[] {
  const summary: NewAccess[] = [];
  const perStatement = 16;
  for (const index of blamed) {
    const statement = fresh.statements[index];
    if (statement === undefined) continue;
    const { action, resource } = statement.statement;
    const actionEntries =
      action.kind === 'Action'
        ? action.entries.map((entry) => ({
            raw: entry.pattern.raw,
            matches: patternAtom(entry.pattern.raw, true),
          }))
        : [];
    const resourceEntries =
      resource?.kind === 'Resource'
        ? resource.entries.map((entry) => ({
            raw: entry.pattern.raw,
            matches: patternAtom(entry.pattern.raw, false),
          }))
        : [];
    const excluded: Formula[] = [];
    for (let found = 0; found < perStatement; found++) {
      const narrowed = and([question, statement.matches, ...excluded.map(not)]);
      const solution = solve(narrowed, { setVariables });
      if (solution.kind !== 'sat') break;
      const example = confirmed(narrowed, solution.model);
      const actionEntry = actionEntries.find((entry) => holds(entry.matches, solution.model));
      const resourceEntry = resourceEntries.find((entry) => holds(entry.matches, solution.model));
      summary.push({
        statementIndex: statement.statement.index,
        actions:
          actionEntry?.raw ?? `${action.kind} ${action.entries.map((entry) => entry.pattern.raw).join(', ')}`,
        resources:
          resourceEntry?.raw ??
          (resource === undefined
            ? '*'
            : `${resource.kind} ${resource.entries.map((entry) => entry.pattern.raw).join(', ')}`),
        example,
      });
      // NotAction/NotResource statements have no entry to exclude: one example says it.
      if (actionEntry === undefined && resourceEntry === undefined) break;
      excluded.push(and([actionEntry?.matches ?? and([]), resourceEntry?.matches ?? and([])]));
    }
  }
  return summary;
}

/** The variable matches one entry as written (re-encoded through a one-statement policy so ARN rules apply). */
function patternAtom(raw: string, isAction: boolean): Formula {
  const policy = encodePolicy(
    encodeAccessAsPolicy(isAction ? { actions: [raw] } : { actions: ['*'], resources: [raw] }),
  );
  return policy.statements[0]?.matches ?? and([]);
}

export interface CheckNoNewAccessOptions {
  /** Compute `newAccess`, the entry-by-entry summary of a FAIL (one search per piece of new access). Default true. */
  readonly summarize?: boolean;
}

export function checkNoNewAccess(
  request: CheckNoNewAccessRequest,
  options: CheckNoNewAccessOptions = {},
): CheckOutcome {
  const existing = parseDocument('existingPolicyDocument', request.existingPolicyDocument);
  const updated = parseDocument('newPolicyDocument', request.newPolicyDocument);
  if (!existing.ok || !updated.ok)
    return {
      ok: false,
      errors: [...(existing.ok ? [] : existing.errors), ...(updated.ok ? [] : updated.errors)],
    };
  const encodedOld = encodePolicy(existing.policy);
  const encodedNew = encodePolicy(updated.policy);
  const question: Question = {
    build: (values) => {
      const before = encodePolicy(existing.policy, { variableValues: values });
      const after = encodePolicy(updated.policy, { variableValues: values });
      return {
        formula: and([after.allows, not(before.allows), requestAxioms()]),
        setVariables: union(before.setVariables, after.setVariables),
      };
    },
    referencedKeys: union(encodedOld.referencedKeys, encodedNew.referencedKeys),
  };
  const { solution, formula } = decide(question);
  switch (solution.kind) {
    case 'unsat':
      return {
        ok: true,
        response: {
          result: 'PASS',
          message: 'the new policy grants no access the existing policy does not',
          reasons: [],
        },
      };
    case 'unknown':
      return { ok: true, response: unknown(solution.reason) };
    case 'sat': {
      const setVariables = union(encodedOld.setVariables, encodedNew.setVariables);
      const response = fail(
        encodedNew,
        formula,
        setVariables,
        solution.model,
        'the new policy grants new access',
        (index) =>
          `New access in the statement with index: ${encodedNew.statements[index]?.statement.index ?? index}`,
      );
      const blamed = response.reasons.map((reason) =>
        encodedNew.statements.findIndex(({ statement }) => statement.index === reason.statementIndex),
      );
      if (options.summarize === false) return { ok: true, response };
      return {
        ok: true,
        response: { ...response, newAccess: newAccessSummary(encodedNew, formula, setVariables, blamed) },
      };
    }
    default:
      return solution satisfies never;
  }
}

export function checkAccessNotGranted(request: CheckAccessNotGrantedRequest): CheckOutcome {
  const parsed = parseDocument('policyDocument', request.policyDocument);
  if (!parsed.ok) return parsed;
  if (request.access.length === 0)
    return {
      ok: false,
      errors: [{ field: 'access', message: 'access: give at least one entry of actions or resources' }],
    };
  const encoded = encodePolicy(parsed.policy);
  const accessed = or(request.access.map((access) => encodePolicy(encodeAccessAsPolicy(access)).allows));
  const question: Question = {
    build: (values) => {
      const policy = encodePolicy(parsed.policy, { variableValues: values });
      return { formula: and([policy.allows, accessed, requestAxioms()]), setVariables: policy.setVariables };
    },
    referencedKeys: encoded.referencedKeys,
  };
  const { solution, formula } = decide(question);
  switch (solution.kind) {
    case 'unsat':
      return {
        ok: true,
        response: { result: 'PASS', message: 'the policy does not grant the specified access', reasons: [] },
      };
    case 'unknown':
      return { ok: true, response: unknown(solution.reason) };
    case 'sat':
      return {
        ok: true,
        response: fail(
          encoded,
          formula,
          encoded.setVariables,
          solution.model,
          'the policy grants the specified access',
          (index) =>
            `One of the specified actions or resources is granted in the statement with index: ${encoded.statements[index]?.statement.index ?? index}`,
        ),
      };
    default:
      return solution satisfies never;
  }
}

const freshIdentifier = 'keyaki-outsider';

/** An account id that no policy text mentions: the outsider's account. */
function outsiderAccount(text: string): string {
  for (let candidate = 999_999_999_999; ; candidate -= 111_111_111) {
    const account = String(candidate).padStart(12, '0');
    if (!text.includes(account)) return account;
  }
}

function globTest(glob: Glob): ValueTest {
  return { kind: 'glob', glob };
}

/** An IPv4 address outside every block of the policy narrower than /0. */
function outsiderIp(text: string): string {
  const blocks = [...text.matchAll(/\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(\/\d{1,2})?/g)].flatMap((match) => {
    const range = parseCidr(match[0]);
    return range === undefined || (range.kind === 'ip' && range.low === 0n && range.high === 2n ** 32n - 1n)
      ? []
      : [range];
  });
  for (let first = 1n; first < 224n; first++) {
    const value = (first << 24n) | 1n;
    if (!blocks.some((block) => block.kind === 'ip' && value >= block.low && value <= block.high))
      return formatIp({ family: 4, value });
  }
  return '203.0.113.1';
}

function outsiderKey(key: RestrictingKey, account: string, text: string): Formula {
  const variable = keyVariable(key.key);
  const segment: GlobToken = { kind: 'star', cls: 'seg' };
  const textTokens = (chars: string): GlobToken[] => [...chars].map((char) => ({ kind: 'char', char }));
  const arnInAccount: Glob = {
    tokens: [
      ...textTokens('arn:'),
      segment,
      ...textTokens(':'),
      segment,
      ...textTokens(':'),
      segment,
      ...textTokens(`:${account}:`),
      { kind: 'star', cls: 'any' },
    ],
    ignoreCase: false,
  };
  const value: Glob = (() => {
    switch (key.outsider) {
      case 'account':
        return literalGlob(account);
      case 'arn-in-account':
        return arnInAccount;
      case 'identifier':
        return literalGlob(freshIdentifier);
      case 'ip':
        return literalGlob(outsiderIp(text));
      case 'false':
        return literalGlob('false');
      default:
        return key.outsider satisfies never;
    }
  })();
  const present = atom({ kind: 'present', variable });
  return or([
    not(present),
    atom({ kind: 'value', variable, quantifier: key.multiValued ? 'all' : 'one', tests: [globTest(value)] }),
  ]);
}

/** Who counts as the public: anonymous, any principal of an unnamed account, or anyone signing in with a public identity provider. */
function outsiderPrincipal(account: string): Formula {
  const kind = (name: string): Formula =>
    atom({
      kind: 'value',
      variable: principalTypeVariable,
      quantifier: 'one',
      tests: [globTest(literalGlob(name))],
    });
  const principal = (glob: Glob): Formula =>
    atom({ kind: 'value', variable: principalVariable, quantifier: 'one', tests: [globTest(glob)] });
  return or([
    kind('Anonymous'),
    and([
      kind('AWS'),
      principal(accountPrincipalsGlob([...account].map((char) => ({ kind: 'char', char })))),
    ]),
    and([kind('Federated'), or(publicIdentityProviders.map((provider) => principal(literalGlob(provider))))]),
  ]);
}

export function checkNoPublicAccess(request: CheckNoPublicAccessRequest): CheckOutcome {
  if (!isPublicAccessResourceType(request.resourceType))
    return {
      ok: false,
      errors: [
        {
          field: 'resourceType',
          message: `resourceType: unsupported resource type \`${request.resourceType}\`: expected one of ${publicAccessResourceTypes.join(', ')}`,
        },
      ],
    };
  const parsed = parseDocument('policyDocument', request.policyDocument);
  if (!parsed.ok) return parsed;
  const resourceType: PublicAccessResourceType = request.resourceType;
  const encoded = encodePolicy(parsed.policy);
  const account = outsiderAccount(request.policyDocument);
  const services = resourceTypeServices[resourceType];
  const serviceActions = encodePolicy(
    encodeAccessAsPolicy({ actions: services.map((service) => `${service}:*`) }),
  ).allows;
  const question: Question = {
    build: (values) => {
      const policy = encodePolicy(parsed.policy, { variableValues: values });
      return {
        formula: and([
          policy.allows,
          serviceActions,
          outsiderPrincipal(account),
          ...restrictingKeys.map((key) => outsiderKey(key, account, request.policyDocument)),
          requestAxioms(),
        ]),
        setVariables: union(
          policy.setVariables,
          new Set(restrictingKeys.filter((key) => key.multiValued).map((key) => keyVariable(key.key))),
        ),
      };
    },
    referencedKeys: encoded.referencedKeys,
  };
  const { solution, formula } = decide(question);
  switch (solution.kind) {
    case 'unsat':
      return {
        ok: true,
        response: {
          result: 'PASS',
          message: `the resource policy does not grant public access for the resource type ${resourceType}`,
          reasons: [],
        },
      };
    case 'unknown':
      return { ok: true, response: unknown(solution.reason) };
    case 'sat':
      return {
        ok: true,
        response: fail(
          encoded,
          formula,
          question.build(undefined).setVariables,
          solution.model,
          `the resource policy grants public access for the resource type ${resourceType}`,
          (index) =>
            `Public access granted in the following statement with index: ${encoded.statements[index]?.statement.index ?? index}`,
        ),
      };
    default:
      return solution satisfies never;
  }
}
