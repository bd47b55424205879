// `keyaki iam validate-policy`: Access Analyzer's ValidatePolicy offline, with
// the AWS CLI's option names, JSON output shaped like its response, a text
// output for people that points at each finding in the document, and SARIF
// for code-scanning dashboards.
import type { Command } from 'commander';
import {
  policyTypes,
  validatePolicy,
  type FindingType,
  type PolicyType,
  type ValidatePolicyFinding,
} from '../iam/index.js';
import { ExitCode, frameSpan, readDocumentArgument, UsageError, type DocumentArgument } from './io.js';

type ValidateOutput = 'json' | 'text' | 'sarif';

function parseValidateOutput(value: string): ValidateOutput {
  if (value === 'json' || value === 'text' || value === 'sarif') return value;
  throw new UsageError(`unknown output format \`${value}\`: expected \`json\`, \`text\` or \`sarif\``);
}

function parsePolicyType(value: string): PolicyType {
  const type = policyTypes.find((candidate) => candidate === value);
  if (type !== undefined) return type;
  throw new UsageError(
    `unknown policy type \`${value}\`: expected one of ${policyTypes.map((t) => `\`${t}\``).join(', ')}`,
  );
}

export function registerIamValidatePolicy(group: Command): void {
  group
    .command('validate-policy')
    .description(
      'check a policy for errors, security warnings, warnings and suggestions, as IAM Access Analyzer does',
    )
    .requiredOption(
      '--policy-document <document>',
      'the policy as JSON text, or file://path to read it from a file',
    )
    .requiredOption('--policy-type <type>', `one of ${policyTypes.join(', ')}`, parsePolicyType)
    .option(
      '--output <format>',
      'json (the ValidatePolicy response), text or sarif',
      parseValidateOutput,
      'json',
    )
    .action(async (options: { policyDocument: string; policyType: PolicyType; output: ValidateOutput }) => {
      const document = readDocumentArgument(options.policyDocument, '--policy-document');
      const { findings } = await validatePolicy({
        policyDocument: document.text,
        policyType: options.policyType,
      });
      process.stdout.write(formatFindings(options.output, document, findings));
      process.exitCode = findings.some((f) => f.findingType === 'ERROR') ? ExitCode.negative : ExitCode.ok;
    });
}

function formatFindings(
  output: ValidateOutput,
  document: DocumentArgument,
  findings: readonly ValidatePolicyFinding[],
): string {
  switch (output) {
    case 'json':
      return `${JSON.stringify({ findings }, null, 2)}\n`;
    case 'text':
      return formatText(document, findings);
    case 'sarif':
      return `${JSON.stringify(formatSarif(document, findings), null, 2)}\n`;
    default: {
      const unreachable: never = output;
      return unreachable;
    }
  }
}

const sarifLevels: Readonly<Record<FindingType, 'error' | 'warning' | 'note'>> = {
  ERROR: 'error',
  SECURITY_WARNING: 'warning',
  WARNING: 'warning',
  SUGGESTION: 'note',
};

/**
 * A SARIF 2.1.0 log with one run: one rule per issue code that occurs, one
 * result per finding, located by 1-based line and column as SARIF counts.
 */
export function formatSarif(document: DocumentArgument, findings: readonly ValidatePolicyFinding[]): object {
  const rules = [...new Map(findings.map((f) => [f.issueCode, f])).values()].map((f) => ({
    id: f.issueCode,
    ...(f.learnMoreLink === undefined ? {} : { helpUri: f.learnMoreLink }),
    properties: { findingType: f.findingType },
  }));
  const results = findings.map((f) => ({
    ruleId: f.issueCode,
    level: sarifLevels[f.findingType],
    message: { text: f.findingDetails },
    properties: { findingType: f.findingType },
    locations: f.locations.map(({ span }) => ({
      physicalLocation: {
        artifactLocation: { uri: document.source },
        region: {
          startLine: span.start.line,
          startColumn: span.start.column + 1,
          endLine: span.end.line,
          endColumn: span.end.column + 1,
        },
      },
    })),
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'keyaki', rules } }, results }],
  };
}

const summaryNames: readonly [FindingType, string][] = [
  ['ERROR', 'error'],
  ['SECURITY_WARNING', 'security warning'],
  ['WARNING', 'warning'],
  ['SUGGESTION', 'suggestion'],
];

/**
 * One block per finding, then a summary line:
 *
 *     p.json:4:17: ERROR INVALID_ACTION: no action `GetObjekt` exists in service `s3`
 *       4 |       "Action": "s3:GetObjekt",
 *         |                 ^^^^^^^^^^^^^^
 *
 * Columns are 1-based here, as editors count them; JSON output keeps Access
 * Analyzer's 0-based columns.
 */
export function formatText(document: DocumentArgument, findings: readonly ValidatePolicyFinding[]): string {
  const blocks = findings.map((finding) => {
    const span = finding.locations[0]?.span;
    const head = `${finding.findingType} ${finding.issueCode}: ${finding.findingDetails}`;
    if (span === undefined) return `${document.source}: ${head}\n`;
    const framed = frameSpan(document.text, { start: span.start.offset, end: span.end.offset });
    return `${document.source}:${framed.line}:${framed.column + 1}: ${head}\n${framed.frame}`;
  });
  const counts = summaryNames
    .map(([type, name]) => {
      const count = findings.filter((f) => f.findingType === type).length;
      return count === 0 ? undefined : `${count} ${name}${count === 1 ? '' : 's'}`;
    })
    .filter((part) => part !== undefined);
  const summary =
    counts.length === 0 ? `${document.source}: no findings` : `${document.source}: ${counts.join(', ')}`;
  return `${blocks.join('')}${summary}\n`;
}
