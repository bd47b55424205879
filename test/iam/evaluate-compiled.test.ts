// The compiled evaluator (compilePolicies) is the reference evaluator made
// fast, so its specification is the reference: on every request it returns
// exactly `evaluate`'s result — decision, deciding statements in order, and
// denial reasons. Checked on generated scenarios of every policy kind (with
// the Organizations exemptions: a management account, service-linked roles),
// on generated conditions with awkward values, on the compiled patterns
// against the reference glob, and on the bench's requests from every AWS
// managed policy. Set COMPILED_RUNS to run more generated cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benchCases } from '../../bench/iam-evaluate-cases.js';
import { loadActionCatalog } from '../../src/iam/catalog.js';
import { operatorTable } from '../../src/iam/conditions.js';
import { compileCondition } from '../../src/iam/evaluate/compiled-conditions.js';
import { compilePatterns, compiledPatternsMatch } from '../../src/iam/evaluate/compiled-patterns.js';
import { compilePolicies } from '../../src/iam/evaluate/compiled.js';
import { conditionHolds } from '../../src/iam/evaluate/conditions.js';
import { evaluate, type EvaluationPolicies } from '../../src/iam/evaluate/evaluate.js';
import { fixedPattern, matchesArn, matchesText } from '../../src/iam/evaluate/match.js';
import { normalizeRequest, type EvaluationRequest } from '../../src/iam/evaluate/request.js';
import type { Condition } from '../../src/iam/model.js';
import { parsePolicy } from '../../src/iam/parse/policy.js';
import { parsePattern } from '../../src/iam/parse/patterns.js';
import { keyakiPolicies, keyakiRequest } from './evaluator-adapters.js';
import { accounts, principals, scenarioActions, scenarioArbitrary, type Scenario } from './iam-generators.js';

const runs = Number(process.env.COMPILED_RUNS ?? 1500);
const seed = 20261207;

/** The scenario's request with the Organizations facts the generators leave out. */
const organizationArbitrary = fc.record({
  managementAccount: fc.option(fc.constantFrom(...accounts), { nil: undefined }),
  serviceLinkedRole: fc.option(fc.boolean(), { nil: undefined }),
});

function withOrganization(
  request: EvaluationRequest,
  organization: { managementAccount: string | undefined; serviceLinkedRole: boolean | undefined },
): EvaluationRequest {
  const { principal } = request;
  const flagged =
    typeof principal !== 'string' && principal.kind === 'aws' && organization.serviceLinkedRole !== undefined
      ? { ...principal, isServiceLinkedRole: organization.serviceLinkedRole }
      : principal;
  return {
    ...request,
    principal: flagged,
    ...(organization.managementAccount === undefined
      ? {}
      : { managementAccount: organization.managementAccount }),
  };
}

interface Variation {
  readonly principal: (typeof principals)[number] | undefined;
  readonly action: string | undefined;
  /** The action written in another case: the compiled evaluator keeps plans by the action as written. */
  readonly actionCase: 'upper' | 'lower' | undefined;
  readonly dropContext: boolean;
}

/** Other requests against the same compiled policies: another caller, action, resource or context. */
const variationArbitrary: fc.Arbitrary<Variation> = fc.record({
  principal: fc.option(fc.constantFrom(...principals), { nil: undefined }),
  action: fc.option(fc.constantFrom(...scenarioActions), { nil: undefined }),
  actionCase: fc.constantFrom(undefined, 'upper', 'lower'),
  dropContext: fc.boolean(),
});

function recased(action: string, actionCase: Variation['actionCase']): string {
  if (actionCase === undefined) return action;
  return actionCase === 'upper' ? action.toUpperCase() : action.toLowerCase();
}

function varied(scenario: Scenario, variation: Variation): Scenario {
  const { request } = scenario;
  return {
    ...scenario,
    request: {
      ...request,
      principal: variation.principal ?? request.principal,
      action: recased(variation.action ?? request.action, variation.actionCase),
      context: variation.dropContext ? {} : request.context,
    },
  };
}

function expectSameResults(policies: EvaluationPolicies, requests: readonly EvaluationRequest[]): void {
  const compiled = compilePolicies(policies);
  // Twice each, so that the second answers come from what the first prepared.
  for (const request of [...requests, ...requests])
    expect(compiled.evaluate(request)).toEqual(evaluate(request, policies));
}

describe('compilePolicies gives exactly the reference result', () => {
  it('on generated scenarios of every policy kind, with management accounts and service-linked roles', () => {
    fc.assert(
      fc.property(
        scenarioArbitrary(),
        organizationArbitrary,
        fc.array(variationArbitrary, { maxLength: 3 }),
        (scenario, organization, variations) => {
          const policies = keyakiPolicies(scenario);
          const requests = [scenario, ...variations.map((variation) => varied(scenario, variation))].map(
            (each) => withOrganization(keyakiRequest(each), organization),
          );
          expectSameResults(policies, requests);
        },
      ),
      { numRuns: runs, seed },
    );
  });

  it('on generated scenarios of the services with their own rules (KMS keys, role trust)', () => {
    fc.assert(
      fc.property(
        scenarioArbitrary({ specialServices: true }),
        organizationArbitrary,
        (scenario, organization) => {
          expectSameResults(keyakiPolicies(scenario), [
            withOrganization(keyakiRequest(scenario), organization),
          ]);
        },
      ),
      { numRuns: Math.ceil(runs / 3), seed },
    );
  });

  it('on identity-based policies alone, which it decides by a shorter path', () => {
    fc.assert(
      fc.property(
        scenarioArbitrary(),
        fc.array(variationArbitrary, { maxLength: 3 }),
        (scenario, variations) => {
          const policies: EvaluationPolicies = {
            identityPolicies: keyakiPolicies(scenario).identityPolicies ?? [],
          };
          const requests = [scenario, ...variations.map((variation) => varied(scenario, variation))].map(
            (each) => keyakiRequest(each),
          );
          expectSameResults(policies, requests);
        },
      ),
      { numRuns: runs, seed },
    );
  });

  it('on identity policies of plain statements, where most actions are answered by a fixed plan', () => {
    const actions = ['s3:GetObject', 's3:PutObject', 's3:Get*', 's3:*', '*', 'ec2:DescribeInstances'];
    const resources = ['*', 'arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/key', 'arn:aws:ec2:*:*:instance/*'];
    const statementArbitrary = fc.record({
      Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
      Action: fc.uniqueArray(fc.constantFrom(...actions), { minLength: 1, maxLength: 3 }),
      Resource: fc.uniqueArray(fc.constantFrom(...resources), { minLength: 1, maxLength: 2 }),
      Condition: fc.option(
        fc.constantFrom(
          { StringEquals: { 'aws:PrincipalTag/team': 'red' } },
          { StringNotEquals: { 'aws:PrincipalTag/team': 'red' } },
          { Null: { 'aws:PrincipalTag/team': 'true' } },
        ),
        { nil: undefined },
      ),
      notAction: fc.boolean(),
      notResource: fc.nat(3).map((n) => n === 0),
    });
    const requestArbitrary = fc.record({
      principal: fc.constantFrom(
        `arn:aws:iam::${accounts[0]}:user/alice`,
        `arn:aws:iam::${accounts[0]}:root`,
        `arn:aws:iam::${accounts[1]}:user/bob`,
        's3.amazonaws.com',
      ),
      action: fc.constantFrom(
        's3:GetObject',
        's3:PutObject',
        'S3:getobject',
        'ec2:DescribeInstances',
        'sqs:SendMessage',
      ),
      resource: fc.constantFrom(
        'arn:aws:s3:::bucket/key',
        'arn:aws:s3:::other/key',
        'arn:aws:ec2:us-east-1:111111111111:instance/i-1',
      ),
      resourceAccount: fc.constantFrom(accounts[0], accounts[1]),
      context: fc.constantFrom<Record<string, string>>(
        {},
        { 'aws:PrincipalTag/team': 'red' },
        { 'AWS:PrincipalTag/Team': 'blue' },
      ),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(statementArbitrary, { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 2,
        }),
        fc.array(requestArbitrary, { minLength: 1, maxLength: 6 }),
        (policies, requests) => {
          const identityPolicies = policies.map((statements) =>
            parsed(
              ...statements.map(({ notAction, notResource, Condition, Action, Resource, ...rest }) => ({
                ...rest,
                [notAction ? 'NotAction' : 'Action']: Action,
                [notResource ? 'NotResource' : 'Resource']: Resource,
                ...(Condition === undefined ? {} : { Condition }),
              })),
            ),
          );
          expectSameResults({ identityPolicies }, requests);
        },
      ),
      { numRuns: runs, seed },
    );
  });

  it('answers unconditional statements from a plan kept per action, with results no caller can change', () => {
    const policy = parsed(
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' },
      { Effect: 'Deny', Action: 's3:PutObject', Resource: '*' },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::bucket' },
    );
    const compiled = compilePolicies({ identityPolicies: [policy] });
    const request = (action: string, resource = 'arn:aws:s3:::bucket/key'): EvaluationRequest => ({
      principal: `arn:aws:iam::${accounts[0]}:user/alice`,
      action,
      resource,
    });
    const allowed = compiled.evaluate(request('s3:GetObject'));
    expect(allowed).toMatchObject({ decision: 'Allow', allowedBy: [{ statementIndex: 0 }] });
    expect(compiled.evaluate(request('S3:GETOBJECT'))).toEqual(allowed);
    expect(compiled.evaluate(request('s3:PutObject'))).toMatchObject({
      decision: 'ExplicitDeny',
      deniedBy: [{ statementIndex: 1 }],
    });
    // The plan of an action whose statement has a Resource is decided per request.
    expect(compiled.evaluate(request('s3:ListBucket', 'arn:aws:s3:::bucket')).decision).toBe('Allow');
    expect(compiled.evaluate(request('s3:ListBucket', 'arn:aws:s3:::other')).decision).toBe('ImplicitDeny');
    // Shared between requests, so frozen: changing one would change every later answer.
    expect(() => ((allowed as { decision: string }).decision = 'ExplicitDeny')).toThrow(TypeError);
    if (allowed.decision === 'Allow')
      expect(() => (allowed.allowedBy as unknown[]).push(undefined)).toThrow(TypeError);
    expect(compiled.evaluate(request('s3:GetObject'))).toEqual(allowed);
  });

  it('keeps an empty list of session policies apart from none (an empty list allows nothing)', () => {
    const allowAll = parsed({ Effect: 'Allow', Action: '*', Resource: '*' });
    const request: EvaluationRequest = {
      principal: `arn:aws:iam::${accounts[0]}:user/alice`,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::bucket/key',
    };
    for (const policies of [
      { identityPolicies: [allowAll] },
      { identityPolicies: [allowAll], sessionPolicies: [] },
      { identityPolicies: [allowAll], serviceControlPolicies: [] },
      { identityPolicies: [allowAll], serviceControlPolicies: [[]] },
    ])
      expectSameResults(policies, [request]);
    expect(compilePolicies({ identityPolicies: [allowAll], sessionPolicies: [] }).evaluate(request)).toEqual({
      decision: 'ImplicitDeny',
      reasons: [{ kind: 'sessionPolicy' }],
    });
  });

  it('on the requests of the bench, drawn from every AWS managed policy', async () => {
    const cases = benchCases(Infinity, await loadActionCatalog());
    expect(cases.length).toBeGreaterThan(4000);
    for (const benchCase of cases)
      expectSameResults({ identityPolicies: [benchCase.policy] }, [benchCase.request]);
  });
});

function parsed(...statements: readonly Record<string, unknown>[]) {
  const result = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('; '));
  return result.policy;
}

// Values that stress the readers: case, Unicode whose lower case changes length,
// wildcards, variables, numbers, dates, addresses, base64, and empty text.
const awkwardValues = [
  'red',
  'Red',
  'RED',
  'İ',
  'i̇',
  'ß',
  'Σ',
  'σ',
  '',
  '*',
  'r?d',
  're*',
  '${aws:username}',
  "${aws:PrincipalTag/team, 'red'}",
  '${*}',
  '0',
  '10',
  '10.5',
  '-3',
  '1e3',
  'true',
  'TRUE',
  'false',
  '2026-01-01T00:00:00Z',
  '2026-01-01',
  '1767225600',
  '10.0.0.0/8',
  '10.1.2.3',
  '2001:db8::/32',
  '2001:db8::5',
  'QmluYXJ5',
  'QmluYXJ5=',
  'arn:aws:s3:::bucket/key',
  'arn:aws:s3:::bucket/*',
  'arn:aws:*:*:111111111111:*',
  'arn:aws:iam::111111111111:role/a:b',
  'arn:aws:s3:*',
];

// Every operator AWS documents.
const baseOperators = Object.keys(operatorTable);

const operatorArbitrary = fc
  .tuple(
    fc.constantFrom(undefined, 'ForAllValues', 'ForAnyValue'),
    fc.constantFrom(...baseOperators),
    fc.boolean(),
  )
  .map(
    ([set, base, ifExists]) =>
      `${set === undefined ? '' : `${set}:`}${base}${ifExists && base !== 'Null' ? 'IfExists' : ''}`,
  );

const keys = ['aws:PrincipalTag/team', 'AWS:principaltag/TEAM', 'aws:TagKeys', 'aws:username'];

const contextValueArbitrary = fc.oneof(
  fc.constantFrom(...awkwardValues),
  fc.array(fc.constantFrom(...awkwardValues), { maxLength: 3 }),
  fc.integer({ min: -5, max: 20 }),
  fc.boolean(),
);

describe('compiled conditions read every value as the reference does', () => {
  it('on random operators, keys, policy values and context values', () => {
    fc.assert(
      fc.property(
        operatorArbitrary,
        fc.constantFrom(...keys),
        fc.array(fc.constantFrom(...awkwardValues), { minLength: 1, maxLength: 3 }),
        fc.dictionary(fc.constantFrom(...keys, 'aws:PrincipalTag/TEAM'), contextValueArbitrary, {
          maxKeys: 3,
        }),
        // Most of the time the request gives the condition's own key a value near a policy value.
        fc.option(
          fc.record({
            index: fc.nat(),
            upper: fc.boolean(),
            multi: fc.boolean(),
          }),
          { nil: undefined, freq: 4 },
        ),
        fc.constantFrom(`arn:aws:iam::${accounts[0]}:user/alice`, `arn:aws:iam::${accounts[0]}:role/r`),
        (operator, key, values, randomContext, near, principal) => {
          const nearValue = (() => {
            if (near === undefined) return undefined;
            const value = values[near.index % values.length] ?? '';
            const cased = near.upper ? value.toUpperCase() : value;
            return near.multi ? [cased, 'other'] : cased;
          })();
          const context = nearValue === undefined ? randomContext : { ...randomContext, [key]: nearValue };
          const result = parsePolicy(
            JSON.stringify({
              Version: '2012-10-17',
              Statement: {
                Effect: 'Allow',
                Action: '*',
                Resource: '*',
                Condition: { [operator]: { [key]: values } },
              },
            }),
          );
          // Values a typed operator refuses are the parser's business, not the evaluator's.
          fc.pre(result.ok);
          const [condition] = result.ok ? (result.policy.statements[0]?.conditions ?? []) : [];
          fc.pre(condition !== undefined);
          const request = normalizeRequest({ principal, action: 's3:GetObject', resource: '*', context });
          expect(compileCondition(condition as Condition).holds(request)).toBe(
            conditionHolds(condition as Condition, request),
          );
        },
      ),
      { numRuns: runs * 2, seed },
    );
  });
});

const patternCharacter = fc.constantFrom('a', 'b', 'A', ':', '/', '*', '?', '.', '(', '\\', '[', '^', '$');
const textCharacter = fc.constantFrom('a', 'b', 'A', ':', '/', '.', '(', '\\', '[', '^', '$', '*', '\n');

/** Free text, or ARN-shaped: five to seven colon-separated fields, so that the field rule is exercised. */
function arnLike(unit: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const field = fc.string({ unit, maxLength: 4 });
  return fc.oneof(
    fc.string({ unit, maxLength: 14 }),
    fc.array(field, { minLength: 5, maxLength: 7 }).map((fields) => fields.join(':')),
  );
}

describe('compiled patterns match as the reference glob does', () => {
  it('as ARNs and as text, on random patterns and texts', () => {
    const anyRequest = normalizeRequest({ principal: accounts[0], action: 's3:GetObject', resource: '*' });
    fc.assert(
      fc.property(
        fc.array(arnLike(patternCharacter), { minLength: 1, maxLength: 3 }),
        arnLike(textCharacter),
        fc.array(fc.string({ unit: textCharacter, maxLength: 3 }), { minLength: 14, maxLength: 14 }),
        fc.boolean(),
        (raws, freeText, fillings, derived) => {
          // Half of the texts are the first pattern with its wildcards filled in (colons included), so they nearly match.
          let filling = 0;
          const text = derived
            ? (raws[0] ?? '').replace(/[*?]/g, (wildcard) => {
                const fill = fillings[filling++] ?? '';
                return wildcard === '?' ? fill.slice(0, 1) || 'a' : fill;
              })
            : freeText;
          const patterns = raws.map((raw) => {
            const result = parsePattern(raw, { wildcards: true, variables: false });
            if (!result.ok) throw new Error(result.message);
            return result.pattern;
          });
          const prepared = patterns.map((pattern) => fixedPattern(pattern));
          const someArn = prepared.some((pattern) => pattern !== undefined && matchesArn(pattern, text));
          const someText = prepared.some((pattern) => pattern !== undefined && matchesText(pattern, text));
          expect(compiledPatternsMatch(compilePatterns(patterns, 'arn'), text, anyRequest)).toBe(someArn);
          expect(compiledPatternsMatch(compilePatterns(patterns, 'text'), text, anyRequest)).toBe(someText);
        },
      ),
      { numRuns: runs * 4, seed },
    );
  });

  it('with the ARN field rule: a wildcard before the resource part stays in its field', () => {
    const [pattern] = [parsePattern('arn:aws:*:*:111111111111:*', { wildcards: true, variables: false })];
    if (!pattern?.ok) throw new Error('pattern');
    const compiled = compilePatterns([pattern.pattern], 'arn');
    const anyRequest = normalizeRequest({ principal: accounts[0], action: 's3:GetObject', resource: '*' });
    expect(compiledPatternsMatch(compiled, 'arn:aws:s3:us-east-1:111111111111:x:y', anyRequest)).toBe(true);
    expect(compiledPatternsMatch(compiled, 'arn:aws:s3:us:east:111111111111:x', anyRequest)).toBe(false);
  });
});
