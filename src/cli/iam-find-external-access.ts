// `keyaki iam find-external-access`: IAM Access Analyzer's external access
// findings for one resource policy, offline. Exit 0 no finding, 1 findings,
// 2 unusable input, 3 some finding undecided.
import type { Command } from 'commander';
import { findExternalAccess, publicAccessResourceTypes, type ExternalAccessFinding } from '../iam/index.js';
import { parseCheckOutput, reportInputErrors, sarifLog, type CheckOutput } from './iam-check-output.js';
import { ExitCode, readDocumentArgument, type DocumentArgument } from './io.js';

function describeFinding(finding: ExternalAccessFinding): string[] {
  const who = Object.entries(finding.principal)
    .map(([type, value]) => `${type} \`${value}\``)
    .join(', ');
  const scope = finding.isPublic ? 'public access' : 'external access';
  if (finding.accessibility === 'UNKNOWN')
    return [`UNKNOWN: ${who} may have ${scope}: ${finding.unknownReason ?? 'undecided'}`];
  const conditions = Object.entries(finding.condition).map(([key, value]) => `${key}=${value}`);
  const example = finding.counterexample;
  return [
    `FINDING: ${who} has ${scope}${conditions.length === 0 ? '' : ` when ${conditions.join(', ')}`}`,
    `  actions: ${finding.action.join(', ') || '(actions outside the catalog)'}`,
    `  granted by statement ${finding.reasons.map((reason) => reason.statementId ?? String(reason.statementIndex)).join(', ')}`,
    ...(example === undefined ? [] : [`  for example: \`${example.action}\` on \`${example.resource}\``]),
  ];
}

function formatText(findings: readonly ExternalAccessFinding[]): string {
  if (findings.length === 0) return 'no external access\n';
  return `${findings.flatMap(describeFinding).join('\n')}\n`;
}

/** SARIF 2.1.0: one result per finding and granting statement. */
function formatSarif(findings: readonly ExternalAccessFinding[], document: DocumentArgument): object {
  const results = findings.flatMap((finding) => {
    const text = describeFinding(finding).join('; ');
    const level = finding.accessibility === 'UNKNOWN' ? 'warning' : 'error';
    const indexes = finding.reasons.length === 0 ? [undefined] : finding.reasons.map((r) => r.statementIndex);
    return indexes.map((statementIndex) => ({ level, text, statementIndex }) as const);
  });
  return sarifLog('find-external-access', 'access from outside the owner account', document, results);
}

function exitCodeOf(findings: readonly ExternalAccessFinding[]): number {
  if (findings.some((finding) => finding.accessibility === 'UNKNOWN')) return ExitCode.undecided;
  return findings.length === 0 ? ExitCode.ok : ExitCode.negative;
}

export function registerIamFindExternalAccess(group: Command): void {
  group
    .command('find-external-access')
    .description('list who outside the owner account can reach the resource, proved for every request')
    .requiredOption('--policy-document <document>', 'the resource policy as JSON text, or file://path')
    .requiredOption('--resource-type <type>', `one of ${publicAccessResourceTypes.join(', ')}`)
    .requiredOption('--owner-account <account>', 'the 12-digit account that owns the resource')
    .option('--output <format>', 'json (`{ "findings": [...] }`), text or sarif', parseCheckOutput, 'json')
    .action(
      async (options: {
        policyDocument: string;
        resourceType: string;
        ownerAccount: string;
        output: CheckOutput;
      }) => {
        const document = readDocumentArgument(options.policyDocument, '--policy-document');
        const outcome = await findExternalAccess({
          policyDocument: document.text,
          resourceType: options.resourceType,
          ownerAccount: options.ownerAccount,
        });
        if (!outcome.ok) {
          reportInputErrors(outcome.errors, { policyDocument: document });
          return;
        }
        const { findings } = outcome.response;
        switch (options.output) {
          case 'json':
            process.stdout.write(`${JSON.stringify(outcome.response, null, 2)}\n`);
            break;
          case 'text':
            process.stdout.write(formatText(findings));
            break;
          case 'sarif':
            process.stdout.write(`${JSON.stringify(formatSarif(findings, document), null, 2)}\n`);
            break;
          default:
            return options.output satisfies never;
        }
        process.exitCode = exitCodeOf(findings);
      },
    );
}
