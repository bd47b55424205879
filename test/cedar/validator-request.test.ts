import fc from 'fast-check';
import { parse as parseLossless } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { parseCedarSchema, type Schema } from '../../src/cedar/schema/index.js';
import { validateEntities, validateRequest, type RequestInput } from '../../src/cedar/validator/request.js';
import { corpusArchive, corpusTests, handWrittenTests, testFileReader } from './official-tests.js';
import { seededRandom } from './seeded-random.js';

function schemaOf(text: string): Schema {
  const result = parseCedarSchema(text);
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('; '));
  return result.value;
}

const PHOTOS = schemaOf(`
  entity Team;
  entity User in [Team] { name: String, age?: Long, manager?: User };
  entity Photo { owner: User, tags: Set<String>, taken: datetime } tags decimal;
  entity Color enum ["red", "green"];
  action all;
  action view in [all] appliesTo { principal: [User], resource: [Photo], context: { ip: ipaddr, mfa?: Bool } };
`);

function request(overrides: Partial<RequestInput>): RequestInput {
  return {
    principal: { type: 'User', id: 'alice' },
    action: { type: 'Action', id: 'view' },
    resource: { type: 'Photo', id: 'p' },
    context: { ip: '10.0.0.1' },
    ...overrides,
  };
}

function errorsOf(result: { ok: true } | { ok: false; errors: readonly string[] }): readonly string[] {
  return result.ok ? [] : result.errors;
}

describe('request validation', () => {
  it('accepts a request the schema allows, reading a bare string as an extension value', () => {
    const result = validateRequest(PHOTOS, request({}));
    expect(result.ok && result.value.fields.get('ip')).toEqual({
      kind: 'extension',
      fn: 'ip',
      args: [{ kind: 'string', value: '10.0.0.1' }],
    });
  });

  it('rejects undeclared actions and principal or resource types the action does not apply to', () => {
    expect(errorsOf(validateRequest(PHOTOS, request({ action: { type: 'Action', id: 'edit' } })))).toEqual([
      'request\'s action `Action::"edit"` is not declared in the schema',
    ]);
    expect(errorsOf(validateRequest(PHOTOS, request({ principal: { type: 'Team', id: 't' } })))).toEqual([
      'principal type `Team` is not valid for `Action::"view"`',
    ]);
    expect(errorsOf(validateRequest(PHOTOS, request({ action: { type: 'Action', id: 'all' } })))).toEqual([
      'request\'s action `Action::"all"` does not apply to any principal or resource',
    ]);
  });

  it('checks the context against the declared record type: required, undeclared and ill-typed attributes', () => {
    expect(errorsOf(validateRequest(PHOTOS, request({ context: {} })))).toEqual([
      'context: required attribute `ip` is missing',
    ]);
    expect(errorsOf(validateRequest(PHOTOS, request({ context: { ip: '10.0.0.1', extra: 1 } })))).toEqual([
      'context: attribute `extra` is not declared in the schema',
    ]);
    expect(errorsOf(validateRequest(PHOTOS, request({ context: { ip: 'not an ip' } })))).toEqual([
      'context.ip: `not an ip` is not a valid argument of `ip`',
    ]);
    expect(errorsOf(validateRequest(PHOTOS, request({ context: { ip: '10.0.0.1', mfa: 'yes' } })))).toEqual([
      'context.mfa: expected a value of type Bool, found `"yes"`',
    ]);
  });
});

describe('entity validation', () => {
  const alice = {
    uid: { type: 'User', id: 'alice' },
    attrs: { name: 'Alice', manager: { type: 'User', id: 'bob' } },
    parents: [{ type: 'Team', id: 't' }],
  };

  it('reads attributes by their declared types, adds the action entities of the schema, and keeps 64-bit integers exact', () => {
    const json = parseLossless(
      JSON.stringify([{ ...alice, attrs: { ...alice.attrs, age: '__AGE__' } }]).replace(
        '"__AGE__"',
        '9223372036854775807',
      ),
    );
    const result = validateEntities(PHOTOS, json);
    if (!result.ok) throw new Error(result.errors.join('; '));
    const [user, ...actions] = result.value;
    expect(user?.attrs.get('manager')).toEqual({ kind: 'entity', uid: { type: 'User', id: 'bob' } });
    expect(user?.attrs.get('age')).toEqual({ kind: 'long', value: 9223372036854775807n });
    expect(actions.map((action) => action.uid.id)).toEqual(['all', 'view']);
    expect(actions[1]?.parents).toEqual([{ type: 'Action', id: 'all' }]);
  });

  it('refuses `-0` in JSON text for a Long, which Cedar reads as a float, and takes the value -0 as 0', () => {
    const withAge = (age: string): string =>
      JSON.stringify([{ ...alice, attrs: { ...alice.attrs, age: '__AGE__' } }]).replace('"__AGE__"', age);
    expect(validateEntities(PHOTOS, parseLossless(withAge('-0'))).ok).toBe(false);
    expect(validateEntities(PHOTOS, parseLossless(withAge('1.0'))).ok).toBe(false);
    const fromValue = validateEntities(PHOTOS, JSON.parse(withAge('-0')));
    if (!fromValue.ok) throw new Error(fromValue.errors.join('; '));
    expect(fromValue.value[0]?.attrs.get('age')).toEqual({ kind: 'long', value: 0n });
  });

  it('rejects undeclared types, parents of types not declared as parents, and missing or extra attributes', () => {
    expect(
      errorsOf(validateEntities(PHOTOS, [{ uid: { type: 'Ghost', id: 'g' }, attrs: {}, parents: [] }])),
    ).toEqual(['entity `Ghost::"g"`: entity type `Ghost` is not declared in the schema']);
    expect(errorsOf(validateEntities(PHOTOS, [{ ...alice, parents: [{ type: 'Photo', id: 'p' }] }]))).toEqual(
      [
        'entity `User::"alice"`: `Photo::"p"` is not allowed as a parent: `User` is not declared to be a member of `Photo`',
      ],
    );
    expect(errorsOf(validateEntities(PHOTOS, [{ ...alice, attrs: { nick: 'A' } }]))).toEqual([
      'entity `User::"alice"`: required attribute `name` is missing',
      'entity `User::"alice"`: attribute `nick` is not declared in the schema',
    ]);
  });

  it('checks tags against the declared tag type, and refuses tags on types without them', () => {
    const photo = {
      uid: { type: 'Photo', id: 'p' },
      attrs: { owner: { __entity: { type: 'User', id: 'a' } }, tags: ['x'], taken: '2024-01-01' },
      parents: [],
    };
    expect(
      validateEntities(PHOTOS, [
        { ...photo, tags: { score: '1.5', exact: { __extn: { fn: 'decimal', arg: '2.0' } } } },
      ]).ok,
    ).toBe(true);
    expect(errorsOf(validateEntities(PHOTOS, [{ ...photo, tags: { score: 1 } }]))).toEqual([
      'entity `Photo::"p"` tag `score`: expected a value of type decimal, found `1`',
    ]);
    expect(errorsOf(validateEntities(PHOTOS, [{ ...alice, tags: { a: '1.0' } }]))).toEqual([
      'entity `User::"alice"`: entity type `User` does not allow tags',
    ]);
  });

  it('accepts extension values built by extension functions, typed by their result', () => {
    const offset = {
      __extn: {
        fn: 'offset',
        args: [{ __extn: { fn: 'datetime', arg: '2024-01-01' } }, { __extn: { fn: 'duration', arg: '1h' } }],
      },
    };
    const photo = {
      uid: { type: 'Photo', id: 'p' },
      attrs: { owner: { type: 'User', id: 'a' }, tags: [], taken: offset },
      parents: [],
    };
    expect(validateEntities(PHOTOS, [photo]).ok).toBe(true);
    const wrong = {
      ...photo,
      attrs: {
        ...photo.attrs,
        taken: { __extn: { fn: 'toTime', args: [{ __extn: { fn: 'datetime', arg: '2024-01-01' } }] } },
      },
    };
    expect(validateEntities(PHOTOS, [wrong]).ok).toBe(false);
  });

  it('accepts action entities only as the schema declares them, with ancestors closed transitively', () => {
    const view = (parents: unknown[]): unknown[] => [
      { uid: { type: 'Action', id: 'view' }, attrs: {}, parents },
    ];
    expect(validateEntities(PHOTOS, view([{ type: 'Action', id: 'all' }])).ok).toBe(true);
    expect(errorsOf(validateEntities(PHOTOS, view([])))).toEqual([
      'entity `Action::"view"`: definition of action does not match its schema declaration',
    ]);
  });

  it('only accepts the listed ids of an enumerated entity type', () => {
    expect(
      errorsOf(validateEntities(PHOTOS, [{ uid: { type: 'Color', id: 'blue' }, attrs: {}, parents: [] }])),
    ).toEqual([
      'entity `Color::"blue"`: entity `Color::"blue"` is of an enumerated entity type, but `"blue"` is not one of its valid ids',
    ]);
  });
});

interface IntegrationTest {
  readonly schema: string;
  readonly entities: string;
  readonly requests: readonly (RequestInput & { readonly validateRequest?: boolean })[];
}

describe('the official integration tests', () => {
  it('have requests conforming exactly when `validateRequest` says so, and entities conforming to their schemas', () => {
    const files = corpusArchive();
    const read = testFileReader(files);
    const tests = [...handWrittenTests(), ...corpusTests(files)];
    let requests = 0;
    const failures: string[] = [];
    for (const path of tests) {
      const test = parseLossless(read(path)) as unknown as IntegrationTest;
      const schema = schemaOf(read(test.schema));
      const entities = validateEntities(schema, parseLossless(read(test.entities)));
      if (!entities.ok) failures.push(`${path}: ${entities.errors[0]}`);
      for (const item of test.requests) {
        requests += 1;
        if (validateRequest(schema, item).ok !== (item.validateRequest ?? true))
          failures.push(`${path}: ${JSON.stringify(item.principal)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(31_000);
  });
});

describe('entity and context conformance, differentially against cedar-wasm', () => {
  const schemaText = `
    entity Team;
    entity User in [Team] { name: String, age?: Long, boss?: User, ip?: ipaddr, d?: decimal, when?: datetime, dur?: duration, groups?: Set<Team>, rec?: { a: Long, b?: Bool } } tags String;
    entity Color enum ["red", "green"];
    action all;
    action view in [all] appliesTo { principal: [User], resource: [Team], context: { ip: ipaddr, n?: Long, flag?: Bool, who?: User } };
  `;
  const schema = schemaOf(schemaText);
  const wellTyped: Readonly<Record<string, readonly unknown[]>> = {
    name: ['n'],
    age: [1, -5],
    boss: [{ type: 'User', id: 'b' }, { __entity: { type: 'User', id: 'b' } }],
    ip: ['10.0.0.1', { __extn: { fn: 'ip', arg: '::1' } }],
    d: ['1.5', { fn: 'decimal', arg: '1.0' }],
    when: ['2024-01-01', '2024-01-01T10:00:00Z'],
    dur: ['1h', '-2d3m'],
    groups: [[], [{ type: 'Team', id: 't' }]],
    rec: [{ a: 1 }, { a: 1, b: true }],
    n: [3],
    flag: [false],
    who: [{ type: 'User', id: 'w' }],
  };
  const anyValue: readonly unknown[] = [
    'x',
    1,
    true,
    null,
    [],
    {},
    'bad',
    '1.5.5',
    '2024-02-30',
    { type: 'Team', id: 't' },
    { __extn: { fn: 'decimal', arg: 'x' } },
    [1, 2],
    { a: 'x' },
    { a: 1, c: 2 },
  ];

  it('accepts and rejects the entities and contexts Cedar does', () => {
    let acceptedEntities = 0;
    let acceptedContexts = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const { random, pick } = seededRandom(seed);
        const value = (name: string): unknown =>
          random() < 0.8 ? pick(wellTyped[name] ?? anyValue) : pick(anyValue);
        const record = (
          required: readonly string[],
          optional: readonly string[],
        ): Record<string, unknown> => {
          const result: Record<string, unknown> = {};
          for (const name of required) if (random() < 0.95) result[name] = value(name);
          for (const name of optional) if (random() < 0.3) result[name] = value(name);
          return result;
        };
        const entity: Record<string, unknown> = {
          uid:
            random() < 0.9
              ? { type: 'User', id: 'a' }
              : pick([
                  { type: 'Color', id: 'red' },
                  { type: 'Color', id: 'blue' },
                  { type: 'Ghost', id: 'g' },
                  { type: 'Action', id: 'view' },
                ]),
          attrs: record(['name'], ['age', 'boss', 'ip', 'd', 'when', 'dur', 'groups', 'rec', 'zzz']),
          parents:
            random() < 0.8
              ? [{ type: 'Team', id: 't' }]
              : pick([[], [{ type: 'User', id: 'x' }], [{ type: 'Action', id: 'all' }]]),
          ...(random() < 0.2 ? { tags: pick([{ k: 'v' }, { k: 1 }, {}]) } : {}),
        };
        const oracle = wasm.checkParseEntities({
          entities: [entity] as unknown as wasm.EntityJson[],
          schema: schemaText,
        });
        if (oracle.type === 'success') acceptedEntities += 1;
        expect({ entity, ok: validateEntities(schema, [entity]).ok }).toEqual({
          entity,
          ok: oracle.type === 'success',
        });
        const context = record(['ip'], ['n', 'flag', 'who', 'zz']);
        const oracleContext = wasm.checkParseContext({
          context: context as wasm.Context,
          schema: schemaText,
          action: { type: 'Action', id: 'view' },
        });
        if (oracleContext.type === 'success') acceptedContexts += 1;
        const mine = validateRequest(schema, request({ resource: { type: 'Team', id: 't' }, context }));
        expect({ context, ok: mine.ok }).toEqual({ context, ok: oracleContext.type === 'success' });
      }),
      { numRuns: 1500, seed: 11 },
    );
    expect(acceptedEntities).toBeGreaterThan(200);
    expect(acceptedContexts).toBeGreaterThan(300);
  });
});
