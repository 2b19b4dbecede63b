// Cuckoo hashing with two hash functions over a fixed number of slots: every listed key sits in one of
// its two candidate slots, so a client needs exactly two voucher parts per key to cover it, without
// learning which slot (if any) holds it. Slot choice is public: SHA-256(seed ‖ table ‖ key).
import { sha256 } from '@noble/hashes/sha2.js';
import { Writer } from './encoding.ts';

/** Load factor the builder aims for; two-choice cuckoo hashing fails near 0.5. */
const CUCKOO_LOAD = 0.45;
const MAX_KICKS = 2000;

export function candidateSlots(seed: Uint8Array, table: number, key: Uint8Array, slots: number): [number, number] {
  const d = sha256(new Writer().bytes(seed).u16(table).bytes(key).finish());
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  // 48-bit values keep the modulo bias far below anything that matters for load.
  const a = v.getUint32(0) * 65536 + v.getUint16(4);
  const b = v.getUint32(8) * 65536 + v.getUint16(12);
  const h1 = a % slots;
  const h2 = (h1 + 1 + (b % (slots - 1))) % slots; // always a different slot
  return [h1, h2];
}

/**
 * Places keys (distinct) into `slots` slots; returns slot → key index (−1 = empty), or null when a
 * placement loops (the caller retries with another seed).
 */
export function placeKeys(
  keys: readonly Uint8Array[],
  slots: number,
  seed: Uint8Array,
  table: number,
): Int32Array | null {
  const owner = new Int32Array(slots).fill(-1);
  const cand = keys.map((k) => candidateSlots(seed, table, k, slots));
  for (let i = 0; i < keys.length; i++) {
    let cur = i;
    let pos = cand[cur]![0];
    if (owner[pos] !== -1 && owner[cand[cur]![1]] === -1) pos = cand[cur]![1];
    let kicks = 0;
    for (;;) {
      const prev = owner[pos]!;
      owner[pos] = cur;
      if (prev === -1) break;
      if (++kicks > MAX_KICKS) return null;
      cur = prev; // the evicted key moves to its other candidate
      const [c1, c2] = cand[cur]!;
      pos = pos === c1 ? c2 : c1;
    }
  }
  return owner;
}

export function slotCount(items: number, capacity = 0): number {
  return Math.max(8, Math.ceil(Math.max(items, capacity) / CUCKOO_LOAD));
}
