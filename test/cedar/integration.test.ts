import { describe, expect, it } from 'vitest';
import { corpusArchive, corpusTests, handWrittenTests, testFileReader } from './official-tests.js';
import { isAuthorized, makeRequest, parseEntities, parsePolicySet } from '../../src/cedar/eval/api.js';
import { parseJsonText } from '../../src/cedar/eval/entities.js';
import { parseCedarSchema, validateRequest } from '../../src/cedar/index.js';

interface TestRequest {
  readonly description: string;
  readonly principal: { readonly type: string; readonly id: string };
  readonly action: { readonly type: string; readonly id: string };
  readonly resource: { readonly type: string; readonly id: string };
  readonly context: unknown;
  readonly validateRequest?: boolean;
  readonly decision: 'allow' | 'deny';
  readonly reason: readonly string[];
  readonly errors: readonly string[];
}

interface IntegrationTest {
  readonly policies: string;
  readonly entities: string;
  readonly schema: string;
  readonly shouldValidate: boolean;
  readonly requests: readonly TestRequest[];
}

interface Mismatch {
  readonly test: string;
  readonly request: string;
  readonly problem: string;
}

/**
 * Runs one integration test as the official harness does: parse the schema,
 * the policies and the entities (read against the schema), then for every
 * request check the decision and the sets of determining and erroring policy
 * ids; a request marked `validateRequest` must also validate against the schema.
 */
function runTest(path: string, read: (path: string) => string): Mismatch[] {
  // Contexts hold i64 edge cases, so the test itself is read without losing precision.
  const test = parseJsonText(read(path)) as IntegrationTest;
  const schema = parseCedarSchema(read(test.schema));
  if (!schema.ok) return [{ test: path, request: '', problem: `schema: ${schema.errors[0]?.message}` }];
  const policies = parsePolicySet(read(test.policies));
  if (!policies.ok) return [{ test: path, request: '', problem: `policies: ${policies.errors[0]?.message}` }];
  const entities = parseEntities(read(test.entities), schema.value);
  if (!entities.ok) return [{ test: path, request: '', problem: `entities: ${entities.errors[0]}` }];
  const mismatches: Mismatch[] = [];
  for (const expected of test.requests) {
    const fail = (problem: string): void => {
      mismatches.push({ test: path, request: expected.description, problem });
    };
    if (expected.validateRequest === true) {
      const checked = validateRequest(schema.value, { ...expected, context: expected.context ?? {} });
      if (!checked.ok) fail(`request does not validate: ${checked.errors.join('; ')}`);
    }
    const request = makeRequest(expected, schema.value);
    const made = request.ok ? request : makeRequest(expected);
    if (!made.ok) {
      fail(`request: ${made.errors.join('; ')}`);
      continue;
    }
    const answer = isAuthorized(policies.policySet, made.request, entities.entities);
    if (answer.decision !== expected.decision)
      fail(`decision ${answer.decision}, expected ${expected.decision}`);
    const reason = [...answer.reason].sort();
    if (JSON.stringify(reason) !== JSON.stringify([...expected.reason].sort())) {
      fail(`reason ${JSON.stringify(reason)}, expected ${JSON.stringify(expected.reason)}`);
    }
    const errors = [...new Set(answer.errors.map((error) => error.policyId))].sort();
    if (JSON.stringify(errors) !== JSON.stringify([...expected.errors].sort())) {
      fail(`errors ${JSON.stringify(answer.errors)}, expected ${JSON.stringify(expected.errors)}`);
    }
  }
  return mismatches;
}

describe('the official Cedar integration tests', () => {
  it('decides every request of the hand-written tests as Cedar does', () => {
    const read = testFileReader();
    const tests = handWrittenTests();
    expect(tests.length).toBeGreaterThan(20);
    expect(tests.flatMap((test) => runTest(test, read))).toEqual([]);
  });

  it('decides every request of all 3,957 corpus tests as Cedar does', () => {
    const files = corpusArchive();
    const read = testFileReader(files);
    const tests = corpusTests(files);
    expect(tests).toHaveLength(3957);
    const mismatches = tests.flatMap((test) => runTest(test, read));
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(mismatches).toHaveLength(0);
  }, 120_000);
});
