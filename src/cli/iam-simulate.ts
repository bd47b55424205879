// `keyaki iam simulate`: the concrete evaluator over every action × resource,
// in the spirit of `aws iam simulate-custom-policy` but with every policy kind
// (resource policy, permissions boundary, session policies, SCP and RCP
// levels) and offline.
import type { Command } from 'commander';
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import {
  describeDenialReason,
  evaluate,
  missingContextKeys,
  parseEvaluationPolicies,
  parsePrincipal,
  readBase64,
  readDate,
  readIp,
  readNumber,
  type ContextScalar,
  type ContextValue,
  type EvaluationPolicyTexts,
  type EvaluationPolicies,
  type EvaluationRequest,
  type EvaluationResult,
  type MatchedStatement,
  type PolicyReference,
  type PolicyText,
  type PolicyTextError,
} from '../iam/index.js';
import {
  codeFrame,
  ExitCode,
  parseOutputFormat,
  readDocumentArgument,
  UsageError,
  type DocumentArgument,
  type OutputFormat,
} from './io.js';

interface SimulateOptions {
  readonly policyInputList?: readonly string[];
  readonly resourcePolicy?: string;
  readonly permissionsBoundaryPolicyInputList?: readonly string[];
  readonly sessionPolicy?: readonly string[];
  readonly scp?: readonly string[];
  readonly rcp?: readonly string[];
  readonly vpcEndpointPolicy?: string;
  readonly actionNames: readonly string[];
  readonly resourceArns?: readonly string[];
  readonly callerArn?: string;
  readonly contextEntries?: readonly string[];
  readonly context?: string;
  readonly resourceOwner?: string;
  readonly managementAccount?: string;
  readonly callerIsServiceLinkedRole?: boolean;
  readonly output: OutputFormat;
}

const collect = (value: string, previous: readonly string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

export function registerIamSimulate(group: Command): void {
  group
    .command('simulate')
    .description('evaluate requests against identity, resource, boundary, session, SCP and RCP policies')
    .option('--policy-input-list <documents...>', 'identity-based policies: JSON text or file://path each')
    .option('--resource-policy <document>', 'the resource-based policy')
    .option(
      '--permissions-boundary-policy-input-list <documents...>',
      'the permissions boundary (one policy)',
    )
    .option('--session-policy <documents...>', 'session policies passed when the session was created')
    .option(
      '--scp <documents>',
      'the SCPs of one level, root first; repeat per level; several file:// joined by commas',
      collect,
    )
    .option('--rcp <documents>', 'the RCPs of one level, root first; repeat per level', collect)
    .option('--vpc-endpoint-policy <document>', 'the policy of the VPC endpoint the request goes through')
    .requiredOption('--action-names <actions...>', 'actions to evaluate, such as s3:GetObject')
    .option('--resource-arns <arns...>', 'resources to evaluate (default `*`)')
    .option(
      '--caller-arn <arn>',
      'who makes the request: an IAM user, role session, account id, service principal or `*`',
    )
    .option(
      '--context-entries <entries...>',
      'ContextKeyName=aws:SourceIp,ContextKeyValues=1.2.3.4,ContextKeyType=ip (AWS CLI shorthand), or their JSON list',
    )
    .option(
      '--context <document>',
      'context keys as a JSON object: {"aws:SourceIp": "1.2.3.4", "aws:TagKeys": ["a"]}',
    )
    .option(
      '--resource-owner <account>',
      "the account that owns the resources (default: the ARN's, else the caller's)",
    )
    .option(
      '--management-account <account>',
      "the organization's management account: SCPs spare its principals, RCPs its resources",
    )
    .option(
      '--caller-is-service-linked-role',
      'the caller is a service-linked role or its session, which no SCP or RCP restricts (default: a role under /aws-service-role/)',
    )
    .option('--output <format>', 'json (EvaluationResults) or text', parseOutputFormat, 'json')
    .action((options: SimulateOptions) => {
      process.exitCode = simulate(options);
    });
}

/**
 * Without --caller-arn the caller is an IAM user of the resource owner's
 * account, as simulate-custom-policy evaluates identity-based policies alone.
 */
const defaultAccount = '123456789012';
const defaultCaller = (account: string): string => `arn:aws:iam::${account}:user/simulated-caller`;

function simulate(options: SimulateOptions): number {
  if (options.resourcePolicy !== undefined && options.callerArn === undefined) {
    throw new UsageError(
      '--caller-arn is required with --resource-policy: a resource policy names its principals',
    );
  }
  checkRequestOptions(options);
  const boundaries = options.permissionsBoundaryPolicyInputList ?? [];
  if (boundaries.length > 1) {
    throw new UsageError(
      '--permissions-boundary-policy-input-list takes one policy: an IAM entity has one boundary',
    );
  }
  const sources = new Map<string, DocumentArgument>();
  const read = (argument: string, option: string, id: string): PolicyText => {
    const document = readDocumentArgument(argument, option);
    sources.set(id, document);
    return { name: id, text: document.text };
  };
  const texts: EvaluationPolicyTexts = {
    identityPolicies: (options.policyInputList ?? []).map((argument, index) =>
      read(argument, '--policy-input-list', `PolicyInputList.${index + 1}`),
    ),
    ...(options.resourcePolicy === undefined
      ? {}
      : { resourcePolicy: read(options.resourcePolicy, '--resource-policy', 'ResourcePolicy') }),
    ...(boundaries[0] === undefined
      ? {}
      : {
          permissionsBoundary: read(
            boundaries[0],
            '--permissions-boundary-policy-input-list',
            'PermissionsBoundaryPolicyInputList.1',
          ),
        }),
    ...(options.sessionPolicy === undefined
      ? {}
      : {
          sessionPolicies: options.sessionPolicy.map((argument, index) =>
            read(argument, '--session-policy', `SessionPolicy.${index + 1}`),
          ),
        }),
    serviceControlPolicies: levelsOf(options.scp, '--scp', 'ServiceControlPolicy', read),
    resourceControlPolicies: levelsOf(options.rcp, '--rcp', 'ResourceControlPolicy', read),
    ...(options.vpcEndpointPolicy === undefined
      ? {}
      : { vpcEndpointPolicy: read(options.vpcEndpointPolicy, '--vpc-endpoint-policy', 'VpcEndpointPolicy') }),
  };
  const parsed = parseEvaluationPolicies(texts);
  if (!parsed.ok) {
    printPolicyErrors(parsed.errors, sources);
    return ExitCode.unusableInput;
  }
  const context = readContext(options);
  const caller = options.callerArn ?? defaultCaller(options.resourceOwner ?? defaultAccount);
  const resourceOwner =
    options.resourceOwner ?? (options.callerArn === undefined ? defaultAccount : undefined);
  const request: RequestBase = {
    principal: principalOf(caller, options),
    context,
    ...(resourceOwner === undefined ? {} : { resourceAccount: resourceOwner }),
    ...(options.managementAccount === undefined ? {} : { managementAccount: options.managementAccount }),
  };
  const evaluations = evaluateAll(options, parsed.policies, request);
  process.stdout.write(
    options.output === 'json'
      ? `${JSON.stringify(jsonReport(evaluations, sources), null, 2)}\n`
      : textReport(evaluations, sources),
  );
  return evaluations.every((evaluation) => evaluation.result.decision === 'Allow')
    ? ExitCode.ok
    : ExitCode.negative;
}

const accountId = /^\d{12}$/;
/** partition, service, region, account, resource: the last may hold colons, region and account may be empty. */
const resourceArn = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/;

/**
 * Mistyped requests would be evaluated, and denied, without a word: a caller
 * ARN with no account, an action without its service prefix, a resource
 * that is no ARN.
 */
function checkRequestOptions(options: SimulateOptions): void {
  if (options.callerArn !== undefined) {
    const caller = parsePrincipal(options.callerArn);
    const account = caller.kind === 'aws' ? caller.arn.split(':')[4] : undefined;
    if (caller.kind === 'aws' && (account === undefined || !accountId.test(account))) {
      throw new UsageError(
        `--caller-arn \`${options.callerArn}\` is not an IAM or STS ARN with a 12-digit account, an account id, a service principal or \`*\``,
      );
    }
  }
  if (options.resourceOwner !== undefined && !accountId.test(options.resourceOwner)) {
    throw new UsageError(`--resource-owner \`${options.resourceOwner}\` is not a 12-digit account id`);
  }
  if (options.managementAccount !== undefined && !accountId.test(options.managementAccount)) {
    throw new UsageError(
      `--management-account \`${options.managementAccount}\` is not a 12-digit account id`,
    );
  }
  const malformed = options.actionNames.find((action) => !/^[A-Za-z0-9-]+:[A-Za-z0-9]+$/.test(action));
  if (malformed !== undefined) {
    throw new UsageError(`--action-names \`${malformed}\` is not an action such as \`s3:GetObject\``);
  }
  const notArn = options.resourceArns?.find((resource) => resource !== '*' && !resourceArn.test(resource));
  if (notArn !== undefined) {
    throw new UsageError(
      `--resource-arns \`${notArn}\` is not an ARN such as \`arn:aws:s3:::bucket/key\`, nor \`*\``,
    );
  }
}

/** Each occurrence of --scp / --rcp is one level; one occurrence may join several file:// documents with commas. */
function levelsOf(
  occurrences: readonly string[] | undefined,
  option: string,
  idPrefix: string,
  read: (argument: string, option: string, id: string) => PolicyText,
): PolicyText[][] | undefined {
  return occurrences?.map((occurrence, level) => {
    const parts = occurrence.split(',');
    const documents =
      parts.length > 1 && parts.every((part) => part.startsWith('file://')) ? parts : [occurrence];
    return documents.map((document, index) =>
      read(document, option, `${idPrefix}.${level + 1}.${index + 1}`),
    );
  });
}

function printPolicyErrors(
  errors: readonly PolicyTextError[],
  sources: ReadonlyMap<string, DocumentArgument>,
): void {
  for (const failure of errors) {
    const id = failure.policy.name ?? failure.policy.kind;
    const source = sources.get(id);
    for (const error of failure.errors) {
      const span = { start: error.location.span.start.offset, end: error.location.span.end.offset };
      const message = `${error.code}: ${error.message}`;
      process.stderr.write(
        source === undefined
          ? `${id}: error: ${message}\n`
          : codeFrame(source.source, source.text, message, span),
      );
    }
  }
}

// --- Request context -------------------------------------------------------

type ContextKeyType = 'string' | 'numeric' | 'boolean' | 'ip' | 'binary' | 'date';

const contextKeyTypes: readonly ContextKeyType[] = ['string', 'numeric', 'boolean', 'ip', 'binary', 'date'];

interface ContextEntryInput {
  readonly ContextKeyName?: unknown;
  readonly ContextKeyValues?: unknown;
  readonly ContextKeyType?: unknown;
}

function readContext(options: SimulateOptions): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {};
  if (options.context !== undefined) {
    const document = readDocumentArgument(options.context, '--context');
    for (const [key, value] of Object.entries(contextObject(document))) context[key] = value;
  }
  for (const argument of options.contextEntries ?? []) {
    for (const entry of contextEntries(argument)) {
      const [key, value] = contextEntry(entry);
      context[key] = value;
    }
  }
  return context;
}

/**
 * A JSON document read with positions: malformed JSON is a usage error with
 * the file, line and column of its first problem and the line under it.
 */
function parseJson(document: DocumentArgument, option: string): Node {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(document.text, errors, { disallowComments: true, allowTrailingComma: false });
  } catch (error) {
    // jsonc-parser recurses per nesting level; absurd nesting exhausts the stack.
    if (!(error instanceof RangeError)) throw error;
    throw new UsageError(`${option} \`${document.source}\`: the document nests too deeply`);
  }
  const [first] = errors;
  if (first !== undefined) {
    const problem = printParseErrorCode(first.error)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    throw problemAt(document, option, `malformed JSON: ${problem}`, first);
  }
  if (root === undefined)
    throw problemAt(document, option, 'malformed JSON: the document is empty', { offset: 0, length: 0 });
  return root;
}

/** A problem with one value of a document given to an option, shown where it is. */
function problemAt(
  document: DocumentArgument,
  option: string,
  message: string,
  at: { readonly offset: number; readonly length: number },
): UsageError {
  const span = { start: at.offset, end: at.offset + at.length };
  return new UsageError(`${option}: ${codeFrame(document.source, document.text, message, span).trimEnd()}`);
}

function isScalar(value: unknown): value is ContextScalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function contextObject(document: DocumentArgument): Record<string, ContextValue> {
  const root = parseJson(document, '--context');
  if (root.type !== 'object')
    throw problemAt(document, '--context', 'the context must be a JSON object of condition keys', root);
  const context: Record<string, ContextValue> = {};
  for (const member of root.children ?? []) {
    const [name, valueNode] = member.children ?? [];
    const key = String(name?.value);
    const value: unknown = valueNode === undefined ? undefined : getNodeValue(valueNode);
    if (isScalar(value)) context[key] = value;
    else if (Array.isArray(value) && value.every(isScalar)) context[key] = value;
    else
      throw problemAt(
        document,
        '--context',
        `context key \`${key}\` must be a string, number, boolean or an array of them`,
        valueNode ?? member,
      );
  }
  return context;
}

/** One --context-entries argument: a JSON list (or file://) or the AWS CLI shorthand. */
function contextEntries(argument: string): ContextEntryInput[] {
  const trimmed = argument.trim();
  if (trimmed.startsWith('file://') || trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const document = readDocumentArgument(argument, '--context-entries');
    const root = parseJson(document, '--context-entries');
    const items = root.type === 'array' ? (root.children ?? []) : [root];
    return items.map((item) => {
      if (item.type !== 'object')
        throw problemAt(document, '--context-entries', 'a context entry must be an object', item);
      return getNodeValue(item) as ContextEntryInput;
    });
  }
  return [shorthandEntry(argument)];
}

/**
 * `ContextKeyName=k,ContextKeyValues=a,b,ContextKeyType=stringList`: a token
 * without `=` continues the previous field's list, as the AWS CLI reads it.
 */
function shorthandEntry(argument: string): ContextEntryInput {
  const fields = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const token of argument.split(',')) {
    const equals = token.indexOf('=');
    if (equals > 0 && /^[A-Za-z]+$/.test(token.slice(0, equals))) {
      current = [token.slice(equals + 1)];
      fields.set(token.slice(0, equals), current);
    } else if (current !== undefined) {
      current.push(token);
    } else {
      throw new UsageError(`cannot read context entry \`${argument}\`: expected ContextKeyName=...`);
    }
  }
  const values = (fields.get('ContextKeyValues') ?? []).map((value) => value.replace(/^\[|\]$/g, ''));
  return {
    ContextKeyName: fields.get('ContextKeyName')?.join(','),
    ContextKeyValues: values,
    ContextKeyType: fields.get('ContextKeyType')?.join(',') ?? 'string',
  };
}

function contextEntry(entry: ContextEntryInput): [string, ContextValue] {
  const name = entry.ContextKeyName;
  if (typeof name !== 'string' || name === '')
    throw new UsageError('a context entry has no `ContextKeyName`');
  const typeText = typeof entry.ContextKeyType === 'string' ? entry.ContextKeyType : 'string';
  const list = typeText.endsWith('List');
  const type = (list ? typeText.slice(0, -'List'.length) : typeText) as ContextKeyType;
  if (!contextKeyTypes.includes(type)) {
    throw new UsageError(
      `context key \`${name}\` has unknown type \`${typeText}\`: expected one of ${contextKeyTypes.join(', ')}, optionally with List`,
    );
  }
  const rawValues = entry.ContextKeyValues;
  if (!Array.isArray(rawValues) || !rawValues.every(isScalar)) {
    throw new UsageError(`context key \`${name}\` needs \`ContextKeyValues\`, a list of values`);
  }
  const values = rawValues.map((value) => typedValue(name, type, String(value)));
  if (list) return [name, values];
  if (values.length !== 1 || values[0] === undefined) {
    throw new UsageError(
      `context key \`${name}\` of type \`${type}\` takes one value: use \`${type}List\` for several`,
    );
  }
  return [name, values[0]];
}

/** The readers the evaluator applies to each type: a value it cannot read would silently match nothing. */
const valueReaders: Readonly<Record<'numeric' | 'ip' | 'binary' | 'date', (text: string) => unknown>> = {
  numeric: readNumber,
  ip: readIp,
  binary: readBase64,
  date: readDate,
};

function typedValue(name: string, type: ContextKeyType, text: string): ContextScalar {
  switch (type) {
    case 'boolean':
      if (!/^(true|false)$/i.test(text))
        throw new UsageError(`context key \`${name}\`: \`${text}\` is not true or false`);
      return text.toLowerCase() === 'true';
    case 'string':
      return text;
    case 'numeric':
    case 'ip':
    case 'binary':
    case 'date':
      if (valueReaders[type](text) === undefined)
        throw new UsageError(`context key \`${name}\`: \`${text}\` is not a value of type \`${type}\``);
      return text;
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

// --- Evaluation and output -------------------------------------------------

interface Evaluation {
  readonly action: string;
  readonly resource: string;
  readonly result: EvaluationResult;
  /** Keys the policies read for this action that the request leaves absent. */
  readonly missingKeys: readonly string[];
}

/** What every evaluated request shares: all but the action and the resource. */
type RequestBase = Omit<EvaluationRequest, 'action' | 'resource'>;

/** The caller as the evaluator takes it: a string, or an IAM principal stated to be a service-linked role. */
function principalOf(caller: string, options: SimulateOptions): EvaluationRequest['principal'] {
  if (options.callerIsServiceLinkedRole !== true) return caller;
  const principal = parsePrincipal(caller);
  if (principal.kind !== 'aws') {
    throw new UsageError(
      `--caller-is-service-linked-role needs an IAM role or role session in --caller-arn, not \`${caller}\``,
    );
  }
  return { ...principal, isServiceLinkedRole: true };
}

function evaluateAll(
  options: SimulateOptions,
  policies: EvaluationPolicies,
  base: RequestBase,
): Evaluation[] {
  const resources = options.resourceArns ?? ['*'];
  return options.actionNames.flatMap((action) =>
    resources.map((resource) => {
      const request: EvaluationRequest = { ...base, action, resource };
      return {
        action,
        resource,
        result: evaluate(request, policies),
        missingKeys: missingContextKeys(request, policies),
      };
    }),
  );
}

const decisionNames = {
  Allow: 'allowed',
  ExplicitDeny: 'explicitDeny',
  ImplicitDeny: 'implicitDeny',
} as const;

function policyId(reference: PolicyReference): string {
  return reference.name ?? `${reference.kind}.${reference.index + 1}`;
}

const policyTypeNames: Readonly<Record<PolicyReference['kind'], string>> = {
  identity: 'IAM Policy',
  resource: 'Resource Policy',
  permissionsBoundary: 'Permissions Boundary Policy',
  session: 'Session Policy',
  serviceControl: 'Service Control Policy',
  resourceControl: 'Resource Control Policy',
  vpcEndpoint: 'VPC Endpoint Policy',
};

function decidingStatements(result: EvaluationResult): readonly MatchedStatement[] {
  switch (result.decision) {
    case 'Allow':
      return result.allowedBy;
    case 'ExplicitDeny':
      return result.deniedBy;
    case 'ImplicitDeny':
      return [];
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

/** Positions as simulate-custom-policy reports them: 1-based lines and columns. */
function jsonStatement(statement: MatchedStatement, sources: ReadonlyMap<string, DocumentArgument>): object {
  const id = policyId(statement.policy);
  const { start, end } = statement.location.span;
  return {
    SourcePolicyId: id,
    SourcePolicyType: policyTypeNames[statement.policy.kind],
    ...(sources.get(id)?.source === undefined ? {} : { SourceFile: sources.get(id)?.source }),
    StatementIndex: statement.statementIndex,
    ...(statement.sid === undefined ? {} : { Sid: statement.sid }),
    StartPosition: { Line: start.line, Column: start.column + 1 },
    EndPosition: { Line: end.line, Column: end.column + 1 },
  };
}

function jsonReport(
  evaluations: readonly Evaluation[],
  sources: ReadonlyMap<string, DocumentArgument>,
): object {
  return {
    EvaluationResults: evaluations.map(({ action, resource, result, missingKeys }) => ({
      EvalActionName: action,
      EvalResourceName: resource,
      EvalDecision: decisionNames[result.decision],
      MatchedStatements: decidingStatements(result).map((statement) => jsonStatement(statement, sources)),
      MissingContextValues: missingKeys,
      ...(result.decision === 'ImplicitDeny'
        ? { DenialReasons: result.reasons.map(describeDenialReason) }
        : {}),
    })),
  };
}

function textStatement(statement: MatchedStatement, sources: ReadonlyMap<string, DocumentArgument>): string {
  const id = policyId(statement.policy);
  const { line, column } = statement.location.span.start;
  const file = sources.get(id)?.source ?? id;
  const sid = statement.sid === undefined ? '' : ` (${statement.sid})`;
  return `  ${statement.effect.toLowerCase()} by ${id} statement ${statement.statementIndex}${sid} at ${file}:${line}:${column + 1}`;
}

function textReport(
  evaluations: readonly Evaluation[],
  sources: ReadonlyMap<string, DocumentArgument>,
): string {
  const lines: string[] = [];
  for (const { action, resource, result, missingKeys } of evaluations) {
    lines.push(`${decisionNames[result.decision]}: ${action} on ${resource}`);
    for (const statement of decidingStatements(result)) lines.push(textStatement(statement, sources));
    if (result.decision === 'ImplicitDeny') {
      for (const reason of result.reasons) lines.push(`  ${describeDenialReason(reason)}`);
    }
    if (missingKeys.length > 0) lines.push(`  evaluated as absent: ${missingKeys.join(', ')}`);
  }
  const allowed = evaluations.filter((evaluation) => evaluation.result.decision === 'Allow').length;
  lines.push(`${allowed} of ${evaluations.length} allowed`);
  return `${lines.join('\n')}\n`;
}
