import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { policyFromEst } from '../../src/cedar/validator/est.js';
import { parsePolicyText } from '../../src/cedar/validator/policy-text.js';

const SHARED = new URL('../../../shared/cedar-integration-tests/', import.meta.url);

function corpusPolicies(): Map<string, string> {
  const archive = gunzipSync(readFileSync(new URL('corpus-tests-dev.tar.gz', SHARED)));
  const files = new Map<string, string>();
  let offset = 0;
  while (offset + 512 <= archive.length && archive[offset] !== 0) {
    const field = (start: number, length: number): string =>
      archive.toString('latin1', offset + start, offset + start + length).replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const name = field(0, 100);
    if (name.endsWith('.cedar')) files.set(name, archive.toString('utf8', offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/**
 * A policy's structure without what the JSON format cannot tell apart:
 * spans, `in [A]` versus `in A` for one action, how a pattern's literal
 * characters are grouped, the order of record fields, and integer digits
 * beyond a double's precision (the JSON policy format goes through numbers).
 */
function shape(value: unknown): string {
  return JSON.stringify(value, (key, item: unknown) => {
    if (key === 'span' || key === 'isList') return undefined;
    if (typeof item === 'bigint') return Number(item).toString();
    if (key === 'fields' && Array.isArray(item))
      return [...(item as [string, unknown][])].sort(([left], [right]) => (left < right ? -1 : 1));
    if (key === 'pattern' && Array.isArray(item)) {
      const merged: { kind: string; text?: string }[] = [];
      for (const element of item as { kind: string; text?: string }[]) {
        const last = merged.at(-1);
        if (element.kind === 'literal' && last?.kind === 'literal')
          merged[merged.length - 1] = { kind: 'literal', text: `${last.text}${element.text}` };
        else merged.push(element);
      }
      return merged;
    }
    return item;
  });
}

function viaCedar(text: string): string {
  const parts = wasm.policySetTextToParts(text);
  if (parts.type !== 'success') return 'does not parse';
  return shape(
    parts.policies.map((policy, index) => {
      const json = wasm.policyToJson(policy);
      if (json.type !== 'success') throw new Error('policy does not convert');
      const read = policyFromEst(`policy${index}`, json.json);
      if (!read.ok) throw new Error(read.message);
      return read.policy;
    }),
  );
}

function viaKeyaki(text: string): string {
  const read = parsePolicyText(text);
  return read.ok ? shape(read.policies) : 'does not parse';
}

describe('reading policy text', () => {
  it('reads every policy of the integration tests as Cedar does', () => {
    const texts = [...corpusPolicies().values()];
    for (const folder of readdirSync(new URL('tests/', SHARED))) {
      for (const name of readdirSync(new URL(`tests/${folder}/`, SHARED))) {
        if (name.endsWith('.cedar'))
          texts.push(readFileSync(new URL(`tests/${folder}/${name}`, SHARED), 'utf8'));
      }
    }
    expect(texts.length).toBeGreaterThan(3970);
    const differences = texts.filter((text) => viaKeyaki(text) !== viaCedar(text));
    expect(differences).toEqual([]);
  });

  it('turns the scope, `has` paths, `is ... in`, methods and negative literals into the validator expressions', () => {
    const read = parsePolicyText(
      '@id("p") permit(principal is User in Group::"g", action in [Action::"a"], resource) when { resource has a.b && -1 < 2 && [1].contains(1) };',
      {
        idAnnotation: true,
      },
    );
    expect(read.ok && shape(read.policies)).toBe(
      shape([
        {
          id: 'p',
          kind: 'static',
          effect: 'permit',
          annotations: [],
          principal: {
            op: 'is',
            entityType: 'User',
            in: { kind: 'entity', uid: { type: 'Group', id: 'g' } },
          },
          action: { op: 'in', uids: [{ type: 'Action', id: 'a' }] },
          resource: { op: 'all' },
          conditions: [
            {
              kind: 'when',
              body: {
                kind: 'and',
                left: {
                  kind: 'and',
                  left: {
                    kind: 'and',
                    left: { kind: 'hasAttr', arg: { kind: 'var', name: 'resource' }, attr: 'a' },
                    right: {
                      kind: 'hasAttr',
                      arg: { kind: 'getAttr', arg: { kind: 'var', name: 'resource' }, attr: 'a' },
                      attr: 'b',
                    },
                  },
                  right: {
                    kind: 'binary',
                    op: '<',
                    left: { kind: 'lit', value: { type: 'long', value: -1n } },
                    right: { kind: 'lit', value: { type: 'long', value: 2n } },
                  },
                },
                right: {
                  kind: 'binary',
                  op: 'contains',
                  left: { kind: 'set', elements: [{ kind: 'lit', value: { type: 'long', value: 1n } }] },
                  right: { kind: 'lit', value: { type: 'long', value: 1n } },
                },
              },
            },
          ],
        },
      ]),
    );
  });

  it('rejects what Cedar rejects, with the place of the error', () => {
    const cases: [string, string][] = [
      [
        'permit(principal, action, resource) when { {a: 1, a: 2}.a == 1 };',
        'duplicate key `a` in record literal',
      ],
      ['permit(principal, action, resource) when { principal.in == 1 };', '`in` is a reserved identifier'],
      ['permit(principal, action, resource) when { context.foo(1) };', '`foo` is not a method'],
      ['permit(principal, action, resource) when { !!!!!true };', 'too many unary operators'],
      [
        'permit(principal, action, resource) when { 9223372036854775808 == 1 };',
        'integer literal `9223372036854775808` is too large',
      ],
      ['permit(principal, action, resource) when { 1 == 2 == 3 };', 'unexpected `==`: expected `}`'],
    ];
    for (const [text, message] of cases) {
      expect(viaCedar(text), text).toBe('does not parse');
      const read = parsePolicyText(text);
      expect(read.ok ? [] : read.errors.map((error) => error.message), text).toEqual([message]);
    }
    const located = parsePolicyText('permit(principal, action, resource)\nwhen { context.foo(1) };');
    expect(located.ok ? undefined : located.errors[0]?.span).toEqual({ start: 51, end: 54 });
  });
});
