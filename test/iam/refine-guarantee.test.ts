// The proof of the refinement's guarantee: it accepts exactly the refinements
// that a brute-force comparison over the catalog accepts, and names an action
// that breaks the guarantee when there is one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogFromActions } from '../../src/iam/catalog.js';
import {
  proveGuarantee,
  RefinementInvariantError,
  type StatementPair,
  type UnusedActions,
} from '../../src/iam/refine-guarantee.js';
import { matchesWildcard } from '../../src/iam/wildcard.js';

const catalog = catalogFromActions('test-1', {
  s3: ['GetObject', 'GetObjectAcl', 'GetBucketPolicy', 'ListBucket', 'PutObject'],
  sqs: ['SendMessage', 'ReceiveMessage'],
});

const allow = (Action: string[]): Record<string, unknown> => ({ Effect: 'Allow', Action, Resource: '*' });
const unusedOf = (...names: string[]): UnusedActions => ({
  names: new Set(names.map((name) => name.toLowerCase())),
  wholeServices: new Set(),
});
const prove = (pairs: StatementPair[], unused: UnusedActions = unusedOf()): void =>
  proveGuarantee(pairs, unused, catalog);

describe('the refinement guarantee', () => {
  it('accepts a refinement that removes exactly the unused actions', () => {
    const original = allow(['s3:Get*', 'sqs:SendMessage']);
    const refined = allow(['s3:GetObject*', 'sqs:SendMessage']);
    expect(() => prove([{ original, refined }], unusedOf('s3:GetBucketPolicy'))).not.toThrow();
  });

  it('compares actions ignoring case, as IAM does', () => {
    const original = allow(['S3:get*']);
    const refined = allow(['s3:GETOBJECT*']);
    expect(() => prove([{ original, refined }], unusedOf('s3:getbucketpolicy'))).not.toThrow();
  });

  it('names an action the refined statement grants that the original did not', () => {
    const pair = { original: allow(['s3:GetObject']), refined: allow(['s3:GetObject*']) };
    expect(() => prove([pair])).toThrow(
      new RefinementInvariantError(
        'statement 0: the refined statement grants `s3:getobjectacl`, which the original did not',
      ),
    );
  });

  it('names an action outside the catalog the refined statement would grant and the original would not', () => {
    // Equal over the catalog (GetObject and GetObjectAcl are all it has starting with s3:GetObject).
    const pair = { original: allow(['s3:GetObject', 's3:GetObjectAcl']), refined: allow(['s3:GetObject*']) };
    expect(() => prove([pair])).toThrow(
      /^statement 0: the refined statement would grant `s3:getobject[^`]+`, outside the catalog, which the original would not$/,
    );
    const within = { original: allow(['s3:*Object*']), refined: allow(['s3:GetObject*']) };
    expect(() => prove([within], unusedOf('s3:PutObject'))).not.toThrow();
  });

  it('names a used action the refined statement no longer grants', () => {
    const pair = { original: allow(['s3:Get*']), refined: allow(['s3:GetObject']) };
    expect(() => prove([pair], unusedOf('s3:GetBucketPolicy'))).toThrow(
      /^statement 0: the refined statement no longer grants used action `s3:getobjectacl`$/,
    );
  });

  it('names an unused action the refined statement still grants', () => {
    const pair = { original: allow(['s3:Get*']), refined: allow(['s3:Get*']) };
    expect(() => prove([pair], unusedOf('s3:GetBucketPolicy'))).toThrow(
      /still grants unused action `s3:getbucketpolicy`/,
    );
  });

  it('finds a violation in any service a cross-service wildcard reaches', () => {
    const pair = { original: allow(['*']), refined: allow(['s3:*']) };
    expect(() => prove([pair])).toThrow(/no longer grants used action `sqs:/);
  });

  it('checks a removed statement: nothing it granted may have been used', () => {
    const original = allow(['sqs:*']);
    expect(() => prove([{ original, refined: undefined }], unusedOf('sqs:SendMessage'))).toThrow(
      /no longer grants used action `sqs:receivemessage`/,
    );
    const whollyUnused: UnusedActions = { names: new Set(), wholeServices: new Set(['sqs']) };
    expect(() => prove([{ original, refined: undefined }], whollyUnused)).not.toThrow();
  });

  it('checks NotAction statements over every service', () => {
    const original = { Effect: 'Allow', NotAction: 's3:*', Resource: '*' };
    const extended = { ...original, NotAction: ['s3:*', 'sqs:SendMessage'] };
    expect(() => prove([{ original, refined: extended }], unusedOf('sqs:SendMessage'))).not.toThrow();
    expect(() => prove([{ original, refined: original }], unusedOf('sqs:SendMessage'))).toThrow(
      /still grants unused action `sqs:sendmessage`/,
    );
  });

  it('decides statements whose patterns fold to a constant over the catalog, naming a catalog action', () => {
    // `NotAction: []` grants every action: its formula is the constant TRUE, which mentions no action.
    const everything = { Effect: 'Allow', NotAction: [], Resource: '*' };
    const excluded = { ...everything, NotAction: ['s3:GetBucketPolicy'] };
    expect(() =>
      prove([{ original: everything, refined: excluded }], unusedOf('s3:GetBucketPolicy')),
    ).not.toThrow();
    expect(() => prove([{ original: everything, refined: undefined }])).toThrow(
      /^statement 0: the refined statement no longer grants used action `s3:getbucketpolicy`$/,
    );
    expect(() =>
      proveGuarantee(
        [{ original: everything, refined: undefined }],
        unusedOf(),
        catalogFromActions('empty-1', {}),
      ),
    ).not.toThrow();
  });

  it('refuses a changed Deny statement', () => {
    const deny = { Effect: 'Deny', Action: 's3:*', Resource: '*' };
    expect(() => prove([{ original: deny, refined: { ...deny } }])).toThrow(/a Deny statement was changed/);
    expect(() => prove([{ original: deny, refined: deny }])).not.toThrow();
  });
});

// A small catalog over few letters, so random patterns often overlap.
const smallCatalog = catalogFromActions('small-1', {
  a: ['Ab', 'Aba', 'B', 'Bab', 'Ba'],
  b: ['A', 'Ab', 'Bb'],
});
const smallActions = [...smallCatalog.services.values()].flatMap((service) =>
  service.actions.map((name) => `${service.namespace}:${name}`),
);

const pattern = fc
  .tuple(
    fc.constantFrom('a', 'b', '*', 'A', 'c'),
    fc.array(fc.constantFrom('a', 'b', 'A', 'B', '*', '?'), { maxLength: 4 }),
  )
  .map(([service, name]) => (service === '*' ? `*${name.join('')}` : `${service}:${name.join('')}`));

const statement = fc.record({
  negated: fc.boolean(),
  patterns: fc.array(pattern, { minLength: 1, maxLength: 3 }),
});

const toJson = (s: { negated: boolean; patterns: string[] }): Record<string, unknown> => ({
  Effect: 'Allow',
  [s.negated ? 'NotAction' : 'Action']: s.patterns,
  Resource: '*',
});

const grants = (s: { negated: boolean; patterns: string[] } | undefined, action: string): boolean =>
  s !== undefined && s.patterns.some((p) => matchesWildcard(p, action, true)) !== s.negated;

/** Actions outside the catalog: short names over the patterns' letters and one other, in known and new services. */
const outsideActions = ['a', 'b', 'c', 'd'].flatMap((service) => {
  const names = [''];
  for (let length = 1; length <= 5; length++)
    for (const name of names.filter((n) => n.length === length - 1))
      for (const letter of ['a', 'b', 'x']) names.push(name + letter);
  return names.map((name) => `${service}:${name}`);
});

describe('the refinement guarantee against brute force over a small catalog', () => {
  it('throws exactly when some catalog action breaks it or the refined statement grants more beyond the catalog', () => {
    fc.assert(
      fc.property(
        statement,
        fc.option(statement, { nil: undefined }),
        fc.subarray(smallActions),
        (original, refined, unusedNames) => {
          const unused = unusedOf(...unusedNames);
          const breaks = (action: string): boolean =>
            grants(refined, action) !== (grants(original, action) && !unused.names.has(action.toLowerCase()));
          const widens = (action: string): boolean => grants(refined, action) && !grants(original, action);
          const pair = {
            original: toJson(original),
            refined: refined === undefined ? undefined : toJson(refined),
          };
          let error: unknown;
          try {
            proveGuarantee([pair], unused, smallCatalog);
          } catch (thrown) {
            error = thrown;
          }
          if (smallActions.some(breaks)) {
            expect(error).toBeInstanceOf(RefinementInvariantError);
            const witness = /`([^`]*)`/.exec((error as Error).message)?.[1] ?? '';
            expect(smallActions.filter(breaks).map((action) => action.toLowerCase())).toContain(witness);
          } else if (error !== undefined) {
            // Only beyond the catalog: the witness is a string the refined statement grants and the original does not.
            expect(error).toBeInstanceOf(RefinementInvariantError);
            expect((error as Error).message).toMatch(/outside the catalog/);
            const witness = /`([^`]*)`/.exec((error as Error).message)?.[1] ?? '';
            expect(widens(witness)).toBe(true);
          } else {
            expect(outsideActions.filter(widens)).toEqual([]);
          }
        },
      ),
      { numRuns: 400, seed: 4 },
    );
  });
});

describe('statement by statement is enough for the policy', () => {
  // allowed' = ∪(orig_i − unused) − denied = (∪orig_i − denied) − unused, Deny statements unchanged.
  const policyStatement = fc.record({
    deny: fc.boolean(),
    original: statement,
    refined: fc.option(statement, { nil: undefined }),
  });
  const allowedBy = (
    statements: readonly { deny: boolean; s: { negated: boolean; patterns: string[] } | undefined }[],
    action: string,
  ): boolean =>
    statements.some(({ deny, s }) => !deny && grants(s, action)) &&
    !statements.some(({ deny, s }) => deny && grants(s, action));

  it('a policy whose statements are each proved allows exactly the original minus the unused actions', () => {
    let proved = 0;
    fc.assert(
      fc.property(
        fc.array(policyStatement, { minLength: 1, maxLength: 3 }),
        fc.subarray(smallActions),
        (statements, unusedNames) => {
          const unused = unusedOf(...unusedNames);
          const pairs = statements.map(({ deny, original, refined }) => {
            const json = { ...toJson(original), Effect: deny ? 'Deny' : 'Allow' };
            return {
              original: json,
              refined: deny ? json : refined === undefined ? undefined : toJson(refined),
            };
          });
          try {
            proveGuarantee(pairs, unused, smallCatalog);
          } catch (error) {
            expect(error).toBeInstanceOf(RefinementInvariantError);
            return;
          }
          proved++;
          const before = statements.map(({ deny, original }) => ({ deny, s: original }));
          const after = statements.map(({ deny, original, refined }) => ({
            deny,
            s: deny ? original : refined,
          }));
          for (const action of smallActions)
            expect(allowedBy(after, action)).toBe(
              allowedBy(before, action) && !unused.names.has(action.toLowerCase()),
            );
        },
      ),
      { numRuns: 300, seed: 5 },
    );
    // Random refinements rarely keep the guarantee; enough of them must, or the property says nothing.
    expect(proved).toBeGreaterThan(20);
  });
});

describe('what the proof leaves out of its formulas', () => {
  it('refuses a refined statement whose Resource or Condition changed', () => {
    const original = allow(['s3:Get*']);
    expect(() => prove([{ original, refined: { ...original, Resource: 'arn:aws:s3:::b/*' } }])).toThrow(
      /^statement 0: the refined statement changed `Resource`$/,
    );
    const conditioned = { ...original, Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
    expect(() => prove([{ original, refined: conditioned }])).toThrow(/changed `Condition`/);
  });
});
