import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { managedPolicyPairs } from '../../bench/managed-policies.js';
import { parsePolicy, type ParseResult, type Policy, type Statement } from '../../src/iam/index.js';
import { parseCleanPolicy } from '../../src/iam/parse/clean.js';
import { parsePolicyInFull } from '../../src/iam/parse/policy.js';

function parsed(text: string): Policy {
  const result = parsePolicy(text);
  if (!result.ok) throw new Error(`expected a policy, got ${JSON.stringify(result.errors)}`);
  return result.policy;
}

function failed(text: string): Extract<ParseResult, { ok: false }> {
  const result = parsePolicy(text);
  if (result.ok) throw new Error('expected errors');
  return result;
}

function onlyStatement(body: Record<string, unknown>, version: string | null = '2012-10-17'): Statement {
  const document = version === null ? { Statement: body } : { Version: version, Statement: body };
  const statement = parsed(JSON.stringify(document)).statements[0];
  if (statement === undefined) throw new Error('no statement');
  return statement;
}

const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };

describe('parsing the policy envelope', () => {
  it('reads Version and Id, and a single Statement object as statement 0', () => {
    const policy = parsed(
      '{"Version": "2012-10-17", "Id": "p1", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}',
    );
    expect(policy.version).toBe('2012-10-17');
    expect(policy.id).toBe('p1');
    expect(policy.statements).toHaveLength(1);
    expect(policy.statements[0]?.index).toBe(0);
    expect(policy.statements[0]?.location.path).toEqual([{ value: 'Statement' }]);
  });

  it('numbers statements of an array by position and gives each its path', () => {
    const policy = parsed(
      JSON.stringify({ Version: '2012-10-17', Statement: [allowAll, { ...allowAll, Effect: 'Deny' }] }),
    );
    expect(policy.statements.map((s) => [s.index, s.effect])).toEqual([
      [0, 'Allow'],
      [1, 'Deny'],
    ]);
    expect(policy.statements[1]?.location.path).toEqual([{ value: 'Statement' }, { index: 1 }]);
  });

  it('leaves Version absent when the document has none (2008-10-17 semantics)', () => {
    expect(parsed(JSON.stringify({ Statement: allowAll })).version).toBeUndefined();
    expect(parsed(JSON.stringify({ Version: '2008-10-17', Statement: allowAll })).version).toBe('2008-10-17');
  });

  it('rejects an unknown Version with the position of its value', () => {
    const { errors } = failed('{"Version": "2012-10-18", "Statement": []}');
    expect(errors[0]).toMatchObject({
      code: 'INVALID_VERSION',
      location: {
        path: [{ value: 'Version' }],
        span: { start: { line: 1, column: 12, offset: 12 }, end: { offset: 24 } },
      },
    });
  });

  it('reports a missing or empty Statement', () => {
    expect(failed('{"Version": "2012-10-17"}').errors.map((e) => e.code)).toEqual(['MISSING_STATEMENT']);
    expect(failed('{"Version": "2012-10-17", "Statement": []}').errors.map((e) => e.code)).toEqual([
      'MISSING_STATEMENT',
    ]);
  });

  it('reports unknown elements at their key, with a hint for a case slip', () => {
    const { errors } = failed(
      '{"Version": "2012-10-17", "Statement": {"effect": "Allow", "Effect": "Allow", "Action": "*"}}',
    );
    expect(errors[0]).toMatchObject({
      code: 'INVALID_POLICY_ELEMENT',
      message: 'unknown policy element `effect`: did you mean `Effect`',
      location: { path: [{ value: 'Statement' }, { key: 'effect' }], span: { start: { column: 40 } } },
    });
  });

  it('reports duplicate keys instead of silently keeping one', () => {
    const { errors } = failed(
      '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Effect": "Deny", "Action": "*"}}',
    );
    expect(errors.map((e) => [e.code, e.message])).toEqual([['JSON_SYNTAX_ERROR', 'duplicate key `Effect`']]);
  });

  it('keeps the statements that parsed cleanly as a partial policy', () => {
    const result = failed(
      JSON.stringify({ Version: '2012-10-17', Statement: [allowAll, { Effect: 'Maybe', Action: '*' }] }),
    );
    expect(result.errors.map((e) => e.code)).toEqual(['INVALID_EFFECT']);
    expect(result.partial?.statements.map((s) => s.index)).toEqual([0]);
  });
});

describe('malformed JSON', () => {
  it('is one syntax error at the first offending token, with line and 0-based column', () => {
    const { errors, partial } = failed('{\n  "Version": "2012-10-17",\n  "Statement": [}\n}');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'JSON_SYNTAX_ERROR',
      message: 'invalid JSON: value expected at `}`',
      location: { path: [], span: { start: { line: 3, column: 16, offset: 45 } } },
    });
    expect(partial).toBeUndefined();
  });

  it('rejects comments and trailing commas, which IAM does not accept', () => {
    expect(failed('{"Version": "2012-10-17", // c\n "Statement": []}').errors[0]?.code).toBe(
      'JSON_SYNTAX_ERROR',
    );
    expect(failed('{"Version": "2012-10-17", "Statement": [],}').errors[0]?.code).toBe('JSON_SYNTAX_ERROR');
  });

  it('reports empty text and a non-object document', () => {
    expect(failed('').errors[0]?.code).toBe('JSON_SYNTAX_ERROR');
    expect(failed('[1, 2]').errors[0]).toMatchObject({
      code: 'DATA_TYPE_MISMATCH',
      message: 'policy must be a JSON object, not array',
    });
  });

  it('reads a document that starts with a byte order mark, offsets unchanged', () => {
    const policy = parsed('\uFEFF{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}');
    expect(policy.statements[0]?.action.location.span.start.offset).toBe(45);
  });

  it('rejects text after the document', () => {
    expect(failed('{"Statement": []} {}').errors[0]).toMatchObject({
      code: 'JSON_SYNTAX_ERROR',
      location: { span: { start: { offset: 18 } } },
    });
  });

  it('counts lines after CRLF line breaks', () => {
    const { errors } = failed('{\r\n"Version": 2012\r\n}');
    expect(errors[0]).toMatchObject({
      code: 'DATA_TYPE_MISMATCH',
      location: { span: { start: { line: 2, column: 11 } } },
    });
  });
});

describe('statement elements', () => {
  it('reads Sid and where it is written', () => {
    const statement = onlyStatement({ Sid: 'ReadAll', ...allowAll });
    expect(statement.sid).toBe('ReadAll');
    expect(statement.sidLocation?.path).toEqual([{ value: 'Statement' }, { value: 'Sid' }]);
  });

  it('requires Effect to be exactly Allow or Deny', () => {
    expect(failed(JSON.stringify({ Statement: { Action: '*' } })).errors.map((e) => e.code)).toEqual([
      'MISSING_EFFECT',
    ]);
    expect(
      failed(JSON.stringify({ Statement: { Effect: 'allow', Action: '*' } })).errors.map((e) => e.code),
    ).toEqual(['INVALID_EFFECT']);
  });

  it('reads Action and NotAction as a string or an array, wildcards included', () => {
    const single = onlyStatement({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' });
    expect(single.action.kind).toBe('Action');
    expect(single.action.entries[0]?.pattern.parts).toEqual([
      { kind: 'literal', text: 's3:Get' },
      { kind: 'wildcard', wildcard: '*' },
    ]);
    const list = onlyStatement({
      Effect: 'Deny',
      NotAction: ['iam:*', 'sts:Get?essionToken'],
      Resource: '*',
    });
    expect(list.action.kind).toBe('NotAction');
    expect(list.action.entries.map((e) => e.location.path)).toEqual([
      [{ value: 'Statement' }, { value: 'NotAction' }, { index: 0 }],
      [{ value: 'Statement' }, { value: 'NotAction' }, { index: 1 }],
    ]);
    expect(list.action.entries[1]?.pattern.parts[1]).toEqual({ kind: 'wildcard', wildcard: '?' });
  });

  it('never reads policy variables in Action', () => {
    const statement = onlyStatement({ Effect: 'Allow', Action: 's3:${aws:username}', Resource: '*' });
    expect(statement.action.entries[0]?.pattern.parts).toEqual([
      { kind: 'literal', text: 's3:${aws:username}' },
    ]);
  });

  it('refuses a statement with both Action and NotAction, or neither', () => {
    const both = failed(
      JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', NotAction: 's3:*', Resource: '*' } }),
    );
    expect(both.errors[0]).toMatchObject({
      code: 'UNSUPPORTED_ELEMENT_COMBINATION',
      location: { path: [{ value: 'Statement' }, { key: 'NotAction' }] },
    });
    expect(failed(JSON.stringify({ Statement: { Effect: 'Allow', Resource: '*' } })).errors[0]?.code).toBe(
      'MISSING_ACTION',
    );
  });

  it('reads Resource and NotResource; Resource is optional for trust policies', () => {
    expect(
      onlyStatement({ Effect: 'Allow', Action: '*', NotResource: ['arn:aws:s3:::a', 'arn:aws:s3:::b'] })
        .resource,
    ).toMatchObject({
      kind: 'NotResource',
      entries: [{ pattern: { raw: 'arn:aws:s3:::a' } }, { pattern: { raw: 'arn:aws:s3:::b' } }],
    });
    expect(
      onlyStatement({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: '*' }).resource,
    ).toBeUndefined();
  });

  it('rejects non-string entries with their exact position', () => {
    const { errors } = failed(
      '{"Statement": {"Effect": "Allow", "Action": ["s3:GetObject", 42], "Resource": "*"}}',
    );
    expect(errors[0]).toMatchObject({
      code: 'DATA_TYPE_MISMATCH',
      message: 'an entry of `Action` must be a string, not number',
      location: {
        path: [{ value: 'Statement' }, { value: 'Action' }, { index: 1 }],
        span: { start: { column: 61 }, end: { column: 63 } },
      },
    });
  });

  it('notes empty Action and Resource arrays without rejecting them', () => {
    const result = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: [], Resource: [] } }),
    );
    expect(result.ok).toBe(true);
    expect(result.notes.map((n) => n.code)).toEqual(['EMPTY_ARRAY_ACTION', 'EMPTY_ARRAY_RESOURCE']);
  });
});

describe('principals', () => {
  it('reads "*" as everyone', () => {
    expect(onlyStatement({ ...allowAll, Principal: '*' }).principal).toMatchObject({
      kind: 'Principal',
      value: { kind: 'everyone' },
    });
  });

  it('reads every principal type, each value as a string or an array', () => {
    const principal = onlyStatement({
      ...allowAll,
      Principal: {
        AWS: [
          '123456789012',
          'arn:aws:iam::123456789012:role/Admin',
          'arn:aws:sts::123456789012:assumed-role/R/s',
        ],
        Service: 'ec2.amazonaws.com',
        Federated: 'arn:aws:iam::123456789012:saml-provider/Okta',
        CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
      },
    }).principal;
    expect(
      principal?.value.kind === 'entries' && principal.value.entries.map((e) => [e.type, e.value]),
    ).toEqual([
      ['AWS', '123456789012'],
      ['AWS', 'arn:aws:iam::123456789012:role/Admin'],
      ['AWS', 'arn:aws:sts::123456789012:assumed-role/R/s'],
      ['Service', 'ec2.amazonaws.com'],
      ['Federated', 'arn:aws:iam::123456789012:saml-provider/Okta'],
      ['CanonicalUser', '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'],
    ]);
  });

  it('reads NotPrincipal like Principal', () => {
    expect(
      onlyStatement({ ...allowAll, Effect: 'Deny', NotPrincipal: { AWS: '111122223333' } }).principal?.kind,
    ).toBe('NotPrincipal');
  });

  it('rejects unknown principal types and bare strings other than "*"', () => {
    expect(
      failed(JSON.stringify({ Statement: { ...allowAll, Principal: { aws: '*' } } })).errors[0],
    ).toMatchObject({
      code: 'INVALID_PRINCIPAL_KEY',
      message: 'unknown principal type `aws`: did you mean `AWS`',
    });
    expect(
      failed(JSON.stringify({ Statement: { ...allowAll, Principal: '123456789012' } })).errors[0]?.code,
    ).toBe('INVALID_PRINCIPAL_FORMAT');
  });
});

describe('conditions', () => {
  it('gives one condition per operator and key, values with their positions', () => {
    const statement = onlyStatement({
      ...allowAll,
      Condition: {
        StringEquals: { 'aws:PrincipalTag/team': ['red', 'blue'], 's3:prefix': 'home/' },
        NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
        Bool: { 'aws:SecureTransport': true },
      },
    });
    expect(statement.conditions.map((c) => [c.operator.name, c.key, c.values.map((v) => v.value)])).toEqual([
      ['StringEquals', 'aws:PrincipalTag/team', ['red', 'blue']],
      ['StringEquals', 's3:prefix', ['home/']],
      ['NumericLessThan', 'aws:MultiFactorAuthAge', [3600]],
      ['Bool', 'aws:SecureTransport', [true]],
    ]);
    expect(statement.conditions[0]?.values[1]?.location.path).toEqual([
      { value: 'Statement' },
      { value: 'Condition' },
      { value: 'StringEquals' },
      { value: 'aws:PrincipalTag/team' },
      { index: 1 },
    ]);
  });

  it('keeps the source text of numbers, so large values are not rounded', () => {
    const statement = parsed(
      '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericEquals": {"k:n": 12345678901234567890}}}}',
    ).statements[0];
    expect(statement?.conditions[0]?.values[0]?.pattern.raw).toBe('12345678901234567890');
  });

  it('splits operator names into set prefix, base and IfExists', () => {
    const statement = onlyStatement({
      ...allowAll,
      Condition: {
        'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': 'team*' },
        'ForAllValues:ArnEquals': { 'aws:SourceArn': 'arn:*' },
      },
    });
    expect(statement.conditions.map((c) => c.operator)).toEqual([
      {
        name: 'ForAnyValue:StringLikeIfExists',
        base: 'StringLike',
        ifExists: true,
        setOperator: 'ForAnyValue',
      },
      { name: 'ForAllValues:ArnEquals', base: 'ArnEquals', ifExists: false, setOperator: 'ForAllValues' },
    ]);
  });

  it('treats operator names case-sensitively, suggesting the right spelling', () => {
    const { errors } = failed(
      JSON.stringify({ Statement: { ...allowAll, Condition: { stringequals: { 'aws:username': 'a' } } } }),
    );
    expect(errors[0]).toMatchObject({
      code: 'INVALID_CONDITION_OPERATOR',
      message:
        'unknown condition operator `stringequals`: operator names are case-sensitive, did you mean `StringEquals`',
      location: { path: [{ value: 'Statement' }, { value: 'Condition' }, { key: 'stringequals' }] },
    });
    expect(
      failed(
        JSON.stringify({
          Statement: { ...allowAll, Condition: { 'ForSomeValues:StringLike': { 'a:b': 'x' } } },
        }),
      ).errors[0]?.code,
    ).toBe('INVALID_CONDITION_OPERATOR');
  });

  it('rejects condition keys that differ only in case under one operator', () => {
    const { errors } = failed(
      JSON.stringify({
        Statement: { ...allowAll, Condition: { StringEquals: { 'aws:username': 'a', 'AWS:UserName': 'b' } } },
      }),
    );
    expect(errors[0]?.code).toBe('DUPLICATE_KEYS_WITH_DIFFERENT_CASE');
  });

  it('rejects null and object condition values', () => {
    const { errors } = failed(
      JSON.stringify({
        Statement: { ...allowAll, Condition: { StringEquals: { 'a:b': [null, { x: 1 }] } } },
      }),
    );
    expect(errors.map((e) => e.code)).toEqual(['DATA_TYPE_MISMATCH', 'DATA_TYPE_MISMATCH']);
  });

  it('notes empty condition blocks and mixed value types', () => {
    const result = parsePolicy(
      JSON.stringify({
        Statement: {
          ...allowAll,
          Condition: {
            StringEquals: { 'a:b': [] },
            Bool: { 'aws:SecureTransport': ['true', false] },
            Null: {},
          },
        },
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.notes.map((n) => n.code)).toEqual([
      'EMPTY_ARRAY_CONDITION',
      'INVALID_CONDITION_DATA_TYPE',
      'EMPTY_OBJECT_CONDITION',
    ]);
  });
});

describe('patterns and policy variables', () => {
  const resourceParts = (resource: string, version: string | null = '2012-10-17') =>
    onlyStatement({ Effect: 'Allow', Action: '*', Resource: resource }, version).resource?.entries[0]?.pattern
      .parts;

  it('reads a variable with its key as written', () => {
    expect(resourceParts('arn:aws:s3:::bucket/${aws:username}/*')).toEqual([
      { kind: 'literal', text: 'arn:aws:s3:::bucket/' },
      { kind: 'variable', key: 'aws:username' },
      { kind: 'literal', text: '/' },
      { kind: 'wildcard', wildcard: '*' },
    ]);
  });

  it('reads tag-key variables and default values', () => {
    expect(resourceParts("arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}")).toEqual([
      { kind: 'literal', text: 'arn:aws:s3:::b/' },
      { kind: 'variable', key: 'aws:PrincipalTag/team', defaultValue: 'shared' },
    ]);
  });

  it('reads ${*}, ${?} and ${$} as the literal characters', () => {
    expect(resourceParts('arn:aws:s3:::b/${*}${?}${$}x*')).toEqual([
      { kind: 'literal', text: 'arn:aws:s3:::b/*?$x' },
      { kind: 'wildcard', wildcard: '*' },
    ]);
  });

  it('reads ${...} as plain text in 2008-10-17 and version-less policies', () => {
    const literal = [
      { kind: 'literal', text: 'arn:aws:s3:::b/${aws:username}/' },
      { kind: 'wildcard', wildcard: '*' },
    ];
    expect(resourceParts('arn:aws:s3:::b/${aws:username}/*', '2008-10-17')).toEqual(literal);
    expect(resourceParts('arn:aws:s3:::b/${aws:username}/*', null)).toEqual(literal);
  });

  it('treats * in StringEquals values as text but in StringLike and Arn operators as a wildcard', () => {
    const statement = onlyStatement({
      ...allowAll,
      Condition: {
        StringEquals: { 'a:b': 'x*' },
        StringLike: { 'a:c': 'x*' },
        ArnEquals: { 'aws:SourceArn': 'arn:*' },
      },
    });
    expect(statement.conditions.map((c) => c.values[0]?.pattern.parts.length)).toEqual([1, 2, 2]);
  });

  it('substitutes variables in Bool but not in Numeric values', () => {
    const statement = onlyStatement({
      ...allowAll,
      Condition: { Bool: { 'a:b': '${aws:SecureTransport}' }, NumericEquals: { 'a:c': '${aws:EpochTime}' } },
    });
    expect(statement.conditions[0]?.values[0]?.pattern.parts[0]?.kind).toBe('variable');
    expect(statement.conditions[1]?.values[0]?.pattern.parts[0]?.kind).toBe('literal');
  });

  it.each([
    ['arn:aws:s3:::b/${aws:username', 'MISSING_BRACE_IN_VARIABLE'],
    ['arn:aws:s3:::b/${}', 'EMPTY_VARIABLE'],
    ['arn:aws:s3:::b/${aws: username}', 'UNSUPPORTED_SPACE_IN_VARIABLE'],
    ['arn:aws:s3:::b/${aws:user#name}', 'UNSUPPORTED_SYMBOL_IN_VARIABLE'],
    ['arn:aws:s3:::b/${aws:username, shared}', 'MISSING_QUOTE_IN_VARIABLE'],
  ])('rejects the malformed variable in `%s` as %s', (resource, code) => {
    const result = failed(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: '*', Resource: resource },
      }),
    );
    expect(result.errors.map((e) => e.code)).toEqual([code]);
  });
});

/** The whole result as text, every span read, so lazily computed positions are compared too. */
const everything = (result: ParseResult): string => JSON.stringify(result);

describe('the fast path for clean documents', () => {
  // The latest version of each managed policy: every policy's shape, at a CI-sized cost.
  const latest = new Map(
    managedPolicyPairs().versions.map((version) => [version.name.split('@')[0], version]),
  );
  const versions = [...latest.values()];

  it('reads the latest version of every AWS managed policy exactly as the full reader does, spans included', () => {
    let clean = 0;
    for (const { document } of versions) {
      for (const text of [document, JSON.stringify(JSON.parse(document), null, 2)]) {
        if (parseCleanPolicy(text) !== undefined) clean++;
        expect(everything(parsePolicy(text))).toBe(everything(parsePolicyInFull(text)));
      }
    }
    // Most of the corpus is clean; the rest (notes such as mixed types, numbers in conditions) takes the full reader.
    expect(clean).toBeGreaterThan(versions.length);
  });

  it('gives a location its span when first read, as the full reader computed it', () => {
    const text =
      '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"]}]\n}';
    const policy = parseCleanPolicy(text);
    const action = policy?.statements[0]?.action.entries[0]?.location;
    expect(action?.path).toEqual([{ value: 'Statement' }, { index: 0 }, { value: 'Action' }, { index: 0 }]);
    const full = parsePolicyInFull(text);
    const fullAction = full.ok ? full.policy.statements[0]?.action.entries[0]?.location : undefined;
    expect(action?.span).toEqual(fullAction?.span);
    expect(text.slice(action?.span.start.offset, action?.span.end.offset)).toBe('"s3:GetObject"');
    expect(action?.span.start).toMatchObject({ line: 3 });
  });

  it.each([
    ['duplicate keys', '{"Statement": {"Effect": "Allow", "Action": "*", "Action": "s3:*"}}'],
    [
      'a number in a condition',
      '{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"NumericLessThan": {"s3:max-keys": 10}}}}',
    ],
    [
      'mixed value types',
      '{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Bool": {"aws:SecureTransport": [true, "true"]}}}}',
    ],
    ['an empty Action array', '{"Statement": {"Effect": "Allow", "Action": []}}'],
    ['a byte order mark', '\uFEFF{"Statement": {"Effect": "Allow", "Action": "*"}}'],
    [
      'an index-like condition key',
      '{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"b": "x", "1": "y"}}}}',
    ],
  ])('leaves %s to the full reader', (_, text) => {
    expect(parseCleanPolicy(text)).toBeUndefined();
  });

  // Mostly well-formed pieces, so that many documents are clean, with junk in every place now and then.
  const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<T | fc.JsonValue> =>
    fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) });
  const patternText = fc.constantFrom(
    '*',
    's3:GetObject',
    'arn:aws:s3:::b/${aws:username}',
    'a?b',
    '${x',
    '',
  );
  const strings = mostly(fc.oneof(patternText, fc.array(patternText, { maxLength: 3 })));
  const operator = fc.constantFrom(
    'StringEquals',
    'StringLike',
    'Bool',
    'NumericLessThan',
    'ForAnyValue:StringLike',
    'stringequals',
    'Null',
  );
  const conditionValue = mostly(
    fc.oneof(
      patternText,
      fc.boolean(),
      fc.array(fc.oneof(patternText, fc.boolean(), fc.integer()), { maxLength: 3 }),
    ),
  );
  const condition = fc.dictionary(
    operator,
    mostly(
      fc.dictionary(fc.constantFrom('aws:username', 'AWS:UserName', 's3:prefix', '7'), conditionValue, {
        maxKeys: 3,
      }),
    ),
    { maxKeys: 2 },
  );
  const principal = mostly(
    fc.oneof(
      fc.constant('*'),
      fc.constant('arn:aws:iam::111122223333:root'),
      fc.dictionary(fc.constantFrom('AWS', 'Service', 'Federated', 'aws'), strings, { maxKeys: 3 }),
    ),
  );
  const core = fc.record(
    {
      Sid: mostly(fc.string({ maxLength: 3 })),
      Effect: fc.constantFrom('Allow', 'Deny', 'Allow', 'Deny', 'allow'),
      Principal: principal,
      Action: strings,
      Resource: strings,
      Condition: mostly(condition),
    },
    { requiredKeys: ['Effect', 'Action'] },
  );
  const troublemakers = fc.record(
    {
      NotPrincipal: principal,
      NotAction: strings,
      NotResource: strings,
      Extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  );
  const statement = fc.oneof(
    { weight: 3, arbitrary: core },
    { weight: 1, arbitrary: fc.tuple(core, troublemakers).map(([valid, other]) => ({ ...valid, ...other })) },
  );
  const documentText = fc
    .tuple(
      fc.record(
        {
          Version: fc.constantFrom('2012-10-17', '2012-10-17', '2008-10-17', '2020-01-01'),
          Id: mostly(fc.string({ maxLength: 3 })),
          Statement: mostly(fc.oneof(statement, fc.array(mostly(statement), { maxLength: 3 }))),
        },
        { requiredKeys: ['Statement'] },
      ),
      fc.constantFrom(undefined, 1, '\t'),
      fc.constantFrom('', ' ', '\r\n'),
    )
    .map(([document, indent, around]) => `${around}${JSON.stringify(document, null, indent)}${around}`);

  it("on generated documents, clean or not, gives exactly the full reader's result", () => {
    let clean = 0;
    fc.assert(
      fc.property(documentText, (text) => {
        if (parseCleanPolicy(text) !== undefined) clean++;
        expect(everything(parsePolicy(text))).toBe(everything(parsePolicyInFull(text)));
      }),
      { numRuns: 3000, seed: 20261123 },
    );
    // The generator must reach the fast path too, or the comparison says nothing about it.
    expect(clean).toBeGreaterThan(30);
  });
});
