import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import {
  checkParseEntities,
  isAuthorized,
  preparsePolicySet,
  statefulIsAuthorized,
} from '../../src/cedar/compat.js';
import { isAuthorized as decide, makeRequest, parseEntities, parsePolicySet } from '../../src/cedar/index.js';

const REQUEST = {
  principal: { type: 'User', id: 'alice' },
  action: { type: 'Action', id: 'view' },
  resource: { type: 'Doc', id: 'd' },
};

function decideText(
  policies: string,
  entities: unknown,
  context: unknown = {},
): { decision: string; reason: string[]; errors: string[] } {
  const set = parsePolicySet(policies);
  const store = parseEntities(entities);
  const request = makeRequest({ ...REQUEST, context });
  if (!set.ok || !store.ok || !request.ok) throw new Error('the inputs must be valid');
  const answer = decide(set.policySet, request.request, store.entities);
  return {
    decision: answer.decision,
    reason: [...answer.reason],
    errors: answer.errors.map((error) => error.policyId),
  };
}

const ENTITIES = [
  {
    uid: { type: 'User', id: 'alice' },
    attrs: { level: 5, big: 9223372036854775807n },
    parents: [{ type: 'Team', id: 't' }],
  },
  { uid: { type: 'Team', id: 't' }, attrs: {}, parents: [{ type: 'Org', id: 'o' }] },
  {
    uid: { type: 'Doc', id: 'd' },
    attrs: { owner: { __entity: { type: 'User', id: 'alice' } } },
    parents: [],
    tags: { color: 'red' },
  },
];

describe('the authorizer', () => {
  it('lets a satisfied forbid override every permit, and names only the forbids', () => {
    const answer = decideText(
      'permit(principal, action, resource);\nforbid(principal in Org::"o", action, resource);',
      ENTITIES,
    );
    expect(answer).toEqual({ decision: 'deny', reason: ['policy1'], errors: [] });
  });

  it('follows the hierarchy transitively, through parents that are not themselves listed', () => {
    expect(decideText('permit(principal in Org::"o", action, resource);', ENTITIES).decision).toBe('allow');
    const orphan = [{ uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [{ type: 'Team', id: 'x' }] }];
    expect(decideText('permit(principal in Team::"x", action, resource);', orphan).decision).toBe('allow');
  });

  it('skips and reports an erroring policy while still deciding with the others', () => {
    const answer = decideText(
      'permit(principal, action, resource) when { principal.big + 1 > 0 };\npermit(principal, action, resource) when { resource.getTag("color") == "red" };',
      ENTITIES,
    );
    expect(answer).toEqual({ decision: 'allow', reason: ['policy1'], errors: ['policy0'] });
  });

  it('keeps i64 exact: the smallest Long is a literal, and negating it overflows', () => {
    expect(
      decideText('permit(principal, action, resource) when { -9223372036854775808 < 0 };', []).decision,
    ).toBe('allow');
    expect(
      decideText('permit(principal, action, resource) when { -(-9223372036854775808) < 0 };', []).errors,
    ).toEqual(['policy0']);
  });

  it('reads integers in entity and context JSON text without losing precision', () => {
    const entities =
      '[{"uid": {"type": "User", "id": "alice"}, "attrs": {"n": 9223372036854775807}, "parents": []}]';
    const answer = decideText(
      'permit(principal, action, resource) when { principal.n == 9223372036854775807 && context.m == -9223372036854775808 };',
      entities,
      '{"m": -9223372036854775808}',
    );
    expect(answer.decision).toBe('allow');
  });

  it('handles a hierarchy 20,000 levels deep without exhausting the stack', () => {
    const chain = Array.from({ length: 20_000 }, (_, index) => ({
      uid: { type: 'Team', id: `${index}` },
      attrs: {},
      parents: index + 1 < 20_000 ? [{ type: 'Team', id: `${index + 1}` }] : [],
    }));
    const entities = [
      { uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [{ type: 'Team', id: '0' }] },
      ...chain,
    ];
    expect(decideText('permit(principal in Team::"19999", action, resource);', entities).decision).toBe(
      'allow',
    );
    expect(decideText('permit(principal in Team::"20000", action, resource);', entities).decision).toBe(
      'deny',
    );
  });

  it('refuses entities whose hierarchy has a cycle, as Cedar does', () => {
    const cycle = [
      { uid: { type: 'Team', id: 'a' }, attrs: {}, parents: [{ type: 'Team', id: 'b' }] },
      { uid: { type: 'Team', id: 'b' }, attrs: {}, parents: [{ type: 'Team', id: 'a' }] },
    ];
    expect(checkParseEntities({ entities: cycle }).type).toBe('failure');
    expect(wasm.checkParseEntities({ entities: cycle }).type).toBe('failure');
  });
});

describe('the cedar-wasm-shaped calls', () => {
  it('link templates and answer like cedar-wasm', () => {
    const call = {
      ...REQUEST,
      context: {},
      entities: [],
      policies: {
        templates: { owner: 'permit(principal == ?principal, action, resource in ?resource);' },
        templateLinks: [
          {
            templateId: 'owner',
            newId: 'alice-d',
            values: { '?principal': REQUEST.principal, '?resource': REQUEST.resource },
          },
          {
            templateId: 'owner',
            newId: 'bob-d',
            values: { '?principal': { type: 'User', id: 'bob' }, '?resource': REQUEST.resource },
          },
        ],
      },
    };
    const ours = isAuthorized(call);
    const oracle = wasm.isAuthorized(call);
    expect(ours.type).toBe('success');
    expect(oracle.type).toBe('success');
    if (ours.type !== 'success' || oracle.type !== 'success') return;
    expect(ours.response.decision).toBe(oracle.response.decision);
    expect(ours.response.diagnostics.reason).toEqual(['alice-d']);
    expect(oracle.response.diagnostics.reason).toEqual(['alice-d']);
  });

  it('decide with a preparsed policy set, and refuse an unknown one', () => {
    expect(
      preparsePolicySet('engine-test', { staticPolicies: { mine: 'permit(principal, action, resource);' } })
        .type,
    ).toBe('success');
    const answer = statefulIsAuthorized({
      ...REQUEST,
      context: {},
      entities: [],
      preparsedPolicySetId: 'engine-test',
    });
    expect(answer.type === 'success' && answer.response.diagnostics.reason).toEqual(['mine']);
    expect(
      statefulIsAuthorized({ ...REQUEST, context: {}, entities: [], preparsedPolicySetId: 'nope' }).type,
    ).toBe('failure');
  });

  it('refuse a template among static policies and a link to a missing template', () => {
    const template = 'permit(principal == ?principal, action, resource);';
    expect(
      isAuthorized({ ...REQUEST, context: {}, entities: [], policies: { staticPolicies: template } }).type,
    ).toBe('failure');
    const link = { templateId: 'missing', newId: 'x', values: {} };
    expect(
      isAuthorized({ ...REQUEST, context: {}, entities: [], policies: { templateLinks: [link] } }).type,
    ).toBe('failure');
  });
});

describe('evaluation error messages', () => {
  it('read as cedar-wasm words them', () => {
    const expressions = [
      'principal.x',
      'resource.x',
      '{a: 1}.b',
      '1 + "a"',
      '9223372036854775807 + 1',
      '-(-9223372036854775808)',
      '-9223372036854775807 - 2',
      '9223372036854775807 * 2',
      'if 1 then true else false',
      '!1',
      '1 < "a"',
      '1.contains(1)',
      'principal in 1',
      'principal in [1]',
      '1 is User',
      '1 has a',
      'principal.getTag("t")',
      'principal.hasTag(1)',
      'ip("x")',
      'decimal("1.0").lessThan(1)',
      '"a".isEmpty()',
      'context.q',
    ];
    const messages = (
      answer: ReturnType<typeof isAuthorized> | ReturnType<typeof wasm.isAuthorized>,
    ): string[] =>
      answer.type === 'success'
        ? answer.response.diagnostics.errors.map((error) => error.error.message)
        : ['refused'];
    for (const expression of expressions) {
      const call = {
        ...REQUEST,
        context: {},
        entities: [{ uid: REQUEST.principal, attrs: {}, parents: [] }],
        policies: { staticPolicies: `permit(principal, action, resource) when { ${expression} };` },
      };
      const ours = messages(isAuthorized(call));
      expect(ours, expression).toHaveLength(1);
      expect(ours, expression).toEqual(messages(wasm.isAuthorized(call)));
    }
  });
});
