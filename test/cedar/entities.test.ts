import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAuthorized } from '../../src/cedar/compat.js';
import { parseJsonText } from '../../src/cedar/eval/json-text.js';
import { formatValue, makeRequest, parseEntities, type EntitiesResult } from '../../src/cedar/index.js';

/** A store as plain data: each entity's uid, attributes and tags in Cedar syntax, and its ancestors. */
function dump(result: EntitiesResult): unknown {
  if (!result.ok) return { errors: result.errors };
  return [...result.entities.values()].map((entity) => ({
    uid: entity.uid.key,
    attrs: [...entity.attrs].map(([name, value]) => [name, formatValue(value)]),
    tags: [...entity.tags].map(([name, value]) => [name, formatValue(value)]),
    ancestors: [...entity.ancestors].sort(),
  }));
}

function errorsOf(entities: unknown): readonly string[] {
  const result = parseEntities(entities);
  return result.ok ? [] : result.errors;
}

const uidJson = fc.record({
  // Now and then a name Cedar refuses: reserved, or not an identifier.
  type: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('User', 'Group', 'ns::Doc') },
    { weight: 1, arbitrary: fc.constantFrom('in', 'ns::true', '__cedar::X', '1a', 'a::', ' User', '') },
  ),
  id: fc.constantFrom('a', 'b', '', 'é', 'a"b', '\\', '\ud83d\ude00', 'line\nbreak'),
});

const escapedUid = fc.oneof(
  uidJson,
  uidJson.map((uid) => ({ __entity: uid })),
);

// Values of the entity JSON format, some of them ill-formed (bad extension arguments, null, floats).
const valueJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.boolean(),
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.string({ maxLength: 4 }),
    uidJson.map((uid) => ({ __entity: uid })),
    fc.constantFrom(
      { __extn: { fn: 'ip', arg: '10.0.0.1/8' } },
      { __extn: { fn: 'decimal', arg: '1.2345' } },
      { __extn: { fn: 'decimal', arg: '1.23456' } },
      { __extn: { fn: 'ip', args: ['::1'] } },
      { __extn: { fn: 'nope', arg: 'x' } },
      { __entity: { type: 'User' } },
      { __entity: 'User::"a"' },
      { __extn: 'ip' },
      { __extn: { fn: 'ip', arg: '::1', args: ['x'] } },
      { __expr: 'User::"a"' },
      null,
      1.5,
    ),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('x', 'y', '__entity', '__extn'), tie('value'), { maxKeys: 2 }),
  ),
})).value;

const entityJson = fc.record(
  {
    uid: escapedUid,
    attrs: fc.dictionary(fc.constantFrom('n', 's', 'owner', 'rec'), valueJson, { maxKeys: 3 }),
    parents: fc.array(escapedUid, { maxLength: 2 }),
    tags: fc.dictionary(fc.constantFrom('t', 'u'), valueJson, { maxKeys: 2 }),
  },
  { requiredKeys: ['uid'] },
);

describe('reading entities', () => {
  it('accepts and refuses the same entity lists as cedar-wasm', () => {
    fc.assert(
      fc.property(fc.array(entityJson, { maxLength: 6 }), (entities) => {
        const oracle = wasm.checkParseEntities({ entities: entities as wasm.EntityJson[] });
        const ours = parseEntities(entities);
        expect(ours.ok, JSON.stringify(oracle)).toBe(oracle.type === 'success');
      }),
      { numRuns: 1500 },
    );
  });

  it('reads JSON text to the same store as the value JSON.parse makes of it', () => {
    fc.assert(
      fc.property(fc.array(entityJson, { maxLength: 6 }), fc.nat(4), (entities, indent) => {
        const text = JSON.stringify(entities, null, indent);
        expect(dump(parseEntities(text))).toEqual(dump(parseEntities(JSON.parse(text))));
      }),
      { numRuns: 1500 },
    );
  });

  it('reads entity text straight to the store it would give as a tree, errors included', () => {
    // Text the direct reader takes and text it leaves to the general reader:
    // members in any order and repeated, fields Cedar ignores, keys that read
    // as numbers, escapes, numbers that are no Longs, `null`, whitespace anywhere.
    const space = fc.constantFrom('', ' ', '\n ', '\t');
    type Json = { readonly text: string };
    const write = (text: string): Json => ({ text });
    const object = (members: readonly (readonly [string, Json])[], gap: string): Json =>
      write(
        `{${members.map(([key, value]) => `${gap}${JSON.stringify(key)}${gap}:${value.text}`).join(',')}${gap}}`,
      );
    const uid = fc.oneof(
      fc
        .tuple(fc.constantFrom('User', 'ns::Doc', 'if', '1a'), fc.constantFrom('a', 'b', 'é\\n'), space)
        .map(([type, id, gap]) =>
          object(
            [
              ['type', write(JSON.stringify(type))],
              ['id', write(JSON.stringify(id))],
            ],
            gap,
          ),
        ),
      fc.constantFrom(
        write('{"id": "a", "type": "User"}'),
        write('{"__entity": {"type": "User", "id": "b"}}'),
        write('{"type": "User", "id": "a", "type": "User"}'),
        write('{"type": "User", "id": "a", "extra": 1}'),
        write('{"type": "User"}'),
        write('{"type": 1, "id": "a"}'),
      ),
    );
    const number = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom('0', '-7', '1152', '9007199254740993', '-9223372036854775808'),
      },
      { weight: 1, arbitrary: fc.constantFrom('9223372036854775808', '1.0', '-0', '1e3') },
    );
    const value: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        { weight: 3, arbitrary: number.map(write) },
        { weight: 3, arbitrary: fc.constantFrom('true', '"s"', '"\\u00e9\\"x"').map(write) },
        fc.constantFrom('false', 'null').map(write),
        uid.map((inner) => object([['__entity', inner]], '')),
        fc.constantFrom(
          write('{"__extn": {"fn": "ip", "arg": "10.0.0.1"}}'),
          write('{"__extn": {"fn": "decimal", "arg": "1.23456"}}'),
          write('{"__entity": {"type": "User", "id": "a"}, "x": 1}'),
          write('{"x": 1, "__entity": {"type": "User", "id": "a"}}'),
        ),
        fc
          .tuple(fc.array(tie('value'), { maxLength: 3 }), space)
          .map(([items, gap]) => write(`[${gap}${items.map((item) => item.text).join(`,${gap}`)}]`)),
        fc
          .tuple(
            fc.array(fc.tuple(fc.constantFrom('x', 'y', '2', '__extn'), tie('value')), { maxLength: 3 }),
            space,
          )
          .map(([members, gap]) => object(members, gap)),
      ),
    })).value;
    const valueMap = fc
      .tuple(fc.array(fc.tuple(fc.constantFrom('n', 's', '1', 'rec'), value), { maxLength: 3 }), space)
      .map(([members, gap]) => object(members, gap));
    const parents = fc
      .array(uid, { maxLength: 2 })
      .map((items) => write(`[${items.map((item) => item.text).join(', ')}]`));
    const field = fc.oneof(
      { weight: 3, arbitrary: uid.map((inner) => ['uid', inner] as const) },
      { weight: 3, arbitrary: valueMap.map((inner) => ['attrs', inner] as const) },
      { weight: 3, arbitrary: parents.map((inner) => ['parents', inner] as const) },
      { weight: 1, arbitrary: valueMap.map((inner) => ['tags', inner] as const) },
      { weight: 1, arbitrary: value.map((inner) => ['note', inner] as const) },
    );
    // Mostly the three required fields, in any order, now and then one more (perhaps a repeat).
    const entity = fc
      .tuple(
        fc.tuple(
          uid.map((inner) => ['uid', inner] as const),
          valueMap.map((inner) => ['attrs', inner] as const),
          parents.map((inner) => ['parents', inner] as const),
        ),
        fc.array(field, { maxLength: 1 }),
        fc.nat(3),
        space,
      )
      .map(([required, extra, turn, gap]) => {
        const members = [...required, ...extra];
        return object([...members.slice(turn), ...members.slice(0, turn)], gap);
      });
    const entities = fc
      .tuple(fc.array(entity, { maxLength: 4 }), space)
      .map(([items, gap]) => `${gap}[${items.map((item) => item.text).join(`,${gap}`)}]${gap}`);
    const general = (text: string): EntitiesResult => {
      try {
        return parseEntities(parseJsonText(text));
      } catch (error) {
        return { ok: false, errors: [(error as Error).message] };
      }
    };
    let read = 0;
    fc.assert(
      fc.property(entities, (text) => {
        const direct = parseEntities(text);
        if (direct.ok) read += 1;
        expect(dump(direct)).toEqual(dump(general(text)));
      }),
      { numRuns: 2000 },
    );
    // The comparison means something only if many texts are read.
    expect(read).toBeGreaterThan(200);
  });

  it('reads context text straight to the record it would give as a tree, errors included', () => {
    const request = {
      principal: { type: 'U', id: 'a' },
      action: { type: 'Action', id: 'a' },
      resource: { type: 'U', id: 'a' },
    };
    const texts = [
      '{}',
      ' { "a" : [1, -2, "x", true, {"b": {}}] } ',
      '{"n": 9223372036854775807, "e": {"__entity": {"type": "User", "id": "a"}}}',
      '{"ip": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}}, "2": 1, "a": 0}',
      '{"n": 1.0}',
      '{"a": 1, "a": 2}',
      'null',
      '[]',
      '{"__entity": {"type": "User", "id": "a"}}',
      '{"a": 1} x',
    ];
    for (const text of texts) {
      const direct = makeRequest({ ...request, context: text });
      let general: unknown;
      try {
        general = makeRequest({ ...request, context: parseJsonText(text) });
      } catch (error) {
        general = { ok: false, errors: [(error as Error).message] };
      }
      const shown = (result: unknown): unknown => {
        const made = result as ReturnType<typeof makeRequest>;
        return made.ok ? formatValue(made.request.context) : made.errors;
      };
      expect(shown(direct), text).toEqual(shown(general));
    }
  });

  it('keeps the i64 edges exact and refuses one past them, in text and in values', () => {
    const withN = (n: string): string =>
      `[{"uid": {"type": "U", "id": "a"}, "attrs": {"n": ${n}}, "parents": []}]`;
    const read = parseEntities(withN('9223372036854775807'));
    expect(read.ok && read.entities.get({ type: 'U', id: 'a' })?.attrs.get('n')).toBe(9223372036854775807n);
    const low = parseEntities(withN('-9223372036854775808'));
    expect(low.ok && low.entities.get({ type: 'U', id: 'a' })?.attrs.get('n')).toBe(-9223372036854775808n);
    expect(errorsOf(withN('9223372036854775808'))).toEqual([
      'entity `U::"a"`: attrs.n: integer `9223372036854775808` is out of range',
    ]);
    expect(errorsOf(withN('[-9223372036854775809]'))).toEqual([
      'entity `U::"a"`: attrs.n[0]: integer `-9223372036854775809` is out of range',
    ]);
    expect(errorsOf([{ uid: { type: 'U', id: 'a' }, attrs: { n: 2n ** 63n }, parents: [] }])).toEqual([
      'entity `U::"a"`: attrs.n: integer `9223372036854775808` is out of range',
    ]);
  });

  it('refuses in text the numbers serde_json reads as floats (1.0, 1e3, -0), as Cedar does', () => {
    const withN = (n: string): string =>
      `[{"uid": {"type": "U", "id": "a"}, "attrs": {"n": ${n}}, "parents": []}]`;
    expect(errorsOf(withN('1.0'))).toEqual(['entity `U::"a"`: attrs.n: `1.0` is not an integer']);
    expect(errorsOf(withN('1e3'))).toEqual(['entity `U::"a"`: attrs.n: `1e3` is not an integer']);
    expect(errorsOf(withN('-0'))).toEqual(['entity `U::"a"`: attrs.n: `-0` is not an integer']);
    // A JavaScript value cannot tell 1.0 from 1 or -0 from 0, and cedar-wasm takes both as integers.
    const values = [{ uid: { type: 'U', id: 'a' }, attrs: { one: 1.0, zero: -0 }, parents: [] }];
    expect(errorsOf(values)).toEqual([]);
    expect(wasm.checkParseEntities({ entities: values }).type).toBe('success');
  });

  it('refuses a key twice in one object of entity text, and a uid listed twice as different entities', () => {
    expect(errorsOf('[{"uid": {"type": "U", "id": "a"}, "attrs": {"n": 1, "n": 1}, "parents": []}]')).toEqual(
      ['the key `n` occurs two or more times in the same JSON object at line 1 column 54'],
    );
    // Since Cedar 4.4 (cedar-policy/cedar#1473) an entity listed again is one entity when it is the same:
    // parents compared as sets, values as Cedar compares them.
    const entity = (attrs: object, parents: object[], more: object = {}): object => ({
      uid: { type: 'U', id: 'a' },
      attrs,
      parents,
      ...more,
    });
    const x = { type: 'G', id: 'x' };
    const y = { type: 'G', id: 'y' };
    const cases: [string, object[]][] = [
      ['identical', [entity({}, []), { uid: { __entity: { type: 'U', id: 'a' } }, attrs: {}, parents: [] }]],
      ['same sets and parents', [entity({ s: [1, 2] }, [x, y]), entity({ s: [2, 1, 1] }, [y, x, y])]],
      ['other attributes', [entity({ n: 1 }, []), entity({ n: 2 }, [])]],
      ['other parents', [entity({}, [x]), entity({}, [y])]],
      ['tags on one only', [entity({}, [], { tags: { t: 1 } }), entity({}, [])]],
    ];
    const answers = cases.map(([name, entities]) => ({ name, errors: errorsOf(entities) }));
    expect(answers).toEqual(
      cases.map(([name, entities]) => {
        const oracle = wasm.checkParseEntities({ entities: entities as never });
        return { name, errors: oracle.type === 'success' ? [] : oracle.errors.map((error) => error.message) };
      }),
    );
    expect(answers.filter(({ errors }) => errors.length === 0).map(({ name }) => name)).toEqual([
      'identical',
      'same sets and parents',
    ]);
    const store = parseEntities([entity({ n: 1 }, [x]), entity({ n: 1 }, [x])]);
    expect(store.ok && store.entities.size).toBe(1);
  });

  it('reads the `__entity` and `__extn` escapes, and as records the objects that are not escapes, as Cedar does', () => {
    const read = parseEntities([
      {
        uid: { type: 'U', id: 'a' },
        attrs: {
          owner: { __entity: { type: 'U', id: 'b' } },
          net: { __extn: { fn: 'ip', arg: '10.0.0.0/8' } },
          span: {
            __extn: {
              fn: 'offset',
              args: [
                { __extn: { fn: 'datetime', arg: '2024-01-01' } },
                { __extn: { fn: 'duration', arg: '1h' } },
              ],
            },
          },
          record: { __entity: 1, other: true },
          notEntity: { __entity: { type: 'U' } },
          notExtension: { __extn: { fn: 'ip' } },
          firstArg: { __extn: { fn: 'ip', arg: '::1', args: ['x'] } },
        },
        parents: [],
      },
    ]);
    expect(dump(read)).toEqual([
      {
        uid: 'U::"a"',
        attrs: [
          ['owner', 'U::"b"'],
          ['net', 'ip("10.0.0.0/8")'],
          ['span', 'datetime("2024-01-01T01:00:00.000Z")'],
          ['record', '{"__entity": 1, "other": true}'],
          ['notEntity', '{"__entity": {"type": "U"}}'],
          ['notExtension', '{"__extn": {"fn": "ip"}}'],
          ['firstArg', 'ip("0:0:0:0:0:0:0:1/128")'],
        ],
        tags: [],
        ancestors: [],
      },
    ]);
  });

  it('says what is wrong with a malformed entity, and where', () => {
    expect(errorsOf({})).toEqual(['entities must be an array']);
    expect(errorsOf([1])).toEqual(['entity 0 must be an object']);
    expect(errorsOf([{ uid: { type: 'U' } }])).toEqual(['entity 0 has no valid `uid`']);
    expect(errorsOf([{ uid: { type: 'U', id: 'a' }, parents: [] }])).toEqual([
      'entity `U::"a"`: missing field `attrs`',
    ]);
    expect(errorsOf([{ uid: { type: 'U', id: 'a' }, attrs: {} }])).toEqual([
      'entity `U::"a"`: missing field `parents`',
    ]);
    expect(errorsOf([{ uid: { type: 'U', id: 'a' }, attrs: {}, parents: [], tags: null }])).toEqual([
      'entity `U::"a"`: tags must be an object',
    ]);
    expect(errorsOf([{ uid: { type: 'U', id: 'a' }, attrs: {}, parents: {} }])).toEqual([
      'entity `U::"a"`: `parents` must be an array',
    ]);
    expect(errorsOf([{ uid: { type: 'U', id: 'a' }, attrs: {}, parents: ['U::"b"'] }])).toEqual([
      'entity `U::"a"`: invalid parent',
    ]);
    expect(errorsOf([{ uid: { type: 'U', id: 'a' }, attrs: [], parents: [] }])).toEqual([
      'entity `U::"a"`: attrs must be an object',
    ]);
    expect(errorsOf([{ uid: { type: 'U', id: 'a' }, attrs: { x: { y: [null] } }, parents: [] }])).toEqual([
      'entity `U::"a"`: attrs.x.y[0]: `null` is not a Cedar value',
    ]);
    expect(
      errorsOf([
        {
          uid: { type: 'U', id: 'a' },
          attrs: {},
          parents: [],
          tags: { t: { __entity: { type: 'in', id: 'b' } } },
        },
      ]),
    ).toEqual(['entity `U::"a"`: tags.t: `in` is not a valid entity type name']);
    expect(
      errorsOf([{ uid: { type: 'U', id: 'a' }, attrs: { e: { __expr: 'U::"b"' } }, parents: [] }]),
    ).toEqual(['entity `U::"a"`: attrs.e: the `__expr` escape is no longer supported']);
    expect(
      errorsOf([
        { uid: { type: 'U', id: 'a' }, attrs: { e: { __extn: { fn: 'ip', arg: 'x' } } }, parents: [] },
      ]),
    ).toEqual([
      'entity `U::"a"`: attrs.e: error while evaluating `ipaddr` extension function: invalid IP address: x',
    ]);
    expect(errorsOf([{ uid: { type: 'ns::if', id: 'a' } }])).toEqual(['entity 0 has no valid `uid`']);
    expect(errorsOf('[{"uid": {"type": "U", "id": "a"}')).toEqual([
      'EOF while parsing an object at line 1 column 34',
    ]);
  });

  it('closes the hierarchy transitively, through parents that are not listed, and refuses a cycle', () => {
    const read = parseEntities([
      { uid: { type: 'U', id: 'a' }, attrs: {}, parents: [{ type: 'G', id: 'x' }] },
      {
        uid: { type: 'G', id: 'x' },
        attrs: {},
        parents: [
          { type: 'G', id: 'y' },
          { type: 'G', id: 'z' },
        ],
      },
      { uid: { type: 'G', id: 'y' }, attrs: {}, parents: [{ type: 'G', id: 'z' }] },
    ]);
    expect(read.ok && read.entities.size).toBe(3);
    expect(read.ok && [...(read.entities.get({ type: 'U', id: 'a' })?.ancestors ?? [])].sort()).toEqual([
      'G::"x"',
      'G::"y"',
      'G::"z"',
    ]);
    expect(read.ok && read.entities.get({ type: 'G', id: 'z' })).toBeUndefined();
    expect(errorsOf([{ uid: { type: 'G', id: 'x' }, attrs: {}, parents: [{ type: 'G', id: 'x' }] }])).toEqual(
      [
        'transitive closure computation/enforcement error: input graph has a cycle containing vertex `G::"x"`',
      ],
    );
  });
});

describe('reading a request context', () => {
  const request = {
    principal: { type: 'User', id: 'a' },
    action: { type: 'Action', id: 'view' },
    resource: { type: 'Doc', id: 'd' },
  };

  it('reads context text as Cedar does: integers exact, floats and repeated keys refused', () => {
    const read = makeRequest({ ...request, context: '{"n": -9223372036854775808, "s": "\\u00e9"}' });
    expect(read.ok && read.request.context.fields.get('n')).toBe(-9223372036854775808n);
    expect(read.ok && read.request.context.fields.get('s')).toBe('é');
    const float = makeRequest({ ...request, context: '{"n": 2.0}' });
    expect(float.ok || float.errors).toEqual(['context.n: `2.0` is not an integer']);
    const twice = makeRequest({ ...request, context: '{"a": true, "a": false}' });
    expect(twice.ok || twice.errors).toEqual([
      'the key `a` occurs two or more times in the same JSON object at line 1 column 13',
    ]);
  });

  it('decides the same whether the entities come as JSON values or as their text', () => {
    const entities = [
      {
        uid: { type: 'User', id: 'a' },
        attrs: { level: 9007199254740993n },
        parents: [{ type: 'Group', id: 'g' }],
      },
      { uid: { type: 'Group', id: 'g' }, attrs: {}, parents: [] },
    ];
    const text =
      '[{"uid": {"type": "User", "id": "a"}, "attrs": {"level": 9007199254740993}, "parents": [{"type": "Group", "id": "g"}]}, {"uid": {"type": "Group", "id": "g"}, "attrs": {}, "parents": []}]';
    const policies = {
      staticPolicies:
        'permit(principal in Group::"g", action, resource) when { principal.level == 9007199254740993 };',
    };
    const call = { ...request, context: {}, policies };
    const fromValues = isAuthorized({ ...call, entities });
    const fromText = isAuthorized({ ...call, entities: text });
    expect(fromValues.type === 'success' && fromValues.response.decision).toBe('allow');
    expect(fromText).toEqual(fromValues);
  });
});
