// Exact multi-index hashing (Norouzi, Punjani & Fleet) for 256-bit hashes, LSM style:
//  - a static base: entries sorted by id (so removal finds them by binary search, no id map),
//    and per substring a CSR table (bucket offsets + slot postings) built by counting sort;
//  - a small dynamic delta for recent additions, scanned linearly;
//  - removals from the base are tombstones.
// Searches fold the delta and tombstones into a new base when they grow (amortised rebuilds), so
// bulk loading many entries costs one build. Results are identical to brute force for every d:
// when probing would cost more than a scan, the base is scanned instead.
import { binomialSum, chunkingFor, extract, flipMasks, type Chunking } from './chunks.ts';
import { checkDistance, checkId, DEFAULT_MAX_DISTANCE, popcount32, writeWords, type Hash256, type HammingIndex, type Hit } from './hash256.ts';

const EMPTY32 = new Uint32Array(0);

export interface MihOptions {
  /** Fold the delta into the base when it holds more than max(minDelta, base / deltaRatio) entries. */
  minDelta?: number;
  deltaRatio?: number;
}

export class MihIndex implements HammingIndex {
  // Base: B entries sorted by id.
  private baseIds: Uint32Array = EMPTY32;
  private baseWords: Uint32Array = EMPTY32;
  private dead: Uint8Array = new Uint8Array(0);
  private deadCount = 0;
  private chunking: Chunking = chunkingFor(0);
  private offsets: Uint32Array[] = [];
  private postings: Uint32Array[] = [];
  // Delta: recent additions.
  private deltaIds: number[] = [];
  private deltaWords = new Uint32Array(8 * 256);
  private deltaSlot = new Map<number, number>();
  private readonly q = new Uint32Array(8);
  private readonly minDelta: number;
  private readonly deltaRatio: number;

  constructor(opts: MihOptions = {}) {
    this.minDelta = opts.minDelta ?? 4096;
    this.deltaRatio = opts.deltaRatio ?? 16;
  }

  /** Builds an index from parallel arrays in one pass (ids must be unique). */
  static fromArrays(ids: Uint32Array, words: Uint32Array, opts?: MihOptions): MihIndex {
    if (words.length !== ids.length * 8) throw new RangeError('words must hold 8 words per id');
    const ix = new MihIndex(opts);
    ix.setBase(ids, words);
    return ix;
  }

  get size(): number {
    return this.baseIds.length - this.deadCount + this.deltaIds.length;
  }

  has(id: number): boolean {
    return this.deltaSlot.has(id) || this.baseSlot(id) >= 0;
  }

  add(id: number, hash: Hash256): void {
    checkId(id);
    const words = new Uint32Array(8);
    writeWords(hash, words); // validates before anything changes
    this.remove(id);
    const n = this.deltaIds.length;
    if ((n + 1) * 8 > this.deltaWords.length) {
      const grown = new Uint32Array(this.deltaWords.length * 2);
      grown.set(this.deltaWords);
      this.deltaWords = grown;
    }
    this.deltaWords.set(words, n * 8);
    this.deltaIds.push(id);
    this.deltaSlot.set(id, n);
  }

  remove(id: number): boolean {
    const d = this.deltaSlot.get(id);
    if (d !== undefined) {
      const last = this.deltaIds.length - 1;
      if (d !== last) {
        this.deltaWords.copyWithin(d * 8, last * 8, last * 8 + 8);
        this.deltaIds[d] = this.deltaIds[last]!;
        this.deltaSlot.set(this.deltaIds[d]!, d);
      }
      this.deltaIds.pop();
      this.deltaSlot.delete(id);
      return true;
    }
    const s = this.baseSlot(id);
    if (s < 0) return false;
    this.dead[s] = 1;
    this.deadCount++;
    return true;
  }

  search(query: Hash256, maxDistance = DEFAULT_MAX_DISTANCE): Hit[] {
    checkDistance(maxDistance);
    const q = this.q;
    writeWords(query, q);
    if (this.deltaIds.length > Math.max(this.minDelta, this.baseIds.length / this.deltaRatio) || this.deadCount > Math.max(this.minDelta, this.baseIds.length / 4)) this.compact();
    const out: Hit[] = [];
    this.searchBase(q, maxDistance, out);
    const w = this.deltaWords;
    for (let i = 0; i < this.deltaIds.length; i++) {
      const d = distanceAt(q, w, i * 8, maxDistance);
      if (d <= maxDistance) out.push({ id: this.deltaIds[i]!, distance: d });
    }
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /** Folds the delta and tombstones into a new base now (searches do this when they grow). */
  compact(): void {
    const live = this.size;
    const B = this.baseIds.length;
    // The base is sorted by id already; sort the (small) delta and merge the two.
    const order = this.deltaIds.map((_, i) => i).sort((a, b) => this.deltaIds[a]! - this.deltaIds[b]!);
    const ids = new Uint32Array(live);
    const words = new Uint32Array(live * 8);
    let i = 0, j = 0, k = 0;
    while (k < live) {
      while (i < B && this.dead[i]) i++;
      const takeBase = i < B && (j >= order.length || this.baseIds[i]! < this.deltaIds[order[j]!]!);
      if (takeBase) {
        ids[k] = this.baseIds[i]!;
        words.set(this.baseWords.subarray(i * 8, i * 8 + 8), k * 8);
        i++;
      } else {
        const d = order[j++]!;
        ids[k] = this.deltaIds[d]!;
        words.set(this.deltaWords.subarray(d * 8, d * 8 + 8), k * 8);
      }
      k++;
    }
    this.deltaIds = [];
    this.deltaSlot.clear();
    this.deltaWords = new Uint32Array(8 * 256);
    this.setBase(ids, words, true);
  }

  /** Every live entry as parallel arrays sorted by id (for snapshots). */
  entries(): { ids: Uint32Array; words: Uint32Array } {
    if (this.deltaIds.length || this.deadCount) this.compact();
    return { ids: this.baseIds, words: this.baseWords };
  }

  memoryBytes(): number {
    let b = this.baseIds.byteLength + this.baseWords.byteLength + this.dead.byteLength + this.deltaWords.byteLength + this.deltaIds.length * 8 + this.deltaSlot.size * 40;
    for (const o of this.offsets) b += o.byteLength;
    for (const p of this.postings) b += p.byteLength;
    return b;
  }

  private setBase(ids: Uint32Array, words: Uint32Array, knownSorted = false) {
    if (!knownSorted && !ascending(ids)) ({ ids, words } = sortById(ids, words));
    for (let i = 1; i < ids.length; i++) if (ids[i] === ids[i - 1]) throw new RangeError(`duplicate id ${ids[i]}`);
    this.baseIds = ids;
    this.baseWords = words;
    this.dead = new Uint8Array(ids.length);
    this.deadCount = 0;
    this.chunking = chunkingFor(ids.length);
    this.offsets = [];
    this.postings = [];
    const { m, start, len } = this.chunking;
    const keys = new Uint32Array(ids.length);
    for (let j = 0; j < m; j++) {
      // Counting sort of slots by substring value: offsets[v]..offsets[v+1] are the slots with value v.
      const counts = new Uint32Array((1 << len[j]!) + 1);
      for (let i = 0; i < ids.length; i++) {
        const v = extract(words, i * 8, start[j]!, len[j]!);
        keys[i] = v;
        counts[v + 1]!++;
      }
      for (let v = 1; v < counts.length; v++) counts[v]! += counts[v - 1]!;
      const post = new Uint32Array(ids.length);
      const cursor = counts.slice(0, counts.length - 1);
      for (let i = 0; i < ids.length; i++) post[cursor[keys[i]!]!++] = i;
      this.offsets.push(counts);
      this.postings.push(post);
    }
  }

  private baseSlot(id: number): number {
    const a = this.baseIds;
    let lo = 0, hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid]!;
      if (v === id) return this.dead[mid] ? -1 : mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private searchBase(q: Uint32Array, d: number, out: Hit[]) {
    const B = this.baseIds.length;
    if (!B) return;
    const { m, start, len } = this.chunking;
    const r = Math.floor(d / m);
    // Expected work of probing: every flip mask of every substring, and the entries they hit.
    let probes = 0, expected = 0;
    for (let j = 0; j < m; j++) {
      const c = binomialSum(len[j]!, r);
      probes += c;
      expected += (c * B) / (1 << len[j]!);
    }
    const w = this.baseWords;
    if (probes + expected * 4 >= B) {
      for (let i = 0; i < B; i++) {
        if (this.dead[i]) continue;
        const dist = distanceAt(q, w, i * 8, d);
        if (dist <= d) out.push({ id: this.baseIds[i]!, distance: dist });
      }
      return;
    }
    let seen: Set<number> | null = null;
    for (let j = 0; j < m; j++) {
      const key = extract(q, 0, start[j]!, len[j]!);
      const masks = flipMasks(len[j]!, r);
      const offs = this.offsets[j]!, post = this.postings[j]!;
      for (let t = 0; t < masks.length; t++) {
        const v = key ^ masks[t]!;
        const end = offs[v + 1]!;
        for (let p = offs[v]!; p < end; p++) {
          const s = post[p]!;
          const dist = distanceAt(q, w, s * 8, d);
          if (dist > d || this.dead[s]) continue; // tombstones are rare: check them only for hits
          // A near match sits in several tables; report it once.
          seen ??= new Set();
          if (seen.has(s)) continue;
          seen.add(s);
          out.push({ id: this.baseIds[s]!, distance: dist });
        }
      }
    }
  }
}

/** Distance from q to the hash at w[o], stopping early once it exceeds max. */
function distanceAt(q: Uint32Array, w: Uint32Array, o: number, max: number): number {
  let d = popcount32((q[0]! ^ w[o]!) >>> 0) + popcount32((q[1]! ^ w[o + 1]!) >>> 0);
  if (d > max) return d;
  d += popcount32((q[2]! ^ w[o + 2]!) >>> 0) + popcount32((q[3]! ^ w[o + 3]!) >>> 0);
  if (d > max) return d;
  d += popcount32((q[4]! ^ w[o + 4]!) >>> 0) + popcount32((q[5]! ^ w[o + 5]!) >>> 0);
  if (d > max) return d;
  return d + popcount32((q[6]! ^ w[o + 6]!) >>> 0) + popcount32((q[7]! ^ w[o + 7]!) >>> 0);
}

function ascending(ids: Uint32Array): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i]! <= ids[i - 1]!) return false;
  return true;
}

/** Sorts parallel arrays by id: each id packed with its position into a 64-bit key, one native sort. */
function sortById(ids: Uint32Array, words: Uint32Array): { ids: Uint32Array; words: Uint32Array } {
  const keys = new BigUint64Array(ids.length);
  for (let i = 0; i < ids.length; i++) keys[i] = (BigInt(ids[i]!) << 32n) | BigInt(i);
  keys.sort();
  const sIds = new Uint32Array(ids.length), sWords = new Uint32Array(words.length);
  for (let i = 0; i < ids.length; i++) {
    const src = Number(keys[i]! & 0xffffffffn);
    sIds[i] = ids[src]!;
    sWords.set(words.subarray(src * 8, src * 8 + 8), i * 8);
  }
  return { ids: sIds, words: sWords };
}
