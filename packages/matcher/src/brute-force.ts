// The oracle: every query compares against every entry. Exact by construction.
import {
  checkDistance,
  checkId,
  DEFAULT_MAX_DISTANCE,
  popcount32,
  writeWords,
  type Hash256,
  type HammingIndex,
  type Hit,
} from './hash256.ts';

export class BruteForceIndex implements HammingIndex {
  private words = new Uint32Array(8 * 64);
  private ids = new Uint32Array(64);
  private n = 0;
  private slot = new Map<number, number>();
  private q = new Uint32Array(8);

  get size() {
    return this.n;
  }

  has(id: number) {
    return this.slot.has(id);
  }

  add(id: number, hash: Hash256): void {
    checkId(id);
    if (this.slot.has(id)) this.remove(id);
    if (this.n === this.ids.length) {
      const ids = new Uint32Array(this.n * 2);
      ids.set(this.ids);
      const words = new Uint32Array(this.n * 16);
      words.set(this.words);
      this.ids = ids;
      this.words = words;
    }
    writeWords(hash, this.words, this.n * 8);
    this.ids[this.n] = id;
    this.slot.set(id, this.n++);
  }

  remove(id: number): boolean {
    const s = this.slot.get(id);
    if (s === undefined) return false;
    const last = --this.n;
    if (s !== last) {
      this.words.copyWithin(s * 8, last * 8, last * 8 + 8);
      this.ids[s] = this.ids[last]!;
      this.slot.set(this.ids[s]!, s);
    }
    this.slot.delete(id);
    return true;
  }

  search(query: Hash256, maxDistance = DEFAULT_MAX_DISTANCE): Hit[] {
    checkDistance(maxDistance);
    const q = this.q;
    writeWords(query, q);
    const w = this.words;
    const out: Hit[] = [];
    for (let i = 0; i < this.n; i++) {
      const o = i * 8;
      let d = 0;
      for (let k = 0; k < 8 && d <= maxDistance; k++) d += popcount32((q[k]! ^ w[o + k]!) >>> 0);
      if (d <= maxDistance) out.push({ id: this.ids[i]!, distance: d });
    }
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /** Every entry within maxDistance counted only on the bits set in `mask`. */
  searchMasked(query: Hash256, mask: Hash256, maxDistance = DEFAULT_MAX_DISTANCE): Hit[] {
    checkDistance(maxDistance);
    const q = this.q,
      m = new Uint32Array(8);
    writeWords(query, q);
    writeWords(mask, m);
    const w = this.words;
    const out: Hit[] = [];
    for (let i = 0; i < this.n; i++) {
      let d = 0;
      for (let k = 0; k < 8; k++) d += popcount32(((q[k]! ^ w[i * 8 + k]!) & m[k]!) >>> 0);
      if (d <= maxDistance) out.push({ id: this.ids[i]!, distance: d });
    }
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  memoryBytes(): number {
    return this.words.byteLength + this.ids.byteLength + this.slot.size * 40;
  }
}
