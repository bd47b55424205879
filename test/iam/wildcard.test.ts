import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matchesWildcard } from '../../src/iam/wildcard.js';

describe('matchesWildcard', () => {
  it('treats * as any run of characters, including none', () => {
    expect(matchesWildcard('s3:Get*', 's3:Get')).toBe(true);
    expect(matchesWildcard('s3:Get*', 's3:GetObject')).toBe(true);
    expect(matchesWildcard('s3:Get*Tagging', 's3:GetObjectTagging')).toBe(true);
    expect(matchesWildcard('s3:Get*Tagging', 's3:GetObjectTags')).toBe(false);
  });
  it('treats ? as exactly one character', () => {
    expect(matchesWildcard('a?c', 'abc')).toBe(true);
    expect(matchesWildcard('a?c', 'ac')).toBe(false);
    expect(matchesWildcard('a?c', 'abbc')).toBe(false);
  });
  it('is case-sensitive unless asked otherwise', () => {
    expect(matchesWildcard('S3:getobject', 's3:GetObject')).toBe(false);
    expect(matchesWildcard('S3:getobject', 's3:GetObject', true)).toBe(true);
  });
  it('agrees with a regular-expression reading of the pattern', () => {
    const chars = fc.constantFrom('a', 'b', '*', '?', ':');
    fc.assert(
      fc.property(
        fc.string({ unit: chars, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', ':'), maxLength: 10 }),
        (pattern, text) => {
          const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c)).join('');
          expect(matchesWildcard(pattern, text)).toBe(new RegExp(`^${source}$`, 's').test(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
