import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { isAuthorized } from '../../src/cedar/compat.js';
import { lowerPolicy } from '../../src/cedar/validator/index.js';
import {
  estToJsonText,
  linkTemplate,
  parseExpression,
  parsePolicies,
  policyFromEst,
  policyToEst,
  templateSlots,
  type EstJson,
  type Expr,
  type Policy,
} from '../../src/cedar/syntax/index.js';

function parse(text: string, idAnnotation = false): readonly Policy[] {
  const parsed = parsePolicies(text, { idAnnotation });
  if (!parsed.ok) throw new Error(parsed.errors.map((error) => error.message).join('; '));
  return parsed.policies;
}

function only(text: string): Policy {
  const [policy] = parse(text);
  if (policy === undefined) throw new Error('no policy');
  return policy;
}

function body(text: string): Expr {
  const condition = only(`permit(principal, action, resource) when { ${text} };`).conditions[0];
  if (condition === undefined) throw new Error('no condition');
  return condition.body;
}

/** The AST without spans, for comparisons of structure. */
function shape(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, item: unknown) =>
      key === 'span' ? undefined : typeof item === 'bigint' ? `${item}n` : item,
    ),
  );
}

describe('parsed policies', () => {
  it('keep annotations in source order, telling `@a` from `@a("")`', () => {
    const policy = only('@b("x\\ty") @a @c("") permit(principal, action, resource);');
    expect(shape(policy.annotations)).toEqual([
      { key: 'b', value: 'x\ty' },
      { key: 'a' },
      { key: 'c', value: '' },
    ]);
  });

  it('are named policy0, policy1, ... in order, templates included, or by `@id` when asked', () => {
    const text =
      'permit(principal, action, resource);\n@id("second") permit(principal == ?principal, action, resource);\nforbid(principal, action, resource);';
    expect(parse(text).map((policy) => [policy.id, policy.kind])).toEqual([
      ['policy0', 'static'],
      ['policy1', 'template'],
      ['policy2', 'static'],
    ]);
    expect(parse(text, true).map((policy) => policy.id)).toEqual(['policy0', 'second', 'policy2']);
    const duplicate = parsePolicies(
      '@id("x") permit(principal, action, resource);@id("x") forbid(principal, action, resource);',
      {
        idAnnotation: true,
      },
    );
    expect(duplicate.ok ? [] : duplicate.errors.map((error) => error.message)).toEqual([
      'a policy with id `x` already exists in the policy set',
    ]);
  });

  it('are templates exactly when a slot is in the scope, `is ... in ?principal` included', () => {
    expect(only('permit(principal is User in ?principal, action, resource);').kind).toBe('template');
    expect(only('permit(principal, action, resource in ?resource);').kind).toBe('template');
    expect(only('permit(principal is User, action, resource in Folder::"f");').kind).toBe('static');
  });

  it('locate the policy, its annotations, scope constraints, conditions and every expression in the text', () => {
    const text =
      '// a comment\n@a("1") permit(\n  principal == User::"alice",\n  action,\n  resource\n) when { context.n + -5 > 2 };';
    const policy = only(text);
    const slice = (span: { start: number; end: number } | undefined): string =>
      span === undefined ? '<none>' : text.slice(span.start, span.end);
    expect(slice(policy.span)).toBe(text.slice(text.indexOf('@a')));
    expect(slice(policy.annotations[0]?.span)).toBe('@a("1")');
    expect(slice(policy.principal.span)).toBe('principal == User::"alice"');
    expect(slice(policy.action.span)).toBe('action');
    const condition = policy.conditions[0];
    expect(slice(condition?.span)).toBe('when { context.n + -5 > 2 }');
    const spans: string[] = [];
    const visit = (expr: Expr): void => {
      spans.push(slice(expr.span));
      if (expr.kind === 'binary') [expr.left, expr.right].forEach(visit);
      if (expr.kind === 'getAttr') visit(expr.arg);
    };
    if (condition !== undefined) visit(condition.body);
    expect(spans).toEqual(['context.n + -5 > 2', 'context.n + -5', 'context.n', 'context', '-5', '2']);
  });

  it('come with every comment of the text, in order', () => {
    const parsed = parsePolicies('// one\npermit(principal, // two\n action, resource);// three');
    expect(parsed.ok && parsed.comments.map((comment) => comment.text)).toEqual([' one', ' two', ' three']);
  });

  it('keep the sugar the text has: `has` paths, `is ... in`, `!=`, methods, extension calls', () => {
    expect(shape(body('context has a.b.c'))).toEqual({
      kind: 'has',
      arg: { kind: 'var', name: 'context' },
      path: ['a', 'b', 'c'],
    });
    expect(shape(body('principal is User in Group::"g"'))).toMatchObject({
      kind: 'is',
      entityType: 'User',
      in: { kind: 'lit' },
    });
    expect(shape(body('1 != 2'))).toMatchObject({ kind: 'binary', op: '!=' });
    expect(shape(body('[1].contains(1)'))).toMatchObject({ kind: 'binary', op: 'contains' });
    expect(shape(body('ip("::1").isLoopback()'))).toEqual({
      kind: 'call',
      fn: 'isLoopback',
      args: [{ kind: 'call', fn: 'ip', args: [{ kind: 'lit', value: { type: 'string', value: '::1' } }] }],
    });
  });

  it('read `-5` as a literal and `-(5)` or `- -5` as negations, so that the smallest long can be written', () => {
    expect(shape(body('-9223372036854775808'))).toEqual({
      kind: 'lit',
      value: { type: 'long', value: '-9223372036854775808n' },
    });
    expect(shape(body('-(5)'))).toEqual({
      kind: 'neg',
      arg: { kind: 'lit', value: { type: 'long', value: '5n' } },
    });
    expect(shape(body('- -5'))).toEqual({
      kind: 'neg',
      arg: { kind: 'lit', value: { type: 'long', value: '-5n' } },
    });
  });

  it('read `like` patterns with `\\*` as a star and any other star as a wildcard', () => {
    expect(shape(body('"" like "a\\*b*\\u{2a}c"'))).toMatchObject({
      pattern: [
        { kind: 'literal', text: 'a*b' },
        { kind: 'wildcard' },
        { kind: 'wildcard' },
        { kind: 'literal', text: 'c' },
      ],
    });
  });

  it('lower into the engine language: `has` paths and `is ... in` become conjunctions', () => {
    const lowered = lowerPolicy(
      only(
        'permit(principal, action, resource) when { principal has a.b && principal is User in Group::"g" };',
      ),
    );
    expect(shape(lowered.conditions[0]?.body)).toMatchObject({
      kind: 'and',
      left: {
        kind: 'and',
        left: { kind: 'hasAttr', attr: 'a' },
        right: { kind: 'hasAttr', arg: { kind: 'getAttr', attr: 'a' }, attr: 'b' },
      },
      right: { kind: 'and', left: { kind: 'is', entityType: 'User' }, right: { kind: 'binary', op: 'in' } },
    });
  });

  it('include single expressions, as `cedar evaluate` takes them', () => {
    const read = parseExpression('if context.a then 1 else 2');
    expect(read.ok && read.expr.kind).toBe('ite');
    const wrong = parseExpression('1 +');
    expect(wrong.ok ? [] : wrong.errors.map((error) => error.message)).toEqual(['unexpected end of input']);
  });

  it('are refused, not a stack overflow, when nested beyond 200 levels', () => {
    const nested = (depth: number): string =>
      `permit(principal, action, resource) when { ${'('.repeat(depth)}1${')'.repeat(depth)} };`;
    expect(parsePolicies(nested(199)).ok).toBe(true);
    const deep = parsePolicies(nested(20000));
    expect(deep.ok ? [] : deep.errors.map((error) => error.message)).toEqual([
      'expressions are nested too deeply: the limit is 200 levels',
    ]);
  });

  /** Three policies, each a chain of `length` operands: `&&` of comparisons, `||` of them, and a sum. */
  const chains = (length: number): { text: string; context: Record<string, number> } => {
    const names = Array.from({ length }, (_, index) => `a${index}`);
    const text = [
      `permit(principal, action, resource) when { ${names.map((name, index) => `context.${name} == ${index}`).join(' && ')} };`,
      `forbid(principal, action, resource) when { ${names.map((name) => `context.${name} == -1`).join(' || ')} };`,
      `permit(principal, action, resource) when { ${names.map((name) => `context.${name}`).join(' + ')} - 1 == ${(length * (length - 1)) / 2 - 1} };`,
    ].join('\n');
    return { text, context: Object.fromEntries(names.map((name, index) => [name, index])) };
  };
  const request = (text: string, context: Record<string, wasm.CedarValueJson>) => ({
    principal: { type: 'User', id: 'a' },
    action: { type: 'Action', id: 'view' },
    resource: { type: 'Doc', id: 'd' },
    entities: [],
    policies: { staticPolicies: text },
    context,
  });
  const decided = (answer: ReturnType<typeof isAuthorized>): unknown =>
    answer.type === 'success' && [answer.response.decision, [...answer.response.diagnostics.reason].sort()];

  it('decide and write long chains as cedar-wasm does (300 operands, beyond which cedar-wasm runs out of stack)', () => {
    const { text, context } = chains(300);
    for (const call of [context, { ...context, a299: -1 }, { ...context, a150: 'x' }].map((values) =>
      request(text, values),
    ))
      expect(decided(isAuthorized(call))).toEqual(
        decided(wasm.isAuthorized(call) as ReturnType<typeof isAuthorized>),
      );
    for (const policy of parse(text)) {
      const oracle = wasm.policyToJson(text.split('\n')[Number(policy.id.slice('policy'.length))] ?? '');
      expect(oracle.type === 'success' && estToJsonText(oracle.json as unknown as EstJson)).toBe(
        estToJsonText(policyToEst(policy)),
      );
    }
  });

  it('read, evaluate and write chains of 10,000 operands without exhausting the stack', () => {
    const { text, context } = chains(10_000);
    const policies = parse(text);
    expect(policies).toHaveLength(3);
    expect(decided(isAuthorized(request(text, context)))).toEqual(['allow', ['policy0', 'policy2']]);
    expect(decided(isAuthorized(request(text, { ...context, a9999: -1 })))).toEqual(['deny', ['policy1']]);
    const failing = isAuthorized(request(text, { ...context, a5000: 'x' }));
    expect(decided(failing)).toEqual(['deny', []]);
    expect(
      failing.type === 'success' && failing.response.diagnostics.errors.map((error) => error.policyId),
    ).toEqual(['policy2']);
    for (const policy of policies) {
      // The JSON is as deep as the chain: Keyaki's writer and reader keep stacks of their own.
      // (compared as text: a deep equality check of the objects would recurse as deep).
      const written = estToJsonText(policyToEst(policy));
      const read = policyFromEst(policy.id, JSON.parse(written));
      expect(read.ok && estToJsonText(policyToEst(read.policy)) === written).toBe(true);
    }
  });
});

describe('template linking', () => {
  const template = only(
    'permit(principal == ?principal, action, resource is Doc in ?resource) when { true };',
  );
  const alice = { type: 'User', id: 'alice' };
  const folder = { type: 'Folder', id: 'f' };

  it('puts an entity in every slot and makes a static policy with the new id', () => {
    expect(templateSlots(template)).toEqual(['?principal', '?resource']);
    const linked = linkTemplate(template, { '?principal': alice, '?resource': folder }, 'link1');
    expect(linked.ok && shape(linked.policy)).toMatchObject({
      id: 'link1',
      kind: 'static',
      principal: { op: '==', target: { kind: 'entity', uid: alice } },
      resource: { op: 'is', entityType: 'Doc', in: { kind: 'entity', uid: folder } },
    });
  });

  it("refuses missing and extra slots with Cedar's words", () => {
    expect(linkTemplate(template, { '?principal': alice }, 'l')).toEqual({
      ok: false,
      message: 'the following slots were not provided as arguments: ?resource',
    });
    const principalOnly = only('permit(principal in ?principal, action, resource);');
    expect(linkTemplate(principalOnly, { '?resource': folder }, 'l')).toEqual({
      ok: false,
      message:
        'the following slots were not provided as arguments: ?principal. The following slots were provided as arguments, but did not exist in the template: ?resource',
    });
  });

  it('fails in the cedar-wasm-shaped `isAuthorized` with the errors cedar-wasm gives', () => {
    const call = (values: Record<string, { type: string; id: string }>, newId = 'link') => ({
      principal: alice,
      action: { type: 'Action', id: 'view' },
      resource: folder,
      context: {},
      entities: [],
      policies: {
        staticPolicies: {},
        templates: { t: 'permit(principal == ?principal, action, resource in ?resource);' },
        templateLinks: [{ templateId: 't', newId, values }],
      },
    });
    const cases = [
      call({ '?principal': alice }),
      call({}),
      call({ '?principal': alice, '?resource': folder }, 't'),
    ];
    for (const input of cases) {
      const expected = wasm.isAuthorized(input);
      const actual = isAuthorized(input);
      const messages = (answer: { type: string; errors?: { message: string }[] }): string[] =>
        answer.type === 'failure' ? (answer.errors ?? []).map((error) => error.message) : [];
      expect(messages(actual as { type: string; errors?: { message: string }[] })).toEqual(
        messages(expected),
      );
      expect(actual.type).toBe(expected.type);
    }
  });
});
