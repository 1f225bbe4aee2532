/**
 * Promises of values by key, the most recently used last, bounded by a count and by the bytes each
 * value stands for (known once it resolves). A value being made is made once for all who ask; a
 * failed one is forgotten, so the next ask tries again. The newest entry always stays, whatever
 * its size.
 */
export class PromiseLru<K, V> {
  private entries = new Map<K, { p: Promise<V>; bytes: number }>();
  private total = 0;

  constructor(private readonly maxEntries: number, private readonly maxBytes: number) {}

  /** The value of `key`, made by `make` (value and its bytes) when not held. */
  get(key: K, make: () => Promise<{ value: V; bytes: number }>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // re-insert: Map order is the LRU order
      this.entries.set(key, hit);
      return hit.p;
    }
    const entry = {
      bytes: 0,
      p: make().then(({ value, bytes }) => {
        if (this.entries.get(key) === entry) {
          entry.bytes = bytes;
          this.total += bytes;
          this.evict();
        }
        return value;
      }),
    };
    entry.p.catch(() => { if (this.entries.get(key) === entry) this.entries.delete(key); });
    this.entries.set(key, entry);
    this.evict();
    return entry.p;
  }

  /** Entries held (being made included). */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes of the resolved entries held. */
  get bytes(): number {
    return this.total;
  }

  private evict(): void {
    while (this.entries.size > 1 && (this.entries.size > this.maxEntries || this.total > this.maxBytes)) {
      const [k, old] = this.entries.entries().next().value!;
      this.entries.delete(k);
      this.total -= old.bytes;
    }
  }
}
