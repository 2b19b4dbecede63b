// Masked search (a query that knows only some of its bits) against a direct count, across the
// index's tiers (base, delta, buffer) and with removals.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { BruteForceIndex, MihIndex, popcount32, toWords } from '../src/index.ts';
import { prng } from './prng.ts';

/** The masked distance counted directly, bit by bit. */
function direct(q: Uint8Array, mask: Uint8Array, h: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < 32; i++) for (let b = 0; b < 8; b++) if ((mask[i]! >> b) & 1 && ((q[i]! ^ h[i]!) >> b) & 1) d++;
  return d;
}

it('searchMasked: every entry within d on the masked bits, none beyond, in every tier and after removals', () => {
  const seed = 4242;
  const r = prng(seed);
  const mih = new MihIndex({ minDelta: 64 }),
    oracle = new BruteForceIndex();
  const hs = Array.from({ length: 3000 }, () => r.hash());
  hs.forEach((h, i) => (mih.add(i, h), oracle.add(i, h)));
  mih.search(hs[0]!, 0); // folds the first entries into segments; the next ones stay in the buffer
  for (let i = 3000; i < 3040; i++) {
    hs.push(r.hash());
    mih.add(i, hs[i]!);
    oracle.add(i, hs[i]!);
  }
  for (let i = 0; i < 3040; i += 7) {
    mih.remove(i);
    oracle.remove(i);
  }
  for (let k = 0; k < 30; k++) {
    const target = hs[1 + r.int(hs.length - 1)]!;
    // About 70 unknown bits set at random in the query, plus a few known bits flipped.
    const mask = new Uint8Array(32).fill(0xff);
    const q = r.flip(target, r.int(20));
    for (let j = 0; j < 70; j++) {
      const b = r.int(256);
      mask[b >> 3]! &= ~(0x80 >> (b & 7));
      if (r.next() < 0.5) q[b >> 3]! ^= 0x80 >> (b & 7);
    }
    for (const d of [0, 10, 22, 40]) {
      const got = mih.searchMasked(q, mask, d);
      assert.deepEqual(got, oracle.searchMasked(q, mask, d), `seed ${seed}, query ${k}, d=${d}`);
      for (const h of got) assert.equal(h.distance, direct(q, mask, hs[h.id]!));
      const want = hs
        .map((h, id) => ({ id, distance: direct(q, mask, h) }))
        .filter((h) => h.distance <= d && (h.id % 7 !== 0 || h.id >= 3040));
      assert.deepEqual(
        got.map((h) => h.id).sort((a, b) => a - b),
        want.map((h) => h.id),
      );
    }
  }
  // A full mask is an ordinary search.
  const q = r.flip(hs[5]!, 12);
  assert.deepEqual(mih.searchMasked(q, new Uint8Array(32).fill(0xff), 31), mih.search(q, 31));
  assert.equal(popcount32(toWords(new Uint8Array(32).fill(0xff))[0]!), 32);
});

it('searchMasked probes the substring tables on a larger index and finds exactly what a scan finds', () => {
  const seed = 777;
  const r = prng(seed);
  const mih = new MihIndex({ substrings: 16 }),
    oracle = new BruteForceIndex();
  const hs = Array.from({ length: 60_000 }, () => r.hash());
  hs.forEach((h, i) => (mih.add(i, h), oracle.add(i, h)));
  for (let k = 0; k < 40; k++) {
    const target = hs[r.int(hs.length)]!;
    // Unknown bits clustered like an uncrop view's (a few substrings mostly unknown) or scattered.
    const mask = new Uint8Array(32).fill(0xff);
    const q = r.flip(target, r.int(16));
    const clustered = k % 2 === 0;
    for (let j = 0; j < 50; j++) {
      const b = clustered ? (r.int(4) * 64 + r.int(24)) % 256 : r.int(256);
      mask[b >> 3]! &= ~(0x80 >> (b & 7));
      if (r.next() < 0.5) q[b >> 3]! ^= 0x80 >> (b & 7);
    }
    for (const d of [0, 8, 20, 26])
      assert.deepEqual(
        mih.searchMasked(q, mask, d),
        oracle.searchMasked(q, mask, d),
        `seed ${seed}, query ${k}, d=${d}`,
      );
  }
});

it('searchMasked with masks as sparse as uncrop views may carry: 90–128 unknown bits in every substring, thresholds scaled to the known bits', () => {
  // The uncrop views of large crops know 130–180 bits (pdq core/views.ts), and views are looked up
  // down to 128 known (MASK_MIN_KNOWN): unknown bits then fall in every substring.
  const seed = 5150;
  const r = prng(seed);
  const mih = new MihIndex({ substrings: 16 }),
    oracle = new BruteForceIndex();
  const hs = Array.from({ length: 40_000 }, () => r.hash());
  hs.forEach((h, i) => (mih.add(i, h), oracle.add(i, h)));
  let found = 0;
  for (let k = 0; k < 24; k++) {
    const target = hs[r.int(hs.length)]!;
    const mask = new Uint8Array(32).fill(0xff);
    const q = r.flip(target, r.int(24));
    const unknown = 90 + r.int(39);
    for (let n = 0; n < unknown;) {
      const b = r.int(256);
      if (!((mask[b >> 3]! >> (7 - (b & 7))) & 1)) continue;
      mask[b >> 3]! &= ~(0x80 >> (b & 7));
      if (r.next() < 0.5) q[b >> 3]! ^= 0x80 >> (b & 7);
      n++;
    }
    const d = Math.floor((31 * (256 - unknown)) / 256);
    const got = mih.searchMasked(q, mask, d);
    assert.deepEqual(got, oracle.searchMasked(q, mask, d), `seed ${seed}, query ${k}, d=${d}`);
    if (got.some((h) => hs[h.id] === target)) found++;
  }
  // Most targets are within d on their known bits (a few flips land on known bits past d).
  assert.ok(found >= 12, `${found} of 24 targets found`);
});
