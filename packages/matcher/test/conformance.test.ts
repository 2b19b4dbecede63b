// One suite, every HammingIndex implementation (the Hono way): MIH and the brute-force oracle must
// behave the same on the same script.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BruteForceIndex, MihIndex, hamming, hashToHex, type HammingIndex } from '../src/index.ts';
import { prng } from './prng.ts';

const impls: [string, () => HammingIndex][] = [
  ['brute force', () => new BruteForceIndex()],
  ['MIH', () => new MihIndex()],
  ['MIH, tiny delta (folds on almost every search)', () => new MihIndex({ minDelta: 2, deltaRatio: 1 })],
  ['MIH, 12 substrings', () => new MihIndex({ substrings: 12 })],
];

for (const [name, make] of impls) {
  describe(`HammingIndex conformance: ${name}`, () => {
    it('finds an entry at distance 0 and near copies within the threshold, sorted by distance then id', () => {
      const r = prng(1);
      const ix = make();
      const base = r.hash();
      ix.add(7, base);
      ix.add(3, r.flip(base, 5));
      ix.add(9, r.flip(base, 31));
      ix.add(4, r.flip(base, 32));
      ix.add(5, hashToHex(r.flip(base, 5))); // hex input works too
      const hits = ix.search(base);
      assert.deepEqual(
        hits.map((h) => h.id),
        [7, 3, 5, 9],
      );
      assert.deepEqual(
        hits.map((h) => h.distance),
        [0, 5, 5, 31],
      );
      assert.deepEqual(
        ix.search(base, 32).map((h) => h.id),
        [7, 3, 5, 9, 4],
      );
      assert.deepEqual(
        ix.search(base, 0).map((h) => h.id),
        [7],
      );
      assert.equal(ix.size, 5);
    });

    it('re-adding an id replaces its hash; removing works once; several ids may share a hash', () => {
      const r = prng(2);
      const ix = make();
      const a = r.hash(),
        b = r.hash();
      ix.add(1, a);
      ix.add(2, a);
      ix.add(1, b);
      assert.deepEqual(
        ix.search(a).map((h) => h.id),
        [2],
      );
      assert.deepEqual(
        ix.search(b).map((h) => h.id),
        [1],
      );
      assert.equal(ix.remove(2), true);
      assert.equal(ix.remove(2), false);
      assert.equal(ix.has(2), false);
      assert.equal(ix.has(1), true);
      assert.deepEqual(ix.search(a), []);
      assert.equal(ix.size, 1);
    });

    it('rejects bad input with clear errors and changes nothing', () => {
      const ix = make();
      assert.throws(() => ix.add(1, 'abc'), TypeError);
      assert.throws(() => ix.add(1, 'z'.repeat(64)), /64 hex digits/);
      assert.throws(() => ix.add(-1, '0'.repeat(64)), RangeError);
      assert.throws(() => ix.add(1.5, '0'.repeat(64)), RangeError);
      assert.throws(() => ix.search('0'.repeat(64), 300), RangeError);
      assert.throws(() => ix.add(1, new Uint8Array(31)), TypeError);
      assert.equal(ix.size, 0);
    });

    it('agrees with the definition of Hamming distance on random data', () => {
      const r = prng(3);
      const ix = make();
      const hs = Array.from({ length: 300 }, () => r.hash());
      hs.forEach((h, i) => ix.add(i, h));
      const q = r.flip(hs[17]!, 20);
      for (const hit of ix.search(q, 128)) assert.equal(hit.distance, hamming(q, hs[hit.id]!));
      assert.ok(ix.memoryBytes() >= 300 * 32);
    });
  });
}
