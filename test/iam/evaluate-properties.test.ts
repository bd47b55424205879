// Properties of the evaluator that hold for every policy and request, checked
// on random ones: matching against an independent regular-expression reading,
// and the algebra of the decision (Deny wins, Allow is monotone, order and
// grouping do not matter, negation and IfExists behave as documented).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type EvaluationPolicies } from '../../src/iam/evaluate/evaluate.js';
import { actionMatches, candidateStatements } from '../../src/iam/evaluate/match.js';
import { normalizeRequest, type EvaluationRequest } from '../../src/iam/evaluate/request.js';
import type { Policy } from '../../src/iam/model.js';
import { parsePolicy } from '../../src/iam/parse/policy.js';

const seed = 20261122;

function parsed(document: unknown): Policy {
  const result = parsePolicy(JSON.stringify(document));
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('; '));
  return result.policy;
}

/** The documented ARN rule as a regular expression: wildcards stay in their field, except in the resource. */
function arnRegex(pattern: string): RegExp {
  const escape = (text: string, wildcard: string): string =>
    [...text]
      .map((char) =>
        char === '*' ? `${wildcard}*` : char === '?' ? wildcard : char.replace(/[.+^${}()|[\]\\/]/g, '\\$&'),
      )
      .join('');
  const fields = pattern.split(':');
  if (fields.length < 6) return new RegExp(`^${escape(pattern, '[^]')}$`);
  const head = fields.slice(0, 5).map((field) => escape(field, '[^:]'));
  return new RegExp(`^${[...head, escape(fields.slice(5).join(':'), '[^]')].join(':')}$`);
}

const arnChar = fc.constantFrom('a', 'b', ':', '/', '1');
const patternChar = fc.constantFrom('a', 'b', ':', '/', '1', '*', '?');
const services = ['s3', 'sqs', 'ec2'];
const actions = ['GetObject', 'PutObject', 'SendMessage', 'RunInstances'];
const actionArb = fc
  .tuple(fc.constantFrom(...services), fc.constantFrom(...actions))
  .map(([s, a]) => `${s}:${a}`);
const actionPatternArb = fc.oneof(
  actionArb,
  fc.constantFrom('*', 's3:*', 's3:Get*', '*Object', 'sqs:?endMessage', 'ec2:*Instances'),
);
const resourceArb = fc.constantFrom(
  'arn:aws:s3:::bucket/a.txt',
  'arn:aws:s3:::bucket/b/c.txt',
  'arn:aws:sqs:us-east-1:111122223333:queue',
  'arn:aws:ec2:us-east-1:111122223333:instance/i-1',
  '*',
);
const resourcePatternArb = fc.oneof(
  resourceArb,
  fc.constantFrom(
    '*',
    'arn:aws:s3:::bucket/*',
    'arn:aws:s3:::*/?.txt',
    'arn:aws:*:*:111122223333:*',
    'arn:aws:sqs:*',
  ),
);
const conditionArb = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    { StringEquals: { 'aws:PrincipalTag/team': 'blue' } },
    { StringNotEquals: { 'aws:PrincipalTag/team': 'blue' } },
    { StringLikeIfExists: { 'aws:PrincipalTag/team': 'b*' } },
    { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } },
    { 'ForAllValues:StringLike': { 'aws:TagKeys': ['e*', 't*'] } },
    { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    { Null: { 'aws:SourceIp': 'true' } },
    { NumericLessThan: { 's3:max-keys': 10 } },
  ),
);
interface StatementShape {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notAction: boolean;
  readonly resources: readonly string[];
  readonly condition: Record<string, unknown> | undefined;
}
const statementArb: fc.Arbitrary<StatementShape> = fc.record({
  effect: fc.constantFrom('Allow', 'Deny'),
  actions: fc.array(actionPatternArb, { minLength: 1, maxLength: 3 }),
  notAction: fc.boolean(),
  resources: fc.array(resourcePatternArb, { minLength: 1, maxLength: 2 }),
  condition: conditionArb,
});

function document(statements: readonly StatementShape[]): unknown {
  return {
    Version: '2012-10-17',
    Statement: statements.map((statement) => ({
      Effect: statement.effect,
      [statement.notAction ? 'NotAction' : 'Action']: statement.actions,
      Resource: statement.resources,
      ...(statement.condition === undefined ? {} : { Condition: statement.condition }),
    })),
  };
}

const contextArb = fc.record(
  {
    'aws:PrincipalTag/team': fc.constantFrom('blue', 'black', 'red'),
    'aws:TagKeys': fc.subarray(['env', 'team', 'owner']),
    'aws:SourceIp': fc.constantFrom('10.1.2.3', '192.168.0.1'),
    's3:max-keys': fc.constantFrom('5', '10', '50'),
  },
  { requiredKeys: [] },
);
const requestArb: fc.Arbitrary<EvaluationRequest> = fc.record({
  principal: fc.constant('arn:aws:iam::111122223333:user/alice'),
  action: actionArb,
  resource: resourceArb,
  context: contextArb,
});

describe('evaluator properties', () => {
  it('Resource matching agrees with the regular-expression reading of the ARN rule', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: patternChar, maxLength: 6 }), { minLength: 6, maxLength: 8 }),
        fc.array(fc.string({ unit: arnChar, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        (patternFields, resourceFields) => {
          const pattern = patternFields.join(':');
          const resource = resourceFields.join(':');
          const policies = {
            identityPolicies: [
              parsed({
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: '*', Resource: pattern }],
              }),
            ],
          };
          const decision = evaluate(
            {
              principal: 'arn:aws:iam::111122223333:user/a',
              action: 's3:GetObject',
              resource,
              resourceAccount: '111122223333',
            },
            policies,
          ).decision;
          expect(decision === 'Allow').toBe(arnRegex(pattern).test(resource));
        },
      ),
      { seed, numRuns: 1500 },
    );
  });

  it('a Deny of everything added to any policy makes every request an explicit deny', () => {
    fc.assert(
      fc.property(
        fc.array(statementArb, { minLength: 1, maxLength: 4 }),
        requestArb,
        (statements, request) => {
          const denyAll: StatementShape = {
            effect: 'Deny',
            actions: ['*'],
            notAction: false,
            resources: ['*'],
            condition: undefined,
          };
          const withDeny = [...statements, denyAll];
          expect(evaluate(request, { identityPolicies: [parsed(document(withDeny))] }).decision).toBe(
            'ExplicitDeny',
          );
        },
      ),
      { seed, numRuns: 500 },
    );
  });

  it('adding an Allow statement never turns an allowed or explicitly denied request into another decision', () => {
    fc.assert(
      fc.property(
        fc.array(statementArb, { minLength: 1, maxLength: 4 }),
        statementArb,
        requestArb,
        (statements, extra, request) => {
          const before = evaluate(request, { identityPolicies: [parsed(document(statements))] }).decision;
          const after = evaluate(request, {
            identityPolicies: [parsed(document([...statements, { ...extra, effect: 'Allow' }]))],
          }).decision;
          if (before !== 'ImplicitDeny') expect(after).toBe(before);
        },
      ),
      { seed, numRuns: 500 },
    );
  });

  it('the decision does not depend on statement order or on how statements are split into policies', () => {
    fc.assert(
      fc.property(
        fc.array(statementArb, { minLength: 1, maxLength: 5 }),
        requestArb,
        fc.nat(),
        (statements, request, cut) => {
          const together = evaluate(request, { identityPolicies: [parsed(document(statements))] }).decision;
          const reversed = evaluate(request, {
            identityPolicies: [parsed(document([...statements].reverse()))],
          }).decision;
          const at = cut % (statements.length + 1);
          const split: EvaluationPolicies = {
            identityPolicies: [statements.slice(0, at), statements.slice(at)]
              .filter((part) => part.length > 0)
              .map((part) => parsed(document(part))),
          };
          expect(reversed).toBe(together);
          expect(evaluate(request, split).decision).toBe(together);
        },
      ),
      { seed, numRuns: 500 },
    );
  });

  it('a negated operator is the negation of its positive form on a present single value, and IfExists changes nothing then', () => {
    const pairs: readonly [string, string, string, string][] = [
      ['StringEquals', 'StringNotEquals', 'aws:PrincipalTag/team', 'blue'],
      ['StringLike', 'StringNotLike', 'aws:PrincipalTag/team', 'b*'],
      ['StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'aws:PrincipalTag/team', 'BLUE'],
      ['NumericEquals', 'NumericNotEquals', 's3:max-keys', '10'],
      ['DateEquals', 'DateNotEquals', 'aws:CurrentTime', '2026-01-01T00:00:00Z'],
      ['IpAddress', 'NotIpAddress', 'aws:SourceIp', '10.0.0.0/8'],
      ['ArnLike', 'ArnNotLike', 'aws:SourceArn', 'arn:aws:s3:::b*'],
    ];
    const valueArb = fc.constantFrom(
      'blue',
      'Blue',
      'black',
      '10',
      '10.0',
      '7',
      '2026-01-01T00:00:00Z',
      '2026-01-01',
      '10.2.3.4',
      '11.0.0.1',
      'arn:aws:s3:::bucket',
      'arn:aws:s3:::other',
    );
    const holds = (operator: string, key: string, policyValue: string, value: string): boolean =>
      evaluate(
        {
          principal: 'arn:aws:iam::111122223333:user/a',
          action: 's3:GetObject',
          resource: '*',
          context: { [key]: value },
        },
        {
          identityPolicies: [
            parsed({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: '*',
                  Resource: '*',
                  Condition: { [operator]: { [key]: policyValue } },
                },
              ],
            }),
          ],
        },
      ).decision === 'Allow';
    fc.assert(
      fc.property(fc.constantFrom(...pairs), valueArb, ([positive, negated, key, policyValue], value) => {
        const base = holds(positive, key, policyValue, value);
        expect(holds(negated, key, policyValue, value)).toBe(!base);
        expect(holds(`${positive}IfExists`, key, policyValue, value)).toBe(base);
        expect(holds(`ForAllValues:${positive}`, key, policyValue, value)).toBe(base);
        expect(holds(`ForAnyValue:${positive}`, key, policyValue, value)).toBe(base);
      }),
      { seed, numRuns: 400 },
    );
  });

  it('NotAction and NotResource select exactly the requests Action and Resource do not', () => {
    const single = (element: Record<string, unknown>, request: EvaluationRequest): boolean =>
      evaluate(request, {
        identityPolicies: [parsed({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...element }] })],
      }).decision === 'Allow';
    fc.assert(
      fc.property(
        fc.array(actionPatternArb, { minLength: 1, maxLength: 3 }),
        fc.array(resourcePatternArb, { minLength: 1, maxLength: 3 }),
        requestArb,
        (actions, resources, request) => {
          const inResource = single({ Action: '*', Resource: resources }, request);
          expect(single({ Action: '*', NotResource: resources }, request)).toBe(!inResource);
          const inAction = single({ Action: actions, Resource: '*' }, request);
          expect(single({ NotAction: actions, Resource: '*' }, request)).toBe(!inAction);
        },
      ),
      { seed, numRuns: 400 },
    );
  });

  it('a policy variable matches as its value written in its place would', () => {
    const userName = fc.string({
      unit: fc.constantFrom('a', 'b', '-', '.', '@'),
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(
        userName,
        userName,
        fc.constantFrom('home/${aws:username}/*', '${aws:username}', 'x/${aws:username}?'),
        (user, folder, template) => {
          const principal = `arn:aws:iam::111122223333:user/${user}`;
          const resource = `arn:aws:s3:::bucket/home/${folder}/file`;
          const decision = (pattern: string) =>
            evaluate(
              { principal, action: 's3:GetObject', resource },
              {
                identityPolicies: [
                  parsed({
                    Version: '2012-10-17',
                    Statement: [{ Effect: 'Allow', Action: '*', Resource: `arn:aws:s3:::bucket/${pattern}` }],
                  }),
                ],
              },
            ).decision;
          expect(decision(template)).toBe(decision(template.replace('${aws:username}', user)));
        },
      ),
      { seed, numRuns: 400 },
    );
  });

  it('the per-service statement index keeps every statement whose Action covers the action', () => {
    const actionText = fc.oneof(
      actionArb,
      fc.constantFrom('S3:GETOBJECT', 's3', 'sqs:', ':x', 'ec2:RunInstances'),
    );
    const patternText = fc.oneof(
      actionPatternArb,
      fc.constantFrom('s3', 'S3:*', '*:GetObject', 's?:Get*', 'sqs*', ':x', 'ec2:runinstances'),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ patterns: fc.array(patternText, { minLength: 1, maxLength: 3 }), not: fc.boolean() }),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        actionText,
        (statements, action) => {
          const model = parsed({
            Version: '2012-10-17',
            Statement: statements.map((statement) => ({
              Effect: 'Allow',
              [statement.not ? 'NotAction' : 'Action']: statement.patterns,
              Resource: '*',
            })),
          });
          const request = normalizeRequest({
            principal: 'arn:aws:iam::111122223333:user/a',
            action,
            resource: '*',
          });
          const kept = candidateStatements(model, request);
          for (const statement of model.statements)
            if (actionMatches(statement.action, request)) expect(kept).toContain(statement);
        },
      ),
      { seed, numRuns: 1000 },
    );
  });
});
