// Checks of Principal and NotPrincipal: which policy types take them, and
// the form of each AWS, Service, Federated and CanonicalUser entry.
import type { PrincipalEntry, Statement } from '../model.js';
import { looksLikeVariable } from '../parse/patterns.js';
import type { PolicyType, Report } from './checking.js';

export function checkPrincipal(statement: Statement, policyType: PolicyType, report: Report): void {
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
  if (looksLikeVariable(value)) {
    report(
      'VARIABLE_UNSUPPORTED_IN_ELEMENT',
      `policy variables are not supported in principals: \`${value}\``,
      entry.location,
    );
    return;
  }
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
