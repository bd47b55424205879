import { readdirSync, readFileSync } from 'node:fs';
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { parse as parseLossless } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import {
  estToJsonText,
  parsePolicies,
  policyFromEst,
  policyToEst,
  type EstJson,
  type Policy,
} from '../../src/cedar/syntax/index.js';
import { SHARED, corpusArchive } from './official-tests.js';

function officialPolicyTexts(): string[] {
  const texts = [...corpusArchive()].filter(([name]) => name.endsWith('.cedar')).map(([, text]) => text);
  for (const folder of readdirSync(new URL('tests/', SHARED))) {
    for (const name of readdirSync(new URL(`tests/${folder}/`, SHARED)))
      if (name.endsWith('.cedar'))
        texts.push(readFileSync(new URL(`tests/${folder}/${name}`, SHARED), 'utf8'));
  }
  return texts;
}

/** JSON as cedar-wasm hands it to JavaScript: longs are plain (possibly rounded) numbers. */
function asCedarWasm(value: EstJson): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? Number(item) : item));
}

function cedarJson(text: string, policy: Policy): string {
  const source = text.slice(policy.span?.start, policy.span?.end);
  const answer = policy.kind === 'template' ? wasm.templateToJson(source) : wasm.policyToJson(source);
  if (answer.type !== 'success') throw new Error(`cedar-wasm cannot convert ${source}`);
  return JSON.stringify(answer.json);
}

/**
 * A policy without what the JSON format does not keep: spans, `in [A]` versus
 * `in A` for one action, the order of annotations and record fields as written.
 */
function withoutLayout(policy: Policy): string {
  return JSON.stringify(policy, (key, item: unknown) => {
    if (key === 'span' || key === 'isList') return undefined;
    if (key === 'annotations' && Array.isArray(item))
      return [...(item as { key: string }[])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (typeof item === 'bigint') return `${item}n`;
    if (key === 'fields' && Array.isArray(item))
      return [...(item as [string, unknown][])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return item;
  });
}

function parsedPolicies(text: string): readonly Policy[] {
  const parsed = parsePolicies(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.errors[0]?.message}`);
  return parsed.policies;
}

describe('the JSON policy format', () => {
  const texts = officialPolicyTexts();

  it('is written exactly as cedar-wasm writes it, for every policy of the integration tests', () => {
    let policies = 0;
    for (const text of texts) {
      for (const policy of parsedPolicies(text)) {
        policies += 1;
        expect(asCedarWasm(policyToEst(policy)), text).toBe(cedarJson(text, policy));
      }
    }
    expect(policies).toBeGreaterThan(3980);
  });

  it('reads back into the same policy, spans and layout aside', () => {
    for (const text of texts) {
      for (const policy of parsedPolicies(text)) {
        const read = policyFromEst(policy.id, parseLossless(estToJsonText(policyToEst(policy))));
        expect(read.ok && withoutLayout(read.policy), text).toBe(withoutLayout(policy));
      }
    }
  });

  it('keeps longs at the ends of the i64 range exact in JSON text', () => {
    const [policy] = parsedPolicies(
      'permit(principal, action, resource) when { -9223372036854775808 < 9223372036854775807 && 9007199254740993 > 1 };',
    );
    const text = estToJsonText(policy === undefined ? null : policyToEst(policy));
    expect(text).toContain('{"Value":-9223372036854775808}');
    expect(text).toContain('{"Value":9223372036854775807}');
    expect(text).toContain('{"Value":9007199254740993}');
  });

  it('writes annotations in code point order, with `null` for an annotation without a value', () => {
    const [policy] = parsedPolicies('@zz @b("") @a("x") @B("é") permit(principal, action, resource);');
    expect(policy?.annotations.map((annotation) => annotation.key)).toEqual(['zz', 'b', 'a', 'B']);
    const annotations = policy === undefined ? {} : policyToEst(policy)['annotations'];
    expect(annotations).toEqual({ B: 'é', a: 'x', b: '', zz: null });
    expect(Object.keys(annotations ?? {})).toEqual(['B', 'a', 'b', 'zz']);
  });

  it('reports what is wrong in malformed JSON policies', () => {
    const scope = { op: 'All' };
    const base = { effect: 'permit', principal: scope, action: scope, resource: scope, conditions: [] };
    const cases: [unknown, string][] = [
      [{ ...base, effect: 'allow' }, 'unknown effect `allow`'],
      [{ ...base, principal: { op: '<' } }, 'unknown principal scope operator `<`'],
      [{ ...base, principal: { op: '==', slot: '?action' } }, 'invalid slot `?action`'],
      [{ ...base, conditions: [{ kind: 'where', body: { Value: true } }] }, 'unknown condition kind `where`'],
      [{ ...base, conditions: [{ kind: 'when', body: { Var: 'user' } }] }, 'unknown variable `user`'],
      [{ ...base, conditions: [{ kind: 'when', body: { Value: 1.5 } }] }, '`1.5` is not a valid long'],
      [
        { ...base, conditions: [{ kind: 'when', body: { '!': {}, '&&': {} } }] },
        'expected an expression object with exactly one key',
      ],
      [{ ...base, annotations: { a: 1 } }, 'expected annotation `a` to be a string'],
      [
        { ...base, action: { op: '==', entity: { type: 'Foo', id: 'a' } } },
        'expected an entity uid with type `Action` but got `Foo::"a"`',
      ],
      [
        { ...base, resource: { op: '==', slot: '?principal' } },
        'invalid slot name or slot used in wrong position',
      ],
      [
        { ...base, conditions: [{ kind: 'unless', body: { Slot: '?resource' } }] },
        'found template slot ?resource in a `unless` clause',
      ],
      [{ ...base, conditions: [{ kind: 'when', body: { foo: [] } }] }, 'unknown expression `foo`'],
      [{ ...base, principal: { op: 'is', entity_type: 'if' } }, 'invalid entity type `if`'],
    ];
    for (const [json, message] of cases) {
      expect(policyFromEst('p', json)).toEqual({ ok: false, message });
      expect(wasm.policyToText(json as wasm.Policy).type, message).toBe('failure');
    }
  });

  it('reads an integral JSON number as the long JavaScript writes it, within i64, as cedar-wasm does', () => {
    const scope = { op: 'All' };
    const withValue = (value: number): unknown => ({
      effect: 'permit',
      principal: scope,
      action: scope,
      resource: scope,
      conditions: [{ kind: 'when', body: { '==': { left: { Value: value }, right: { Value: 1 } } } }],
    });
    // cedar-wasm reads a number as JavaScript writes it: 7953754288172630000, not the double's exact …016.
    for (const value of [2 ** 53 + 2, 7953754288172630000, -9223372036854774784, -0]) {
      const read = policyFromEst('p', withValue(value));
      const body = read.ok ? read.policy.conditions[0]?.body : undefined;
      const left = body?.kind === 'binary' ? body.left : undefined;
      expect(left?.kind === 'lit' && left.value, String(value)).toEqual({
        type: 'long',
        value: BigInt(String(value)),
      });
      expect(wasm.policyToText(withValue(value) as wasm.Policy).type).toBe('success');
    }
    for (const value of [2 ** 63, -(2 ** 63), 1.5, 1e300]) {
      expect(policyFromEst('p', withValue(value)).ok, String(value)).toBe(false);
      expect(wasm.policyToText(withValue(value) as wasm.Policy).type).toBe('failure');
    }
  });
});

// Generated policies: expressions over the whole grammar, written as text.
const name = fc.constantFrom('a', 'b', 'principal', 'permit', 'x_1');
const stringLiteral = fc.constantFrom(
  '""',
  '"a"',
  '"\\n\\t\\"\\\\"',
  '"\\u{1F600}é"',
  '"\\0\\x41"',
  '"10"',
  '"9"',
);
const pattern = fc.constantFrom('""', '"*"', '"a*b"', '"\\**"', '"**"', '"a\\*\\u{2a}*"', '"😀*"');
const entity = fc.constantFrom('A::"a"', 'NS::B::"\\u{0}"', 'A::""');
const long = fc.constantFrom('0', '7', '-5', '9223372036854775807', '-9223372036854775808', '- 3');

const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('principal', 'action', 'resource', 'context', 'true', 'false'),
    long,
    stringLiteral,
    entity,
    fc
      .tuple(
        tie('expr'),
        fc.constantFrom('&&', '||', '==', '!=', '<', '<=', '>', '>=', 'in', '+', '-', '*'),
        tie('expr'),
      )
      .map(([left, op, right]) => `(${left} ${op} ${right})`),
    fc.tuple(fc.constantFrom('!', '-', '!!', '- -'), tie('expr')).map(([op, arg]) => `${op}(${arg})`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, t, e]) => `(if ${c} then ${t} else ${e})`),
    fc
      .tuple(tie('expr'), fc.array(name, { minLength: 1, maxLength: 3 }))
      .map(([target, path]) => `(${target} has ${path.join('.')})`),
    fc.tuple(tie('expr'), stringLiteral).map(([target, attr]) => `(${target} has ${attr})`),
    fc.tuple(tie('expr'), pattern).map(([target, text]) => `(${target} like ${text})`),
    fc
      .tuple(tie('expr'), fc.constantFrom('A', 'NS::B'), fc.option(tie('expr')))
      .map(([target, type, inside]) => `(${target} is ${type}${inside === null ? '' : ` in ${inside}`})`),
    fc.tuple(tie('expr'), name).map(([target, attr]) => `(${target}).${attr}`),
    fc.tuple(tie('expr'), stringLiteral).map(([target, attr]) => `(${target})[${attr}]`),
    fc
      .tuple(
        tie('expr'),
        fc.constantFrom('contains', 'containsAll', 'containsAny', 'getTag', 'hasTag'),
        tie('expr'),
      )
      .map(([target, method, arg]) => `(${target}).${method}(${arg})`),
    tie('expr').map((target) => `(${target}).isEmpty()`),
    fc.array(tie('expr'), { maxLength: 3 }).map((elements) => `[${elements.join(', ')}]`),
    fc.array(fc.tuple(fc.oneof(name, stringLiteral), tie('expr')), { maxLength: 3 }).map((fields) => {
      const unique = [
        ...new Map(fields.map(([key, value]) => [key.replace(/^"|"$/g, ''), `${key}: ${value}`])).values(),
      ];
      return `{${unique.join(', ')}}`;
    }),
    fc.constantFrom(
      'ip("10.0.0.1").isInRange(ip("10.0.0.0/8"))',
      'decimal("1.23").lessThan(decimal("2.0"))',
      'datetime("2024-01-01").offset(duration("1h")).toDate()',
      'ip("::1").isLoopback()',
    ),
  ),
})).expr;

const scope = (variable: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    variable,
    `${variable} == A::"a"`,
    `${variable} in NS::B::"b"`,
    `${variable} is A`,
    `${variable} is NS::B in A::"a"`,
    `${variable} == ?${variable}`,
    `${variable} in ?${variable}`,
    `${variable} is A in ?${variable}`,
  );

const policyText = fc
  .record({
    annotations: fc.array(fc.tuple(name, fc.option(stringLiteral)), { maxLength: 3 }),
    effect: fc.constantFrom('permit', 'forbid'),
    principal: scope('principal'),
    action: fc.constantFrom(
      'action',
      'action == Action::"a"',
      'action in [Action::"a", NS::Action::"b"]',
      'action in []',
      'action in [Action::"x"]',
    ),
    resource: scope('resource'),
    conditions: fc.array(fc.tuple(fc.constantFrom('when', 'unless'), expression), { maxLength: 2 }),
  })
  .map(({ annotations, effect, principal, action, resource, conditions }) => {
    const unique = [
      ...new Map(
        annotations.map(([key, value]) => [key, value === null ? `@${key}` : `@${key}(${value})`]),
      ).values(),
    ];
    const body = conditions.map(([kind, expr]) => ` ${kind} { ${expr} }`).join('');
    return `${unique.join(' ')} ${effect}(${principal}, ${action}, ${resource})${body};`;
  });

describe('the JSON policy format on generated policies', () => {
  it('is what cedar-wasm writes, and reads back into the same policy', () => {
    fc.assert(
      fc.property(policyText, (text) => {
        const [policy] = parsedPolicies(text);
        if (policy === undefined) throw new Error('no policy');
        expect(asCedarWasm(policyToEst(policy)), text).toBe(cedarJson(text, policy));
        const read = policyFromEst(policy.id, parseLossless(estToJsonText(policyToEst(policy))));
        expect(read.ok && withoutLayout(read.policy), text).toBe(withoutLayout(policy));
      }),
      { numRuns: 1500, seed: 7 },
    );
  });
});
