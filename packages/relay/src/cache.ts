// A small time-bounded cache for what every send would otherwise read from the database (the device behind a
// token, a conversation's group, whether a group was taken down). Entries live `ttlMs`; a decision applied in
// this process drops what it changes at once (`delete`/`clear`), and other relay processes see it within ttlMs.
export class TtlCache<K, V> {
  private entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 100_000,
  ) {}

  async get(key: K, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    if (this.ttlMs > 0) {
      if (this.entries.size >= this.max) this.entries.clear(); // bounded memory under a flood of distinct keys
      this.entries.set(key, { value, until: now + this.ttlMs });
    }
    return value;
  }

  delete(key: K) {
    this.entries.delete(key);
  }

  clear() {
    this.entries.clear();
  }
}
