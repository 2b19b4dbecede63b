// 256-bit PDQ hash representation: 16 little words of 16 bits, bit k = 16·i + j for DCT
// coefficient (i, j). The hex form prints word 15 first, so it is the big-endian hex of a
// 256-bit integer whose least significant bit is bit 0. Bytes are that same big-endian order.

import { torbenMedian } from './median.ts';

export const HASH_HEX_LENGTH = 64;
const HEX_RE = /^[0-9a-fA-F]{64}$/;

/** Threshold 16×16 coefficients against their Torben median: words[i] holds row i. */
export function wordsFromCoefficients(c: Float32Array): Uint16Array {
  const median = torbenMedian(c);
  const words = new Uint16Array(16);
  for (let i = 0; i < 16; i++) {
    let w = 0;
    for (let j = 0; j < 16; j++) if (c[i * 16 + j]! > median) w |= 1 << j;
    words[i] = w;
  }
  return words;
}

export function hexFromWords(words: Uint16Array): string {
  let s = '';
  for (let i = 15; i >= 0; i--) s += words[i]!.toString(16).padStart(4, '0');
  return s;
}

export function isPdqHex(hex: string): boolean {
  return HEX_RE.test(hex);
}

function checkHex(hex: string): void {
  if (!HEX_RE.test(hex)) throw new TypeError(`not a PDQ hash (64 hex characters): ${JSON.stringify(hex.slice(0, 80))}`);
}

/** 32 bytes, most significant first (the hex string read two characters at a time). */
export function hexToBytes(hex: string): Uint8Array {
  checkHex(hex);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  if (bytes.length !== 32) throw new TypeError(`a PDQ hash is 32 bytes, got ${bytes.length}`);
  let s = '';
  for (let i = 0; i < 32; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Number of differing bits between two hashes given as hex or 32 bytes. */
export function hammingDistance(a: string | Uint8Array, b: string | Uint8Array): number {
  if (typeof a === 'string' && typeof b === 'string') {
    checkHex(a);
    checkHex(b);
    let d = 0;
    for (let i = 0; i < 64; i += 8)
      d += popcount32((parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16)) >>> 0);
    return d;
  }
  const x = typeof a === 'string' ? hexToBytes(a) : a;
  const y = typeof b === 'string' ? hexToBytes(b) : b;
  if (x.length !== 32 || y.length !== 32) throw new TypeError('a PDQ hash is 32 bytes');
  let d = 0;
  for (let i = 0; i < 32; i++) d += popcount32(x[i]! ^ y[i]!);
  return d;
}
