// What the evaluators say about input of the wrong shape: a TypeError whose
// message starts with the JSON path of the offending value and says what was
// expected — the same from `evaluate` and from `compilePolicies` — never a
// TypeError from deep inside matching, and never a decision over a policy set
// that silently left a misspelled kind out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/iam/evaluate/compiled.js';
import { evaluate, type EvaluationPolicies } from '../../src/iam/evaluate/evaluate.js';
import type { EvaluationRequest } from '../../src/iam/evaluate/request.js';
import { allow, policy, request } from './evaluate-helpers.js';

const allowAll = policy(allow({}));
const tagged = policy(allow({ Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } } }));

/** Both evaluators' answer, as the error message each throws (or `ok`). */
function outcomes(requestValue: unknown, policies: unknown): [string, string] {
  const messageOf = (run: () => unknown): string => {
    try {
      run();
      return 'ok';
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      return (error as TypeError).message;
    }
  };
  const reference = messageOf(() =>
    evaluate(requestValue as EvaluationRequest, policies as EvaluationPolicies),
  );
  const compiled = messageOf(() =>
    compilePolicies(policies as EvaluationPolicies).evaluate(requestValue as EvaluationRequest),
  );
  return [reference, compiled];
}

function expectError(requestValue: unknown, policies: unknown, message: string): void {
  const [reference, compiled] = outcomes(requestValue, policies);
  expect(reference).toBe(message);
  expect(compiled).toBe(message);
}

describe('a request of the wrong shape', () => {
  const policies = { identityPolicies: [allowAll] };

  it.each([
    [undefined, 'request: expected an object with principal, action and resource, got undefined'],
    [
      's3:GetObject',
      'request: expected an object with principal, action and resource, got the string "s3:GetObject"',
    ],
    [
      request({ action: undefined as unknown as string }),
      'request.action: expected a string such as s3:GetObject, got undefined',
    ],
    [request({ resource: 5 as unknown as string }), 'request.resource: expected an ARN or *, got 5'],
    [
      request({ principal: undefined as unknown as string }),
      'request.principal: expected a principal string or an object with kind aws, service, federated, canonicalUser or anonymous, got undefined',
    ],
    [
      request({ principal: { kind: 'aws' } as unknown as string }),
      'request.principal.arn: expected a string, got undefined',
    ],
    [
      request({ context: 'aws:SourceIp=1.2.3.4' as unknown as EvaluationRequest['context'] }),
      'request.context: expected an object of condition keys, got the string "aws:SourceIp=1.2.3.4"',
    ],
    [
      request({ resourceAccount: 111122223333 as unknown as string }),
      'request.resourceAccount: expected an account id, got 111122223333',
    ],
  ])('%j is refused: %s', (requestValue, message) => {
    expectError(requestValue, policies, message);
  });

  it('a context value that is neither text, number, boolean nor a list of them is refused where it is read', () => {
    const context = {
      'aws:TagKeys': ['team', { name: 'project' }],
    } as unknown as EvaluationRequest['context'];
    expectError(
      request({ context }),
      { identityPolicies: [tagged] },
      'request.context["aws:TagKeys"][1]: expected a string, number or boolean, got an object',
    );
    expectError(
      request({ context: { 'AWS:TagKeys': null } as unknown as EvaluationRequest['context'] }),
      { identityPolicies: [tagged] },
      'request.context["AWS:TagKeys"]: expected a string, number or boolean, or an array of them, got null',
    );
  });
});

describe('a policy set of the wrong shape', () => {
  const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

  it.each([
    [undefined, 'policies: expected an object such as { identityPolicies: [policy] }, got undefined'],
    [[allowAll], 'policies: expected an object such as { identityPolicies: [policy] }, got an array'],
    [{ identityPolicies: allowAll }, 'policies.identityPolicies: expected an array, got an object'],
    [
      { identityPolicies: [document] },
      'policies.identityPolicies[0]: expected a parsed policy (parsePolicy(text).policy) or { name, policy } (a policy document: parse it with parsePolicy first), got an object',
    ],
    [
      { identityPolicies: [JSON.stringify(document)] },
      'policies.identityPolicies[0]: expected a parsed policy (parsePolicy(text).policy) or { name, policy } (policy text: parse it first, or use evaluatePolicyText), got the string "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"*\\",\\"Resource\\":\\"*\\"}]}"',
    ],
    [
      { identityPolicies: [{ name: 7, policy: allowAll }] },
      'policies.identityPolicies[0].name: expected a string, got 7',
    ],
    [
      { identityPolicies: [allowAll], resourcePolicy: null },
      'policies.resourcePolicy: expected a parsed policy (parsePolicy(text).policy) or { name, policy }, got null',
    ],
    [
      { identityPolicies: [allowAll], serviceControlPolicies: [[allowAll, 3]] },
      'policies.serviceControlPolicies[0][1]: expected a parsed policy (parsePolicy(text).policy) or { name, policy }, got 3',
    ],
    [
      { identityPolicies: [allowAll], serviceControlPolicies: [allowAll] },
      'policies.serviceControlPolicies[0]: expected an array, got an object',
    ],
    // A misspelled kind would otherwise be left out: here a boundary that denies everything.
    [
      {
        identityPolicies: [allowAll],
        permissionBoundary: policy({ Effect: 'Deny', Action: '*', Resource: '*' }),
      },
      'policies.permissionBoundary: not a kind of policy; the kinds are identityPolicies, sessionPolicies, resourcePolicy, permissionsBoundary, vpcEndpointPolicy, serviceControlPolicies, resourceControlPolicies',
    ],
  ])('%j is refused: %s', (policies, message) => {
    expectError(request(), policies, message);
  });

  it('kinds given as undefined take no part, as when left out', () => {
    expect(outcomes(request(), { identityPolicies: [allowAll], resourcePolicy: undefined })).toEqual([
      'ok',
      'ok',
    ]);
  });
});

describe('any value at all', () => {
  it('is evaluated or refused with an error naming the request or the policies, by both evaluators alike', () => {
    const shaped = fc.record(
      {
        principal: fc.oneof(fc.constant('arn:aws:iam::111122223333:user/alice'), fc.anything()),
        action: fc.oneof(fc.constant('s3:GetObject'), fc.anything()),
        resource: fc.oneof(fc.constant('*'), fc.anything()),
        context: fc.oneof(
          fc.dictionary(fc.constantFrom('aws:TagKeys', 'aws:username'), fc.anything()),
          fc.anything(),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(shaped, fc.anything()), (requestValue) => {
        const [reference, compiled] = outcomes(requestValue, { identityPolicies: [tagged, allowAll] });
        expect(compiled).toBe(reference);
        if (reference !== 'ok') expect(reference).toMatch(/^request(\.|:|$)/);
      }),
      { numRuns: 500, seed: 20261207 },
    );
  });
});
