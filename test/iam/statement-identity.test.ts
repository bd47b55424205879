// CheckNoNewAccess skips new Allow statements that are also in the existing
// policy and groups existing statements by scope. It tells statements apart by
// a hash and a field-by-field comparison (encode/services.ts); the reference
// is the statement written out as text, every field the encoding reads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  entryService,
  sameScope,
  sameStatement,
  scopeHash,
  serviceEntries,
  statementHash,
} from '../../src/iam/encode/services.js';
import type { Statement } from '../../src/iam/model.js';
import { parsePolicy } from '../../src/iam/parse/policy.js';

/** The reference: the scope's fields as text (principal, Resource patterns, conditions with case-folded keys). */
function scopeText(statement: Statement): string {
  const principal = statement.principal;
  return JSON.stringify([
    principal === undefined
      ? null
      : [
          principal.kind,
          principal.value.kind === 'everyone'
            ? '*'
            : principal.value.entries.map((entry) => [entry.type, entry.value]),
        ],
    statement.resource === undefined
      ? null
      : [
          statement.resource.kind,
          statement.resource.entries.map((entry) => [entry.pattern.raw, entry.pattern.parts]),
        ],
    statement.conditions.map((condition) => [
      condition.operator.name,
      condition.key.toLowerCase(),
      condition.values.map((value) => [value.value, value.pattern.raw, value.pattern.parts]),
    ]),
  ]);
}

function statementText(statement: Statement): string {
  return JSON.stringify([
    statement.effect,
    statement.action.kind,
    statement.action.entries.map((entry) => entry.pattern.raw),
    scopeText(statement),
  ]);
}

// Small alphabets, so that equal and nearly equal statements are frequent.
const actions = ['s3:GetObject', 'S3:getobject', 's3:Get*', 'ec2:*', '*'];
const resources = ['*', 'arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/*', 'arn:aws:s3:::B/*'];
const keys = ['aws:SourceIp', 'aws:sourceip', 'aws:username', 's3:prefix'];
const operators = ['StringEquals', 'StringLike', 'ForAnyValue:StringLike', 'NumericEquals', 'Bool'];
const values: readonly (string | number | boolean)[] = ['1', 1, true, 'true', '${aws:username}', 'a*'];

const drawnArbitrary = fc.record({
  version: fc.constantFrom('2012-10-17', '2008-10-17'),
  effect: fc.constantFrom('Allow', 'Deny'),
  actionKind: fc.constantFrom('Action', 'Action', 'NotAction'),
  actions: fc.array(fc.constantFrom(...actions), { minLength: 1, maxLength: 2 }),
  principal: fc.constantFrom(undefined, '*', { AWS: '111111111111' }, { AWS: ['111111111111'] }),
  resourceKind: fc.constantFrom('Resource', 'Resource', 'NotResource'),
  resources: fc.array(fc.constantFrom(...resources), { minLength: 1, maxLength: 2 }),
  // A block names a key once, case-insensitively.
  conditions: fc.uniqueArray(
    fc.record({
      operator: fc.constantFrom(...operators),
      key: fc.constantFrom(...keys),
      values: fc.array(fc.constantFrom(...values), { minLength: 1, maxLength: 2 }),
    }),
    { maxLength: 2, selector: (condition) => `${condition.operator} ${condition.key.toLowerCase()}` },
  ),
});
type Drawn = typeof drawnArbitrary extends fc.Arbitrary<infer T> ? T : never;

function documentOf(drawn: Drawn): string {
  const condition: Record<string, Record<string, (string | number | boolean)[]>> = {};
  for (const { operator, key, values: listed } of drawn.conditions) {
    const block = (condition[operator] ??= {});
    block[key] = listed;
  }
  return JSON.stringify({
    Version: drawn.version,
    Statement: [
      {
        Effect: drawn.effect,
        [drawn.actionKind]: drawn.actions,
        ...(drawn.principal === undefined ? {} : { Principal: drawn.principal }),
        [drawn.resourceKind]: drawn.resources,
        ...(drawn.conditions.length === 0 ? {} : { Condition: condition }),
      },
    ],
  });
}

/** Two documents: the second one drawn on its own, the first one unchanged, or the first with one field redrawn. */
const pairArbitrary = fc
  .tuple(
    drawnArbitrary,
    drawnArbitrary,
    fc.constantFrom<keyof Drawn | 'same' | 'other'>(
      'same',
      'other',
      'version',
      'effect',
      'actionKind',
      'actions',
      'principal',
      'resourceKind',
      'resources',
      'conditions',
    ),
  )
  .map(([left, other, change]): [string, string] => {
    const right =
      change === 'same' ? left : change === 'other' ? other : { ...left, [change]: other[change] };
    return [documentOf(left), documentOf(right)];
  });

function statementOf(document: string): Statement {
  const parsed = parsePolicy(document);
  if (!parsed.ok) throw new Error(`generated policy does not parse: ${document}`);
  return parsed.policy.statements[0] as Statement;
}

describe('statement identity', () => {
  it('calls statements the same exactly when their encoded fields are, with equal hashes', () => {
    let same = 0;
    fc.assert(
      fc.property(pairArbitrary, ([left, right]) => {
        const a = statementOf(left);
        const b = statementOf(right);
        // Parsed twice: distinct objects of the same text.
        const a2 = statementOf(left);
        expect(sameStatement(a, a2)).toBe(true);
        expect(statementHash(a)).toBe(statementHash(a2));
        const expectedStatement = statementText(a) === statementText(b);
        const expectedScope = scopeText(a) === scopeText(b);
        expect(sameStatement(a, b)).toBe(expectedStatement);
        expect(sameScope(a, b)).toBe(expectedScope);
        if (expectedStatement) expect(statementHash(a)).toBe(statementHash(b));
        if (expectedScope) expect(scopeHash(a)).toBe(scopeHash(b));
        if (expectedScope) same++;
      }),
      { numRuns: 2000 },
    );
    // The alphabets are small enough that the interesting case, equal scopes of distinct text, is drawn.
    expect(same).toBeGreaterThan(200);
  });

  it('reads condition keys case-insensitively and values with their JSON type', () => {
    const statement = (key: string, value: string | number): Statement =>
      statementOf(
        JSON.stringify({
          Version: '2012-10-17',
          Statement: {
            Effect: 'Allow',
            Action: '*',
            Resource: '*',
            Condition: { StringEquals: { [key]: value } },
          },
        }),
      );
    expect(sameStatement(statement('aws:SourceVpc', 'v'), statement('AWS:sourcevpc', 'v'))).toBe(true);
    expect(scopeHash(statement('aws:SourceVpc', 'v'))).toBe(scopeHash(statement('AWS:sourcevpc', 'v')));
    expect(sameStatement(statement('aws:SourceVpc', '1'), statement('aws:SourceVpc', 1))).toBe(false);
  });
});

describe('serviceEntries', () => {
  it('sorts Action entries by the service entryService reads, in order', () => {
    const raws = [
      's3:GetObject',
      'S3:PutObject',
      's3',
      's3x:Get',
      's3*:Get',
      '*',
      'ec2:*',
      'EC2',
      'ec2-x:A',
      'é:A',
      's:',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...raws), { minLength: 1, maxLength: 12 }), (listed) => {
        const statement = statementOf(
          JSON.stringify({
            Version: '2012-10-17',
            Statement: { Effect: 'Allow', Action: listed, Resource: '*' },
          }),
        );
        const expected = new Map<string, string[]>();
        const anyService: string[] = [];
        for (const raw of listed) {
          const service = entryService(raw);
          if (service === undefined) anyService.push(raw);
          else expected.set(service, [...(expected.get(service) ?? []), raw]);
        }
        const entries = serviceEntries(statement);
        expect([...entries.byService]).toEqual([...expected]);
        expect(entries.anyService).toEqual(anyService);
      }),
      { numRuns: 500 },
    );
  });
});
