// Policies become formulas over the request (request.ts): a statement
// matches when its principal, action, resource and every condition do; a
// policy allows when some Allow statement matches and no Deny statement does.
//
// Policies that are compared are encoded together, so that they agree on
// which keys exist and how each is typed. Strings range over all strings, so
// an answer also holds for actions and resources AWS adds later.
//
// Exact except where `Encoding.exact` is false: a test the logic cannot state
// (a key read both as text and as a number, a policy variable under
// IgnoreCase or inside a multi-valued key's test) becomes a free Boolean of
// its own. The same test is the same Boolean everywhere, so every real
// request still satisfies the formula with that Boolean set to its real
// value: UNSAT stays a proof, while a model may not be a real request.
import { operatorInfo, type OperatorFamily } from '../conditions.js';
import type {
  Condition,
  ConditionValue,
  Pattern,
  PatternPart,
  Policy,
  PrincipalElement,
  PrincipalEntry,
  Statement,
} from '../model.js';
import {
  and,
  ANY_CHAR,
  boolAtom,
  charClass,
  compare,
  concat,
  equals,
  FALSE,
  glob,
  implies,
  inCidr,
  literal,
  matches,
  not,
  notChars,
  or,
  star,
  template,
  TRUE,
  union,
  variable,
  type Comparison,
  type Formula,
  type Regex,
  type ScalarSort,
  type Subject,
  type TemplatePart,
  type Variable,
} from '../../logic/index.js';
import {
  action,
  keyPresence,
  keyVariable,
  principal,
  principalIs,
  accountArnPrefix,
  accountArnSuffix,
  arnsOfAccount,
  everyValue,
  principalsOfAccount,
  principalType,
  requestAxioms,
  sessionRoleArn,
  resource,
  someValue,
  userArnPrefix,
  type KeyInfo,
  type KeyTable,
  type KeyType,
} from './request.js';
import { base64Spellings, parseCidr, parseDate, parseNumber } from './values.js';

export interface EncodedStatement {
  readonly statement: Statement;
  /** The request matches the statement's principal, resource and conditions: everything but the action. */
  readonly scope: Formula;
  /** The request matches the statement's principal, action, resource and conditions. */
  readonly matches: Formula;
}

export interface EncodedPolicy {
  readonly policy: Policy;
  readonly statements: readonly EncodedStatement[];
  /** Some Allow statement matches. */
  readonly granted: Formula;
  /** Some Deny statement matches. */
  readonly denied: Formula;
  /** `granted ∧ ¬denied`. */
  readonly allows: Formula;
}

export interface Encoding {
  /** In the order given. */
  readonly policies: readonly EncodedPolicy[];
  readonly keys: KeyTable;
  /** What every real request satisfies (request axioms and the keys AWS derives from the principal). */
  readonly axioms: Formula;
  /** False when some test encoded so far became a free Boolean: then a model is a candidate, not yet a request. */
  readonly exact: boolean;
}

export interface EncodeOptions {
  /** Keys the question reads beyond those of the policies, e.g. the keys that restrict public access. */
  readonly extraKeys?: readonly KeyInfo[];
}

/** Keys that the encoding reads off `principal` instead of holding them as variables. */
const principalArnKey = 'aws:principalarn';
const principalAccountKey = 'aws:principalaccount';

function isDerived(key: string): boolean {
  return key === principalArnKey || key === principalAccountKey;
}

function typeOfFamily(family: OperatorFamily): KeyType | undefined {
  switch (family) {
    case 'string':
    case 'arn':
    case 'bool':
    case 'binary':
      return 'string';
    case 'numeric':
      return 'number';
    case 'date':
      return 'date';
    case 'ip':
      return 'ip';
    case 'null':
      return undefined;
    default:
      return family satisfies never;
  }
}

function hasVariables(pattern: Pattern): boolean {
  for (const part of pattern.parts) if (part.kind === 'variable') return true;
  return false;
}

function variableKeys(pattern: Pattern): string[] {
  const keys: string[] = [];
  for (const part of pattern.parts) if (part.kind === 'variable') keys.push(part.key.toLowerCase());
  return keys;
}

/**
 * Types every key from the operators that read it; a key read with two types
 * keeps `string` (or the first) and the other tests become free Booleans.
 * Keys only read by Null or as policy variables are strings.
 */
export function keyTableOf(policies: readonly Policy[], extraKeys: readonly KeyInfo[] = []): KeyTable {
  const types = new Map<string, KeyType[]>();
  const multiValued = new Set<string>();
  const asVariables = new Set<string>();
  // Per multi-valued key: how many tests read it with a set operator, and whether one reads policy variables.
  const quantified = new Map<string, { tests: number; variables: boolean }>();
  const note = (key: string, type: KeyType | undefined): void => {
    let list = types.get(key);
    if (list === undefined) types.set(key, (list = []));
    if (type !== undefined && !list.includes(type)) list.push(type);
  };
  for (const extra of extraKeys) {
    note(extra.key, extra.type);
    if (extra.multiValued) multiValued.add(extra.key);
  }
  for (const policy of policies) {
    for (const statement of policy.statements) {
      for (const entry of statement.resource?.entries ?? []) {
        if (!hasVariables(entry.pattern)) continue;
        for (const key of variableKeys(entry.pattern)) {
          note(key, 'string');
          asVariables.add(key);
        }
      }
      for (const condition of statement.conditions) {
        const key = condition.key.toLowerCase();
        note(key, typeOfFamily(operatorInfo(condition.operator).family));
        if (condition.operator.setOperator !== undefined) {
          multiValued.add(key);
          const seen = quantified.get(key) ?? { tests: 0, variables: false };
          const variables = condition.values.some((value) => hasVariables(value.pattern));
          quantified.set(key, { tests: seen.tests + 1, variables: seen.variables || variables });
        }
        for (const value of condition.values) {
          if (!hasVariables(value.pattern)) continue;
          for (const referenced of variableKeys(value.pattern)) {
            note(referenced, 'string');
            asVariables.add(referenced);
          }
        }
      }
    }
  }
  const table = new Map<string, KeyInfo>();
  for (const [key, list] of types) {
    const type = list.includes('string') ? 'string' : (list[0] ?? 'string');
    const multi = multiValued.has(key) && !isDerived(key);
    const usage = quantified.get(key);
    // One slot per quantified test, one for presence, one for a test the question adds (public access).
    const slots = multi && usage?.variables === true ? usage.tests + 2 : undefined;
    table.set(key, {
      key,
      type,
      multiValued: multi,
      ...(slots === undefined ? {} : { slots }),
      ...(asVariables.has(key) ? { variable: true } : {}),
    });
  }
  return table;
}

interface Context {
  readonly keys: KeyTable;
  inexact: boolean;
  /** Building a quantifier body, which may only test the element: a free test cannot go there. */
  inElement: boolean;
}

/** A test inside a quantifier body that the logic cannot state: the whole condition becomes free. */
class NotStatableInBody extends Error {}

/**
 * A test the logic cannot state: a free Boolean, one per distinct test. Two
 * tests share the Boolean exactly when their descriptions are equal, so a
 * description names everything the test's outcome depends on, as JSON (which
 * no value can make ambiguous): sharing between different tests would tie
 * their outcomes together and could hide new access, a wrong PASS.
 */
function freeTest(context: Context, description: readonly unknown[]): Formula {
  const text = JSON.stringify(description);
  if (context.inElement) throw new NotStatableInBody(text);
  context.inexact = true;
  return boolAtom(variable(`free:${text}`, 'bool'));
}

/** What a subject is, for a free test's description: its variable, or an element (inside a quantifier). */
function subjectName(subject: Subject<ScalarSort>): string | null {
  return subject.kind === 'variable' ? subject.name : null;
}

const COLON = 58;
const notColon = notChars([[COLON, COLON]]);
const digit = charClass([[48, 57]]);
const twelveDigits = concat(Array<Regex>(12).fill(digit));

interface PatternMode {
  /** ARN matching: wildcards stay inside the first five colon-separated fields. */
  readonly arn: boolean;
  readonly caseInsensitive: boolean;
  /** Wildcards never match a colon (an account id, read off an ARN field). */
  readonly colonFree?: boolean;
}

function colonsIn(text: string): number {
  let count = 0;
  for (let index = text.indexOf(':'); index >= 0; index = text.indexOf(':', index + 1)) count++;
  return count;
}

function literalColons(parts: readonly PatternPart[]): number {
  let count = 0;
  for (const part of parts) if (part.kind === 'literal') count += colonsIn(part.text);
  return count;
}

/** The pattern as template parts, policy variables read from `values` (a key → its text or variable). */
function patternParts(
  parts: readonly PatternPart[],
  mode: PatternMode,
  values: ReadonlyMap<string, string | Variable<'string'> | undefined>,
): TemplatePart[] | undefined {
  const segmented = mode.arn && literalColons(parts) >= 5;
  const result: TemplatePart[] = [];
  let pending: Regex[] = [];
  let colons = 0;
  const flush = (): void => {
    if (pending.length > 0) result.push({ kind: 'regex', regex: concat(pending) });
    pending = [];
  };
  const pushText = (text: string): void => {
    pending.push(literal(text, { caseInsensitive: mode.caseInsensitive }));
    colons += colonsIn(text);
  };
  for (const part of parts) {
    switch (part.kind) {
      case 'literal':
        pushText(part.text);
        break;
      case 'wildcard': {
        const wildcard = (segmented && colons < 5) || mode.colonFree === true ? notColon : ANY_CHAR;
        pending.push(part.wildcard === '*' ? star(wildcard) : wildcard);
        break;
      }
      case 'variable': {
        const value = values.get(part.key.toLowerCase());
        if (value === undefined) return undefined;
        if (typeof value === 'string') pushText(value);
        else {
          flush();
          result.push(value);
        }
        break;
      }
      default:
        return part satisfies never;
    }
  }
  flush();
  return result;
}

const noValues: ReadonlyMap<string, string | Variable<'string'> | undefined> = new Map();

function patternRegex(pattern: Pattern, mode: PatternMode): Regex {
  const parts = patternParts(pattern.parts, mode, noValues) ?? [];
  return concat(parts.map((part) => (part.kind === 'regex' ? part.regex : ANY_CHAR)));
}

/** The key a policy variable reads as a string variable, or undefined when it cannot be one. */
function policyVariable(
  key: string,
  context: Context,
): { info: KeyInfo; handle: Variable<'string'> } | undefined {
  const info = context.keys.get(key);
  if (info === undefined || info.multiValued || info.type !== 'string') return undefined;
  return { info, handle: variable(`key:${key}`, 'string') };
}

/**
 * The pattern under every presence of the keys its policy variables read: a
 * variable is its key's value when the request carries the key, else its
 * default; with neither the case matches nothing ("if the key is not
 * present, the policy element does not match"). `test` states one case from
 * the pattern's parts and the key variables they read. Undefined when a
 * variable's key cannot be read as one string.
 */
function variableCases(
  pattern: Pattern,
  mode: PatternMode,
  context: Context,
  test: (parts: TemplatePart[], read: Variable<'string'>[]) => Formula,
): Formula | undefined {
  const keys = [...new Set(variableKeys(pattern))];
  const readable = keys.map((key) => policyVariable(key, context));
  if (readable.some((entry) => entry === undefined)) return undefined;
  const cases: Formula[] = [];
  // Each referenced key present or absent: 2^n cases, n is almost always 0 or 1.
  for (let mask = 0; mask < 1 << keys.length; mask++) {
    const values = new Map<string, string | Variable<'string'> | undefined>();
    const presence: Formula[] = [];
    const read: Variable<'string'>[] = [];
    keys.forEach((key, index) => {
      const entry = readable[index] as { info: KeyInfo; handle: Variable<'string'> };
      const present = (mask & (1 << index)) !== 0;
      presence.push(present ? keyPresence(entry.info) : not(keyPresence(entry.info)));
      if (present) read.push(entry.handle);
      values.set(key, present ? entry.handle : defaultOf(pattern, key));
    });
    const parts = patternParts(pattern.parts, mode, values);
    if (parts !== undefined) cases.push(and(...presence, test(parts, read)));
  }
  return or(...cases);
}

function defaultOf(pattern: Pattern, key: string): string | undefined {
  const part = pattern.parts.find((entry) => entry.kind === 'variable' && entry.key.toLowerCase() === key);
  return part?.kind === 'variable' ? part.defaultValue : undefined;
}

/** `subject` is in the concatenation of `parts`: a regex atom when no part is a variable. */
function templateOrMatch(subject: Variable<'string'>, parts: readonly TemplatePart[]): Formula {
  return parts.some((part) => part.kind === 'variable')
    ? template(subject, parts)
    : matches(subject, concat(parts.map((part) => (part.kind === 'regex' ? part.regex : ANY_CHAR))));
}

/** `subject` matches `pattern`, policy variables read as `variableCases` says. */
function patternMatches(
  subject: Subject<'string'>,
  pattern: Pattern,
  mode: PatternMode,
  context: Context,
): Formula {
  if (!hasVariables(pattern)) return matches(subject, patternRegex(pattern, mode));
  const describe = [
    'matches',
    subjectName(subject),
    mode.arn,
    mode.caseInsensitive,
    mode.colonFree === true,
    pattern.parts,
  ];
  if (subject.kind !== 'variable' || mode.caseInsensitive) return freeTest(context, describe);
  return (
    variableCases(pattern, mode, context, (parts) => templateOrMatch(subject, parts)) ??
    freeTest(context, describe)
  );
}

function anyPattern(
  subject: Subject<'string'>,
  patterns: readonly Pattern[],
  mode: PatternMode,
  context: Context,
): Formula {
  const plain = patterns.filter((pattern) => !hasVariables(pattern));
  const withVariables = patterns.filter(hasVariables);
  // One atom for every plain entry: the automaton of the union decides them together.
  const direct =
    plain.length === 0 ? FALSE : matches(subject, union(plain.map((pattern) => patternRegex(pattern, mode))));
  return or(direct, ...withVariables.map((pattern) => patternMatches(subject, pattern, mode, context)));
}

const digits = (text: string): boolean => /^\d{12}$/.test(text);
const accountRoot = /^arn:[^:]+:iam::(\d{12}):root$/;
const roleArn = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

function awsEntry(value: string): Formula {
  if (value === '*') return TRUE;
  const account = digits(value) ? value : accountRoot.exec(value)?.[1];
  if (account !== undefined)
    return and(principalIs('AWS'), matches(principal, principalsOfAccount(literal(account))));
  const role = roleArn.exec(value);
  // A role names its sessions too: `arn:P:sts::A:assumed-role/NAME/SESSION`.
  const sessions =
    role === null
      ? FALSE
      : matches(
          principal,
          concat([literal(`arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/`), star(ANY_CHAR)]),
        );
  return and(principalIs('AWS'), or(equals(principal, value), sessions));
}

function principalEntry(entry: PrincipalEntry): Formula {
  switch (entry.type) {
    case 'AWS':
      return awsEntry(entry.value);
    case 'Service':
    case 'Federated':
    case 'CanonicalUser':
      return and(principalIs(entry.type), entry.value === '*' ? TRUE : equals(principal, entry.value));
    default:
      return entry.type satisfies never;
  }
}

function principalMatches(element: PrincipalElement | undefined): Formula {
  if (element === undefined) return TRUE;
  const named = element.value.kind === 'everyone' ? TRUE : or(...element.value.entries.map(principalEntry));
  return element.kind === 'Principal' ? named : not(named);
}

const comparisons: Partial<Record<string, Comparison>> = {
  NumericLessThan: '<',
  NumericLessThanEquals: '<=',
  NumericGreaterThan: '>',
  NumericGreaterThanEquals: '>=',
  DateLessThan: '<',
  DateLessThanEquals: '<=',
  DateGreaterThan: '>',
  DateGreaterThanEquals: '>=',
};

/** The subject of a condition's tests: the key's variable, a set element, or the principal for derived keys. */
type Tested =
  | { readonly sort: 'string'; readonly subject: Subject<'string'> }
  | { readonly sort: 'number'; readonly subject: Subject<'number'> }
  | { readonly sort: 'ip'; readonly subject: Subject<'ip'> };

/** One policy value in the operator's positive sense (StringNotEquals asks StringEquals). */
function valueTest(condition: Condition, value: ConditionValue, tested: Tested, context: Context): Formula {
  const family = operatorInfo(condition.operator).family;
  const text = String(value.value);
  const describe = [
    'value',
    condition.operator.base,
    condition.key.toLowerCase(),
    subjectName(tested.subject),
    typeof value.value,
    value.pattern.parts,
  ];
  switch (family) {
    case 'string':
    case 'arn':
    case 'bool': {
      if (tested.sort !== 'string') return freeTest(context, describe);
      const caseInsensitive = family === 'bool' || condition.operator.base.includes('IgnoreCase');
      return patternMatches(
        tested.subject,
        value.pattern,
        { arn: family === 'arn', caseInsensitive },
        context,
      );
    }
    case 'binary': {
      if (tested.sort !== 'string') return freeTest(context, describe);
      const spellings = base64Spellings(text);
      return spellings === undefined ? equals(tested.subject, text) : matches(tested.subject, spellings);
    }
    case 'numeric':
    case 'date': {
      if (tested.sort !== 'number') return freeTest(context, describe);
      const bound = family === 'numeric' ? parseNumber(text) : parseDate(text);
      return bound === undefined
        ? FALSE
        : compare(tested.subject, comparisons[condition.operator.base] ?? '=', bound);
    }
    case 'ip': {
      if (tested.sort !== 'ip') return freeTest(context, describe);
      const cidr = parseCidr(text);
      return cidr === undefined ? FALSE : inCidr(tested.subject, cidr.address, cidr.prefixLength);
    }
    case 'null':
      return FALSE;
    default:
      return family satisfies never;
  }
}

function testedOf(info: KeyInfo, subject: Variable | { kind: 'element' }): Tested {
  switch (info.type) {
    case 'string':
      return { sort: 'string', subject: subject as Subject<'string'> };
    case 'number':
    case 'date':
      return { sort: 'number', subject: subject as Subject<'number'> };
    case 'ip':
      return { sort: 'ip', subject: subject as Subject<'ip'> };
    default:
      return info.type satisfies never;
  }
}

/**
 * An account's principals, the account given as a pattern: aws:PrincipalAccount
 * read off the principal's ARN. An account id has no colon, so a value with
 * one names no account, and a policy variable names one only when its value
 * has none — which also keeps the ARN's fields where they are.
 */
function accountTest(value: ConditionValue, condition: Condition, context: Context): Formula {
  const family = operatorInfo(condition.operator).family;
  const caseInsensitive = condition.operator.base.includes('IgnoreCase');
  const { parts } = value.pattern;
  const hasVariables = parts.some((part) => part.kind === 'variable');
  const describe = [
    'account',
    condition.operator.base,
    condition.key.toLowerCase(),
    typeof value.value,
    value.pattern.parts,
  ];
  if (family !== 'string' || (hasVariables && caseInsensitive)) return freeTest(context, describe);
  if (parts.some((part) => part.kind === 'literal' && part.text.includes(':'))) return FALSE;
  if (parts.some((part) => part.kind === 'variable' && part.defaultValue?.includes(':') === true)) {
    return freeTest(context, describe);
  }
  const mode = { arn: false, caseInsensitive, colonFree: true };
  const account = accountVariable(context.keys);
  return (
    variableCases(value.pattern, mode, context, (inner, read) => {
      const [only] = inner;
      // A value that is the whole account is one of twelve digits, as every account id.
      const digits = read.map((handle) =>
        matches(handle, inner.length === 1 ? twelveDigits : star(notColon)),
      );
      // A value that is one variable equals aws:PrincipalAccount when its axiom holds (this test is
      // only read for AWS principals, whose ARN's fifth field that key is): an equality between two
      // keys, which the engine relates to other tests of them without reading the ARN.
      if (inner.length === 1 && only?.kind === 'variable' && account !== undefined)
        return and(...digits, only.name === account.name ? TRUE : template(account, [only]));
      return and(
        ...digits,
        templateOrMatch(principal, [
          { kind: 'regex', regex: accountArnPrefix },
          ...inner,
          { kind: 'regex', regex: accountArnSuffix },
        ]),
      );
    }) ?? freeTest(context, describe)
  );
}

/** aws:PrincipalAccount's variable when `derivedKeyAxioms` ties it to the principal's ARN. */
function accountVariable(keys: KeyTable): Variable<'string'> | undefined {
  return singleKey(keys, principalAccountKey)?.value;
}

/** A key read as one string (not a set, not a number): its variable. */
function singleKey(keys: KeyTable, key: string): { info: KeyInfo; value: Variable<'string'> } | undefined {
  const info = keys.get(key);
  return info === undefined || info.multiValued || info.type !== 'string'
    ? undefined
    : { info, value: variable(`key:${key}`, 'string') };
}

/**
 * One condition as AWS evaluates it: an absent key fails a positive operator
 * and passes a negated one; IfExists passes an absent key; ForAllValues holds
 * for an absent key, ForAnyValue fails; Null tests presence itself.
 */
function conditionHolds(condition: Condition, context: Context): Formula {
  const key = condition.key.toLowerCase();
  const info = operatorInfo(condition.operator);
  const { setOperator, ifExists } = condition.operator;
  const derived = isDerived(key);
  const keyInfo = context.keys.get(key) as KeyInfo;
  const present = derived ? principalIs('AWS') : keyPresence(keyInfo);
  if (info.family === 'null') {
    // `true` tests absence, `false` presence; any other value matches nothing, as the evaluator reads it.
    const tests: Readonly<Record<string, Formula>> = { true: not(present), false: present };
    return or(...condition.values.map((value) => tests[String(value.value).toLowerCase()] ?? FALSE));
  }
  const negate = (formula: Formula): Formula => (info.negated ? not(formula) : formula);
  const matchesOne = (tested: Tested | 'account'): Formula =>
    or(
      ...condition.values.map((value) =>
        tested === 'account'
          ? accountTest(value, condition, context)
          : valueTest(condition, value, tested, context),
      ),
    );
  let result: Formula;
  if (derived || !keyInfo.multiValued) {
    const tested: Tested | 'account' = derived
      ? key === principalAccountKey
        ? 'account'
        : { sort: 'string', subject: principal }
      : testedOf(keyInfo, keyVariable(keyInfo));
    // aws:PrincipalArn is the principal's ARN, except for a role session: its role's ARN (roleArnOfSession).
    const matchesKey = (): Formula =>
      key === principalArnKey
        ? or(
            and(not(isRoleSession), matchesOne(tested)),
            and(isRoleSession, matchesOne({ sort: 'string', subject: sessionRoleArn })),
          )
        : matchesOne(tested);
    const verdict = negate(matchesKey());
    if (setOperator === 'ForAllValues') result = or(not(present), verdict);
    else if (setOperator === 'ForAnyValue') result = and(present, verdict);
    else result = info.negated ? not(and(present, matchesKey())) : and(present, matchesKey());
  } else {
    const body = (value: Subject<ScalarSort>): Formula => matchesOne(testedOf(keyInfo, value));
    try {
      // A set's element may only be tested on its own; slots are variables (see `KeyInfo.slots`).
      context.inElement = keyInfo.slots === undefined;
      if (setOperator === 'ForAllValues') result = everyValue(keyInfo, (value) => negate(body(value)));
      else if (setOperator === 'ForAnyValue') result = someValue(keyInfo, (value) => negate(body(value)));
      // Without a set operator a multi-valued key fails the condition, negated or not (as the
      // concrete evaluator reads "multivalued context keys require a condition set operator").
      else result = info.negated ? not(present) : FALSE;
    } catch (error) {
      if (!(error instanceof NotStatableInBody)) throw error;
      context.inElement = false;
      result = freeTest(context, [
        'condition',
        condition.operator.name,
        key,
        condition.values.map((value) => [typeof value.value, value.pattern.parts]),
      ]);
    } finally {
      context.inElement = false;
    }
  }
  // ForAnyValue on a missing key is false even with IfExists: the set operator's rule wins.
  return ifExists && setOperator !== 'ForAnyValue' ? or(not(present), result) : result;
}

const actionUnions = new Map<string, Regex>();
const ACTION_CACHE_LIMIT = 20_000;

/**
 * One atom per statement: the union of its Action entries, which the string
 * theory prunes entry by entry. Cached by the list as written: versions of a
 * policy repeat their lists, and an 800-entry list is costly to rebuild.
 */
function actionUnion(raws: readonly string[]): Regex {
  // The key tells lists apart only when no entry holds the separator: ["a\nb"] is not ["a", "b"].
  if (raws.some((raw) => raw.includes('\n'))) return globUnion(raws);
  const key = raws.join('\n');
  const known = actionUnions.get(key);
  if (known !== undefined) return known;
  if (actionUnions.size >= ACTION_CACHE_LIMIT) actionUnions.clear();
  const built = globUnion(raws);
  actionUnions.set(key, built);
  return built;
}

const globUnion = (raws: readonly string[]): Regex =>
  union(raws.map((raw) => glob(raw, { caseInsensitive: true })));

function statementScope(statement: Statement, context: Context): Formula {
  const resourceMatched =
    statement.resource === undefined
      ? TRUE
      : anyPattern(
          resource,
          statement.resource.entries.map((entry) => entry.pattern),
          { arn: true, caseInsensitive: false },
          context,
        );
  return and(
    principalMatches(statement.principal),
    statement.resource?.kind === 'NotResource' ? not(resourceMatched) : resourceMatched,
    ...statement.conditions.map((condition) => conditionHolds(condition, context)),
  );
}

/** The statement's Action (or NotAction) element, its entries given as written: one union atom. */
export function actionElementMatches(kind: 'Action' | 'NotAction', raws: readonly string[]): Formula {
  const matched = raws.length === 0 ? FALSE : matches(action, actionUnion(raws));
  return kind === 'Action' ? matched : not(matched);
}

/** Encoded on first use: a question cut by service reads few of the statements. */
class LazyStatement implements EncodedStatement {
  private encodedScope: Formula | undefined;
  private encodedMatches: Formula | undefined;

  constructor(
    readonly statement: Statement,
    private readonly context: Context,
  ) {}

  get scope(): Formula {
    return (this.encodedScope ??= statementScope(this.statement, this.context));
  }

  get matches(): Formula {
    if (this.encodedMatches !== undefined) return this.encodedMatches;
    const { kind, entries } = this.statement.action;
    const raws = entries.map((entry) => entry.pattern.raw);
    return (this.encodedMatches = and(actionElementMatches(kind, raws), this.scope));
  }
}

/**
 * A policy's formulas, each built on first read. A class, not an object
 * literal with getters: V8 gives each such literal accessor pairs outside the
 * young generation, and those then keep the whole check (its closures, the
 * parsed policy) alive through every minor GC until a full one: measured, a
 * scavenge over the corpus copied 5 MB instead of 0.4 MB.
 */
class LazyPolicy implements EncodedPolicy {
  private encodedGranted: Formula | undefined;
  private encodedDenied: Formula | undefined;

  constructor(
    readonly policy: Policy,
    readonly statements: readonly LazyStatement[],
  ) {}

  get granted(): Formula {
    return (this.encodedGranted ??= this.some('Allow'));
  }

  get denied(): Formula {
    return (this.encodedDenied ??= this.some('Deny'));
  }

  get allows(): Formula {
    return and(this.granted, not(this.denied));
  }

  private some(effect: 'Allow' | 'Deny'): Formula {
    const matched: Formula[] = [];
    for (const entry of this.statements) if (entry.statement.effect === effect) matched.push(entry.matches);
    return or(...matched);
  }
}

function encodeOne(policy: Policy, context: Context): EncodedPolicy {
  return new LazyPolicy(
    policy,
    policy.statements.map((statement) => new LazyStatement(statement, context)),
  );
}

const anyText = star(ANY_CHAR);
const notSlash = notChars([[47, 47]]);
const nonEmpty = (inner: Regex): Regex => concat([inner, star(inner)]);

/** `principal` is a role session, `arn:P:sts::A:assumed-role/NAME/SESSION`. */
const isRoleSession: Formula = and(
  principalIs('AWS'),
  matches(
    principal,
    concat([
      literal('arn:'),
      nonEmpty(notColon),
      literal(':sts::'),
      twelveDigits,
      literal(':assumed-role/'),
      nonEmpty(notSlash),
      literal('/'),
      nonEmpty(ANY_CHAR),
    ]),
  ),
);

/**
 * The role ARN of a role session: aws:PrincipalArn's value for it. The
 * encoding reads aws:PrincipalArn tests of any other principal off
 * `principal` itself.
 */
const sessionPartition = variable('principal.session-partition', 'string');
const sessionAccount = variable('principal.session-account', 'string');
const sessionRoleName = variable('principal.session-role-name', 'string');

const regexPart = (regex: Regex): TemplatePart => ({ kind: 'regex', regex });

/**
 * A session `arn:P:sts::A:assumed-role/NAME/SESSION` acts as the role
 * `arn:P:iam::A:role/PATHNAME`: partition, account and role name shared, the
 * path free (the session ARN does not show it; empty or ending in `/`).
 */
const sessionTemplates = {
  principal: template(principal, [
    regexPart(literal('arn:')),
    sessionPartition,
    regexPart(literal(':sts::')),
    sessionAccount,
    regexPart(literal(':assumed-role/')),
    sessionRoleName,
    regexPart(concat([literal('/'), nonEmpty(ANY_CHAR)])),
  ]),
  roleArn: template(sessionRoleArn, [
    regexPart(literal('arn:')),
    sessionPartition,
    regexPart(literal(':iam::')),
    sessionAccount,
    regexPart(concat([literal(':role/'), star(concat([nonEmpty(notSlash), literal('/')]))])),
    sessionRoleName,
  ]),
};

/**
 * Ties `sessionRoleArn` to a role session. Every template atom is fixed
 * either way (true for a session, false otherwise): the search would
 * otherwise guess one a realization cannot meet.
 */
const roleArnOfSession: Formula = and(
  implies(
    isRoleSession,
    and(
      sessionTemplates.principal,
      sessionTemplates.roleArn,
      matches(sessionPartition, nonEmpty(notColon)),
      matches(sessionAccount, twelveDigits),
      matches(sessionRoleName, nonEmpty(notSlash)),
      // The role ARN's shape on the subject too: a realization reads parameters back off its value.
      matches(
        sessionRoleArn,
        concat([
          literal('arn:'),
          nonEmpty(notColon),
          literal(':iam::'),
          twelveDigits,
          literal(':role/'),
          star(concat([nonEmpty(notSlash), literal('/')])),
          nonEmpty(notSlash),
        ]),
      ),
    ),
  ),
  implies(not(isRoleSession), and(not(sessionTemplates.principal), not(sessionTemplates.roleArn))),
);

/** `principal` is an AWS principal whose ARN resource part starts with one of `prefixes`. */
function awsPrincipalWith(...prefixes: string[]): Formula {
  return and(
    principalIs('AWS'),
    matches(
      principal,
      union(
        prefixes.map((prefix) =>
          concat([
            literal('arn:'),
            star(notColon),
            literal(':'),
            star(notColon),
            literal('::'),
            twelveDigits,
            literal(`:${prefix}`),
            anyText,
          ]),
        ),
      ),
    ),
  );
}

/**
 * Keys AWS puts in a request from who is asking, when the question reads
 * them: present exactly when AWS sets them, with the value AWS gives where it
 * is a constant of the principal's kind. aws:PrincipalArn and
 * aws:PrincipalAccount, when read as policy variables, equal what the
 * principal's ARN says.
 */
function derivedKeyAxioms(keys: KeyTable): Formula {
  const axioms: Formula[] = [];
  const single = (key: string): { info: KeyInfo; value: Variable<'string'> } | undefined =>
    singleKey(keys, key);
  const principalTypeKey = single('aws:principaltype');
  if (principalTypeKey !== undefined) {
    const { info, value } = principalTypeKey;
    axioms.push(
      implies(or(principalIs('AWS'), principalIs('Anonymous')), keyPresence(info)),
      implies(principalIs('Anonymous'), equals(value, 'Anonymous')),
      implies(awsPrincipalWith('root'), equals(value, 'Account')),
      implies(awsPrincipalWith('user/'), equals(value, 'User')),
      implies(awsPrincipalWith('role/', 'assumed-role/'), equals(value, 'AssumedRole')),
      implies(awsPrincipalWith('federated-user/'), equals(value, 'FederatedUser')),
      // Service principals, identity providers and canonical users get no aws:PrincipalType.
      implies(not(or(principalIs('AWS'), principalIs('Anonymous'))), not(keyPresence(info))),
    );
  }
  const isService = single('aws:principalisawsservice');
  if (isService !== undefined) {
    axioms.push(
      implies(principalIs('AWS'), and(keyPresence(isService.info), equals(isService.value, 'false'))),
      implies(principalIs('Service'), and(keyPresence(isService.info), equals(isService.value, 'true'))),
    );
  }
  const serviceName = single('aws:principalservicename');
  if (serviceName !== undefined) {
    axioms.push(
      implies(
        principalIs('Service'),
        and(keyPresence(serviceName.info), template(serviceName.value, [principal])),
      ),
    );
  }
  const userName = single('aws:username');
  if (userName !== undefined) {
    // An IAM user's name: the last segment of its ARN, never empty. No one else has one.
    const isUser = awsPrincipalWith('user/');
    axioms.push(
      implies(
        isUser,
        and(
          keyPresence(userName.info),
          matches(userName.value, nonEmpty(notSlash)),
          template(principal, [{ kind: 'regex', regex: userArnPrefix }, userName.value]),
        ),
      ),
      implies(not(isUser), not(keyPresence(userName.info))),
    );
  }
  const resourceAccount = single('aws:resourceaccount');
  if (resourceAccount !== undefined) {
    const accountInArn = matches(resource, arnsOfAccount(twelveDigits));
    axioms.push(implies(or(principalIs('AWS'), accountInArn), keyPresence(resourceAccount.info)));
  }
  const arn = single(principalArnKey);
  // Read as a policy variable, aws:PrincipalArn is the principal's ARN, or a session's role ARN (roleArnOfSession).
  // Only then: a condition's tests read `principal` or `sessionRoleArn` directly. The variable is the subject, so
  // the principal, better known, is realized first; the template is fixed true or false either way.
  if (arn !== undefined && arn.info.variable === true) {
    const isPrincipal = template(arn.value, [principal]);
    axioms.push(
      implies(principalIs('AWS'), keyPresence(arn.info)),
      implies(and(principalIs('AWS'), not(isRoleSession)), isPrincipal),
      implies(isRoleSession, not(isPrincipal)),
      implies(not(principalIs('AWS')), and(not(keyPresence(arn.info)), not(isPrincipal))),
    );
  }
  // Whenever aws:PrincipalArn is read (the condition tests read `sessionRoleArn` for sessions).
  if (keys.has(principalArnKey)) axioms.push(roleArnOfSession);
  const account = single(principalAccountKey);
  // INVARIANT: present exactly when accountVariable names the variable (accountTest relies on this axiom).
  if (account !== undefined) {
    const prefix = concat([literal('arn:'), star(notColon), literal(':'), star(notColon), literal('::')]);
    axioms.push(
      implies(
        principalIs('AWS'),
        and(
          keyPresence(account.info),
          matches(account.value, twelveDigits),
          template(principal, [
            { kind: 'regex', regex: prefix },
            account.value,
            { kind: 'regex', regex: concat([literal(':'), anyText]) },
          ]),
        ),
      ),
      implies(not(principalIs('AWS')), not(keyPresence(account.info))),
    );
  }
  return and(...axioms);
}

/** Encodes policies that will be compared: one key table, one set of axioms. */
export function encodePolicies(policies: readonly Policy[], options: EncodeOptions = {}): Encoding {
  const keys = keyTableOf(policies, options.extraKeys);
  const context: Context = { keys, inexact: false, inElement: false };
  const encoded = policies.map((policy) => encodeOne(policy, context));
  return new PolicyEncoding(encoded, keys, and(requestAxioms, derivedKeyAxioms(keys)), context);
}

/** A class rather than a literal with a getter, for the reason given at `LazyPolicy`. */
class PolicyEncoding implements Encoding {
  constructor(
    readonly policies: readonly EncodedPolicy[],
    readonly keys: KeyTable,
    readonly axioms: Formula,
    private readonly context: Context,
  ) {}

  // Read after the formulas of the question are built: statements are encoded on first use.
  get exact(): boolean {
    return !this.context.inexact;
  }
}

export { principalType };

/** The requests whose action matches `raw`, an Action entry (case-insensitive glob). */
export function actionMatchesPattern(raw: string): Formula {
  return matches(action, glob(raw, { caseInsensitive: true }));
}

/** The requests whose resource matches `pattern`, a Resource entry without policy variables (ARN rules). */
export function resourceMatchesPattern(pattern: Pattern): Formula {
  return matches(resource, patternRegex(pattern, { arn: true, caseInsensitive: false }));
}
