// 256-bit hashes (PDQ) as 8 big-endian 32-bit words, in the hex order PDQ prints them.

export type Hash256 = Uint8Array | string;

export interface Hit {
  id: number;
  distance: number;
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

export function hexToHash(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !HEX64.test(hex))
    throw new TypeError(`not a 256-bit hash (64 hex digits): ${String(hex).slice(0, 80)}`);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function hashToHex(h: Uint8Array): string {
  if (h.length !== 32) throw new TypeError(`a 256-bit hash has 32 bytes, got ${h.length}`);
  let s = '';
  for (let i = 0; i < 32; i++) s += h[i]!.toString(16).padStart(2, '0');
  return s;
}

/** Writes the hash's 8 words into `out` at `offset` (no allocation on the hot path). */
export function writeWords(h: Hash256, out: Uint32Array, offset = 0): void {
  if (typeof h === 'string') {
    if (!HEX64.test(h)) throw new TypeError(`not a 256-bit hash (64 hex digits): ${h.slice(0, 80)}`);
    for (let i = 0; i < 8; i++) out[offset + i] = parseInt(h.slice(i * 8, i * 8 + 8), 16) >>> 0;
    return;
  }
  if (!(h instanceof Uint8Array) || h.length !== 32) throw new TypeError('a 256-bit hash is 32 bytes or 64 hex digits');
  for (let i = 0; i < 8; i++)
    out[offset + i] = ((h[i * 4]! << 24) | (h[i * 4 + 1]! << 16) | (h[i * 4 + 2]! << 8) | h[i * 4 + 3]!) >>> 0;
}

export function toWords(h: Hash256): Uint32Array {
  const w = new Uint32Array(8);
  writeWords(h, w);
  return w;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Hamming distance between two hashes (any mix of bytes and hex). */
export function hamming(a: Hash256, b: Hash256): number {
  const x = toWords(a),
    y = toWords(b);
  let d = 0;
  for (let i = 0; i < 8; i++) d += popcount32((x[i]! ^ y[i]!) >>> 0);
  return d;
}

export function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff)
    throw new RangeError(`ids are integers from 0 to 4294967295 (2^32 - 1), got ${id}`);
}

export function checkDistance(d: number): void {
  if (!Number.isInteger(d) || d < 0 || d > 256)
    throw new RangeError(`maxDistance is an integer from 0 to 256, got ${d}`);
}

export const DEFAULT_MAX_DISTANCE = 31;

export interface HammingIndex {
  add(id: number, hash: Hash256): void;
  /** false if the id is absent. */
  remove(id: number): boolean;
  /** Every entry within maxDistance (default 31), sorted by distance, then id. */
  search(query: Hash256, maxDistance?: number): Hit[];
  has(id: number): boolean;
  readonly size: number;
  memoryBytes(): number;
}
