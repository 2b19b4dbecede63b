// The pieces under MihIndex, each against a plain-JS model: bucket tables (narrow and wide groups,
// 3- and 4-byte postings), the typed-array id map, the radix sort by id, a segment on its own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bucketStart, buildTable } from '../src/buckets.ts';
import { IdMap } from '../src/id-map.ts';
import { orderById } from '../src/sort-ids.ts';
import { Segment } from '../src/segment.ts';
import { chunkingFor } from '../src/chunks.ts';
import { BruteForceIndex, toWords } from '../src/index.ts';
import { prng } from './prng.ts';

function decode(t: ReturnType<typeof buildTable>, v: number): number[] {
  const out: number[] = [];
  for (let p = bucketStart(t, v); p < bucketStart(t, v + 1); p++) {
    let x = 0;
    for (let b = t.width - 1; b >= 0; b--) x = x * 256 + t.postings[p * t.width + b]!;
    out.push(x);
  }
  return out;
}

describe('bucket tables', () => {
  for (const wideSlots of [false, true]) {
    it(`hold every entry in its key's bucket, with overfull (wide) groups (${wideSlots ? 4 : 3}-byte postings)`, () => {
      const seed = 6006;
      const r = prng(seed);
      // 12-bit keys: mostly sparse, plus 700 entries on key 77 and 300 on key 78 (both in one group).
      const keys = Array.from({ length: 5000 }, (_, i) => (i < 700 ? 77 : i < 1000 ? 78 : r.int(4096)));
      const t = buildTable(keys.length, 12, Uint32Array.from(keys), wideSlots);
      assert.equal(t.width, wideSlots ? 4 : 3);
      assert.ok(t.wide.length >= 16, `seed ${seed}: expected a wide group`);
      const model = new Map<number, number[]>();
      keys.forEach((k, i) => model.set(k, [...(model.get(k) ?? []), i]));
      for (let v = 0; v < 4096; v++)
        assert.deepEqual(
          decode(t, v).sort((a, b) => a - b),
          model.get(v) ?? [],
          `seed ${seed}: bucket ${v}`,
        );
      assert.equal(bucketStart(t, 4096), keys.length);
    });
  }

  it('refuses substrings it cannot address', () => {
    assert.throws(() => buildTable(10, 3, new Uint32Array(10)), /4 to 30 bits/);
  });
});

describe('IdMap', () => {
  it('agrees with a Map over random sets, gets and deletes (including ids 0 and 2^32 - 1)', () => {
    const seed = 7007;
    const r = prng(seed);
    const m = new IdMap(),
      model = new Map<number, number>();
    for (let step = 0; step < 60_000; step++) {
      const id = r.next() < 0.01 ? (r.next() < 0.5 ? 0 : 0xffffffff) : (r.int(3000) * 1_000_003) % 4294967291;
      const op = r.next();
      if (op < 0.5) {
        m.set(id, step);
        model.set(id, step);
      } else if (op < 0.8) assert.equal(m.delete(id), model.delete(id), `seed ${seed}, step ${step}: delete ${id}`);
      else assert.equal(m.get(id), model.get(id) ?? -1, `seed ${seed}, step ${step}: get ${id}`);
      assert.equal(m.size, model.size);
    }
    for (const [id, v] of model) assert.equal(m.get(id), v);
  });
});

describe('orderById', () => {
  it('sorts any u32 ids ascending, stably', () => {
    const r = prng(8008);
    const ids = Uint32Array.from({ length: 20_000 }, () =>
      r.next() < 0.3 ? r.int(50) : Math.floor(r.next() * 2 ** 32),
    );
    const order = orderById(ids);
    const expected = [...ids.keys()].sort((a, b) => ids[a]! - ids[b]! || a - b);
    assert.deepEqual([...order], expected);
    assert.deepEqual(
      [...orderById(ids, 10)],
      [...Array(10).keys()].sort((a, b) => ids[a]! - ids[b]! || a - b),
    );
  });
});

describe('Segment', () => {
  it('answers like brute force for every substring count, with 3- and 4-byte postings, and tombstones', () => {
    const seed = 9009;
    const r = prng(seed);
    // Every fourth hash repeats the one before, every fourth is a near copy of it.
    const hs: Uint8Array[] = [];
    for (let i = 0; i < 3000; i++)
      hs.push(i % 4 === 2 ? hs[i - 1]! : i % 4 === 3 ? r.flip(hs[i - 1]!, r.int(20)) : r.hash());
    const ids = Uint32Array.from(hs, (_, i) => i * 2 + 1);
    const words = new Uint32Array(hs.length * 8);
    hs.forEach((h, i) => words.set(toWords(h), i * 8));
    const oracle = new BruteForceIndex();
    hs.forEach((h, i) => oracle.add(ids[i]!, h));
    // 11 substrings is the 10M-entry configuration (23- and 24-bit tables: the slowest to build here).
    for (const [m, wideSlots] of [
      [11, false],
      [13, true],
      [16, false],
      [16, true],
    ] as const) {
      {
        const seg = new Segment(ids, words, m, wideSlots);
        assert.equal(seg.chunking.m, m);
        const dead = [5, 17, 2000];
        for (const i of dead) seg.kill(seg.slotOf(ids[i]!));
        const o = new BruteForceIndex();
        hs.forEach((h, i) => dead.includes(i) || o.add(ids[i]!, h));
        for (let k = 0; k < 6; k++) {
          const q = k < 3 ? r.flip(hs[dead[k]!]!, k * 3) : r.flip(hs[r.int(hs.length)]!, r.int(40));
          for (const d of [0, 1, 5, 15, 31, 32, 48, 64]) {
            const got: number[] = [],
              dist: number[] = [];
            seg.search(toWords(q), d, got, dist);
            const hits = got
              .map((id, i) => ({ id, distance: dist[i]! }))
              .sort((a, b) => a.distance - b.distance || a.id - b.id);
            assert.deepEqual(hits, o.search(q, d), `seed ${seed}, m=${m}, wide=${wideSlots}, query ${k}, d=${d}`);
          }
        }
        assert.equal(seg.slotOf(ids[5]!), -1);
        assert.equal(seg.live, 2997);
      }
    }
    assert.throws(() => chunkingFor(100, 31, 9), /substrings is an integer from 10 to 16/);
  });
});
