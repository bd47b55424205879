import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GenerationalCache } from '../../src/logic/cache.js';

describe('the generational cache', () => {
  it('never holds more than twice its limit, whatever is stored', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 500 }), { maxLength: 2_000 }),
        fc.integer({ min: 1, max: 50 }),
        (keys, limit) => {
          const cache = new GenerationalCache<number, number>(limit);
          for (const key of keys) {
            if (cache.get(key) === undefined) cache.set(key, key * 2);
            expect(cache.size).toBeLessThanOrEqual(2 * limit);
          }
        },
      ),
    );
  });

  it('returns what was stored while it is held', () => {
    const cache = new GenerationalCache<string, number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBeUndefined();
  });

  it('keeps an entry that is used in every generation', () => {
    const cache = new GenerationalCache<string, number>(4);
    cache.set('hot', 0);
    for (let round = 0; round < 100; round++) {
      expect(cache.get('hot')).toBe(0);
      cache.set(`cold ${round}`, round);
    }
    expect(cache.get('cold 0')).toBeUndefined();
  });

  it('weighs entries: one heavy entry fills a generation', () => {
    const cache = new GenerationalCache<string, string>(10, (_, value) => value.length);
    cache.set('small', 'x');
    cache.set('heavy', 'x'.repeat(10));
    cache.set('next', 'y');
    cache.set('after', 'z'.repeat(10));
    expect(cache.get('small')).toBeUndefined();
    expect(cache.get('next')).toBe('y');
  });
});
