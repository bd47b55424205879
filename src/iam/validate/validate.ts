// validatePolicy: IAM Access Analyzer's ValidatePolicy, offline. Parses the
// document, then checks each statement against the policy type's grammar, the
// action catalog, ARN and value syntax, and best practices. Findings have
// Access Analyzer's response shape so tools written for it read ours.
import { loadActionCatalog, type ActionCatalog } from '../catalog.js';
import type { Location, Pattern, Policy, Statement } from '../model.js';
import { looksLikeVariable } from '../parse/patterns.js';
import { parsePolicy } from '../parse/policy.js';
import { lookUpActionPattern, patternCovers, serviceHasWildcard } from './actions.js';
import { loadArnFormatCatalog, checkArnFormat } from './arn-formats.js';
import { checkArn, writtenArn } from './arn.js';
import {
  policyTypes,
  type Checking,
  type PolicyType,
  type Report,
  type ValidationCatalogs,
} from './checking.js';
import { checkConditions, checkVariableKeys } from './condition-checks.js';
import { loadConditionKeyCatalog } from './condition-keys.js';
import { issues, learnMoreLink, type FindingType, type IssueCode } from './issues.js';
import { checkPrincipal } from './principals.js';
import { checkSensitiveActions } from './sensitive-actions.js';

export { policyTypes, type PolicyType, type ValidationCatalogs } from './checking.js';

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

/** Every catalog bundled with Keyaki, loaded once and shared. */
export async function loadValidationCatalogs(): Promise<Required<ValidationCatalogs>> {
  const [actions, conditionKeys, arnFormats] = await Promise.all([
    loadActionCatalog(),
    loadConditionKeyCatalog(),
    loadArnFormatCatalog(),
  ]);
  return { actions, conditionKeys, arnFormats };
}

/**
 * Validates with the bundled catalogs, loaded on first use. Problems in the
 * document are findings; a `policyType` not in `policyTypes` is a RangeError,
 * as Access Analyzer rejects the request.
 */
export async function validatePolicy(input: ValidatePolicyInput): Promise<ValidatePolicyResult> {
  return validatePolicyWithCatalogs(input, await loadValidationCatalogs());
}

/** Validates synchronously against catalogs the caller has loaded, for many policies in a row. */
export function validatePolicyWithCatalogs(
  input: ValidatePolicyInput,
  catalogs: ValidationCatalogs,
): ValidatePolicyResult {
  // Without a known type every type-specific check would be skipped and the policy look clean.
  if (!policyTypes.includes(input.policyType))
    throw new RangeError(
      `policyType: unknown policy type \`${String(input.policyType)}\`: expected one of ${policyTypes.join(', ')}`,
    );
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
    checkPolicy(policy, input.policyType, versionWritten, { catalogs, report });
    checkSize(input.policyDocument, input.policyType, policy.location, report);
  }
  return { findings: findings.sort(byPosition) };
}

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

function checkPolicy(
  policy: Policy,
  policyType: PolicyType,
  versionWritten: boolean,
  checking: Checking,
): void {
  const { report } = checking;
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
    checkActions(statement, policyType, checking.catalogs.actions, report);
    checkResources(statement, policy, policyType, checking);
    checkConditions(statement, policy, checking);
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

/** Identity and resource policies grant access; SCPs and RCPs only bound what others grant. */
function grants(policyType: PolicyType): boolean {
  return policyType === 'IDENTITY_POLICY' || policyType === 'RESOURCE_POLICY';
}

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

function checkActions(
  statement: Statement,
  policyType: PolicyType,
  catalog: ActionCatalog,
  report: Report,
): void {
  const { action, effect } = statement;
  // Since 2025 SCPs take the full policy language; their Allow only filters, it grants nothing.
  if (action.kind === 'NotAction' && effect === 'Allow' && grants(policyType)) {
    report(
      'ALLOW_WITH_NOT_ACTION',
      '`Allow` with `NotAction` grants every action not listed, including ones AWS adds later',
      action.location,
    );
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
  if (resource.kind === 'NotResource' && statement.effect === 'Allow' && grants(policyType)) {
    report(
      'ALLOW_WITH_NOT_RESOURCE',
      '`Allow` with `NotResource` grants access to every resource not listed, including ones created later',
      resource.location,
    );
  }
  if (grants(policyType)) {
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
    const syntaxIssues = checkArn(entry.pattern);
    for (const issue of syntaxIssues) report(issue.code, issue.message, entry.location);
    const written = writtenArn(entry.pattern);
    const formats = checking.catalogs.arnFormats;
    if (syntaxIssues.length === 0 && written !== undefined && formats !== undefined) {
      for (const issue of checkArnFormat(formats, written)) report(issue.code, issue.message, entry.location);
    }
    checkVariableKeys(entry.pattern, entry.location, checking);
  }
  reportRedundant('REDUNDANT_RESOURCE', resource.entries, false, report);
}
