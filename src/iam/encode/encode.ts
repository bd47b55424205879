// A parsed policy becomes a formula over request variables: the request is
// allowed when some Allow statement matches and no Deny statement does.
//
// Request variables: `action` (compared case-insensitively), `resource`,
// `principal.type` and `principal` (the principal's identifier: its ARN for
// AWS principals, the service name, the identity provider, the canonical user
// id), and `key:<condition key in lower case>` for every condition key.
// aws:PrincipalArn and aws:PrincipalAccount are not variables of their own:
// they are read off `principal`, so they always agree with it. Strings range
// over all strings, so an answer also holds for actions and resources AWS adds
// later.
import { operatorInfo } from '../conditions.js';
import type {
  ActionElement,
  Condition,
  ConditionValue,
  Pattern,
  PatternEntry,
  Policy,
  PrincipalElement,
  PrincipalEntry,
  ResourceElement,
  Statement,
} from '../model.js';
import { literalGlob, matchesGlob, unreachable, type CharClass, type Glob, type GlobToken } from './glob.js';
import {
  and,
  atom,
  FALSE,
  not,
  or,
  TRUE,
  type Assignment,
  type Formula,
  type Quantifier,
} from './formula.js';
import { parseCidr, parseDate, parseNumber, passesTest, type Comparison, type ValueTest } from './values.js';

export const actionVariable = 'action';
export const resourceVariable = 'resource';
export const principalTypeVariable = 'principal.type';
export const principalVariable = 'principal';

export type PrincipalKind = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser' | 'Anonymous';
export const principalKinds: readonly PrincipalKind[] = [
  'AWS',
  'Service',
  'Federated',
  'CanonicalUser',
  'Anonymous',
];

export function keyVariable(key: string): string {
  return `key:${key.toLowerCase()}`;
}

/** Values for policy variables, when the encoding is asked to fix them instead of leaving them opaque. */
export type VariableValues = ReadonlyMap<string, string | undefined>;

export interface EncodeOptions {
  readonly variableValues?: VariableValues;
}

export interface EncodedStatement {
  readonly statement: Statement;
  readonly matches: Formula;
}

export interface EncodedPolicy {
  readonly policy: Policy;
  readonly statements: readonly EncodedStatement[];
  /** Some Allow statement matches and no Deny statement matches. */
  readonly allows: Formula;
  /** Condition keys used with ForAllValues/ForAnyValue: their variables hold sets. */
  readonly setVariables: ReadonlySet<string>;
  /** Keys referenced by policy variables (`${aws:username}`), lower case. */
  readonly referencedKeys: ReadonlySet<string>;
}

const glob = (tokens: readonly GlobToken[], ignoreCase = false): Glob => ({ tokens, ignoreCase });
const chars = (text: string): GlobToken[] => [...text].map((char) => ({ kind: 'char', char }));
const star = (cls: CharClass): GlobToken => ({ kind: 'star', cls });
const one = (cls: CharClass): GlobToken => ({ kind: 'one', cls });

function kindIs(kind: PrincipalKind): Formula {
  return atom({
    kind: 'value',
    variable: principalTypeVariable,
    quantifier: 'one',
    tests: [{ kind: 'glob', glob: literalGlob(kind) }],
  });
}

function principalMatches(tests: readonly ValueTest[]): Formula {
  return atom({ kind: 'value', variable: principalVariable, quantifier: 'one', tests });
}

/** Every principal in `account`: the account id and `arn:...:root` both mean this. */
export function accountPrincipalsGlob(account: readonly GlobToken[]): Glob {
  return glob([
    ...chars('arn:'),
    star('seg'),
    one('seg'),
    ...chars(':'),
    star('seg'),
    one('seg'),
    ...chars('::'),
    ...account,
    ...chars(':'),
    one('any'),
    star('any'),
  ]);
}

/**
 * What keeps a model a real request: the principal is of one kind, an AWS
 * principal's ARN names a 12-digit account (which aws:PrincipalAccount reads),
 * an action is `service:name`.
 */
export function requestAxioms(): Formula {
  const digits: GlobToken[] = Array.from({ length: 12 }, () => one('digit'));
  return and([
    or(principalKinds.map(kindIs)),
    or([not(kindIs('AWS')), principalMatches([{ kind: 'glob', glob: accountPrincipalsGlob(digits) }])]),
    or([not(kindIs('Anonymous')), principalMatches([{ kind: 'glob', glob: literalGlob('anonymous') }])]),
    atom({
      kind: 'value',
      variable: actionVariable,
      quantifier: 'one',
      tests: [
        { kind: 'glob', glob: glob([one('seg'), star('seg'), ...chars(':'), one('seg'), star('seg')]) },
      ],
    }),
    // Every request names a resource, even if only `*` for actions without resource-level permissions.
    atom({
      kind: 'value',
      variable: resourceVariable,
      quantifier: 'one',
      tests: [{ kind: 'glob', glob: glob([star('any')]) }],
    }),
  ]);
}

const accountId = /^\d{12}$/;
const accountRoot = /^arn:[^:]+:iam::(\d{12}):root$/;

function principalEntryMatches(entry: PrincipalEntry): Formula {
  switch (entry.type) {
    case 'AWS': {
      if (entry.value === '*') return TRUE;
      const account = accountId.test(entry.value) ? entry.value : accountRoot.exec(entry.value)?.[1];
      if (account !== undefined)
        return and([
          kindIs('AWS'),
          principalMatches([{ kind: 'glob', glob: accountPrincipalsGlob(chars(account)) }]),
        ]);
      return and([kindIs('AWS'), principalMatches([{ kind: 'glob', glob: literalGlob(entry.value) }])]);
    }
    case 'Service':
    case 'Federated':
    case 'CanonicalUser':
      if (entry.value === '*') return kindIs(entry.type);
      return and([kindIs(entry.type), principalMatches([{ kind: 'glob', glob: literalGlob(entry.value) }])]);
    default:
      return unreachable(entry.type);
  }
}

function principalElementMatches(element: PrincipalElement | undefined): Formula {
  if (element === undefined) return TRUE;
  const value = element.value;
  const matches = value.kind === 'everyone' ? TRUE : or(value.entries.map(principalEntryMatches));
  return element.kind === 'Principal' ? matches : not(matches);
}

/** How wildcards behave in a pattern: in an ARN they stay inside the first five segments. */
type PatternShape = 'plain' | 'arn';

function colonsIn(pattern: Pattern): number {
  return pattern.parts.reduce(
    (count, part) => count + (part.kind === 'literal' ? part.text.split(':').length - 1 : 0),
    0,
  );
}

/** Pattern parts → glob tokens; undefined when the pattern holds a policy variable with no value given. */
function patternTokens(
  pattern: Pattern,
  shape: PatternShape,
  values: VariableValues | undefined,
  ignoreCase: boolean,
): GlobToken[] | undefined {
  const segmented = shape === 'arn' && colonsIn(pattern) >= 5;
  const tokens: GlobToken[] = [];
  let colons = 0;
  const classHere = (): CharClass => (segmented && colons < 5 ? 'seg' : 'any');
  const pushText = (text: string): void => {
    for (const char of ignoreCase ? text.toLowerCase() : text) {
      tokens.push({ kind: 'char', char });
      if (char === ':') colons++;
    }
  };
  for (const part of pattern.parts) {
    switch (part.kind) {
      case 'literal':
        pushText(part.text);
        break;
      case 'wildcard':
        tokens.push(part.wildcard === '*' ? star(classHere()) : one(classHere()));
        break;
      case 'variable': {
        if (values === undefined) return undefined;
        const key = part.key.toLowerCase();
        const value = values.has(key) ? values.get(key) : undefined;
        const text = value ?? part.defaultValue;
        // A variable with no value and no default makes the pattern match nothing.
        if (text === undefined)
          return [
            { kind: 'char', char: '\u0000' },
            { kind: 'one', cls: 'any' },
          ];
        pushText(text);
        break;
      }
      default:
        return unreachable(part);
    }
  }
  return tokens;
}

interface EncodeContext {
  readonly options: EncodeOptions;
  readonly setVariables: Set<string>;
  readonly referencedKeys: Set<string>;
}

function noteReferences(pattern: Pattern, context: EncodeContext): void {
  for (const part of pattern.parts)
    if (part.kind === 'variable') context.referencedKeys.add(part.key.toLowerCase());
}

/** The value of a policy-variable key in a concrete request, as substitution sees it. */
function variableValuesOf(pattern: Pattern, request: Assignment): Map<string, string | undefined> {
  const values = new Map<string, string | undefined>();
  for (const part of pattern.parts) {
    if (part.kind !== 'variable') continue;
    const key = part.key.toLowerCase();
    values.set(key, requestKeyValue(key, request));
  }
  return values;
}

/**
 * `variable` matches one of `patterns`. Patterns with policy variables are
 * opaque atoms unless the options fix the variables' values.
 */
function matchesAny(
  variable: string,
  patterns: readonly Pattern[],
  shape: PatternShape,
  ignoreCase: boolean,
  context: EncodeContext,
): Formula {
  const tests: ValueTest[] = [];
  const opaque: Formula[] = [];
  for (const pattern of patterns) {
    noteReferences(pattern, context);
    const tokens = patternTokens(pattern, shape, context.options.variableValues, ignoreCase);
    if (tokens !== undefined) {
      tests.push({ kind: 'glob', glob: glob(tokens, ignoreCase) });
      continue;
    }
    opaque.push(
      atom({
        kind: 'opaque',
        key: `${variable}~${shape}~${ignoreCase ? 'i' : 'c'}~${pattern.raw}`,
        holds: (request) => {
          const value = request.get(variable)?.[0];
          const concrete = patternTokens(pattern, shape, variableValuesOf(pattern, request), ignoreCase);
          return (
            value !== undefined && concrete !== undefined && matchesGlob(glob(concrete, ignoreCase), value)
          );
        },
      }),
    );
  }
  const direct = tests.length === 0 ? FALSE : atom({ kind: 'value', variable, quantifier: 'one', tests });
  return or([direct, ...opaque]);
}

function actionMatches(element: ActionElement, context: EncodeContext): Formula {
  const matches = matchesAny(
    actionVariable,
    element.entries.map((entry: PatternEntry) => entry.pattern),
    'plain',
    true,
    context,
  );
  return element.kind === 'Action' ? matches : not(matches);
}

function resourceMatches(element: ResourceElement | undefined, context: EncodeContext): Formula {
  if (element === undefined) return TRUE;
  const matches = matchesAny(
    resourceVariable,
    element.entries.map((entry) => entry.pattern),
    'arn',
    false,
    context,
  );
  return element.kind === 'Resource' ? matches : not(matches);
}

/** Keys read off the principal rather than held as variables of their own. */
type DerivedKey = 'aws:principalarn' | 'aws:principalaccount';

function derivedKey(key: string): DerivedKey | undefined {
  const lower = key.toLowerCase();
  return lower === 'aws:principalarn' || lower === 'aws:principalaccount' ? lower : undefined;
}

/** The value a request gives a condition key, for replaying policy variables. */
export function requestKeyValue(key: string, request: Assignment): string | undefined {
  const lower = key.toLowerCase();
  const derived = derivedKey(lower);
  if (derived === undefined) return request.get(keyVariable(lower))?.[0];
  if (request.get(principalTypeVariable)?.[0] !== 'AWS') return undefined;
  const arn = request.get(principalVariable)?.[0];
  return derived === 'aws:principalarn' ? arn : arn?.split(':')[4];
}

const comparisons: Partial<Record<string, Comparison>> = {
  NumericEquals: 'eq',
  NumericNotEquals: 'eq',
  NumericLessThan: 'lt',
  NumericLessThanEquals: 'le',
  NumericGreaterThan: 'gt',
  NumericGreaterThanEquals: 'ge',
  DateEquals: 'eq',
  DateNotEquals: 'eq',
  DateLessThan: 'lt',
  DateLessThanEquals: 'le',
  DateGreaterThan: 'gt',
  DateGreaterThanEquals: 'ge',
};

/** The tests one condition value stands for; none when the value cannot match anything. */
function valueTests(
  condition: Condition,
  value: ConditionValue,
  context: EncodeContext,
): ValueTest[] | undefined {
  const info = operatorInfo(condition.operator);
  const text = String(value.value);
  switch (info.family) {
    case 'string': {
      const ignoreCase = condition.operator.base.includes('IgnoreCase');
      const tokens = patternTokens(value.pattern, 'plain', context.options.variableValues, ignoreCase);
      return tokens === undefined ? undefined : [{ kind: 'glob', glob: glob(tokens, ignoreCase) }];
    }
    case 'arn': {
      const tokens = patternTokens(value.pattern, 'arn', context.options.variableValues, false);
      return tokens === undefined ? undefined : [{ kind: 'glob', glob: glob(tokens) }];
    }
    case 'bool': {
      const tokens = patternTokens(value.pattern, 'plain', context.options.variableValues, true);
      return tokens === undefined ? undefined : [{ kind: 'glob', glob: glob(tokens, true) }];
    }
    case 'binary':
      return [{ kind: 'glob', glob: literalGlob(text) }];
    case 'numeric': {
      const bound = parseNumber(text);
      const comparison = comparisons[condition.operator.base] ?? 'eq';
      return bound === undefined ? [] : [{ kind: 'number', comparison, bound }];
    }
    case 'date': {
      const bound = parseDate(text);
      const comparison = comparisons[condition.operator.base] ?? 'eq';
      return bound === undefined ? [] : [{ kind: 'date', comparison, bound }];
    }
    case 'ip': {
      const range = parseCidr(text);
      return range === undefined ? [] : [range];
    }
    case 'null':
      return [];
    default:
      return unreachable(info.family);
  }
}

function presence(key: string): Formula {
  return derivedKey(key) === undefined
    ? atom({ kind: 'present', variable: keyVariable(key) })
    : kindIs('AWS');
}

/** Tests on a derived key become tests on the principal ARN. */
function onPrincipal(key: DerivedKey, test: ValueTest): ValueTest {
  if (key === 'aws:principalarn' || test.kind !== 'glob') return test;
  const account = test.glob.tokens.map((token): GlobToken =>
    token.kind === 'char' ? token : { kind: token.kind, cls: 'seg' },
  );
  return { kind: 'glob', glob: { ...accountPrincipalsGlob(account), ignoreCase: test.glob.ignoreCase } };
}

function valuesMatch(key: string, quantifier: Quantifier, tests: readonly ValueTest[]): Formula {
  const derived = derivedKey(key);
  if (derived === undefined) return atom({ kind: 'value', variable: keyVariable(key), quantifier, tests });
  return and([kindIs('AWS'), principalMatches(tests.map((test) => onPrincipal(derived, test)))]);
}

function opaqueValueMatch(condition: Condition, value: ConditionValue, context: EncodeContext): Formula {
  noteReferences(value.pattern, context);
  const key = condition.key.toLowerCase();
  return atom({
    kind: 'opaque',
    key: `condition~${condition.operator.name}~${key}~${value.pattern.raw}`,
    holds: (request) => {
      const values = context.setVariables.has(keyVariable(key))
        ? (request.get(keyVariable(key)) ?? [])
        : [requestKeyValue(key, request)].filter((text): text is string => text !== undefined);
      const substituted: EncodeContext = {
        ...context,
        options: { variableValues: variableValuesOf(value.pattern, request) },
      };
      const tests = valueTests(condition, value, substituted) ?? [];
      const passes = (text: string): boolean => tests.some((test) => passesTest(test, text));
      return condition.operator.setOperator === 'ForAllValues' ? values.every(passes) : values.some(passes);
    },
  });
}

/**
 * One condition as AWS evaluates it: an absent key fails a positive operator,
 * passes a negated one, passes with IfExists, passes ForAllValues and fails
 * ForAnyValue; Null tests presence itself.
 */
function conditionHolds(condition: Condition, context: EncodeContext): Formula {
  const info = operatorInfo(condition.operator);
  const key = condition.key.toLowerCase();
  const { setOperator, ifExists } = condition.operator;
  if (info.family === 'null') {
    const wantsAbsent = condition.values.map((value) => String(value.value).toLowerCase() === 'true');
    return or(wantsAbsent.map((absent) => (absent ? not(presence(key)) : presence(key))));
  }
  if (setOperator !== undefined && derivedKey(key) === undefined) context.setVariables.add(keyVariable(key));
  const tests: ValueTest[] = [];
  const opaque: Formula[] = [];
  for (const value of condition.values) {
    const valueTestsHere = valueTests(condition, value, context);
    if (valueTestsHere === undefined) opaque.push(opaqueValueMatch(condition, value, context));
    else tests.push(...valueTestsHere);
  }
  const quantifier: Quantifier =
    setOperator === 'ForAnyValue' ? 'some' : setOperator === 'ForAllValues' ? 'all' : 'one';
  const anyMatch = or([tests.length === 0 ? FALSE : valuesMatch(key, quantifier, tests), ...opaque]);
  let result: Formula;
  if (quantifier === 'all') {
    // ForAllValues with a Not operator: no value of the set matches any condition value.
    result = info.negated ? not(valuesMatch(key, 'some', tests)) : anyMatch;
    if (opaque.length > 0 && info.negated) result = and([result, ...opaque.map(not)]);
  } else if (quantifier === 'some') {
    // ForAnyValue with a Not operator: some value of the set matches no condition value.
    result = info.negated ? not(tests.length === 0 ? TRUE : valuesMatch(key, 'all', tests)) : anyMatch;
  } else {
    result = info.negated ? not(anyMatch) : and([presence(key), anyMatch]);
  }
  return ifExists ? or([not(presence(key)), result]) : result;
}

function statementMatches(statement: Statement, context: EncodeContext): Formula {
  return and([
    principalElementMatches(statement.principal),
    actionMatches(statement.action, context),
    resourceMatches(statement.resource, context),
    ...statement.conditions.map((condition) => conditionHolds(condition, context)),
  ]);
}

export function encodePolicy(policy: Policy, options: EncodeOptions = {}): EncodedPolicy {
  const context: EncodeContext = { options, setVariables: new Set(), referencedKeys: new Set() };
  const statements = policy.statements.map((statement) => ({
    statement,
    matches: statementMatches(statement, context),
  }));
  const allowing = statements
    .filter(({ statement }) => statement.effect === 'Allow')
    .map(({ matches }) => matches);
  const denying = statements
    .filter(({ statement }) => statement.effect === 'Deny')
    .map(({ matches }) => matches);
  return {
    policy,
    statements,
    allows: and([or(allowing), not(or(denying))]),
    setVariables: context.setVariables,
    referencedKeys: context.referencedKeys,
  };
}
