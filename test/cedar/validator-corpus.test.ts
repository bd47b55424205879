import { describe, expect, it } from 'vitest';
import { corpusArchive, corpusTests, handWrittenTests, testFileReader } from './official-tests.js';
import { validate } from '../../src/cedar/compat.js';

interface IntegrationTest {
  readonly policies: string;
  readonly schema: string;
  readonly shouldValidate: boolean;
}

/** The verdict through the cedar-wasm-shaped `validate`, on the test's policy text and schema text. */
function verdict(read: (path: string) => string, test: IntegrationTest): boolean {
  const answer = validate({ schema: read(test.schema), policies: { staticPolicies: read(test.policies) } });
  if (answer.type !== 'success')
    throw new Error(`\`${test.policies}\` or its schema does not parse: ${answer.errors[0]?.message}`);
  return answer.validationErrors.length === 0;
}

describe('strict validation on the official integration tests', () => {
  it('agrees with `shouldValidate` on every hand-written test', () => {
    const read = testFileReader();
    const tests = handWrittenTests();
    expect(tests.length).toBeGreaterThan(20);
    for (const path of tests) {
      const test = JSON.parse(read(path)) as IntegrationTest;
      expect(verdict(read, test), path).toBe(test.shouldValidate);
    }
  });

  it('agrees with `shouldValidate` on all 3,957 corpus tests', () => {
    const files = corpusArchive();
    const read = testFileReader(files);
    const tests = corpusTests(files);
    expect(tests).toHaveLength(3957);
    const disagreements = tests.filter((path) => {
      const test = JSON.parse(read(path)) as IntegrationTest;
      return verdict(read, test) !== test.shouldValidate;
    });
    expect(disagreements).toEqual([]);
  });
});
