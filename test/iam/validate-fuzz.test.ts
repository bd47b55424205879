// Robustness: whatever text arrives, parsing and validation answer with
// values, never an exception, and every location lies inside the text.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadValidationCatalogs,
  parsePolicy,
  policyTypes,
  validatePolicyWithCatalogs,
  type ValidationCatalogs,
  type Location,
} from '../../src/iam/index.js';

let catalogs: ValidationCatalogs;
beforeAll(async () => {
  catalogs = await loadValidationCatalogs();
});

function locationsInside(text: string, locations: readonly Location[]): boolean {
  return locations.every(
    ({ span }) =>
      span.start.offset >= 0 &&
      span.start.offset <= span.end.offset &&
      span.end.offset <= text.length &&
      span.start.line >= 1 &&
      span.start.column >= 0,
  );
}

function checkText(text: string, policyType: (typeof policyTypes)[number]): void {
  const parsed = parsePolicy(text);
  const problems = parsed.ok ? parsed.notes : [...parsed.errors, ...parsed.notes];
  expect(
    locationsInside(
      text,
      problems.map((p) => p.location),
    ),
  ).toBe(true);
  const { findings } = validatePolicyWithCatalogs({ policyDocument: text, policyType }, catalogs);
  expect(
    locationsInside(
      text,
      findings.flatMap((f) => f.locations),
    ),
  ).toBe(true);
  // A document that does not parse always has at least one ERROR finding.
  if (!parsed.ok) expect(findings.some((f) => f.findingType === 'ERROR')).toBe(true);
}

const policyType = fc.constantFrom(...policyTypes);

/** Words that steer random documents into the interesting parts of the grammar. */
const policyWord = fc.constantFrom(
  'Version',
  'Statement',
  'Sid',
  'Effect',
  'Allow',
  'Deny',
  'Principal',
  'NotPrincipal',
  'AWS',
  'Service',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
  'StringLike',
  'ForAllValues:StringEquals',
  'NullIfExists',
  'IpAddress',
  'DateLessThan',
  'Bool',
  'aws:SourceIp',
  'aws:username',
  '2012-10-17',
  '2008-10-17',
  '*',
  's3:Get*',
  'arn:aws:s3:::b/${aws:username}',
  'arn:aws:iam::123456789012:root',
  '${',
  '${*}',
  '10.0.0.0/8',
);

const policyLike: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    policyWord,
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(policyWord, tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('parsing and validation never throw', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), policyType, checkText), {
      numRuns: 500,
      seed: 20261123,
    });
  });

  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), policyType, (value, type) => checkText(JSON.stringify(value), type)),
      {
        numRuns: 500,
        seed: 20261123,
      },
    );
  });

  it('on policy-shaped JSON built from policy words', () => {
    const document = fc.record({ Version: policyWord, Statement: policyLike }, { requiredKeys: [] });
    fc.assert(
      fc.property(document, fc.boolean(), policyType, (value, pretty, type) =>
        checkText(JSON.stringify(value, null, pretty ? 2 : undefined), type),
      ),
      { numRuns: 1500, seed: 20261124 },
    );
  });

  it('on deeply nested input', () => {
    checkText('['.repeat(100_000), 'IDENTITY_POLICY');
    checkText(`{"Statement": ${'['.repeat(5_000)}${']'.repeat(5_000)}}`, 'IDENTITY_POLICY');
  });
});

describe('findings do not depend on layout', () => {
  it('gives the same codes at the same paths for compact and indented text', () => {
    const document = fc.record({ Version: policyWord, Statement: policyLike }, { requiredKeys: [] });
    const summary = (text: string, policyType: (typeof policyTypes)[number]): string[] =>
      validatePolicyWithCatalogs({ policyDocument: text, policyType }, catalogs)
        .findings.filter((finding) => finding.issueCode !== 'JSON_SYNTAX_ERROR')
        .map((finding) => `${finding.issueCode} ${JSON.stringify(finding.locations[0]?.path)}`)
        .sort();
    fc.assert(
      fc.property(document, policyType, (value, type) => {
        expect(summary(JSON.stringify(value, null, 4), type)).toEqual(summary(JSON.stringify(value), type));
      }),
      { numRuns: 500, seed: 20261126 },
    );
  });
});
