import { describe, expect, it } from 'vitest';
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import * as compat from '../../src/cedar/compat.js';

function isSourceLabel(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'label' in value && 'start' in value;
}

/** The structure of an answer with every string and number replaced by its type, for answers whose wording differs. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  // Known gaps (src/cedar/README.md): evaluation errors without locations,
  // some errors without Cedar's help.
  if (isSourceLabel(value)) return { start: 'number', end: 'number', label: 'string or null' };
  if (typeof value === 'string' || typeof value === 'number') return typeof value;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([key, item]) => [
        key,
        key === 'help' ? 'string or null' : key === 'sourceLocations' ? 'locations' : shape(item),
      ]),
  );
}

const SCHEMA = `entity User { name: String, age?: Long };
entity Doc in [User] { owner: User };
action view appliesTo { principal: User, resource: [Doc, User], context: { ip: ipaddr } };
action edit appliesTo { principal: User, resource: Doc };`;
const POLICIES = `permit(principal, action == Action::"view", resource) when { resource.owner == principal };
forbid(principal, action, resource) when { principal.age > 200 };
@id("t") permit(principal == ?principal, action == Action::"edit", resource);`;
const STATIC_POLICIES = POLICIES.split('\n').slice(0, 2).join('\n');
const ENTITIES = [
  { uid: { type: 'User', id: 'alice' }, attrs: { name: 'Alice' }, parents: [] },
  {
    uid: { type: 'Doc', id: 'd' },
    attrs: { owner: { __entity: { type: 'User', id: 'alice' } } },
    parents: [],
  },
];
const REQUEST = {
  principal: { type: 'User', id: 'alice' },
  action: { type: 'Action', id: 'view' },
  resource: { type: 'Doc', id: 'd' },
  context: { ip: { __extn: { fn: 'ip', arg: '10.0.0.1' } } },
};
const POLICY_JSON = {
  effect: 'permit',
  principal: { op: '==', entity: { type: 'User', id: 'alice' } },
  action: { op: 'All' },
  resource: { op: 'All' },
  conditions: [{ kind: 'when', body: { '==': { left: { Value: 1 }, right: { Value: 2 } } } }],
};

// Each function on inputs it accepts and inputs it refuses. `exact` says
// whether Keyaki's answer is equal to cedar-wasm's, wording included, or only
// has its shape.
const CASES: readonly { name: string; exact: boolean; mine: () => unknown; oracle: () => unknown }[] = [
  ...[
    { policies: { staticPolicies: STATIC_POLICIES }, exact: false },
    { policies: { staticPolicies: 'permit(principal, action, resource) when { 1 + true };' }, exact: false },
    { policies: { staticPolicies: 'permit(principal' }, exact: true },
  ].map(({ policies, exact }) => ({
    name: `isAuthorized on \`${policies.staticPolicies}\``,
    exact,
    mine: () => compat.isAuthorized({ ...REQUEST, policies, entities: ENTITIES }),
    oracle: () =>
      wasm.isAuthorized({ ...REQUEST, policies, entities: ENTITIES } as unknown as wasm.AuthorizationCall),
  })),
  ...[SCHEMA, 'entity User = {'].map((schema) => ({
    name: `isAuthorized with the schema \`${schema}\` and request validation`,
    exact: false,
    mine: () =>
      compat.isAuthorized({
        ...REQUEST,
        policies: { staticPolicies: STATIC_POLICIES },
        entities: ENTITIES,
        schema,
        validateRequest: true,
      }),
    oracle: () =>
      wasm.isAuthorized({
        ...REQUEST,
        policies: { staticPolicies: STATIC_POLICIES },
        entities: ENTITIES,
        schema,
        validateRequest: true,
      } as unknown as wasm.AuthorizationCall),
  })),
  ...['keyaki-shapes', 'keyaki-unknown-set'].map((id) => ({
    name: `statefulIsAuthorized with the policy set \`${id}\``,
    exact: false,
    mine: () => {
      compat.preparsePolicySet('keyaki-shapes', { staticPolicies: STATIC_POLICIES });
      return compat.statefulIsAuthorized({ ...REQUEST, preparsedPolicySetId: id, entities: ENTITIES });
    },
    oracle: () => {
      wasm.preparsePolicySet('keyaki-shapes', { staticPolicies: STATIC_POLICIES });
      return wasm.statefulIsAuthorized({
        ...REQUEST,
        preparsedPolicySetId: id,
        entities: ENTITIES,
      } as unknown as wasm.StatefulAuthorizationCall);
    },
  })),
  ...['permit(principal, action, resource);', 'permit(principal'].map((text) => ({
    name: `preparsePolicySet on \`${text}\``,
    exact: !text.endsWith('principal'),
    mine: () => compat.preparsePolicySet('keyaki-preparse', { staticPolicies: text }),
    oracle: () => wasm.preparsePolicySet('keyaki-preparse', { staticPolicies: text }),
  })),
  ...[
    { schema: SCHEMA, policies: POLICIES, exact: true },
    {
      schema: SCHEMA,
      policies: 'permit(principal, action, resource) when { principal.nam == "a" };',
      exact: true,
    },
    {
      schema: SCHEMA,
      policies: 'permit(principal, action, resource) when { "\u0410b" == "x" };',
      exact: true,
    },
    { schema: 'entity User in [Nope];', policies: POLICIES, exact: false },
    { schema: 'entity User in [Nope];', policies: STATIC_POLICIES, exact: false },
    { schema: SCHEMA, policies: 'permit(', exact: true },
  ].map(({ schema, policies, exact }) => ({
    name: `validate \`${policies}\` against \`${schema.slice(0, 30)}\``,
    exact,
    mine: () => compat.validate({ schema, policies: { staticPolicies: policies } }),
    oracle: () => wasm.validate({ schema, policies: { staticPolicies: policies } }),
  })),
  ...[POLICIES, 'permit(principal, action, resource) when { 1 };', 'permit(principal action, resource);'].map(
    (text) => ({
      name: `checkParsePolicySet on \`${text}\``,
      exact: true,
      mine: () => compat.checkParsePolicySet({ staticPolicies: text }),
      oracle: () => wasm.checkParsePolicySet({ staticPolicies: text }),
    }),
  ),
  // Parse errors are prefixed with what was read: policies, a policy or template (with its id), a policy set.
  ...[
    { staticPolicies: { p1: 'permit(principal, action, resource) when { 1 + };' } },
    { staticPolicies: ['permit(principal, action, resource) when { (1 ] };'] },
    { templates: { t: 'permit(principal == ?principal, action, resource) when { [1, 2) };' } },
    {
      staticPolicies:
        'permit(principal, action, resource) when { "é" + }; permit(principal, action, resource) when { ? };',
    },
  ].map((policies) => ({
    name: `checkParsePolicySet and validate on ${JSON.stringify(policies).slice(0, 40)}`,
    exact: true,
    mine: () => [compat.checkParsePolicySet(policies), compat.validate({ schema: SCHEMA, policies })],
    oracle: () => [
      wasm.checkParsePolicySet(policies as wasm.PolicySet),
      wasm.validate({ schema: SCHEMA, policies } as wasm.ValidationCall),
    ],
  })),
  ...[SCHEMA, 'entity User in [Nope];', '{"": {"entityTypes": {}, "actions": {}}}'].map((schema) => ({
    name: `checkParseSchema on \`${schema}\``,
    exact: schema === SCHEMA,
    mine: () => compat.checkParseSchema(schema),
    oracle: () => wasm.checkParseSchema(schema),
  })),
  ...[ENTITIES, [{ uid: { type: 'User', id: 'a' }, attrs: { name: 1 }, parents: [] }]].map(
    (entities, index) => ({
      name: `checkParseEntities, case ${index}`,
      exact: index === 0,
      mine: () => compat.checkParseEntities({ entities, schema: SCHEMA }),
      oracle: () => wasm.checkParseEntities({ entities, schema: SCHEMA } as wasm.EntitiesParsingCall),
    }),
  ),
  ...[POLICIES, 'permit(principal,'].map((policySet) => ({
    name: `formatPolicies on \`${policySet}\``,
    exact: policySet === POLICIES,
    mine: () => compat.formatPolicies({ policyText: policySet, lineWidth: 60, indentWidth: 4 }),
    oracle: () => wasm.formatPolicies({ policyText: policySet, lineWidth: 60, indentWidth: 4 }),
  })),
  ...['permit(principal, action, resource) when { [1, "a"].contains(2) };', 'permit(', POLICY_JSON].map(
    (policy, index) => ({
      name: `policyToJson and policyToText, case ${index}`,
      exact: policy !== 'permit(',
      mine: () => [
        compat.policyToJson(policy as compat.CompatPolicy),
        compat.policyToText(policy as compat.CompatPolicy),
      ],
      oracle: () => [wasm.policyToJson(policy as wasm.Policy), wasm.policyToText(policy as wasm.Policy)],
    }),
  ),
  ...['permit(principal in ?principal, action, resource);', 'permit(principal, action, resource);'].map(
    (text) => ({
      name: `templateToJson and templateToText on \`${text}\``,
      exact: true,
      mine: () => {
        const json = compat.templateToJson(text);
        return [
          json,
          json.type === 'success' ? compat.templateToText(json.json as compat.CompatPolicy) : json,
        ];
      },
      oracle: () => {
        const json = wasm.templateToJson(text);
        return [json, json.type === 'success' ? wasm.templateToText(json.json) : json];
      },
    }),
  ),
  ...[POLICIES, 'permit(principal, action, resource) when'].map((text) => ({
    name: `policySetTextToParts on \`${text}\``,
    exact: text === POLICIES,
    mine: () => compat.policySetTextToParts(text),
    oracle: () => wasm.policySetTextToParts(text),
  })),
  ...[SCHEMA, 'entity User = {'].map((schema) => ({
    name: `schemaToJson and schemaToText on \`${schema.slice(0, 30)}\``,
    exact: schema === SCHEMA,
    mine: () => {
      const json = compat.schemaToJson(schema);
      return [json, json.type === 'success' ? compat.schemaToText(json.json) : json];
    },
    oracle: () => {
      const json = wasm.schemaToJson(schema);
      return [json, json.type === 'success' ? wasm.schemaToText(json.json) : json];
    },
  })),
  ...[
    'permit(principal, action, resource is Doc);',
    'permit(principal, action, resource) when { context.ip.isLoopback() };',
    'permit(principal, action, resource) when { context.nope };',
    'permit(principal',
  ].map((policy) => ({
    name: `getValidRequestEnvsPolicy on \`${policy}\``,
    exact: true,
    mine: () => [
      compat.getValidRequestEnvsPolicy(policy, SCHEMA),
      compat.getValidRequestEnvsPolicy(policy, 'entity'),
    ],
    oracle: () => [
      wasm.getValidRequestEnvsPolicy(policy, SCHEMA),
      wasm.getValidRequestEnvsPolicy(policy, 'entity'),
    ],
  })),
  {
    name: 'getValidRequestEnvsTemplate on a template with a principal slot',
    exact: true,
    mine: () =>
      compat.getValidRequestEnvsTemplate('permit(principal == ?principal, action, resource is Doc);', SCHEMA),
    oracle: () =>
      wasm.getValidRequestEnvsTemplate('permit(principal == ?principal, action, resource is Doc);', SCHEMA),
  },
  {
    name: 'getCedarLangVersion',
    exact: true,
    mine: () => compat.getCedarLangVersion(),
    oracle: () => wasm.getCedarLangVersion(),
  },
];

describe('keyaki/cedar/compat answers as @cedar-policy/cedar-wasm 4.13 does', () => {
  it.each(CASES)('$name', ({ exact, mine, oracle }) => {
    const expected = oracle();
    const answer = mine();
    if (exact) expect(answer).toEqual(expected);
    else expect(shape(answer)).toEqual(shape(expected));
  });
});
