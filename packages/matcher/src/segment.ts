// An immutable multi-index-hashing segment (Norouzi, Punjani & Fleet): entries sorted by id (so an
// id is found by binary search, with no id map), their hashes as 8 words each, a tombstone bit per
// entry, and one bucket table per substring. Exact for every d: probing finds every entry within d
// (pigeonhole, see chunks.ts) and each candidate is verified on the full hash; when probing would cost
// more than reading everything, the segment is scanned instead.
import { buildTable, tableBytes, WIDE, type BucketTable } from './buckets.ts';
import { binomialSum, chunkingFor, extract, flipMasks, type Chunking } from './chunks.ts';
import { popcount32 } from './hash256.ts';

/** One random access (probe or candidate) costs about this many sequentially scanned entries. */
const RANDOM_VS_SCAN = 8;

// Scratch for the search phases, shared by every segment (searches are synchronous). Probing and
// verifying run as separate loops over these arrays so that their memory reads are independent of
// each other and the CPU can overlap the cache misses.
let rangeStart = new Uint32Array(4096);
let rangeEnd = new Uint32Array(4096);
let rangeTable = new Uint8Array(4096);
let cand = new Uint32Array(16384);
let candTable = new Uint8Array(16384);
const qkeys = new Uint32Array(16);

export class Segment {
  readonly ids: Uint32Array;
  readonly words: Uint32Array;
  readonly chunking: Chunking;
  private readonly tables: BucketTable[] = [];
  private readonly dead: Uint32Array;
  deadCount = 0;

  /** ids ascending and unique, 8 words per entry (both kept, not copied). */
  constructor(ids: Uint32Array, words: Uint32Array, substrings?: number, wideSlots = false) {
    this.ids = ids;
    this.words = words;
    this.dead = new Uint32Array(Math.ceil(ids.length / 32));
    this.chunking = chunkingFor(ids.length, 31, substrings);
    if (!ids.length) return;
    const { m, start, len } = this.chunking;
    const keys = new Uint32Array(ids.length); // reused for every table
    for (let j = 0; j < m; j++) {
      const s = start[j]!,
        l = len[j]!;
      for (let i = 0, o = 0; i < ids.length; i++, o += 8) keys[i] = extract(words, o, s, l);
      this.tables.push(buildTable(ids.length, l, keys, wideSlots));
    }
  }

  get length(): number {
    return this.ids.length;
  }

  get live(): number {
    return this.ids.length - this.deadCount;
  }

  /** Slot of a live id, or -1. */
  slotOf(id: number): number {
    const a = this.ids;
    let lo = 0,
      hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid]!;
      if (v === id) return this.isDead(mid) ? -1 : mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  isDead(slot: number): boolean {
    return (this.dead[slot >>> 5]! & (1 << (slot & 31))) !== 0;
  }

  kill(slot: number): void {
    this.dead[slot >>> 5]! |= 1 << (slot & 31);
    this.deadCount++;
  }

  memoryBytes(): number {
    let b = this.ids.byteLength + this.words.byteLength + this.dead.byteLength;
    for (const t of this.tables) b += tableBytes(t);
    return b;
  }

  /** Appends every live entry within d of q (8 words) to outIds / outDist, unordered. */
  search(q: Uint32Array, d: number, outIds: number[], outDist: number[]): void {
    const n = this.ids.length;
    if (n === this.deadCount) return;
    const { m, start, len } = this.chunking;
    const r = Math.floor(d / m);
    let probes = 0,
      expected = 0;
    for (let j = 0; j < m; j++) {
      const c = binomialSum(len[j]!, r);
      probes += c;
      expected += (c * n) / 2 ** len[j]!;
    }
    if ((probes + expected) * RANDOM_VS_SCAN >= n) return this.scan(q, d, outIds, outDist);

    // Phase 1: every bucket within r of the query's substring, in every table.
    let nr = 0,
      total = 0;
    for (let j = 0; j < m; j++) {
      const t = this.tables[j]!;
      const base = t.base,
        loc = t.loc,
        wide = t.wide;
      const key = extract(q, 0, start[j]!, len[j]!);
      qkeys[j] = key;
      const masks = flipMasks(len[j]!, r);
      if (nr + masks.length > rangeStart.length) growRanges(nr + masks.length);
      const rs = rangeStart,
        re = rangeEnd,
        rt = rangeTable;
      for (let k = 0; k < masks.length; k++) {
        const v = key ^ masks[k]!;
        let b = base[v >>> 4]!;
        const s = b < WIDE ? b + loc[v]! : wide[(b - WIDE) * 16 + (v & 15)]!;
        const v1 = v + 1;
        b = base[v1 >>> 4]!;
        const e = b < WIDE ? b + loc[v1]! : wide[(b - WIDE) * 16 + (v1 & 15)]!;
        if (e > s) {
          rs[nr] = s;
          re[nr] = e;
          rt[nr] = j;
          nr++;
          total += e - s;
        }
      }
    }
    // Tight clusters can make the buckets far fuller than random data would: then scan.
    if ((probes + total) * RANDOM_VS_SCAN >= n) return this.scan(q, d, outIds, outDist);

    // Phase 2: the slots those buckets hold.
    if (total > cand.length) growCandidates(total);
    const cs = cand,
      ct = candTable;
    let nc = 0;
    for (let i = 0; i < nr; i++) {
      const j = rangeTable[i]!;
      const post = this.tables[j]!.postings;
      const e = rangeEnd[i]!;
      if (this.tables[j]!.width === 3) {
        for (let p = rangeStart[i]! * 3, pe = e * 3; p < pe; p += 3) {
          cs[nc] = post[p]! | (post[p + 1]! << 8) | (post[p + 2]! << 16);
          ct[nc++] = j;
        }
      } else {
        for (let p = rangeStart[i]! * 4, pe = e * 4; p < pe; p += 4) {
          cs[nc] = (post[p]! | (post[p + 1]! << 8) | (post[p + 2]! << 16) | (post[p + 3]! << 24)) >>> 0;
          ct[nc++] = j;
        }
      }
    }

    // Phase 3: verify each candidate on the full hash.
    const w = this.words;
    const q0 = q[0]!,
      q1 = q[1]!,
      q2 = q[2]!,
      q3 = q[3]!,
      q4 = q[4]!,
      q5 = q[5]!,
      q6 = q[6]!,
      q7 = q[7]!;
    for (let c = 0; c < nc; c++) {
      const s = cs[c]!;
      const o = s * 8;
      let dist = popcount32(q0 ^ w[o]!) + popcount32(q1 ^ w[o + 1]!);
      if (dist > d) continue;
      dist += popcount32(q2 ^ w[o + 2]!) + popcount32(q3 ^ w[o + 3]!);
      if (dist > d) continue;
      dist +=
        popcount32(q4 ^ w[o + 4]!) +
        popcount32(q5 ^ w[o + 5]!) +
        popcount32(q6 ^ w[o + 6]!) +
        popcount32(q7 ^ w[o + 7]!);
      if (dist > d || this.isDead(s)) continue;
      // A match close in several substrings sits in several tables: report it from the first one only.
      // No "seen" set needed: whether an earlier table also probed it follows from its substrings.
      const j = ct[c]!;
      let dup = false;
      for (let i = 0; i < j && !dup; i++) dup = popcount32(extract(w, o, start[i]!, len[i]!) ^ qkeys[i]!) <= r;
      if (dup) continue;
      outIds.push(this.ids[s]!);
      outDist.push(dist);
    }
  }

  /**
   * Appends every live entry whose distance counted only on the bits set in `mask` is within d.
   * Generalised pigeonhole: with per-substring radii r_j whose (r_j + 1) sum past d, some substring
   * is within its r_j on its known bits. Each of the d + 1 units goes where it adds the fewest probes
   * (a substring's unknown bits are enumerated, so substrings with many are skipped: r_j = -1).
   * Scans instead when probing would cost more.
   */
  searchMasked(q: Uint32Array, mask: Uint32Array, d: number, outIds: number[], outDist: number[]): void {
    const n = this.ids.length;
    if (n === this.deadCount) return;
    const { m, start, len } = this.chunking;
    const known: number[][] = [],
      unknown = new Uint32Array(m),
      r = new Int32Array(m).fill(-1);
    for (let j = 0; j < m; j++) {
      const mk = extract(mask, 0, start[j]!, len[j]!),
        pos: number[] = [];
      for (let b = 0; b < len[j]!; b++) if ((mk >>> b) & 1) pos.push(b);
      known.push(pos);
      unknown[j] = ~mk & (2 ** len[j]! - 1);
    }
    const keys = (j: number, rr: number) =>
      rr < 0 ? 0 : 2 ** (len[j]! - known[j]!.length) * binomialSum(known[j]!.length, rr);
    let cost = 0;
    for (let u = 0; u <= d; u++) {
      let best = -1,
        bestCost = Infinity;
      for (let j = 0; j < m; j++) {
        if (r[j]! >= known[j]!.length) continue;
        const c = (keys(j, r[j]! + 1) - keys(j, r[j]!)) * (1 + n / 2 ** len[j]!);
        if (c < bestCost) {
          best = j;
          bestCost = c;
        }
      }
      if (best < 0 || (cost += bestCost) * RANDOM_VS_SCAN >= n) return this.scanMasked(q, mask, d, outIds, outDist);
      r[best]!++;
    }
    const w = this.words;
    const seen = new Set<number>();
    for (let j = 0; j < m; j++) {
      if (r[j]! < 0) continue;
      const t = this.tables[j]!,
        base = t.base,
        loc = t.loc,
        wide = t.wide,
        post = t.postings,
        width = t.width;
      const unk = unknown[j]!,
        key = extract(q, 0, start[j]!, len[j]!) & ~unk;
      // Flips of at most r_j known bits: masks over the known positions.
      const flips = Array.from(flipMasks(known[j]!.length, r[j]!), (f) => {
        let v = 0;
        for (let b = 0; f; b++, f >>>= 1) if (f & 1) v |= 1 << known[j]![b]!;
        return v >>> 0;
      });
      for (let sub = unk; ; sub = (sub - 1) & unk) {
        for (const f of flips) {
          const v = ((key | sub) ^ f) >>> 0;
          let b = base[v >>> 4]!;
          const s0 = b < WIDE ? b + loc[v]! : wide[(b - WIDE) * 16 + (v & 15)]!;
          const v1 = v + 1;
          b = base[v1 >>> 4]!;
          const e0 = b < WIDE ? b + loc[v1]! : wide[(b - WIDE) * 16 + (v1 & 15)]!;
          for (let p = s0; p < e0; p++) {
            const o = p * width;
            const low = post[o]! | (post[o + 1]! << 8) | (post[o + 2]! << 16);
            const slot = width === 3 ? low : (low | (post[o + 3]! << 24)) >>> 0;
            const wo = slot * 8;
            let dist = 0;
            for (let k = 0; k < 8 && dist <= d; k++) dist += popcount32((q[k]! ^ w[wo + k]!) & mask[k]!);
            if (dist > d || this.isDead(slot) || seen.has(slot)) continue;
            seen.add(slot);
            outIds.push(this.ids[slot]!);
            outDist.push(dist);
          }
        }
        if (sub === 0) break;
      }
    }
  }

  /** {@link searchMasked} by reading every entry. */
  scanMasked(q: Uint32Array, mask: Uint32Array, d: number, outIds: number[], outDist: number[]): void {
    const w = this.words,
      n = this.ids.length;
    if (n === this.deadCount) return;
    const q0 = q[0]!,
      q1 = q[1]!,
      q2 = q[2]!,
      q3 = q[3]!,
      q4 = q[4]!,
      q5 = q[5]!,
      q6 = q[6]!,
      q7 = q[7]!;
    const m0 = mask[0]!,
      m1 = mask[1]!,
      m2 = mask[2]!,
      m3 = mask[3]!,
      m4 = mask[4]!,
      m5 = mask[5]!,
      m6 = mask[6]!,
      m7 = mask[7]!;
    for (let s = 0, o = 0; s < n; s++, o += 8) {
      let dist = popcount32((q0 ^ w[o]!) & m0) + popcount32((q1 ^ w[o + 1]!) & m1);
      if (dist > d) continue;
      dist += popcount32((q2 ^ w[o + 2]!) & m2) + popcount32((q3 ^ w[o + 3]!) & m3);
      if (dist > d) continue;
      dist +=
        popcount32((q4 ^ w[o + 4]!) & m4) +
        popcount32((q5 ^ w[o + 5]!) & m5) +
        popcount32((q6 ^ w[o + 6]!) & m6) +
        popcount32((q7 ^ w[o + 7]!) & m7);
      if (dist > d || this.isDead(s)) continue;
      outIds.push(this.ids[s]!);
      outDist.push(dist);
    }
  }

  private scan(q: Uint32Array, d: number, outIds: number[], outDist: number[]): void {
    const w = this.words,
      n = this.ids.length;
    const q0 = q[0]!,
      q1 = q[1]!,
      q2 = q[2]!,
      q3 = q[3]!,
      q4 = q[4]!,
      q5 = q[5]!,
      q6 = q[6]!,
      q7 = q[7]!;
    for (let s = 0, o = 0; s < n; s++, o += 8) {
      let dist = popcount32(q0 ^ w[o]!) + popcount32(q1 ^ w[o + 1]!);
      if (dist > d) continue;
      dist += popcount32(q2 ^ w[o + 2]!) + popcount32(q3 ^ w[o + 3]!);
      if (dist > d) continue;
      dist +=
        popcount32(q4 ^ w[o + 4]!) +
        popcount32(q5 ^ w[o + 5]!) +
        popcount32(q6 ^ w[o + 6]!) +
        popcount32(q7 ^ w[o + 7]!);
      if (dist > d || this.isDead(s)) continue;
      outIds.push(this.ids[s]!);
      outDist.push(dist);
    }
  }
}

/** Grows the range scratch, keeping what phase 1 wrote so far. */
function growRanges(min: number) {
  const size = Math.max(min, rangeStart.length * 2);
  const s = new Uint32Array(size),
    e = new Uint32Array(size),
    t = new Uint8Array(size);
  s.set(rangeStart);
  e.set(rangeEnd);
  t.set(rangeTable);
  rangeStart = s;
  rangeEnd = e;
  rangeTable = t;
}

function growCandidates(min: number) {
  const size = Math.max(min, cand.length * 2);
  cand = new Uint32Array(size);
  candTable = new Uint8Array(size);
}
