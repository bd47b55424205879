// Differential specification of CheckNoNewAccess: on random policies built from
// a small vocabulary, the verdict agrees with brute-force evaluation over every
// request drawn from the policies' own constants, using an independent
// evaluator written here from the IAM documentation (wildcard matching from
// src/iam/wildcard.ts, not the encoding's automata).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAccessNotGranted, checkNoNewAccess, type Counterexample } from '../../src/iam/checks.js';
import { matchesWildcard } from '../../src/iam/wildcard.js';

interface SmallStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly negatedAction: boolean;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: {
    readonly operator: 'StringEquals' | 'StringLike' | 'StringNotEquals';
    readonly values: readonly string[];
  };
}

interface SmallRequest {
  readonly action: string;
  readonly resource: string;
  readonly tag?: string;
}

const conditionKey = 'aws:PrincipalTag/team';

const actionPatterns = [
  's3:GetObject',
  's3:Get*',
  's3:*',
  's3:PutObject',
  'ec2:*',
  '*',
  's3:?etObject',
  'EC2:StartInstances',
];
const resourcePatterns = [
  '*',
  'arn:aws:s3:::bucket/*',
  'arn:aws:s3:::bucket/a*',
  'arn:aws:s3:::other',
  'arn:aws:ec2:*:*:instance/*',
];
const tagValues = ['red', 'blue', 'r*'];

const statementArbitrary: fc.Arbitrary<SmallStatement> = fc.record(
  {
    effect: fc.constantFrom('Allow' as const, 'Allow' as const, 'Deny' as const),
    negatedAction: fc.boolean(),
    actions: fc.uniqueArray(fc.constantFrom(...actionPatterns), { minLength: 1, maxLength: 3 }),
    resources: fc.uniqueArray(fc.constantFrom(...resourcePatterns), { minLength: 1, maxLength: 2 }),
    condition: fc.record({
      operator: fc.constantFrom('StringEquals' as const, 'StringLike' as const, 'StringNotEquals' as const),
      values: fc.uniqueArray(fc.constantFrom(...tagValues), { minLength: 1, maxLength: 2 }),
    }),
  },
  { requiredKeys: ['effect', 'negatedAction', 'actions', 'resources'] },
);

const policyArbitrary = fc.array(statementArbitrary, { minLength: 1, maxLength: 3 });

function toDocument(statements: readonly SmallStatement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((statement) => ({
      Effect: statement.effect,
      [statement.negatedAction ? 'NotAction' : 'Action']: statement.actions,
      Resource: statement.resources,
      ...(statement.condition === undefined
        ? {}
        : { Condition: { [statement.condition.operator]: { [conditionKey]: statement.condition.values } } }),
    })),
  });
}

/** The documented semantics, directly: actions case-insensitive, StringNotEquals true on a missing key. */
function statementMatches(statement: SmallStatement, request: SmallRequest): boolean {
  const actionListed = statement.actions.some((pattern) => matchesWildcard(pattern, request.action, true));
  if (actionListed === statement.negatedAction) return false;
  if (!statement.resources.some((pattern) => matchesWildcard(pattern, request.resource))) return false;
  const condition = statement.condition;
  if (condition === undefined) return true;
  const tag = request.tag;
  switch (condition.operator) {
    case 'StringEquals':
      return tag !== undefined && condition.values.includes(tag);
    case 'StringLike':
      return tag !== undefined && condition.values.some((value) => matchesWildcard(value, tag));
    case 'StringNotEquals':
      return tag === undefined || !condition.values.includes(tag);
    default:
      return condition.operator satisfies never;
  }
}

function allows(statements: readonly SmallStatement[], request: SmallRequest): boolean {
  const matching = statements.filter((statement) => statementMatches(statement, request));
  return (
    matching.some((statement) => statement.effect === 'Allow') &&
    !matching.some((statement) => statement.effect === 'Deny')
  );
}

/** Requests from the patterns' own constants: wildcards as nothing, as one character, as a fresh run. */
function requestSpace(): SmallRequest[] {
  const instances = (pattern: string): string[] =>
    ['', 'x', 'Object-9'].map((fill) => pattern.replaceAll('*', fill).replaceAll('?', 'g'));
  const actions = [...new Set([...actionPatterns.flatMap(instances), 'iam:PassRole', 's3:getobject'])];
  const resources = [
    ...new Set([...resourcePatterns.flatMap(instances), 'arn:aws:sns:us-east-1:111122223333:t']),
  ];
  const tags: (string | undefined)[] = [undefined, 'red', 'blue', 'r*', 'rose', 'green'];
  return actions.flatMap((action) =>
    resources.flatMap((resource) =>
      tags.map((tag) => ({ action, resource, ...(tag === undefined ? {} : { tag }) })),
    ),
  );
}

const space = requestSpace();

function asRequest(example: Counterexample): SmallRequest {
  const tag = example.context[conditionKey.toLowerCase()];
  return {
    action: example.action,
    resource: example.resource ?? '',
    ...(typeof tag === 'string' ? { tag } : {}),
  };
}

describe('CheckNoNewAccess against brute-force evaluation', () => {
  it('a PASS leaves no request in the constants space that only the new policy allows; a FAIL example is one', async () => {
    await fc.assert(
      fc.asyncProperty(policyArbitrary, policyArbitrary, async (existing, updated) => {
        const outcome = await checkNoNewAccess({
          existingPolicyDocument: toDocument(existing),
          newPolicyDocument: toDocument(updated),
          policyType: 'IDENTITY_POLICY',
        });
        if (!outcome.ok) throw new Error(outcome.errors.map((error) => error.message).join('; '));
        const { response } = outcome;
        expect(response.result).not.toBe('UNKNOWN');
        if (response.result === 'PASS') {
          const witness = space.find((request) => allows(updated, request) && !allows(existing, request));
          expect(witness).toBeUndefined();
        }
        if (response.result === 'FAIL') {
          const request = asRequest(response.counterexample);
          expect(allows(updated, request)).toBe(true);
          expect(allows(existing, request)).toBe(false);
          for (const reason of response.reasons) expect(updated[reason.statementIndex]?.effect).toBe('Allow');
        }
      }),
      { numRuns: 300, seed: 20261122 },
    );
  });

  it('every policy passes against itself', async () => {
    await fc.assert(
      fc.asyncProperty(policyArbitrary, async (policy) => {
        const outcome = await checkNoNewAccess({
          existingPolicyDocument: toDocument(policy),
          newPolicyDocument: toDocument(policy),
          policyType: 'IDENTITY_POLICY',
        });
        expect(outcome.ok && outcome.response.result).toBe('PASS');
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('CheckAccessNotGranted against brute-force evaluation', () => {
  it('FAIL exactly when some request for the action in the constants space is allowed, or proves more', async () => {
    await fc.assert(
      fc.asyncProperty(
        policyArbitrary,
        fc.constantFrom('s3:GetObject', 's3:DeleteBucket', 'ec2:StartInstances', 'iam:PassRole'),
        async (policy, action) => {
          const outcome = await checkAccessNotGranted({
            policyDocument: toDocument(policy),
            access: [{ actions: [action] }],
            policyType: 'IDENTITY_POLICY',
          });
          if (!outcome.ok) throw new Error('unparsable');
          const { response } = outcome;
          const witness = space.find(
            (request) => request.action.toLowerCase() === action.toLowerCase() && allows(policy, request),
          );
          if (response.result === 'PASS') expect(witness).toBeUndefined();
          if (witness !== undefined) expect(response.result).toBe('FAIL');
          if (response.result === 'FAIL') {
            const request = asRequest(response.counterexample);
            expect(request.action.toLowerCase()).toBe(action.toLowerCase());
            expect(allows(policy, request)).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
