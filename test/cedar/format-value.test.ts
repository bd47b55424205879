import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DatetimeValue,
  DecimalValue,
  DurationValue,
  EntityRef,
  IpValue,
  RecordValue,
  evaluateExpression,
  formatValue,
  makeRequest,
  parseEntities,
  valuesEqual,
  type Value,
} from '../../src/cedar/index.js';
import { makeSet } from '../../src/cedar/eval/values.js';

const I64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

const value: fc.Arbitrary<Value> = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.boolean(),
    I64,
    fc.string(),
    fc
      .record({ type: fc.constantFrom('User', 'NS::Group'), id: fc.string() })
      .map(({ type, id }) => new EntityRef(type, id)),
    I64.map((scaled) => new DecimalValue(scaled)),
    fc
      .bigInt({ min: 0n, max: 2n ** 32n - 1n })
      .chain((address) =>
        fc.integer({ min: 0, max: 32 }).map((prefix) => new IpValue(true, address, prefix)),
      ),
    fc
      .bigInt({ min: 0n, max: 2n ** 128n - 1n })
      .chain((address) =>
        fc.integer({ min: 0, max: 128 }).map((prefix) => new IpValue(false, address, prefix)),
      ),
    I64.map((ms) => new DatetimeValue(ms)),
    I64.map((ms) => new DurationValue(ms)),
    fc.array(tie('value'), { maxLength: 3 }).map(makeSet),
    fc
      .dictionary(fc.string({ minLength: 1, maxLength: 4 }), tie('value'), { maxKeys: 3 })
      .map((fields) => new RecordValue(new Map(Object.entries(fields)))),
  ),
})).value;

describe('values printed in Cedar syntax', () => {
  it('evaluate back to the same value', () => {
    const request = makeRequest({
      principal: { type: 'User', id: 'p' },
      action: { type: 'Action', id: 'a' },
      resource: { type: 'User', id: 'r' },
    });
    const entities = parseEntities([]);
    if (!request.ok || !entities.ok) throw new Error('the fixed inputs must be valid');
    fc.assert(
      fc.property(value, (original) => {
        const text = formatValue(original);
        const result = evaluateExpression(text, request.request, entities.entities);
        expect(result.ok, text).toBe(true);
        if (result.ok) expect(valuesEqual(result.value, original), text).toBe(true);
      }),
      { seed: 5, numRuns: 1500 },
    );
  });

  it('are Cedar syntax the official parser accepts', () => {
    fc.assert(
      fc.property(value, (original) => {
        const text = formatValue(original);
        const answer = wasm.checkParsePolicySet({
          staticPolicies: `permit(principal, action, resource) when { ${text} == ${text} };`,
        });
        expect(answer.type, text).toBe('success');
      }),
      { seed: 6, numRuns: 500 },
    );
  });
});
