// MD5 (16 bytes) and SHA-256 (32 bytes) lists: hex → ids, for byte-identical files.
import { checkId } from './hash256.ts';

export class ExactHashSet {
  private byValue = new Map<string, number[]>();
  private valueOf = new Map<number, string>();
  private readonly pattern: RegExp;

  constructor(readonly bytes: 16 | 32) {
    if (bytes !== 16 && bytes !== 32)
      throw new RangeError('ExactHashSet holds 16-byte (MD5) or 32-byte (SHA-256) hashes');
    this.pattern = new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`);
  }

  get size(): number {
    return this.valueOf.size;
  }

  private norm(hex: string): string {
    if (typeof hex !== 'string' || !this.pattern.test(hex))
      throw new TypeError(
        `not a ${this.bytes * 8}-bit hash (${this.bytes * 2} hex digits): ${String(hex).slice(0, 80)}`,
      );
    return hex.toLowerCase();
  }

  add(id: number, hex: string): void {
    checkId(id);
    const v = this.norm(hex);
    this.remove(id);
    this.valueOf.set(id, v);
    const l = this.byValue.get(v);
    if (l) l.push(id);
    else this.byValue.set(v, [id]);
  }

  remove(id: number): boolean {
    const v = this.valueOf.get(id);
    if (v === undefined) return false;
    this.valueOf.delete(id);
    const l = this.byValue.get(v)!.filter((x) => x !== id);
    if (l.length) this.byValue.set(v, l);
    else this.byValue.delete(v);
    return true;
  }

  has(id: number): boolean {
    return this.valueOf.has(id);
  }

  /** Ids holding exactly this hash, ascending. */
  lookup(hex: string): number[] {
    return [...(this.byValue.get(this.norm(hex)) ?? [])].sort((a, b) => a - b);
  }

  /** Rough heap use: two map entries and the hex string per id. */
  memoryBytes(): number {
    return this.valueOf.size * (100 + this.bytes * 2);
  }
}
