// Caches shared across searches, bounded so that a long run (a whole policy
// corpus) keeps a flat heap.

/**
 * A map of bounded weight in two generations: entries go into the young one;
 * a hit in the old one moves the entry back to the young one; when the young
 * one reaches the limit it becomes the old one and the previous old one is
 * dropped. What a run keeps using survives every rotation (as with LRU), at
 * the price of at most twice the limit.
 */
export class GenerationalCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private youngWeight = 0;

  constructor(
    private readonly limit: number,
    private readonly weigh: (key: K, value: V) => number = () => 1,
  ) {}

  get(key: K): V | undefined {
    const young = this.young.get(key);
    if (young !== undefined) return young;
    const old = this.old.get(key);
    if (old !== undefined) {
      this.old.delete(key);
      this.set(key, old);
    }
    return old;
  }

  set(key: K, value: V): void {
    this.young.set(key, value);
    this.youngWeight += this.weigh(key, value);
    if (this.youngWeight >= this.limit) {
      this.old = this.young;
      this.young = new Map();
      this.youngWeight = 0;
    }
  }

  /** Entries held, both generations. */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
