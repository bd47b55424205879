// CheckNoNewAccess's shortcuts — unchanged statements skipped, the question
// cut by action service, entries covered by an unchanged statement left out —
// give the verdict and the blamed statements of the plain question: every
// Allow statement of the new policy against the whole existing policy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNoNewAccess, noNewAccessFormulas } from '../../src/iam/checks.js';
import { entryCovers, entryService } from '../../src/iam/encode/services.js';
import { matchesWildcard } from '../../src/iam/wildcard.js';
import { solve } from '../../src/logic/index.js';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Record<string, Record<string, readonly string[]>>;
}

const actions = [
  's3:GetObject',
  'S3:getobject',
  's3:Get*',
  's3:*',
  's3:PutObject',
  's3*:Get*',
  'ec2:*',
  'ec2:Describe*',
  'ec2:DescribeInstances',
  'iam:PassRole',
  '*',
];
const resources = ['*', 'arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a*', 'arn:aws:ec2:*:*:instance/*'];

const statementArbitrary: fc.Arbitrary<Statement> = fc
  .record({
    effect: fc.constantFrom('Allow' as const, 'Allow' as const, 'Allow' as const, 'Deny' as const),
    negated: fc.integer({ min: 0, max: 9 }).map((roll) => roll < 3),
    actions: fc.uniqueArray(fc.constantFrom(...actions), { minLength: 1, maxLength: 4 }),
    resources: fc.uniqueArray(fc.constantFrom(...resources), { minLength: 1, maxLength: 2 }),
    team: fc.option(fc.constantFrom('red', 'blue'), { nil: undefined }),
  })
  .map(({ effect, negated, actions: list, resources: where, team }) => ({
    Effect: effect,
    ...(negated ? { NotAction: list } : { Action: list }),
    Resource: where,
    ...(team === undefined ? {} : { Condition: { StringEquals: { 'aws:PrincipalTag/team': [team] } } }),
  }));

/** A next version: some statements kept as they are, some with an action added or dropped, maybe one more. */
const versionPairArbitrary = fc.array(statementArbitrary, { minLength: 1, maxLength: 4 }).chain((existing) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(3), fc.constantFrom(...actions)), { maxLength: existing.length }),
      fc.option(statementArbitrary, { nil: undefined }),
    )
    .map(([edits, added]) => {
      const updated = existing.map((statement, index) => {
        const edit = edits[index];
        const list = statement.Action;
        if (edit === undefined || list === undefined || edit[0] === 0) return statement;
        const changed =
          edit[0] === 1 ? list.filter((entry) => entry !== edit[1]) : [...new Set([...list, edit[1]])];
        return changed.length === 0 ? statement : { ...statement, Action: changed };
      });
      return { existing, updated: added === undefined ? updated : [...updated, added] };
    }),
);

const documentOf = (statements: readonly Statement[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('CheckNoNewAccess shortcuts', () => {
  it('give the plain question’s verdict and blame the statements that grant new access on their own', async () => {
    await fc.assert(
      fc.asyncProperty(versionPairArbitrary, async ({ existing, updated }) => {
        const existingDocument = documentOf(existing);
        const newDocument = documentOf(updated);
        const formulas = noNewAccessFormulas(existingDocument, newDocument);
        if (formulas === undefined) throw new Error('generated documents parse');
        const outcome = await checkNoNewAccess(
          {
            existingPolicyDocument: existingDocument,
            newPolicyDocument: newDocument,
            policyType: 'IDENTITY_POLICY',
          },
          { summarize: false, fallback: false },
        );
        if (!outcome.ok) throw new Error('generated documents parse');
        const plain = solve(formulas.plain);
        expect(plain.status).not.toBe('unknown');
        expect(outcome.response.result).toBe(plain.status === 'sat' ? 'FAIL' : 'PASS');
        const granting = [...formulas.byStatement]
          .filter(([, formula]) => solve(formula).status === 'sat')
          .map(([index]) => index);
        expect(outcome.response.reasons.map((reason) => reason.statementIndex)).toEqual(granting);
      }),
      { numRuns: 150 },
    );
  });

  it('cut the question only along literal services, read case-insensitively', () => {
    expect(entryService('S3:GetObject')).toBe('s3');
    expect(entryService('s3*:GetObject')).toBeUndefined();
    expect(entryService('*')).toBeUndefined();
    expect(entryService('?3:GetObject')).toBeUndefined();
    expect(entryService('s3\u0130:GetObject')).toBeUndefined();
  });

  it('judge an entry covered only when every action it matches the covering pattern matches too', () => {
    const names = ['s3:getobject', 's3:GetObjectAcl', 's3:get', 's3:Put', 'ec2:GetObject', 's3:g', 's3:Gxt'];
    const patterns = ['s3:Get*', 's3:GetObject', 's3:*', '*', 's3:G?t*', 's3:Get', 'S3:GET*', 's3:*Object'];
    for (const pattern of patterns) {
      for (const entry of [...patterns, ...names]) {
        if (!entryCovers(pattern, entry)) continue;
        for (const name of names) {
          if (matchesWildcard(entry, name, true))
            expect(matchesWildcard(pattern, name, true), `${pattern} ⊇ ${entry} at ${name}`).toBe(true);
        }
      }
    }
    expect(entryCovers('s3:Get*', 's3:GetObject*')).toBe(true);
    expect(entryCovers('s3:Get*', 's3:Ge*')).toBe(false);
    expect(entryCovers('s3:G?t*', 's3:GetObject')).toBe(false);
  });
});
