// No input makes Keyaki's Cedar overflow the stack: chains of any length go
// through every stage (they are walked with loops), and everything that nests
// (parentheses, member accesses, `has` paths, JSON values, schema types) is
// refused past a documented limit with an error that says so — in every CLI
// command and every compat function.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as compat from '../../src/cedar/compat.js';
import { runCedar as run, temporaryFiles } from './cli-support.js';

const file = temporaryFiles('keyaki-deep-');

afterEach(() => {
  vi.restoreAllMocks();
});

// Far beyond what any stage could walk with one call per level.
const N = 10_000;
const chain = (operand: string, op: string): string => Array<string>(N).fill(operand).join(` ${op} `);
const policy = (condition: string): string => `permit(principal, action, resource) when { ${condition} };\n`;

// Each kind of chain goes through the CLI or through the compat functions (both, with KEYAKI_DEEP_ALL=1).
const ALL = process.env['KEYAKI_DEEP_ALL'] === '1';
const CHAINS = {
  '&&': chain('principal.ok', '&&'),
  '||': chain('principal.ok', '||'),
  '+': `${chain('principal.age', '+')} > 0`,
  '-': `${chain('1', '-')} < 0`,
  '*': `${chain('1', '*')} == 1`,
};
const DEEP = {
  'member accesses': `principal${'.next'.repeat(N)}.ok`,
  'method calls': `principal.tags${'.isEmpty()'.repeat(N)}`,
  'a `has` path': `principal has ${Array<string>(N).fill('next').join('.')}`,
  parentheses: `${'('.repeat(N)}true${')'.repeat(N)}`,
  sets: `${'['.repeat(N)}${']'.repeat(N)}.isEmpty()`,
  'if branches': `${'if true then '.repeat(N)}true${' else false'.repeat(N)}`,
};

const SCHEMA_TEXT =
  'entity User = { ok: Bool, age: Long, tags: Set<String>, next?: User };\nentity Doc;\n' +
  'action view appliesTo { principal: User, resource: Doc };\n';
const SCHEMA = file('schema.cedarschema', SCHEMA_TEXT);
const ENTITIES = file(
  'entities.json',
  JSON.stringify([
    { uid: { type: 'User', id: 'alice' }, attrs: { ok: true, age: 1, tags: [] }, parents: [] },
  ]),
);
const REQUEST = ['-l', 'User::"alice"', '-a', 'Action::"view"', '-r', 'Doc::"d"'];

describe('chains of 10,000 operands in every command', () => {
  const viaCli = Object.entries(CHAINS).filter(([op]) => ALL || op === '&&' || op === '+');
  const viaCompat = Object.entries(CHAINS).filter(([op]) => ALL || !(op === '&&' || op === '+'));

  it.each(viaCli)('`%s`', async (_op, condition) => {
    const policies = file('chain.cedar', policy(condition));
    expect((await run(['validate', '-p', policies, '-s', SCHEMA])).exitCode).toBe(0);
    const authorized = await run(['authorize', '-p', policies, '--entities', ENTITIES, ...REQUEST]);
    expect(authorized.stderr).toBe('');
    expect([0, 2]).toContain(authorized.exitCode);
    expect((await run(['check-parse', '-p', policies])).exitCode).toBe(0);
    expect((await run(['evaluate', condition, '--entities', ENTITIES, ...REQUEST])).exitCode).toBe(0);
    const formatted = await run(['format', '-p', policies]);
    expect(formatted.exitCode).toBe(0);
    const json = await run(['translate-policy', '--direction', 'cedar-to-json', '-p', policies]);
    expect(json.exitCode).toBe(0);
    // Written back as JSON, the chain nests deeper than JSON text may (128 levels, as in Cedar).
    const back = await run([
      'translate-policy',
      '--direction',
      'json-to-cedar',
      '-p',
      file('chain.json', json.stdout),
    ]);
    expect(back.exitCode).toBe(1);
    expect(back.stderr).toMatch(/invalid JSON: recursion limit exceeded/);
  });

  it.each(viaCompat)('`%s` through the compat functions', (_op, condition) => {
    const text = policy(condition);
    expect(compat.checkParsePolicySet({ staticPolicies: text }).type).toBe('success');
    expect(compat.validate({ schema: SCHEMA_TEXT, policies: { staticPolicies: text } })).toMatchObject({
      type: 'success',
      validationErrors: [],
    });
    const request = {
      principal: { type: 'User', id: 'alice' },
      action: { type: 'Action', id: 'view' },
      resource: { type: 'Doc', id: 'd' },
      context: {},
      entities: [{ uid: { type: 'User', id: 'alice' }, attrs: { ok: true, age: 1, tags: [] }, parents: [] }],
    };
    expect(compat.isAuthorized({ ...request, policies: { staticPolicies: text } }).type).toBe('success');
    const json = compat.policyToJson(text);
    expect(json.type).toBe('success');
    if (json.type !== 'success') return;
    const back = compat.policyToText(json.json);
    expect(back.type).toBe('success');
    if (back.type !== 'success') return;
    // Deep trees are compared through their text: a fixed point of JSON and back.
    const again = compat.policyToJson(back.text);
    const textAgain = again.type === 'success' ? compat.policyToText(again.json) : again;
    expect(textAgain).toEqual(back);
    expect(compat.formatPolicies({ policyText: text }).type).toBe('success');
    expect(compat.policySetTextToParts(text).type).toBe('success');
  });
});

describe('nesting past the limits is refused, never a stack overflow', () => {
  it.each(Object.entries(DEEP))('%s, in every command', async (_what, condition) => {
    const policies = file('deep.cedar', policy(condition));
    for (const args of [
      ['validate', '-p', policies, '-s', SCHEMA],
      ['authorize', '-p', policies, '--entities', ENTITIES, ...REQUEST],
      ['check-parse', '-p', policies],
      ['evaluate', condition],
      ['format', '-p', policies],
      ['translate-policy', '--direction', 'cedar-to-json', '-p', policies],
    ]) {
      const result = await run(args);
      expect({ args: args[0], exitCode: result.exitCode }).toEqual({ args: args[0], exitCode: 1 });
      expect(result.stderr).toMatch(/nested too deeply|at most 100 attributes/);
    }
  });

  it.each(Object.entries(DEEP))('%s, in the compat functions', (_what, condition) => {
    const text = policy(condition);
    const message = /nested too deeply|at most 100 attributes/;
    const parsed = compat.checkParsePolicySet({ staticPolicies: text });
    expect(parsed.type === 'failure' && parsed.errors[0]?.message).toMatch(message);
    const validated = compat.validate({ schema: SCHEMA_TEXT, policies: { staticPolicies: text } });
    expect(validated.type === 'failure' && validated.errors[0]?.message).toMatch(message);
    for (const answer of [compat.policyToJson(text), compat.formatPolicies({ policyText: text })])
      expect(answer.type === 'failure' && answer.errors[0]?.message).toMatch(message);
  });

  it('refuses JSON policies, entities, contexts and schemas given as deeply nested JavaScript values', () => {
    let not: unknown = { Value: true };
    let record: unknown = 1;
    let type: unknown = { type: 'Long' };
    for (let level = 0; level < N; level += 1) {
      not = { '!': { arg: not } };
      record = { a: record };
      type = { type: 'Record', attributes: { a: type } };
    }
    const jsonPolicy = {
      effect: 'permit',
      principal: { op: 'All' },
      action: { op: 'All' },
      resource: { op: 'All' },
      conditions: [{ kind: 'when', body: not }],
    } as unknown as Parameters<typeof compat.policyToText>[0];
    const text = compat.policyToText(jsonPolicy);
    expect(text.type === 'failure' && text.errors[0]?.message).toMatch(/nested too deeply/);
    const request = {
      principal: { type: 'User', id: 'alice' },
      action: { type: 'Action', id: 'view' },
      resource: { type: 'Doc', id: 'd' },
      policies: { staticPolicies: 'permit(principal, action, resource);' },
    };
    const byEntities = compat.isAuthorized({
      ...request,
      context: {},
      entities: [{ uid: { type: 'User', id: 'alice' }, attrs: { deep: record }, parents: [] }],
    });
    expect(byEntities.type === 'failure' && byEntities.errors[0]?.message).toMatch(/nested too deeply/);
    const byContext = compat.isAuthorized({ ...request, context: { deep: record }, entities: [] });
    expect(byContext.type === 'failure' && byContext.errors[0]?.message).toMatch(/nested too deeply/);
    const schema = { '': { entityTypes: { User: { shape: type } }, actions: {} } };
    const parsedSchema = compat.checkParseSchema(
      schema as unknown as Parameters<typeof compat.checkParseSchema>[0],
    );
    expect(parsedSchema.type === 'failure' && parsedSchema.errors[0]?.message).toMatch(/nested too deeply/);
  });

  it('refuses deeply nested entities, contexts and schemas read from files', async () => {
    const deepJson = `${'{"a": '.repeat(N)}1${'}'.repeat(N)}`;
    const entities = file(
      'deep-entities.json',
      `[{"uid": {"type": "User", "id": "a"}, "attrs": ${deepJson}, "parents": []}]`,
    );
    const checked = await run(['check-parse', '--entities', entities]);
    expect(checked.exitCode).toBe(1);
    expect(checked.stderr).toMatch(
      /deep-entities\.json:1:\d+: error: --entities: invalid JSON: recursion limit exceeded/,
    );
    const context = file('deep-context.json', deepJson);
    const authorized = await run([
      'authorize',
      '-p',
      file('all.cedar', policy('true')),
      '--entities',
      ENTITIES,
      ...REQUEST,
      '-c',
      context,
    ]);
    expect(authorized.exitCode).toBe(1);
    expect(authorized.stderr).toMatch(
      /deep-context\.json:1:\d+: error: --context: invalid JSON: recursion limit exceeded/,
    );
    const jsonSchema = file('deep-schema.json', deepJson);
    for (const args of [
      ['validate', '-p', file('any.cedar', policy('true')), '-s', jsonSchema],
      ['translate-schema', '--direction', 'json-to-cedar', '-s', jsonSchema],
    ]) {
      const result = await run(args);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(
        /deep-schema\.json:1:\d+: error: invalid JSON: nested too deeply: the limit is 128 levels/,
      );
    }
    const textSchema = file('deep.cedarschema', `entity User = ${'{ a: '.repeat(N)}Long${' }'.repeat(N)};`);
    const translated = await run(['translate-schema', '--direction', 'cedar-to-json', '-s', textSchema]);
    expect(translated.exitCode).toBe(1);
    expect(translated.stderr).toMatch(/types are nested too deeply: the limit is 60 levels/);
  });

  it('accepts nesting up to the limits', () => {
    // 999 member accesses, a 100-step `has` path, 60 levels of schema records: all fine.
    const ok = (text: string): string => compat.checkParsePolicySet({ staticPolicies: text }).type;
    expect(ok(policy(`principal${'.next'.repeat(990)}.ok`))).toBe('success');
    expect(ok(policy(`principal has ${Array<string>(100).fill('next').join('.')}`))).toBe('success');
    expect(ok(policy(`principal has ${Array<string>(101).fill('next').join('.')}`))).toBe('failure');
    const schema = (levels: number): string =>
      compat.checkParseSchema(`entity User = ${'{ a: '.repeat(levels)}Long${' }'.repeat(levels)};`).type;
    expect(schema(59)).toBe('success');
    expect(schema(61)).toBe('failure');
  });
});
