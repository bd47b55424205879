import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { checkParseSchema, schemaToJson, schemaToText } from '../../src/cedar/schema/compat.js';
import { validateCall } from '../../src/cedar/validator/compat.js';
import { seededRandom } from './seeded-random.js';

/**
 * A random `.cedarschema` text from one seed, over a small set of names so
 * that collisions happen: duplicates, undeclared and shadowed names, cycles
 * among common types and action groups, reserved and built-in names.
 */
function randomSchema(seed: number): string {
  const { random, pick } = seededRandom(seed);
  const tricky = (): boolean => random() < 0.12;
  const names = ['A', 'B', 'C', 'D'];
  const name = (): string =>
    tricky() ? pick(['Long', 'String', 'ipaddr', 'Bool', 'Set', 'Action', 'if']) : pick(names);
  const typeName = (): string =>
    tricky()
      ? pick(['N::A', 'N::B', '__cedar::A', 'M::C', 'Nope'])
      : pick([...names, 'Long', 'String', 'Bool', '__cedar::Long', 'decimal', 'datetime']);
  const type = (depth: number): string => {
    if (depth <= 0 || random() < 0.5) return typeName();
    return random() < 0.5
      ? `Set<${type(depth - 1)}>`
      : `{ ${tricky() ? 'in' : pick(['x', '"y z"'])}${random() < 0.3 ? '?' : ''}: ${type(depth - 1)} }`;
  };
  const declaration = (): string => {
    const kind = random();
    if (kind < 0.35) {
      const parents = random() < 0.4 ? ` in [${pick(names)}${tricky() ? `, ${typeName()}` : ''}]` : '';
      const shape = random() < 0.5 ? ` = { a: ${type(2)} }` : random() < 0.1 ? ` = ${typeName()}` : '';
      const tags = random() < 0.2 ? ` tags ${type(1)}` : '';
      return random() < 0.1
        ? `entity ${name()} enum ["a"${random() < 0.3 ? ', "a"' : ''}];`
        : `entity ${name()}${parents}${shape}${tags};`;
    }
    if (kind < 0.5) return `type ${name()} = ${type(2)};`;
    const groups =
      random() < 0.4
        ? ` in [${tricky() ? pick(['N::Action::"w"', '"none"']) : pick(['"r"', '"w"', 'Action::"r"'])}]`
        : '';
    const targets = (): string =>
      tricky() ? '[]' : `[${pick(names)}${random() < 0.3 ? `, ${pick(names)}` : ''}]`;
    const appliesTo =
      random() < 0.7
        ? ` appliesTo { principal: ${targets()}, resource: ${targets()}${random() < 0.5 ? `, context: ${random() < 0.7 ? `{ c: ${type(1)} }` : typeName()}` : ''} }`
        : '';
    return `action ${pick(['"r"', '"w"', 'x'])}${groups}${appliesTo};`;
  };
  const block = (): string[] => Array.from({ length: 1 + Math.floor(random() * 4) }, declaration);
  const parts = [...block()];
  if (random() < 0.6) parts.push(`namespace ${pick(['N', 'M', 'N'])} { ${block().join(' ')} }`);
  if (random() < 0.3) parts.push(`namespace N { ${block().join(' ')} }`);
  return parts.join('\n');
}

const JSON_BASE = {
  App: {
    commonTypes: {
      Ctx: {
        type: 'Record',
        attributes: { ip: { type: 'Extension', name: 'ipaddr' }, n: { type: 'Long', required: false } },
      },
      Name: { type: 'String' },
    },
    entityTypes: {
      User: {
        memberOfTypes: ['Team'],
        shape: {
          type: 'Record',
          attributes: {
            name: { type: 'Name' },
            boss: { type: 'Entity', name: 'User', required: false },
            tags: { type: 'Set', element: { type: 'String' } },
          },
        },
        tags: { type: 'Long' },
      },
      Team: {},
      Color: { enum: ['red'] },
    },
    actions: {
      all: {},
      view: {
        memberOf: [{ id: 'all' }],
        appliesTo: { principalTypes: ['User'], resourceTypes: ['Team'], context: { type: 'Ctx' } },
      },
    },
    annotations: { doc: 'x' },
  },
};

/** A valid JSON schema with one or two random edits: fields removed, added, retyped or renamed. */
function mutatedJsonSchema(seed: number): unknown {
  const { random, pick } = seededRandom(seed);
  const schema = structuredClone(JSON_BASE) as Record<string, unknown>;
  const nodes: (Record<string, unknown> | unknown[])[] = [];
  const collect = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    nodes.push(value as Record<string, unknown> | unknown[]);
    for (const inner of Object.values(value)) collect(inner);
  };
  collect(schema);
  const values: unknown[] = [
    true,
    'String',
    'Bool',
    '__cedar::Long',
    {},
    [],
    null,
    1,
    { type: 'Long' },
    ['Team'],
    { type: 'EntityOrCommon', name: 'Long' },
    { type: 'Set' },
  ];
  for (let edit = 0; edit < 1 + Math.floor(random() * 2); edit += 1) {
    const node = pick(nodes);
    if (Array.isArray(node)) {
      node.push(
        pick(['User', 'Team', 'Nope', { id: 'all' }, { id: 'view', type: 'App::Action' }, { id: 'x' }]),
      );
      continue;
    }
    const keys = Object.keys(node);
    const choice = random();
    if (choice < 0.2 && keys.length > 0) delete node[pick(keys)];
    else if (choice < 0.4)
      node[
        pick([
          'required',
          'foo',
          'annotations',
          'additionalAttributes',
          'element',
          'name',
          'attributes',
          'enum',
          'shape',
          'memberOf',
        ])
      ] = pick(values);
    else if (choice < 0.6 && keys.length > 0) node[pick(keys)] = pick(values);
    else if (choice < 0.75 && node['type'] !== undefined)
      node['type'] = pick([
        'Long',
        'Boolean',
        'Bool',
        'Set',
        'Record',
        'Entity',
        'EntityOrCommon',
        'Extension',
        'Name',
        'App::Name',
        'Nope',
        'ipaddr',
      ]);
    else if (choice < 0.9 && node['name'] !== undefined)
      node['name'] = pick([
        'User',
        'App::User',
        'Name',
        'Long',
        'ipaddr',
        'Nope',
        '__cedar::decimal',
        'Bool',
      ]);
    else
      node[pick(['', 'if', 'Action', 'a b', '__cedar'])] = pick([
        {},
        { type: 'Long' },
        { memberOfTypes: [] },
      ]);
  }
  return schema;
}

describe('the cedar-wasm schema calls', () => {
  it('accept and reject exactly the JSON schemas Cedar does', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const schema = mutatedJsonSchema(seed);
        const oracle = wasm.checkParseSchema(schema as wasm.SchemaJson<string>);
        if (oracle.type === 'success') accepted += 1;
        expect({
          schema,
          verdict: checkParseSchema(schema as Parameters<typeof checkParseSchema>[0]).type,
        }).toEqual({ schema, verdict: oracle.type });
      }),
      { numRuns: 2000, seed: 7 },
    );
    expect(accepted).toBeGreaterThan(200);
  });

  it('accept and reject exactly the schemas Cedar does', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const text = randomSchema(seed);
        const oracle = wasm.checkParseSchema(text);
        const mine = checkParseSchema(text);
        if (oracle.type === 'success') accepted += 1;
        expect({
          text,
          verdict: mine.type,
          errors: mine.type === 'failure' ? mine.errors.map((error) => error.message) : [],
        }).toMatchObject({
          text,
          verdict: oracle.type,
        });
      }),
      { numRuns: 3000, seed: 5 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('translate accepted schemas as Cedar does, in both directions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const text = randomSchema(seed);
        const oracle = wasm.schemaToJson(text);
        if (oracle.type !== 'success') return;
        const mine = schemaToJson(text);
        expect(mine.type === 'success' ? mine.json : mine).toEqual(oracle.json);
        const back = schemaToText(oracle.json);
        if (back.type !== 'success') throw new Error(back.errors[0]?.message);
        const again = wasm.schemaToJson(back.text);
        expect(again.type === 'success' ? again.json : again).toEqual(oracle.json);
      }),
      { numRuns: 1500, seed: 6 },
    );
  });

  it('answer with source locations for errors in text schemas, in the shape of cedar-wasm', () => {
    const schema = 'entity User in [Group];';
    const oracle = wasm.checkParseSchema(schema);
    // Keyaki words this error `undeclared entity type`, Cedar `failed to resolve type` with a help.
    const withoutWording = (answer: typeof oracle): unknown =>
      answer.type === 'failure'
        ? answer.errors.map((error) => ({ ...error, message: '', help: null }))
        : answer;
    expect(withoutWording(checkParseSchema(schema))).toEqual(withoutWording(oracle));
    expect(oracle.type === 'failure' && oracle.errors[0]?.sourceLocations).toEqual([
      { start: 16, end: 21, label: null },
    ]);
  });

  it('validate policies given in the JSON policy format with the answer of cedar-wasm', () => {
    const policy = (condition: unknown): Record<string, unknown> => ({
      effect: 'permit',
      principal: { op: 'All' },
      action: { op: 'All' },
      resource: { op: 'All' },
      conditions: [{ kind: 'when', body: condition }],
    });
    const call = {
      schema: 'entity U { n: Long }; action a appliesTo { principal: U, resource: U };',
      policies: {
        staticPolicies: {
          ok: policy({
            '>': { left: { '.': { left: { Var: 'principal' }, attr: 'n' } }, right: { Value: 1 } },
          }),
          missing: policy({ '.': { left: { Var: 'principal' }, attr: 'm' } }),
          never: policy({ Value: false }),
        },
      },
    };
    const answer = validateCall(call);
    expect(answer).toEqual(wasm.validate(call as unknown as wasm.ValidationCall));
    expect(answer.type === 'success' && answer.validationWarnings.length).toBe(1);
  });
});
