import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as compat from '../../src/cedar/compat.js';
import type { EstObject } from '../../src/cedar/syntax/index.js';
import { policyText } from './format-arbitraries.js';
import { officialPolicySets } from './format-support.js';

/** Every policy and template of the official files, as its own text. */
const parts = officialPolicySets().flatMap((text) => {
  const answer = wasm.policySetTextToParts(text);
  return answer.type === 'success' ? [...answer.policies, ...answer.policy_templates] : [];
});

function oracleJson(text: string): EstObject | undefined {
  const answer =
    text.includes('?principal') || text.includes('?resource')
      ? wasm.templateToJson(text)
      : wasm.policyToJson(text);
  return answer.type === 'success' ? (answer.json as unknown as EstObject) : undefined;
}

/** cedar-wasm hands JSON over as JavaScript numbers: integers beyond 2^53 come back rounded, and it refuses them. */
function exactInJavaScript(json: unknown): boolean {
  if (typeof json === 'number') return Number.isSafeInteger(json);
  if (typeof json !== 'object' || json === null) return true;
  return Object.values(json).every(exactInJavaScript);
}

describe('policyToText, policyToJson and friends, as cedar-wasm answers them', () => {
  it('reads the official policies one by one', () => {
    expect(parts.length).toBeGreaterThan(3900);
  });

  it('splits every official policy set into the same parts, in the same order', () => {
    const disagreements = officialPolicySets().filter(
      (text) =>
        JSON.stringify(compat.policySetTextToParts(text)) !== JSON.stringify(wasm.policySetTextToParts(text)),
    );
    expect(disagreements).toEqual([]);
  });

  it('writes the same JSON for every official policy and template', () => {
    const disagreements = parts.filter((text) => {
      const isTemplate = text.includes('?principal') || text.includes('?resource');
      const ours = isTemplate ? compat.templateToJson(text) : compat.policyToJson(text);
      const theirs = isTemplate ? wasm.templateToJson(text) : wasm.policyToJson(text);
      return JSON.stringify(ours) !== JSON.stringify(theirs);
    });
    expect(disagreements).toEqual([]);
  });

  it('writes the same text for every official policy given as JSON', () => {
    const disagreements = parts.flatMap((text) => {
      const json = oracleJson(text);
      if (json === undefined || !exactInJavaScript(json)) return [];
      const isTemplate = text.includes('?principal') || text.includes('?resource');
      const ours = isTemplate ? compat.templateToText(json) : compat.policyToText(json);
      const theirs = isTemplate
        ? wasm.templateToText(json as unknown as wasm.PolicyJson)
        : wasm.policyToText(json as unknown as wasm.PolicyJson);
      return JSON.stringify(ours) === JSON.stringify(theirs) ? [] : [{ text, ours, theirs }];
    });
    expect(disagreements).toEqual([]);
  });

  it('writes the same text for generated policies given as JSON', () => {
    fc.assert(
      fc.property(policyText, (text) => {
        const json = oracleJson(text);
        fc.pre(json !== undefined);
        if (json !== undefined) {
          const asWasm = json as unknown as wasm.PolicyJson;
          expect(compat.policyToText(json)).toEqual(wasm.policyToText(asWasm));
          expect(compat.templateToText(json)).toEqual(wasm.templateToText(asWasm));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('escapes strings, attribute names and annotations as cedar-wasm does, for any character', () => {
    const character = fc
      .oneof(fc.integer({ min: 0, max: 0x2fff }), fc.integer({ min: 0xe000, max: 0x10ffff }))
      .map((code) => String.fromCodePoint(code));
    fc.assert(
      fc.property(fc.array(character, { minLength: 1, maxLength: 6 }), (characters) => {
        const value = characters.join('');
        const json = {
          effect: 'permit',
          principal: { op: 'All' },
          action: { op: 'All' },
          resource: { op: 'All' },
          conditions: [
            {
              kind: 'when',
              body: {
                '==': { left: { Value: value }, right: { '.': { left: { Var: 'context' }, attr: value } } },
              },
            },
          ],
          annotations: { a: value },
        };
        expect(compat.policyToText(json)).toEqual(wasm.policyToText(json as unknown as wasm.PolicyJson));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives back the text of a policy given as text, comments and all', () => {
    const text = '  // why\n@id("x")   permit(principal, action, resource)  ;  // end\n';
    expect(compat.policyToText(text)).toEqual(wasm.policyToText(text));
  });

  it('refuses a template where a policy is expected, and the reverse, in cedar-wasm words', () => {
    const template = 'permit(principal == ?principal, action, resource);';
    const policy = 'permit(principal, action, resource);';
    for (const [ours, theirs] of [
      [compat.policyToText(template), wasm.policyToText(template)],
      [compat.policyToJson(template), wasm.policyToJson(template)],
      [compat.templateToText(policy), wasm.templateToText(policy)],
      [compat.templateToJson(policy), wasm.templateToJson(policy)],
    ] as const) {
      expect(ours).toEqual(theirs);
    }
  });

  it('answers formatPolicies in cedar-wasm shape, errors included', () => {
    for (const policyText of [
      'permit(principal,action,resource);',
      'permit(principal, action, resource) when { x };',
    ]) {
      for (const call of [{ policyText }, { policyText, lineWidth: 20, indentWidth: 4 }]) {
        expect(compat.formatPolicies(call)).toEqual(wasm.formatPolicies(call));
      }
    }
  });
});
