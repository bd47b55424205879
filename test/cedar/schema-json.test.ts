import { describe, expect, it } from 'vitest';
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { parseSchema, schemaToJson, schemaToText, type Schema } from '../../src/cedar/schema/index.js';
import { corpusArchive } from './official-tests.js';

/** JSON with object keys sorted, so that key order does not matter in comparisons. */
function canonical(value: unknown): string {
  const sort = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sort);
    if (typeof item === 'object' && item !== null) {
      return Object.fromEntries(
        Object.entries(item)
          .sort(([left], [right]) => (left < right ? -1 : 1))
          .map(([key, inner]) => [key, sort(inner)]),
      );
    }
    return item;
  };
  return JSON.stringify(sort(value));
}

function resolvedJson(text: string): Schema {
  const result = parseSchema(text, 'json');
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('; '));
  return result.value;
}

describe('the JSON schema format', () => {
  it('reads namespaces, common types, entity types with shapes, tags and enums, and actions', () => {
    const schema = resolvedJson(
      JSON.stringify({
        App: {
          commonTypes: {
            Name: { type: 'String' },
            Ctx: { type: 'Record', attributes: { ip: { type: 'Extension', name: 'ipaddr' } } },
          },
          entityTypes: {
            User: {
              memberOfTypes: ['Team'],
              shape: {
                type: 'Record',
                attributes: {
                  name: { type: 'Name' },
                  boss: { type: 'Entity', name: 'User', required: false },
                },
              },
              tags: { type: 'Set', element: { type: 'Long' } },
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
        },
      }),
    );
    const user = schema.entityTypes.get('App::User');
    expect(user?.memberOfTypes).toEqual(['App::Team']);
    expect(user?.shape.attributes.get('name')).toEqual({ type: { kind: 'string' }, required: true });
    expect(user?.shape.attributes.get('boss')).toEqual({
      type: { kind: 'entity', name: 'App::User' },
      required: false,
    });
    expect(user?.tags).toEqual({ kind: 'set', element: { kind: 'long' } });
    expect(schema.entityTypes.get('App::Color')?.choices).toEqual(['red']);
    const view = schema.actions.get('App::Action::"view"');
    expect(view?.memberOf).toEqual([{ type: 'App::Action', id: 'all' }]);
    expect(view?.appliesTo?.context.attributes.get('ip')?.type).toEqual({
      kind: 'extension',
      name: 'ipaddr',
    });
  });

  it('resolves `EntityOrCommon` names to common types first, then entity types, then built-ins', () => {
    const schema = resolvedJson(
      JSON.stringify({
        '': {
          commonTypes: { T: { type: 'Long' } },
          entityTypes: {
            E: {
              shape: {
                type: 'Record',
                attributes: {
                  a: { type: 'EntityOrCommon', name: 'T' },
                  b: { type: 'EntityOrCommon', name: 'E' },
                  c: { type: 'EntityOrCommon', name: 'decimal' },
                },
              },
            },
          },
          actions: {},
        },
      }),
    );
    const types = [...(schema.entityTypes.get('E')?.shape.attributes.values() ?? [])].map(
      (attribute) => attribute.type,
    );
    expect(types).toEqual([
      { kind: 'long' },
      { kind: 'entity', name: 'E' },
      { kind: 'extension', name: 'decimal' },
    ]);
  });

  it('rejects unknown fields, missing required fields and non-record shapes, pointing at the JSON', () => {
    const unknown = parseSchema('{"": {"entityTypes": {"U": {"foo": 1}}, "actions": {}}}', 'json');
    expect(unknown).toEqual({
      ok: false,
      errors: [
        {
          message:
            'unknown field `foo` in entity type `U`: expected one of `memberOfTypes`, `shape`, `tags`, `enum`, `annotations`',
          span: { start: 35, end: 36 },
        },
      ],
    });
    expect(parseSchema({ '': { entityTypes: {} } }, 'json')).toMatchObject({
      ok: false,
      errors: [{ message: 'missing field `actions` in the empty namespace' }],
    });
    expect(
      parseSchema({ '': { entityTypes: { U: { shape: { type: 'Long' } } }, actions: {} } }, 'json'),
    ).toMatchObject({
      ok: false,
      errors: [{ message: 'the shape of entity type `U` must be a record type' }],
    });
    expect(
      parseSchema({ '': { entityTypes: {}, actions: { a: { attributes: { x: 1 } } } } }, 'json'),
    ).toMatchObject({
      ok: false,
      errors: [{ message: 'action `a` declares attributes, which are not supported' }],
    });
  });
});

describe('translation between the two schema syntaxes', () => {
  it('writes text names as `EntityOrCommon` and leaves out empty contexts, as Cedar does', () => {
    const result = schemaToJson(
      'entity U { a?: Long }; action go appliesTo { principal: U, resource: U, context: {} };',
      'cedarschema',
    );
    expect(result).toEqual({
      ok: true,
      value: {
        '': {
          entityTypes: {
            U: {
              shape: {
                type: 'Record',
                attributes: { a: { type: 'EntityOrCommon', name: 'Long', required: false } },
              },
            },
          },
          actions: { go: { appliesTo: { principalTypes: ['U'], resourceTypes: ['U'] } } },
        },
      },
    });
  });

  it('writes the text syntax with quoted names where needed, annotations and action groups', () => {
    const json = {
      NS: {
        annotations: { doc: 'namespace' },
        entityTypes: { U: { shape: { type: 'Record', attributes: { 'first name': { type: 'String' } } } } },
        actions: {
          all: {},
          'read "it"': {
            memberOf: [{ id: 'all' }],
            appliesTo: { principalTypes: ['U'], resourceTypes: ['U'] },
          },
        },
      },
    };
    const text = schemaToText(json, 'json');
    expect(text).toEqual({
      ok: true,
      value: [
        '@doc("namespace")',
        'namespace NS {',
        '  entity U = {',
        '    "first name": String',
        '  };',
        '',
        '  action "all";',
        '',
        '  action "read \\"it\\"" in ["all"] appliesTo {',
        '    principal: [U],',
        '    resource: [U],',
        '    context: {}',
        '  };',
        '}',
        '',
      ].join('\n'),
    });
  });

  it('agrees with Cedar on every corpus schema, and survives a round trip through the text syntax', () => {
    const schemas = new Map([...corpusArchive()].filter(([name]) => name.endsWith('.cedarschema')));
    expect(schemas.size).toBe(3957);
    let compared = 0;
    for (const [name, text] of schemas) {
      const mine = schemaToJson(text, 'cedarschema');
      if (!mine.ok) throw new Error(`${name}: ${mine.errors[0]?.message}`);
      const json = canonical(mine.value);
      // Cedar's own translation is the oracle; every third schema keeps the test fast.
      if (compared % 3 === 0) {
        const oracle = wasm.schemaToJson(text);
        expect(oracle.type === 'success' ? canonical(oracle.json) : oracle, name).toBe(json);
      }
      compared += 1;
      const back = schemaToText(mine.value, 'json');
      if (!back.ok) throw new Error(`${name}: ${back.errors[0]?.message}`);
      const again = schemaToJson(back.value, 'cedarschema');
      expect(again.ok ? canonical(again.value) : again, name).toBe(json);
    }
  });
});
