// How a 256-bit hash is cut into m substrings for multi-index hashing, and the flip masks probed
// around each substring. Pigeonhole: if two hashes differ in at most d bits, at least one of the m
// substrings differs in at most floor(d / m) bits — so probing every substring's neighbours within
// that radius finds every match (exact, not approximate).

export interface Chunking {
  m: number;
  start: Uint16Array;
  len: Uint8Array;
}

/**
 * Picks the number of substrings for n entries by the expected work of a d = 31 search: every probe
 * (one bucket lookup) plus twice the entries the probes hit (a posting and a hash to read, each a
 * random memory access), among splittings whose bucket starts (1.25 bytes per bucket) stay within
 * 16 bytes per entry. Small indexes get 16 × 16 bits, 1M entries 13 × ~20, 10M entries 11 × ~23 (r = 2).
 */
export function chunkingFor(n: number, d = 31, substrings?: number): Chunking {
  if (substrings !== undefined) {
    if (!Number.isInteger(substrings) || substrings < 10 || substrings > 16)
      throw new RangeError(`substrings is an integer from 10 to 16, got ${substrings}`);
    return split(substrings);
  }
  let best = split(16),
    bestCost = Infinity;
  for (let m = 16; m >= 10; m--) {
    const c = split(m);
    const r = Math.floor(d / m);
    let cost = 0,
      startBytes = 0;
    for (let j = 0; j < m; j++) {
      const probes = binomialSum(c.len[j]!, r);
      // A probe reads a bucket start and, if the bucket is not empty, its postings (one line); every
      // entry hit is a hash to read.
      const load = n / 2 ** c.len[j]!;
      cost += probes * (1 + Math.min(1, load) + load);
      startBytes += 1.25 * 2 ** c.len[j]!;
    }
    if (startBytes > Math.max(16 * n, 2 ** 21)) continue;
    if (cost < bestCost) {
      best = c;
      bestCost = cost;
    }
  }
  return best;
}

function split(m: number): Chunking {
  const start = new Uint16Array(m),
    len = new Uint8Array(m);
  for (let j = 0, s = 0; j < m; j++) {
    const e = Math.round(((j + 1) * 256) / m);
    start[j] = s;
    len[j] = e - s;
    s = e;
  }
  return { m, start, len };
}

/** Bits [s, s+len) of the hash whose 8 words start at w[o] (bit 0 = most significant bit of w[o]); len ≤ 31. */
export function extract(w: Uint32Array, o: number, s: number, len: number): number {
  const wi = s >>> 5,
    bo = s & 31;
  if (bo + len <= 32) return (w[o + wi]! >>> (32 - bo - len)) & ((1 << len) - 1);
  const hi = 32 - bo,
    lo = len - hi;
  return (((w[o + wi]! & ((1 << hi) - 1)) << lo) | (w[o + wi + 1]! >>> (32 - lo))) >>> 0;
}

const maskCache = new Map<string, Uint32Array>();

/** Every `len`-bit mask with at most r bits set, fewest bits first (exact matches probed first). */
export function flipMasks(len: number, r: number): Uint32Array {
  const key = `${len}:${r}`;
  let m = maskCache.get(key);
  if (m) return m;
  const out: number[] = [0];
  const rec = (from: number, left: number, acc: number) => {
    for (let b = from; b < len; b++) {
      const v = (acc | (1 << b)) >>> 0;
      if (left === 1) out.push(v);
      else rec(b + 1, left - 1, v);
    }
  };
  for (let k = 1; k <= Math.min(r, len); k++) rec(0, k, 0);
  m = Uint32Array.from(out);
  maskCache.set(key, m);
  return m;
}

export function binomialSum(n: number, r: number): number {
  let total = 0,
    c = 1;
  for (let k = 0; k <= Math.min(r, n); k++) {
    total += c;
    c = (c * (n - k)) / (k + 1);
  }
  return total;
}
