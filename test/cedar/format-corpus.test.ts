import { describe, expect, it } from 'vitest';
import { keyakiFormat, officialPolicySets, oracleFormat } from './format-support.js';

const policySets = officialPolicySets();

describe('the formatter on the official Cedar policies', () => {
  it('reads every official policy file', () => {
    expect(policySets.length).toBeGreaterThan(3900);
  });

  for (const options of [{}, { lineWidth: 40, indentWidth: 4 }]) {
    it(`agrees with cedar-wasm byte for byte on every file (${JSON.stringify(options)})`, () => {
      const disagreements = policySets.filter(
        (text) => keyakiFormat(text, options) !== oracleFormat(text, options),
      );
      expect(disagreements).toEqual([]);
    });
  }
});
