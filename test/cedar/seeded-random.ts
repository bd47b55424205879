// The random source of the generated-input tests: xorshift32 from one seed, so
// that fast-check's seed alone decides each generated case and shrinks it.

export interface SeededRandom {
  /** A number in [0, 1). */
  readonly random: () => number;
  readonly pick: <T>(items: readonly T[]) => T;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return { random, pick };
}
