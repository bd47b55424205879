// `keyaki iam validate-policy`: Access Analyzer's ValidatePolicy offline, with
// the AWS CLI's option names, JSON output shaped like its response, and a text
// output for people that points at each finding in the document.
import type { Command } from 'commander';
import {
  policyTypes,
  validatePolicy,
  type FindingType,
  type PolicyType,
  type ValidatePolicyFinding,
} from '../iam/index.js';
import {
  ExitCode,
  parseOutputFormat,
  readDocumentArgument,
  UsageError,
  type DocumentArgument,
} from './io.js';

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
    .option('--output <format>', 'json (the ValidatePolicy response) or text', parseOutputFormat, 'json')
    .action(async (options: { policyDocument: string; policyType: PolicyType; output: 'json' | 'text' }) => {
      const document = readDocumentArgument(options.policyDocument, '--policy-document');
      const { findings } = await validatePolicy({
        policyDocument: document.text,
        policyType: options.policyType,
      });
      process.stdout.write(
        options.output === 'json'
          ? `${JSON.stringify({ findings }, null, 2)}\n`
          : formatText(document, findings),
      );
      process.exitCode = findings.some((f) => f.findingType === 'ERROR') ? ExitCode.negative : ExitCode.ok;
    });
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
  const lines = document.text.split(/\r?\n|\r/);
  const blocks = findings.map((finding) => {
    const start = finding.locations[0]?.span.start;
    const end = finding.locations[0]?.span.end;
    const head = `${finding.findingType} ${finding.issueCode}: ${finding.findingDetails}`;
    if (start === undefined || end === undefined) return `${document.source}: ${head}\n`;
    const line = lines[start.line - 1] ?? '';
    const width = Math.max(1, (end.line === start.line ? end.column : line.length) - start.column);
    const gutter = ' '.repeat(String(start.line).length);
    return [
      `${document.source}:${start.line}:${start.column + 1}: ${head}`,
      `  ${start.line} | ${line}`,
      `  ${gutter} | ${' '.repeat(start.column)}${'^'.repeat(width)}`,
      '',
    ].join('\n');
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
