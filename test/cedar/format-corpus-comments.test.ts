import { describe, expect, it } from 'vitest';
import { withComments } from './format-arbitraries.js';
import {
  commentPlaces,
  joinedAsCedarJoins,
  keyakiFormat,
  officialPolicySets,
  oracleFormat,
} from './format-support.js';

const commented = officialPolicySets().map((text, index) => withComments(text, commentPlaces(index + 1)));

describe('the formatter on the official Cedar policies with comments between tokens', () => {
  it('agrees with cedar-wasm on every file, up to the line break Cedar drops after a string', () => {
    const disagreements = commented.filter(({ text }) => {
      const actual = keyakiFormat(text);
      return actual === undefined || joinedAsCedarJoins(actual) !== oracleFormat(text);
    });
    expect(disagreements).toEqual([]);
  });

  it('keeps every comment and is idempotent on every file', () => {
    const broken = commented.filter(({ text, comments }) => {
      const once = keyakiFormat(text);
      return (
        once === undefined ||
        keyakiFormat(once) !== once ||
        comments.some((comment) => !once.includes(comment))
      );
    });
    expect(broken).toEqual([]);
  });
});
