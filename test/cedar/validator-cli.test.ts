import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGroup } from '../cli/run-group.js';
import { registerCedarValidate } from '../../src/cli/cedar-validate.js';

const run = (args: string[]) => runGroup('cedar', [registerCedarValidate], args);

const directory = mkdtempSync(join(tmpdir(), 'keyaki-validate-'));

function file(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

const SCHEMA = file(
  'schema.cedarschema',
  'entity User { age?: Long };\nentity Doc { owner: User };\naction view appliesTo { principal: [User], resource: [Doc], context: { ip: ipaddr } };\n',
);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('keyaki cedar validate', () => {
  it('exits with 0 when every policy is valid', async () => {
    const policies = file(
      'ok.cedar',
      'permit(principal, action == Action::"view", resource) when { resource.owner == principal };\n',
    );
    const result = await run(['validate', '--policies', policies, '--schema', SCHEMA]);
    expect(result).toEqual({ stdout: 'policies are valid\n', stderr: '', exitCode: 0 });
  });

  it("shows each error under the code it is about, names policies by `@id`, and exits with 3 (Cedar's ValidationFailure)", async () => {
    const policies = file(
      'bad.cedar',
      '@id("adults")\npermit(principal, action, resource)\nwhen { principal.age > 18 };\n',
    );
    const result = await run(['validate', '--policies', policies, '--schema', SCHEMA]);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe(
      [
        `${policies}:3:8: error: for policy \`adults\`, unable to guarantee safety of access to optional attribute \`age\` on entity type \`User\``,
        '  3 | when { principal.age > 18 };',
        '    |        ^^^^^^^^^^^^^',
        '1 validation error',
        '',
      ].join('\n'),
    );
  });

  it('reports errors and warnings as JSON on request', async () => {
    const policies = file('never.cedar', 'permit(principal, action, resource) when { false };\n');
    const result = await run(['validate', '--policies', policies, '--schema', SCHEMA, '--output', 'json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      errors: [],
      warnings: [
        {
          policyId: 'policy0',
          kind: 'impossiblePolicy',
          message: 'policy is impossible: the policy expression evaluates to false for all valid requests',
          span: { start: 0, end: 51 },
        },
      ],
    });
  });

  it('reads JSON schemas, and treats unreadable policies as unusable input', async () => {
    const json = file(
      'schema.json',
      JSON.stringify({
        '': {
          entityTypes: { User: {} },
          actions: { view: { appliesTo: { principalTypes: ['User'], resourceTypes: ['User'] } } },
        },
      }),
    );
    const ok = file('any.cedar', 'permit(principal, action, resource);');
    expect((await run(['validate', '--policies', ok, '--schema', json])).exitCode).toBe(0);
    const broken = file('broken.cedar', 'permit(principal, action, resource) when { 1 + };');
    const result = await run(['validate', '--policies', broken, '--schema', json, '--schema-format', 'json']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('broken.cedar:1:48: error: unexpected token `}`');
  });
});
