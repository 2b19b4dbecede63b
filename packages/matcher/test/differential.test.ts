// MIH against the brute-force oracle: random and clustered data, interleaved adds and removes,
// every distance. Seeds are printed so a failure reproduces.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BruteForceIndex, MihIndex } from '../src/index.ts';
import { deserialize, serialize } from '../src/snapshot.ts';
import { prng } from './prng.ts';

const DISTANCES = [0, 1, 5, 15, 31, 32, 48, 64];

function compare(mih: MihIndex, oracle: BruteForceIndex, queries: Uint8Array[], seed: number, label: string) {
  for (const [qi, q] of queries.entries()) {
    for (const d of DISTANCES) {
      assert.deepEqual(mih.search(q, d), oracle.search(q, d), `${label}: seed ${seed}, query ${qi}, d=${d}`);
    }
  }
}

describe('MIH equals brute force', () => {
  it('random data, queries near entries and far from them', () => {
    const seed = 1001;
    const r = prng(seed);
    const mih = new MihIndex(),
      oracle = new BruteForceIndex();
    const hs = Array.from({ length: 20_000 }, () => r.hash());
    hs.forEach((h, i) => (mih.add(i, h), oracle.add(i, h)));
    const queries = [
      ...Array.from({ length: 25 }, () => r.flip(hs[r.int(hs.length)]!, r.int(41))),
      ...Array.from({ length: 5 }, () => r.hash()),
    ];
    compare(mih, oracle, queries, seed, 'random');
  });

  it('clustered data: many near-duplicates of a few seeds', () => {
    const seed = 2002;
    const r = prng(seed);
    const mih = new MihIndex(),
      oracle = new BruteForceIndex();
    const seeds = Array.from({ length: 30 }, () => r.hash());
    for (let i = 0; i < 15_000; i++) {
      const h = r.flip(seeds[r.int(seeds.length)]!, r.int(41));
      mih.add(i, h);
      oracle.add(i, h);
    }
    const queries = Array.from({ length: 20 }, () => r.flip(seeds[r.int(seeds.length)]!, r.int(41)));
    compare(mih, oracle, queries, seed, 'clustered');
  });

  it('heavy duplicates (overfull buckets, the scan fallback) and ids at both ends of the range', () => {
    const seed = 2525;
    const r = prng(seed);
    const mih = new MihIndex(),
      oracle = new BruteForceIndex();
    const seeds = Array.from({ length: 3 }, () => r.hash());
    let id = 0xffffffff;
    const add = (h: Uint8Array) => (mih.add(id, h), oracle.add(id, h), id--);
    for (let i = 0; i < 900; i++) add(seeds[i % 3]!); // 300 identical hashes each: wide bucket groups
    for (let i = 0; i < 2000; i++) add(r.flip(seeds[r.int(3)]!, r.int(12)));
    for (let i = 0; i < 3000; i++) add(r.hash());
    mih.add(0, seeds[0]!);
    oracle.add(0, seeds[0]!);
    for (let i = 0; i < 400; i++) {
      const victim = 0xffffffff - r.int(5900);
      assert.equal(mih.remove(victim), oracle.remove(victim), `seed ${seed}: remove(${victim})`);
    }
    const queries = [...seeds, ...Array.from({ length: 6 }, () => r.flip(seeds[r.int(3)]!, r.int(40))), r.hash()];
    compare(mih, oracle, queries, seed, 'duplicates');
    assert.equal(mih.search(seeds[0]!, 0)[0]!.id, 0); // id 0 is never removed
  });

  it('interleaved adds, re-adds and removes, with searches between (delta, tombstones and folds)', () => {
    const seed = 3003;
    const r = prng(seed);
    const mih = new MihIndex({ minDelta: 64, deltaRatio: 8 }),
      oracle = new BruteForceIndex();
    const known: Uint8Array[] = [];
    for (let step = 0; step < 40; step++) {
      for (let k = 0; k < 200; k++) {
        const op = r.next();
        const id = r.int(4000);
        if (op < 0.6) {
          const h = known.length && r.next() < 0.5 ? r.flip(known[r.int(known.length)]!, r.int(20)) : r.hash();
          known.push(h);
          mih.add(id, h);
          oracle.add(id, h);
        } else assert.equal(mih.remove(id), oracle.remove(id), `seed ${seed}: remove(${id})`);
      }
      assert.equal(mih.size, oracle.size, `seed ${seed}: size at step ${step}`);
      const queries = Array.from({ length: 3 }, () =>
        known.length ? r.flip(known[r.int(known.length)]!, r.int(35)) : r.hash(),
      );
      compare(mih, oracle, queries, seed, `step ${step}`);
    }
  });

  it('a snapshot round trip answers the same; corrupted and truncated snapshots are refused', () => {
    const seed = 4004;
    const r = prng(seed);
    const mih = new MihIndex();
    const hs = Array.from({ length: 3000 }, () => r.hash());
    hs.forEach((h, i) => mih.add(i * 3 + 1, h));
    for (let i = 0; i < 500; i++) mih.remove(i * 3 + 1);
    const snap = serialize(mih);
    assert.equal(snap.length, 16 + 2500 * 36 + 32);
    const back = deserialize(snap);
    assert.equal(back.size, 2500);
    for (let i = 0; i < 20; i++) {
      const q = r.flip(hs[500 + r.int(2500)]!, r.int(35));
      assert.deepEqual(back.search(q), mih.search(q));
    }
    const corrupt = Buffer.from(snap);
    corrupt[100]! ^= 1;
    assert.throws(() => deserialize(corrupt), /checksum mismatch/);
    assert.throws(() => deserialize(snap.subarray(0, snap.length - 10)), /truncated/);
    assert.throws(() => deserialize(Buffer.from('not a snapshot at all, definitely not one')), /bad magic/);
  });
});

describe('MihIndex.fromArrays', () => {
  it('accepts ids in any order and refuses duplicates', () => {
    const r = prng(5005);
    const hs = Array.from({ length: 500 }, () => r.hash());
    const ids = Uint32Array.from(hs.map((_, i) => ((i * 7919) % 1000) + 1));
    const words = new Uint32Array(500 * 8);
    const oracle = new BruteForceIndex();
    hs.forEach((h, i) => {
      for (let k = 0; k < 8; k++)
        words[i * 8 + k] = ((h[k * 4]! << 24) | (h[k * 4 + 1]! << 16) | (h[k * 4 + 2]! << 8) | h[k * 4 + 3]!) >>> 0;
      oracle.add(ids[i]!, h);
    });
    const mih = MihIndex.fromArrays(ids, words);
    for (let i = 0; i < 10; i++) {
      const q = r.flip(hs[r.int(500)]!, r.int(35));
      assert.deepEqual(mih.search(q), oracle.search(q));
    }
    assert.equal(mih.remove(ids[3]!), true);
    assert.throws(() => MihIndex.fromArrays(Uint32Array.from([4, 4]), new Uint32Array(16)), /duplicate id 4/);
  });
});
