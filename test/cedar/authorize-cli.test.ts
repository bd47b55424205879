import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGroup } from '../cli/run-group.js';
import { parseEntityUidText, registerCedarAuthorize } from '../../src/cli/cedar-authorize.js';
import { registerCedarCheckParse } from '../../src/cli/cedar-check-parse.js';

const SHARED = new URL('../../../shared/cedar-integration-tests/', import.meta.url);
const shared = (path: string): string => fileURLToPath(new URL(path, SHARED));

const run = (args: string[]) => runGroup('cedar', [registerCedarAuthorize, registerCedarCheckParse], args);

const directory = mkdtempSync(join(tmpdir(), 'keyaki-authorize-'));

function file(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

afterEach(() => {
  vi.restoreAllMocks();
});

const ALICE_VIEWS_PHOTO = [
  '--principal',
  'User::"alice"',
  '--action',
  'Action::"view"',
  '--resource',
  'Photo::"VacationPhoto94.jpg"',
];

describe('keyaki cedar authorize', () => {
  it('prints ALLOW and exits 0 when a permit applies, naming it with --verbose', async () => {
    const result = await run([
      'authorize',
      '--policies',
      shared('tests/example_use_cases/policies_1a.cedar'),
      '--entities',
      shared('sample-data/sandbox_a/entities.json'),
      ...ALICE_VIEWS_PHOTO,
      '--verbose',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('ALLOW');
    expect(result.stdout).toContain('policy0');
  });

  it("prints DENY and exits 2 (Cedar's AuthorizeDeny) when no policy applies", async () => {
    const result = await run([
      'authorize',
      '--policies',
      shared('tests/example_use_cases/policies_1a.cedar'),
      '--entities',
      shared('sample-data/sandbox_a/entities.json'),
      '--principal',
      'User::"bob"',
      '--action',
      'Action::"view"',
      '--resource',
      'Photo::"VacationPhoto94.jpg"',
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout.trim()).toBe('DENY');
  });

  it('names policies by their @id annotation, reads the request from --request-json and reports erroring policies', async () => {
    const policies = file(
      'policies.cedar',
      '@id("by-level") permit(principal, action, resource) when { context.level > 3 };\n' +
        'permit(principal, action, resource) when { principal.missing };',
    );
    const request = file(
      'request.json',
      JSON.stringify({
        principal: 'User::"alice"',
        action: 'Action::"view"',
        resource: 'Photo::"p"',
        context: { level: 5 },
      }),
    );
    const result = await run([
      'authorize',
      '-p',
      policies,
      '--entities',
      file('e.json', '[]'),
      '--request-json',
      request,
      '-v',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('by-level');
    expect(result.stdout).toMatch(/policy1: entity `User::"alice"` does not exist/);
  });

  it('validates the request against a schema, exiting 1 with a code frame in the context when it does not conform', async () => {
    const result = await run([
      'authorize',
      '--policies',
      shared('tests/example_use_cases/policies_1a.cedar'),
      '--entities',
      shared('sample-data/sandbox_a/entities.json'),
      '--schema',
      shared('sample-data/sandbox_a/schema.cedarschema'),
      ...ALICE_VIEWS_PHOTO,
      '--context',
      file('context.json', '{"unexpected": 1}'),
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/context\.json:1:2: error: request: .*`unexpected`/);
  });

  it('shows a code frame for a policy that does not parse', async () => {
    const policies = file('bad.cedar', 'permit(principal, action, resource) when { 1 + };');
    const result = await run([
      'authorize',
      '-p',
      policies,
      '--entities',
      file('e2.json', '[]'),
      ...ALICE_VIEWS_PHOTO,
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('^');
  });

  it('reads entity uids written in Cedar syntax, including namespaces and escapes', () => {
    expect(parseEntityUidText('NS::User::"a\\"b"', '--principal')).toEqual({ type: 'NS::User', id: 'a"b' });
    expect(() => parseEntityUidText('User::alice', '--principal')).toThrow(/expected `Type::"id"`/);
  });
});

describe('keyaki cedar check-parse', () => {
  it('exits 0 for policies and entities that parse', async () => {
    const result = await run([
      'check-parse',
      '--policies',
      shared('tests/example_use_cases/policies_2a.cedar'),
      '--entities',
      shared('sample-data/sandbox_a/entities.json'),
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^\d+ policies parsed/);
  });

  it('exits 1 with a code frame for a policy that does not parse, and reports bad entities', async () => {
    const policies = file('broken.cedar', 'permit(principal, action, resource) when { principal.};');
    const entities = file(
      'cycle.json',
      JSON.stringify([{ uid: { type: 'T', id: 'a' }, attrs: {}, parents: [{ type: 'T', id: 'a' }] }]),
    );
    const result = await run(['check-parse', '-p', policies, '--entities', entities]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('^');
    expect(result.stderr).toContain('cycle');
  });
});
