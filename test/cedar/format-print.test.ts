import { describe, expect, it } from 'vitest';
import { escapeDebug, exprText, policyText } from '../../src/cedar/format/index.js';
import { parseExpression, parsePolicies, type Policy } from '../../src/cedar/syntax/index.js';

function expression(text: string): string {
  const parsed = parseExpression(text);
  if (!parsed.ok) throw new Error(parsed.errors.map((error) => error.message).join('; '));
  return exprText(parsed.expr);
}

function policy(text: string): Policy {
  const parsed = parsePolicies(text);
  if (!parsed.ok || parsed.policies[0] === undefined) throw new Error(`not one policy: ${text}`);
  return parsed.policies[0];
}

describe('policy text for a policy without text of its own', () => {
  it('writes the scope, the conditions and the effect on one line', () => {
    expect(
      policyText(
        policy('forbid (principal in Group::"g", action in [Action::"a"], resource) unless { true };'),
      ),
    ).toBe('forbid(principal in Group::"g", action in Action::"a", resource) unless { true };');
  });

  it('writes annotations sorted by key, one per line, with and without values', () => {
    expect(policyText(policy('@z("1") @a @m("x\\ny") permit(principal, action, resource);'))).toBe(
      '@a\n@m("x\\ny")\n@z("1")\npermit(principal, action, resource);',
    );
  });

  it('puts an operator operand in parentheses, except the left one of the same chain', () => {
    expect(expression('1 + 2 + 3 - 4 * 5 * 6')).toBe('(1 + 2 + 3) - (4 * 5 * 6)');
    expect(expression('context.a && context.b && context.c || true')).toBe(
      '(context.a && context.b && context.c) || true',
    );
    expect(expression('context.a && (context.b && context.c)')).toBe('context.a && (context.b && context.c)');
    expect(expression('context.a == 1 && !context.b')).toBe('(context.a == 1) && (!context.b)');
  });

  it('leaves attribute access, method calls, sets and records without parentheses', () => {
    expect(expression('context.a.contains(1 + 2) && [1, 2 + 3].isEmpty() && context["b c"].d')).toBe(
      'context.a.contains(1 + 2) && [1, 2 + 3].isEmpty() && context["b c"].d',
    );
    expect(expression('{z: 1, "a b": -2, "if": 3}')).toBe('{"a b": (-2), "if": 3, z: 1}');
  });

  it('writes negative literals and negations with the parentheses that keep them apart', () => {
    expect(expression('-5 == -(5)')).toBe('(-5) == (-(5))');
    expect(expression('- -5')).toBe('-((-5))');
  });

  it('escapes strings as Rust escape_debug does', () => {
    expect(escapeDebug('tab\there "q" \'s\' \\ é中 \u0000 \u007f \u00a0 \u200b')).toBe(
      'tab\\there \\"q\\" \\\'s\\\' \\\\ é中 \\0 \\u{7f} \\u{a0} \\u{200b}',
    );
    expect(escapeDebug('\u0301a\u0301')).toBe('\\u{301}a\u0301');
  });

  it('writes like patterns with escaped stars and wildcards', () => {
    expect(expression('context.a like "a*b\\\\*c"')).toBe('context.a like "a*b\\\\*c"');
  });
});
