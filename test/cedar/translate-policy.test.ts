import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerCedarTranslatePolicy } from '../../src/cli/cedar-translate-policy.js';
import { runGroup } from '../cli/run-group.js';
import { officialPolicySets } from './format-support.js';

function file(text: string, name = 'policies.cedar'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'keyaki-translate-')), name);
  writeFileSync(path, text);
  return path;
}

const translate = (direction: string, path: string) =>
  runGroup(
    'cedar',
    [registerCedarTranslatePolicy],
    ['translate-policy', '--direction', direction, '--policies', path],
  );

const SET = `@id("admins") permit(principal in Group::"admins", action, resource);
permit(principal == ?principal, action == Action::"view", resource in ?resource) when { context.mfa };
forbid(principal, action, resource) unless { resource.public };
`;

describe('keyaki cedar translate-policy', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes a policy set as templates, static policies and links, keyed by policy id', async () => {
    const outcome = await translate('cedar-to-json', file(SET));
    expect(outcome.exitCode).toBe(0);
    const json = JSON.parse(outcome.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(json)).toEqual(['templates', 'staticPolicies', 'templateLinks']);
    expect(Object.keys(json['templates'] ?? {})).toEqual(['policy1']);
    expect(Object.keys(json['staticPolicies'] ?? {})).toEqual(['policy0', 'policy2']);
    expect(json['templateLinks']).toEqual([]);
  });

  it('writes each policy as cedar-wasm writes it', async () => {
    const outcome = await translate('cedar-to-json', file(SET));
    const json = JSON.parse(outcome.stdout) as Record<string, Record<string, unknown>>;
    const [first, , third] = SET.trim().split('\n') as [string, string, string];
    expect(json['staticPolicies']?.['policy0']).toEqual((wasm.policyToJson(first) as { json: unknown }).json);
    expect(json['staticPolicies']?.['policy2']).toEqual((wasm.policyToJson(third) as { json: unknown }).json);
  });

  it('translates JSON back into Cedar policies, static policies first', async () => {
    const json = (await translate('cedar-to-json', file(SET))).stdout;
    const outcome = await translate('json-to-cedar', file(json, 'policies.json'));
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toBe(
      '@id("admins")\npermit(principal in Group::"admins", action, resource);\n\n' +
        'forbid(principal, action, resource) unless { resource.public };\n\n' +
        'permit(principal == ?principal, action == Action::"view", resource in ?resource) when { context.mfa };\n',
    );
  });

  it('round-trips the official policy sets: Cedar to JSON to Cedar to JSON gives the same policies', async () => {
    const changed: string[] = [];
    for (const text of officialPolicySets().slice(0, 1000)) {
      const json = await translate('cedar-to-json', file(text));
      if (json.exitCode !== 0) continue;
      const back = await translate('json-to-cedar', file(json.stdout, 'policies.json'));
      const again = await translate('cedar-to-json', file(back.stdout));
      const policies = (outcome: string): unknown[] => {
        const parsed = JSON.parse(outcome) as Record<string, Record<string, unknown>>;
        return [
          ...Object.values(parsed['staticPolicies'] ?? {}),
          ...Object.values(parsed['templates'] ?? {}),
        ];
      };
      const sorted = (list: unknown[]): string[] => list.map((item) => JSON.stringify(item)).sort();
      if (JSON.stringify(sorted(policies(json.stdout))) !== JSON.stringify(sorted(policies(again.stdout))))
        changed.push(text);
    }
    expect(changed).toEqual([]);
  });

  it('exits 1 with a code frame when the Cedar text does not parse', async () => {
    const outcome = await translate('cedar-to-json', file('permit(principal, action, resource) when { x };'));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toContain('policies.cedar:1:44: error: invalid variable: x');
  });

  it('exits 1 on JSON it cannot translate, template links included, pointing at the place', async () => {
    const linked = JSON.stringify({
      templates: {},
      staticPolicies: {},
      templateLinks: [{ templateId: 't', newId: 'l', values: {} }],
    });
    const outcome = await translate('json-to-cedar', file(linked, 'policies.json'));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toMatch(
      /policies\.json:1:53: error: unable to translate a policy set containing template-linked policies\n/,
    );
    const bad = await translate(
      'json-to-cedar',
      file('{"staticPolicies": {"p": {"effect": "allow"}}}', 'p.json'),
    );
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/p\.json:1:26: error: policy `p`: /);
    const broken = await translate('json-to-cedar', file('{"staticPolicies": {"p": }}', 'broken.json'));
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json:1:26: error: --policies: invalid JSON: expected value\n/);
  });
});
