// What the three `keyaki iam check-*` commands share: option parsing, the
// text, JSON and SARIF renderings of a check response, and exit codes
// (0 PASS, 1 FAIL, 2 unusable input, 3 UNKNOWN).
import {
  checkPolicyTypes,
  parsePolicy,
  type CheckInputError,
  type CheckOutcome,
  type CheckPolicyType,
  type CheckResponse,
  type Counterexample,
} from '../iam/index.js';
import { codeFrame, ExitCode, UsageError, type DocumentArgument } from './io.js';

export type CheckOutput = 'json' | 'text' | 'sarif';

export function parseCheckOutput(value: string): CheckOutput {
  if (value === 'json' || value === 'text' || value === 'sarif') return value;
  throw new UsageError(`unknown output format \`${value}\`: expected \`json\`, \`text\` or \`sarif\``);
}

export function parseCheckPolicyType(value: string): CheckPolicyType {
  const type = checkPolicyTypes.find((candidate) => candidate === value);
  if (type !== undefined) return type;
  throw new UsageError(
    `unknown policy type \`${value}\`: expected one of ${checkPolicyTypes.map((t) => `\`${t}\``).join(', ')}`,
  );
}

function describeRequest(example: Counterexample): string {
  const principal =
    example.principal === undefined ? '' : ` by ${example.principal.type} \`${example.principal.id}\``;
  const context = Object.entries(example.context)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`)
    .join(', ');
  return `\`${example.action}\` on \`${example.resource ?? '*'}\`${principal}${context === '' ? '' : ` with ${context}`}`;
}

function formatText(response: CheckResponse): string {
  const lines = [`${response.result}: ${response.message}`];
  if (response.result === 'FAIL') {
    for (const reason of response.reasons)
      lines.push(
        `  ${reason.description}${reason.statementId === undefined ? '' : ` (Sid ${reason.statementId})`}`,
      );
    lines.push(`  for example: ${describeRequest(response.counterexample)}`);
    for (const access of response.newAccess ?? [])
      lines.push(
        `  new in statement ${access.statementIndex}: ${access.actions} on ${access.resources}, e.g. ${describeRequest(access.example)}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** One SARIF result: a finding about the statement at `statementIndex` (none: the document as a whole). */
export interface SarifFinding {
  readonly level: 'error' | 'warning';
  readonly text: string;
  readonly statementIndex: number | undefined;
}

/** A SARIF 2.1.0 log of one rule, each result located where its statement is written in the document. */
export function sarifLog(
  ruleId: string,
  description: string,
  document: DocumentArgument,
  findings: readonly SarifFinding[],
): object {
  const parsed = parsePolicy(document.text);
  const statements = parsed.ok ? parsed.policy.statements : [];
  const results = findings.map((finding) => {
    const span = statements.find((statement) => statement.index === finding.statementIndex)?.location.span;
    return {
      ruleId,
      level: finding.level,
      message: { text: finding.text },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: document.source },
            ...(span === undefined
              ? {}
              : {
                  region: {
                    startLine: span.start.line,
                    startColumn: span.start.column + 1,
                    endLine: span.end.line,
                    endColumn: span.end.column + 1,
                  },
                }),
          },
        },
      ],
    };
  });
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: { name: 'keyaki', rules: [{ id: ruleId, shortDescription: { text: description } }] },
        },
        results,
      },
    ],
  };
}

/** One result per statement at fault. */
function formatSarif(response: CheckResponse, checkName: string, document: DocumentArgument): object {
  const findings: SarifFinding[] =
    response.result === 'FAIL'
      ? response.reasons.map((reason) => ({
          level: 'error',
          text: `${reason.description}: for example ${describeRequest(response.counterexample)}`,
          statementIndex: reason.statementIndex,
        }))
      : [];
  return sarifLog(checkName, response.message, document, findings);
}

const exitCodes: Readonly<Record<CheckResponse['result'], number>> = {
  PASS: ExitCode.ok,
  FAIL: ExitCode.negative,
  UNKNOWN: ExitCode.undecided,
};

/**
 * Prints each input error with a code frame in the document of its field
 * (`inputs`, keyed by request field such as `existingPolicyDocument`), then
 * sets the exit code for unusable input.
 */
export function reportInputErrors(
  errors: readonly CheckInputError[],
  inputs: Readonly<Record<string, DocumentArgument>>,
): void {
  for (const error of errors) {
    const input = inputs[error.field];
    const span = error.location?.span;
    process.stderr.write(
      input === undefined
        ? `keyaki: ${error.message}\n`
        : codeFrame(
            input.source,
            input.text,
            error.message,
            span && { start: span.start.offset, end: span.end.offset },
          ),
    );
  }
  process.exitCode = ExitCode.unusableInput;
}

/** Prints the outcome and sets the exit code; `inputs` as for reportInputErrors (default: `document` is `policyDocument`). */
export function reportCheck(
  outcome: CheckOutcome,
  output: CheckOutput,
  checkName: string,
  document: DocumentArgument,
  inputs: Readonly<Record<string, DocumentArgument>> = { policyDocument: document },
): void {
  if (!outcome.ok) {
    reportInputErrors(outcome.errors, inputs);
    return;
  }
  const { response } = outcome;
  switch (output) {
    case 'json':
      process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
      break;
    case 'text':
      process.stdout.write(formatText(response));
      break;
    case 'sarif':
      process.stdout.write(`${JSON.stringify(formatSarif(response, checkName, document), null, 2)}\n`);
      break;
    default:
      return output satisfies never;
  }
  process.exitCode = exitCodes[response.result];
}
