// One condition (operator, key, values) against the request context, as the
// IAM reference on condition operators, multivalued keys and IfExists reads.
import { operatorInfo } from '../conditions.js';
import type { BaseOperator, Condition, ConditionValue, SetOperator } from '../model.js';
import { matchesArn, matchesText, substitute } from './match.js';
import type { ContextEntry, NormalizedRequest } from './request.js';
import { inRange, readBase64, readCidr, readDate, readIp, readNumber } from './values.js';

export type Comparison = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

export const comparisonOf: Partial<Record<BaseOperator, Comparison>> = {
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

export function compare(comparison: Comparison, requestValue: number, policyValue: number): boolean {
  switch (comparison) {
    case 'eq':
      return requestValue === policyValue;
    case 'lt':
      return requestValue < policyValue;
    case 'le':
      return requestValue <= policyValue;
    case 'gt':
      return requestValue > policyValue;
    case 'ge':
      return requestValue >= policyValue;
    default: {
      const unreachable: never = comparison;
      return unreachable;
    }
  }
}

/**
 * Does one request value match one policy value, in the positive sense of the
 * operator (StringNotEquals asks StringEquals here; the caller negates)?
 * A value that does not read as the operator's type matches nothing.
 */
function valueMatches(
  condition: Condition,
  policyValue: ConditionValue,
  requestValue: string,
  request: NormalizedRequest,
): boolean {
  const base = condition.operator.base;
  const info = operatorInfo(condition.operator);
  const policyText = String(policyValue.value);
  switch (info.family) {
    case 'string': {
      const pattern = substitute(policyValue.pattern, request);
      const ignoreCase = base === 'StringEqualsIgnoreCase' || base === 'StringNotEqualsIgnoreCase';
      return pattern !== undefined && matchesText(pattern, requestValue, ignoreCase);
    }
    case 'arn': {
      const pattern = substitute(policyValue.pattern, request);
      return pattern !== undefined && matchesArn(pattern, requestValue);
    }
    case 'bool': {
      // Boolean values compare as the words true and false, in any case.
      const pattern = substitute(policyValue.pattern, request);
      return pattern !== undefined && pattern.chars.join('').toLowerCase() === requestValue.toLowerCase();
    }
    case 'numeric': {
      const bound = readNumber(policyText);
      const value = readNumber(requestValue);
      const comparison = comparisonOf[base] ?? 'eq';
      return bound !== undefined && value !== undefined && compare(comparison, value, bound);
    }
    case 'date': {
      const bound = readDate(policyText);
      const value = readDate(requestValue);
      const comparison = comparisonOf[base] ?? 'eq';
      return bound !== undefined && value !== undefined && compare(comparison, value, bound);
    }
    case 'ip': {
      const range = readCidr(policyText);
      const address = readIp(requestValue);
      return range !== undefined && address !== undefined && inRange(range, address);
    }
    case 'binary': {
      const expected = readBase64(policyText);
      const actual = readBase64(requestValue);
      return expected !== undefined && actual !== undefined
        ? expected === actual
        : policyText === requestValue;
    }
    case 'null':
      return false;
    default: {
      const unreachable: never = info.family;
      return unreachable;
    }
  }
}

/**
 * The condition's verdict on one request value: "if a single condition
 * operator includes multiple values for a context key, those values are
 * evaluated using a logical OR"; for a negated operator, "NOR".
 */
function verdictOnValue(condition: Condition, requestValue: string, request: NormalizedRequest): boolean {
  const anyMatch = condition.values.some((value) => valueMatches(condition, value, requestValue, request));
  return operatorInfo(condition.operator).negated ? !anyMatch : anyMatch;
}

/** The verdict of a condition on one request value, negation included. */
export type ValueVerdict = (value: string, request: NormalizedRequest) => boolean;

export function conditionHolds(condition: Condition, request: NormalizedRequest): boolean {
  return holdsOnEntry(
    conditionShape(condition),
    request.context.get(condition.key.toLowerCase()),
    request,
    (value) => verdictOnValue(condition, value, request),
  );
}

/** What decides a condition besides its verdict on each value, read off its operator and, for Null, its values. */
export interface ConditionShape {
  readonly setOperator: SetOperator | undefined;
  readonly ifExists: boolean;
  readonly negated: boolean;
  /** Null's answers for a present and an absent key; undefined for every other operator. */
  readonly nullHolds: { readonly present: boolean; readonly absent: boolean } | undefined;
}

export function conditionShape(condition: Condition): ConditionShape {
  const { setOperator, ifExists, base } = condition.operator;
  return {
    setOperator,
    ifExists,
    negated: operatorInfo(condition.operator).negated,
    nullHolds:
      base === 'Null'
        ? { present: nullHolds(condition, true), absent: nullHolds(condition, false) }
        : undefined,
  };
}

/**
 * `Null: true` holds when the key is absent, `Null: false` when it is
 * present; several values are ORed like any others.
 */
function nullHolds(condition: Condition, present: boolean): boolean {
  return condition.values.some((value) => String(value.value).toLowerCase() === (present ? 'false' : 'true'));
}

/**
 * The condition on the request's entry for its key (undefined when the
 * request has none), given its verdict on one value. The compiled
 * evaluator passes its own prepared shape and verdict.
 */
export function holdsOnEntry(
  condition: ConditionShape,
  entry: ContextEntry | undefined,
  request: NormalizedRequest,
  onValue: ValueVerdict,
): boolean {
  // An empty array is an absent key. No array is made for a single value: this runs for every condition of
  // every request.
  const present = entry !== undefined && (entry.kind === 'single' || entry.values.length > 0);
  const { setOperator, ifExists, nullHolds: isNull } = condition;
  if (isNull !== undefined) return present ? isNull.present : isNull.absent;
  switch (setOperator) {
    // "ForAllValues ... also returns true if there are no context keys in the request."
    case 'ForAllValues':
      if (entry === undefined) return true;
      if (entry.kind === 'single') return onValue(entry.value, request);
      return entry.values.every((value) => onValue(value, request));
    // "ForAnyValue ... returns false if there are no context keys in the request." IfExists does
    // not rescue it: a role allowed `ForAnyValue:StringEqualsIfExists` on aws:TagKeys is denied a
    // request without tags (re:Post QU9HFmDzP0QGuU-fd7rS6B7w, "ForAnyValue:StringEqualsIfExists
    // behaving unexpectedly"); the set operator's rule comes first.
    case 'ForAnyValue':
      if (entry === undefined) return false;
      if (entry.kind === 'single') return onValue(entry.value, request);
      return entry.values.some((value) => onValue(value, request));
    case undefined: {
      // "If the key is not present in the request context, ...IfExists evaluates the condition as true."
      if (!present && ifExists) return true;
      // "If the key ... is not present in the request context, the values do not match and the
      // condition is false. If the policy condition requires that the key is not matched, such as
      // StringNotLike, ... the condition is true."
      if (!present) return condition.negated;
      // "Multivalued context keys require a condition set operator": without one, a multivalued
      // key matches nothing, negated operators included — as AWS confirmed at re:Inforce 2025
      // (IAM431), reported by iam-simulate's maintainers. An array in the request is multivalued.
      if (entry.kind === 'multi') return false;
      return onValue(entry.value, request);
    }
    default: {
      const unreachable: never = setOperator;
      return unreachable;
    }
  }
}
