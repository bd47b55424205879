// The condition operators AWS documents, and how a name as written in a policy
// (`ForAnyValue:StringLikeIfExists`) splits into them. AWS matches operator
// names case-sensitively, so `stringequals` is not an operator.
import type { BaseOperator, ConditionOperator, SetOperator } from './model.js';

/** What kind of values an operator compares; decides value checks and pattern building. */
export type OperatorFamily = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';

export interface OperatorInfo {
  readonly family: OperatorFamily;
  /** `*` and `?` in values are wildcards (StringLike, every Arn operator). */
  readonly wildcards: boolean;
  /** Policy variables are substituted in values (string, ARN and Boolean operators). */
  readonly variables: boolean;
  /** Matches when the key does not match: true for the Not operators. */
  readonly negated: boolean;
}

function info(family: OperatorFamily, wildcards: boolean, negated = false): OperatorInfo {
  const variables = family === 'string' || family === 'arn' || family === 'bool';
  return { family, wildcards, variables, negated };
}

export const operatorTable: Readonly<Record<BaseOperator, OperatorInfo>> = {
  StringEquals: info('string', false),
  StringNotEquals: info('string', false, true),
  StringEqualsIgnoreCase: info('string', false),
  StringNotEqualsIgnoreCase: info('string', false, true),
  StringLike: info('string', true),
  StringNotLike: info('string', true, true),
  NumericEquals: info('numeric', false),
  NumericNotEquals: info('numeric', false, true),
  NumericLessThan: info('numeric', false),
  NumericLessThanEquals: info('numeric', false),
  NumericGreaterThan: info('numeric', false),
  NumericGreaterThanEquals: info('numeric', false),
  DateEquals: info('date', false),
  DateNotEquals: info('date', false, true),
  DateLessThan: info('date', false),
  DateLessThanEquals: info('date', false),
  DateGreaterThan: info('date', false),
  DateGreaterThanEquals: info('date', false),
  Bool: info('bool', false),
  BinaryEquals: info('binary', false),
  IpAddress: info('ip', false),
  NotIpAddress: info('ip', false, true),
  // ArnEquals and ArnLike behave the same: both accept wildcards in every ARN segment.
  ArnEquals: info('arn', true),
  ArnNotEquals: info('arn', true, true),
  ArnLike: info('arn', true),
  ArnNotLike: info('arn', true, true),
  Null: info('null', false),
};

function isBaseOperator(name: string): name is BaseOperator {
  return Object.hasOwn(operatorTable, name);
}

const setOperators: readonly SetOperator[] = ['ForAllValues', 'ForAnyValue'];
const ifExistsSuffix = 'IfExists';

/**
 * Splits an operator name as written into its set prefix, base operator and
 * IfExists suffix; undefined when it is not an operator AWS knows.
 * `NullIfExists` is returned as written; the validator reports it.
 */
export function parseOperatorName(name: string): ConditionOperator | undefined {
  let rest = name;
  let setOperator: SetOperator | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon);
    setOperator = setOperators.find((candidate) => candidate === prefix);
    if (setOperator === undefined) return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.endsWith(ifExistsSuffix) && isBaseOperator(rest.slice(0, -ifExistsSuffix.length))) {
    ifExists = true;
    rest = rest.slice(0, -ifExistsSuffix.length);
  }
  if (!isBaseOperator(rest)) return undefined;
  return setOperator === undefined
    ? { name, base: rest, ifExists }
    : { name, base: rest, ifExists, setOperator };
}

export function operatorInfo(operator: ConditionOperator): OperatorInfo {
  return operatorTable[operator.base];
}
