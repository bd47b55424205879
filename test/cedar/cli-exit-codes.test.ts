// The `keyaki cedar` commands exit as the official `cedar` CLI documents
// (`CedarExitCode`: 0 success, 1 failure, 2 DENY, 3 validation failure), and
// every error in a user's JSON input comes with its place and a code frame.
import { CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCedar as run, temporaryFiles } from './cli-support.js';
import { entityErrorSpan } from '../../src/cli/cedar-io.js';

const file = temporaryFiles('keyaki-exit-codes-');

afterEach(() => {
  vi.restoreAllMocks();
});

const SCHEMA = file(
  'schema.cedarschema',
  [
    'entity User = { age: Long, name?: String } tags String;',
    'entity Doc;',
    'action view appliesTo { principal: User, resource: Doc, context: { level: { n: Long } } };',
    '',
  ].join('\n'),
);
const ADULTS = file('adults.cedar', 'permit(principal, action, resource) when { principal.age >= 18 };\n');
const ENTITIES = file(
  'entities.json',
  JSON.stringify([
    { uid: { type: 'User', id: 'alice' }, attrs: { age: 30 }, parents: [] },
    { uid: { type: 'User', id: 'bob' }, attrs: { age: 12 }, parents: [] },
  ]),
);
// A path in the folder of the other files, where nothing is written.
const MISSING = `${file('placeholder.txt', '')}.missing.cedar`;
const request = (principal: string): string[] => [
  '-l',
  `User::"${principal}"`,
  '-a',
  'Action::"view"',
  '-r',
  'Doc::"d"',
];

describe("the official CLI's exit codes", () => {
  it.each([
    ['authorize ALLOW', ['authorize', '-p', ADULTS, '--entities', ENTITIES, ...request('alice')], 0],
    ['authorize DENY', ['authorize', '-p', ADULTS, '--entities', ENTITIES, ...request('bob')], 2],
    [
      'authorize, unreadable policies',
      ['authorize', '-p', MISSING, '--entities', ENTITIES, ...request('a')],
      1,
    ],
    ['authorize, bad uid', ['authorize', '-p', ADULTS, '--entities', ENTITIES, '-l', 'User::alice'], 1],
    ['validate, valid', ['validate', '-p', ADULTS, '-s', SCHEMA], 0],
    [
      'validate, invalid',
      [
        'validate',
        '-p',
        file('bad.cedar', 'permit(principal, action, resource) when { principal.name == "a" };'),
        '-s',
        SCHEMA,
      ],
      3,
    ],
    [
      'validate, warning',
      [
        'validate',
        '-p',
        file('never.cedar', 'permit(principal, action, resource) when { false };'),
        '-s',
        SCHEMA,
      ],
      0,
    ],
    [
      'validate, warning denied',
      [
        'validate',
        '--deny-warnings',
        '-p',
        file('never2.cedar', 'permit(principal, action, resource) when { false };'),
        '-s',
        SCHEMA,
      ],
      3,
    ],
    [
      'validate, schema that does not parse',
      ['validate', '-p', ADULTS, '-s', file('bad.cedarschema', 'entity User in [Nope];')],
      1,
    ],
    [
      'check-parse, all parse',
      ['check-parse', '-p', ADULTS, '--expression', '1 + 2', '-s', SCHEMA, '--entities', ENTITIES],
      0,
    ],
    ['check-parse, expression', ['check-parse', '--expression', '(1 +'], 1],
    [
      'check-parse, entities against the schema',
      [
        'check-parse',
        '-s',
        SCHEMA,
        '--entities',
        file('e.json', '[{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": []}]'),
      ],
      1,
    ],
    ['evaluate, a value', ['evaluate', '1 + 2'], 0],
    ['evaluate, an evaluation error', ['evaluate', '9223372036854775807 + 1'], 1],
    ['evaluate, no parse', ['evaluate', '1 +'], 1],
    ['evaluate, unreadable entities', ['evaluate', '1', '--entities', MISSING], 1],
    ['format --check, unformatted', ['format', '--check', '-p', ADULTS], 1],
    ['format, no parse', ['format', '-p', file('broken.cedar', 'permit(')], 1],
    [
      'translate-policy, no parse',
      ['translate-policy', '--direction', 'cedar-to-json', '-p', file('broken2.cedar', 'permit(')],
      1,
    ],
    [
      'translate-schema, no parse',
      ['translate-schema', '--direction', 'json-to-cedar', '-s', file('s.json', '{')],
      1,
    ],
    ['translate-schema, a schema', ['translate-schema', '--direction', 'cedar-to-json', '-s', SCHEMA], 0],
  ])('%s', async (_name, args, exitCode) => {
    const result = await run(args);
    expect(result.exitCode).toBe(exitCode);
    // A failure always says why; a success never writes to stderr.
    if (exitCode === 1) expect(result.stderr).not.toBe('');
    if (exitCode === 0) expect(result.stderr).toBe('');
  });

  it('reports every unusable input of authorize, not only the first', async () => {
    const result = await run([
      'authorize',
      '-p',
      file('broken3.cedar', 'permit(principal, action, resource) when { 1 + };'),
      '--entities',
      file('broken.json', '[{"uid": {"type": "User", "id": "a"}, "attrs": {"x": 1.5}, "parents": []}]'),
      ...request('a'),
      '-c',
      file('context.json', '{"n": '),
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('broken3.cedar:1:48: error: unexpected token `}`');
    expect(result.stderr).toContain(
      'broken.json:1:54: error: entity `User::"a"`: attrs.x: `1.5` is not an integer',
    );
    expect(result.stderr).toContain(
      'context.json:1:7: error: --context: invalid JSON: EOF while parsing a value',
    );
  });

  it('leaves command lines that do not parse to the caller, which exits 2 as clap does', async () => {
    await expect(run(['format', '--write'])).rejects.toBeInstanceOf(CommanderError);
    await expect(run(['format', '--write', '--check', '-p', ADULTS])).rejects.toBeInstanceOf(CommanderError);
    await expect(run(['authorize', '--entities', ENTITIES])).rejects.toBeInstanceOf(CommanderError);
  });
});

describe('code frames in JSON input', () => {
  it('points at a JSON syntax error in entities', async () => {
    const entities = file(
      'syntax.json',
      '[\n  {"uid": {"type": "User", "id": "a"},\n   "attrs": {}, "parents": [] ,}\n]\n',
    );
    const result = await run(['check-parse', '--entities', entities]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      [
        `${entities}:3:32: error: --entities: invalid JSON: key must be a string`,
        '  3 |    "attrs": {}, "parents": [] ,}',
        '    |                                ^',
        '',
      ].join('\n'),
    );
  });

  it('points at the attribute, tag, parent or uid an entity error is about, with a schema', async () => {
    const entities = file(
      'schema-errors.json',
      [
        '[',
        '  {"uid": {"type": "User", "id": "alice"}, "attrs": {"age": "x", "zzz": 1}, "parents": [], "tags": {"t": 1}},',
        '  {"uid": {"type": "User", "id": "bob"}, "attrs": {"age": 1}, "parents": [{"type": "Doc", "id": "d"}]},',
        '  {"uid": {"type": "Nope", "id": "carol"}, "attrs": {}, "parents": []}',
        ']',
      ].join('\n'),
    );
    const result = await run(['check-parse', '-s', SCHEMA, '--entities', entities]);
    expect(result.exitCode).toBe(1);
    const places = [
      ...result.stderr.matchAll(/:(\d+:\d+): error: (.*)\n {2}\d+ \| (.*)\n {4}\| ( *)(\^+)/g),
    ].map(([, place, message, line = '', indent = '', carets = '']) => ({
      place,
      message,
      marked: line.slice(indent.length, indent.length + carets.length),
    }));
    expect(places).toEqual([
      {
        place: '2:61',
        message: 'entity `User::"alice"`.age: expected a value of type Long, found `"x"`',
        marked: '"x"',
      },
      {
        place: '2:66',
        message: 'entity `User::"alice"`: attribute `zzz` is not declared in the schema',
        marked: '"zzz"',
      },
      {
        place: '2:106',
        message: 'entity `User::"alice"` tag `t`: expected a value of type String, found `1`',
        marked: '1',
      },
      {
        place: '3:74',
        message:
          'entity `User::"bob"`: `Doc::"d"` is not allowed as a parent: `User` is not declared to be a member of `Doc`',
        marked: '[{"type": "Doc", "id": "d"}]',
      },
      {
        place: '4:11',
        message: 'entity `Nope::"carol"`: entity type `Nope` is not declared in the schema',
        marked: '{"type": "Nope", "id": "carol"}',
      },
    ]);
  });

  it('points into the context, given as a file or inside --request-json', async () => {
    const context = file('level.json', '{\n  "level": {"n": "high", "extra": 1}\n}\n');
    const byFile = await run([
      'authorize',
      '-p',
      ADULTS,
      '--entities',
      ENTITIES,
      '-s',
      SCHEMA,
      ...request('alice'),
      '-c',
      context,
    ]);
    expect(byFile.exitCode).toBe(1);
    expect(byFile.stderr).toContain(
      `${context}:2:18: error: request: context.level.n: expected a value of type Long, found \`"high"\``,
    );
    expect(byFile.stderr).toContain(
      `${context}:2:26: error: request: context.level: attribute \`extra\` is not declared in the schema`,
    );
    const whole = file(
      'request.json',
      '{"principal": "User::\\"alice\\"", "action": "Action::\\"view\\"", "resource": "Doc::\\"d\\"",\n "context": {"level": {"n": 1.5}}}',
    );
    const inRequest = await run(['evaluate', 'context', '--request-json', whole]);
    expect(inRequest.exitCode).toBe(1);
    expect(inRequest.stderr).toContain(
      `${whole}:2:29: error: request: context.level.n: \`1.5\` is not an integer`,
    );
  });

  it('names the entity by position or uid only when the message does', () => {
    const text = '[{"uid": {"type": "A", "id": "x"}, "attrs": {}, "parents": []}, 5]';
    const json = JSON.parse(text) as unknown;
    expect(entityErrorSpan(text, json, 'entity 1 must be an object')).toEqual({ start: 64, end: 65 });
    expect(entityErrorSpan(text, json, 'entity `A::"x"`: something')).toEqual({ start: 9, end: 33 });
    expect(entityErrorSpan(text, json, 'entity `A::"y"`: something')).toBeUndefined();
    expect(entityErrorSpan(text, json, 'entities must be an array')).toBeUndefined();
  });
});
