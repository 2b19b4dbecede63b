// The indexes behind BankIndex. PDQ: an exact Hamming-distance index; exact hashes: maps.
import { hexToWords, popcount32 } from './hamming.ts';

export interface PdqIndex {
  add(id: number, hex: string): void;
  remove(id: number): boolean;
  search(hex: string, maxDistance: number): { id: number; distance: number }[];
  readonly size: number;
  memoryBytes(): number;
}

/** Linear scan over packed words: exact, O(n) per query. */
class LinearPdqIndex implements PdqIndex {
  private words = new Uint32Array(8 * 1024);
  private ids: number[] = [];
  private slot = new Map<number, number>();
  get size() {
    return this.ids.length;
  }
  add(id: number, hex: string) {
    if (this.slot.has(id)) this.remove(id);
    const n = this.ids.length;
    if ((n + 1) * 8 > this.words.length) {
      const w = new Uint32Array(this.words.length * 2);
      w.set(this.words);
      this.words = w;
    }
    this.words.set(hexToWords(hex), n * 8);
    this.ids.push(id);
    this.slot.set(id, n);
  }
  remove(id: number) {
    const s = this.slot.get(id);
    if (s === undefined) return false;
    const last = this.ids.length - 1;
    if (s !== last) {
      this.words.copyWithin(s * 8, last * 8, last * 8 + 8);
      this.ids[s] = this.ids[last]!;
      this.slot.set(this.ids[s]!, s);
    }
    this.ids.pop();
    this.slot.delete(id);
    return true;
  }
  search(hex: string, maxDistance: number) {
    const q = hexToWords(hex);
    const out: { id: number; distance: number }[] = [];
    const w = this.words;
    for (let i = 0; i < this.ids.length; i++) {
      let d = 0;
      for (let k = 0; k < 8 && d <= maxDistance; k++) d += popcount32((q[k]! ^ w[i * 8 + k]!) >>> 0);
      if (d <= maxDistance) out.push({ id: this.ids[i]!, distance: d });
    }
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }
  memoryBytes() {
    return this.words.byteLength + this.ids.length * 8 + this.slot.size * 40;
  }
}

export function createPdqIndex(): PdqIndex {
  return new LinearPdqIndex();
}

/** MD5 / SHA-256 → entry ids. */
export class ExactIndex {
  private byValue = new Map<string, number[]>();
  private valueOf = new Map<number, string>();
  get size() {
    return this.valueOf.size;
  }
  add(id: number, hex: string) {
    if (this.valueOf.has(id)) this.remove(id);
    this.valueOf.set(id, hex);
    const l = this.byValue.get(hex);
    if (l) l.push(id);
    else this.byValue.set(hex, [id]);
  }
  remove(id: number) {
    const v = this.valueOf.get(id);
    if (v === undefined) return false;
    this.valueOf.delete(id);
    const l = this.byValue.get(v)!.filter((x) => x !== id);
    if (l.length) this.byValue.set(v, l);
    else this.byValue.delete(v);
    return true;
  }
  lookup(hex: string): number[] {
    return this.byValue.get(hex) ?? [];
  }
  memoryBytes() {
    return this.valueOf.size * 150;
  }
}
