// Matching speed: build time, bytes per hash, queries/s on one core at d = 31 and 15, recall against
// brute force, snapshot save/load — at 1M and 10M hashes, random and clustered.
// Run: npm run bench matcher  (VIGIL_BENCH_SIZES=1000000 for a quick run)
import { cpus, tmpdir } from 'node:os';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MihIndex, popcount32 } from '../packages/matcher/src/index.ts';
import { loadSnapshot, saveSnapshot } from '../packages/matcher/src/snapshot.ts';

const SIZES = (process.env.VIGIL_BENCH_SIZES ?? '1000000,10000000').split(',').map(Number);
const QUERIES = 2000;

let seed = 12345;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
};

function flipInto(src: Uint32Array, so: number, dst: Uint32Array, d0: number, bits: number) {
  for (let k = 0; k < 8; k++) dst[d0 + k] = src[so + k]!;
  const seen = new Set<number>();
  while (seen.size < bits) seen.add(rnd() & 255);
  for (const b of seen) dst[d0 + (b >> 5)]! ^= 1 << (31 - (b & 31));
}

function dataset(n: number, clustered: boolean): Uint32Array {
  const w = new Uint32Array(n * 8);
  if (!clustered) {
    for (let i = 0; i < w.length; i++) w[i] = rnd();
    return w;
  }
  // Clustered: 10% seeds, the rest copies of a seed with 0–40 bits flipped (near-duplicates, as re-encodes are).
  const seeds = Math.max(1, Math.floor(n / 10));
  for (let i = 0; i < seeds * 8; i++) w[i] = rnd();
  for (let i = seeds; i < n; i++) flipInto(w, (rnd() % seeds) * 8, w, i * 8, rnd() % 41);
  return w;
}

function bruteForce(words: Uint32Array, n: number, q: Uint32Array, d: number): number {
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let dist = 0;
    for (let k = 0; k < 8 && dist <= d; k++) dist += popcount32((q[k]! ^ words[i * 8 + k]!) >>> 0);
    if (dist <= d) hits++;
  }
  return hits;
}

const rss = () => process.memoryUsage().rss;
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${new Date().toISOString().slice(0, 10)}`,
);
console.log(
  'q/s: per second of CPU time (per second of wall time), one core, 2,000 queries: half ≤ 31 bits from an entry, half random',
);
console.log(
  '| hashes | data | substrings | build s | bytes/hash (index) | bytes/hash (RSS Δ) | q/s d=31 | q/s d=15 | recall vs brute force | snapshot save s / load s / MB |',
);
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---|---|');
for (const n of SIZES) {
  for (const clustered of [false, true]) {
    (globalThis as { gc?: () => void }).gc?.();
    // RSS from before the data exists: the index keeps the hash and id arrays it is built from.
    const before = rss();
    const words = dataset(n, clustered);
    const ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) ids[i] = i + 1;
    const t0 = performance.now();
    const ix = MihIndex.fromArrays(ids, words);
    const build = (performance.now() - t0) / 1000;
    const rssPer = (rss() - before) / n;
    // Half the queries near an entry (≤ 31 bits flipped), half random.
    const queries = new Uint32Array(QUERIES * 8);
    for (let i = 0; i < QUERIES; i++) {
      if (i % 2 === 0) flipInto(words, (rnd() % n) * 8, queries, i * 8, rnd() % 32);
      else for (let k = 0; k < 8; k++) queries[i * 8 + k] = rnd();
    }
    const hex = Array.from({ length: QUERIES }, (_, i) =>
      Array.from(queries.subarray(i * 8, i * 8 + 8), (x) => x.toString(16).padStart(8, '0')).join(''),
    );
    // Queries per second of CPU time of this (single-threaded) process: on a shared machine, wall
    // time also counts the time other processes hold the core. Both are printed.
    const qps = (d: number) => {
      ix.search(hex[0]!, d);
      const t = performance.now(),
        c = process.cpuUsage();
      for (const h of hex) ix.search(h, d);
      const cu = process.cpuUsage(c);
      return `${(QUERIES / ((cu.user + cu.system) / 1e6)).toFixed(0)} (${(QUERIES / ((performance.now() - t) / 1000)).toFixed(0)})`;
    };
    const q31 = qps(31),
      q15 = qps(15);
    // Recall: every brute-force hit found, on a sample (brute force at 10M is slow).
    let expected = 0,
      found = 0;
    for (let i = 0; i < 50; i++) {
      const q = queries.subarray(i * 8, i * 8 + 8);
      expected += bruteForce(words, n, q, 31);
      found += ix.search(hex[i]!, 31).length;
    }
    const path = join(tmpdir(), `vigil-matcher-${process.pid}.snap`);
    let t = performance.now();
    await saveSnapshot(ix, path);
    const save = (performance.now() - t) / 1000;
    const mb = statSync(path).size / 1e6;
    t = performance.now();
    const loaded = await loadSnapshot(path);
    const load = (performance.now() - t) / 1000;
    rmSync(path);
    if (loaded.size !== n) throw new Error('snapshot lost entries');
    console.log(
      `| ${n.toLocaleString('en')} | ${clustered ? 'clustered' : 'random'} | ${ix.substringCounts()[0]} | ${build.toFixed(1)} | ${(ix.memoryBytes() / n).toFixed(1)} | ${rssPer.toFixed(1)} | ${q31} | ${q15} | ${found}/${expected} ${found === expected ? '(100%)' : 'MISMATCH'} | ${save.toFixed(1)} / ${load.toFixed(1)} / ${mb.toFixed(0)} |`,
    );
  }
}
