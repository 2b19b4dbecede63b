// The exact Hamming index: multi-index hashing in three tiers, LSM style.
//  - base: a big immutable segment (segment.ts);
//  - delta: a smaller immutable segment holding recent additions, so they are probed, not scanned;
//  - buffer: the newest additions (typed arrays + an id map), scanned linearly.
// Removals are tombstones in the segments and swap-removes in the buffer. A search first folds the
// tiers when they grow: buffer into delta past `minDelta` entries, everything into a new base when the
// delta passes base / deltaRatio or tombstones pass a quarter of a segment. Folding is lazy, so a bulk
// load of many add() calls costs one build at the first search.
import {
  checkDistance,
  checkId,
  DEFAULT_MAX_DISTANCE,
  writeWords,
  popcount32,
  type Hash256,
  type HammingIndex,
  type Hit,
} from './hash256.ts';
import { IdMap } from './id-map.ts';
import { Segment } from './segment.ts';
import { isAscending, orderById } from './sort-ids.ts';

export interface MihOptions {
  /** The buffer is folded into the delta segment past this many entries (default 4096). */
  minDelta?: number;
  /** The delta is folded into the base past base / deltaRatio entries (default 8). */
  deltaRatio?: number;
  /** Force the number of substrings (10..16: 26- to 16-bit tables) instead of choosing it from the entry count. */
  substrings?: number;
}

const EMPTY = new Uint32Array(0);

export class MihIndex implements HammingIndex {
  private base: Segment;
  private delta: Segment;
  private bufIds = new Uint32Array(64);
  private bufWords = new Uint32Array(64 * 8);
  private bufN = 0;
  private bufSlot = new IdMap();
  private readonly q = new Uint32Array(8);
  private readonly m = new Uint32Array(8);
  private readonly minDelta: number;
  private readonly deltaRatio: number;
  private readonly substrings: number | undefined;

  constructor(opts: MihOptions = {}) {
    this.minDelta = opts.minDelta ?? 4096;
    this.deltaRatio = opts.deltaRatio ?? 8;
    this.substrings = opts.substrings;
    this.base = this.segment(EMPTY, EMPTY);
    this.delta = this.base;
  }

  /** Builds an index from parallel arrays in one pass: ids unique, in any order; 8 big-endian words per hash. */
  static fromArrays(ids: Uint32Array, words: Uint32Array, opts?: MihOptions): MihIndex {
    if (words.length !== ids.length * 8)
      throw new RangeError(`words must hold 8 words per id: ${words.length} words for ${ids.length} ids`);
    const ix = new MihIndex(opts);
    if (!isAscending(ids)) {
      const order = orderById(ids);
      const sIds = new Uint32Array(ids.length),
        sWords = new Uint32Array(words.length);
      for (let i = 0; i < order.length; i++) {
        const o = order[i]!;
        sIds[i] = ids[o]!;
        for (let k = 0; k < 8; k++) sWords[i * 8 + k] = words[o * 8 + k]!;
      }
      for (let i = 1; i < sIds.length; i++)
        if (sIds[i] === sIds[i - 1]) throw new RangeError(`duplicate id ${sIds[i]}`);
      ids = sIds;
      words = sWords;
    }
    ix.base = ix.segment(ids, words);
    return ix;
  }

  get size(): number {
    return this.base.live + this.delta.live + this.bufN;
  }

  has(id: number): boolean {
    return this.bufSlot.get(id) >= 0 || this.delta.slotOf(id) >= 0 || this.base.slotOf(id) >= 0;
  }

  /** Adds an entry; an id already present gets the new hash. */
  add(id: number, hash: Hash256): void {
    checkId(id);
    writeWords(hash, this.q); // validates before anything changes
    this.remove(id);
    const n = this.bufN;
    if (n === this.bufIds.length) {
      const ids = new Uint32Array(n * 2),
        words = new Uint32Array(n * 16);
      ids.set(this.bufIds);
      words.set(this.bufWords);
      this.bufIds = ids;
      this.bufWords = words;
    }
    this.bufWords.set(this.q, n * 8);
    this.bufIds[n] = id;
    this.bufSlot.set(id, n);
    this.bufN++;
  }

  remove(id: number): boolean {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) return false;
    const b = this.bufSlot.get(id);
    if (b >= 0) {
      const last = --this.bufN;
      if (b !== last) {
        this.bufWords.copyWithin(b * 8, last * 8, last * 8 + 8);
        this.bufIds[b] = this.bufIds[last]!;
        this.bufSlot.set(this.bufIds[b]!, b);
      }
      this.bufSlot.delete(id);
      return true;
    }
    for (const seg of [this.delta, this.base]) {
      const s = seg.slotOf(id);
      if (s >= 0) {
        seg.kill(s);
        return true;
      }
    }
    return false;
  }

  search(query: Hash256, maxDistance = DEFAULT_MAX_DISTANCE): Hit[] {
    checkDistance(maxDistance);
    const q = this.q;
    writeWords(query, q);
    this.maintain();
    const ids: number[] = [],
      dists: number[] = [];
    this.base.search(q, maxDistance, ids, dists);
    this.delta.search(q, maxDistance, ids, dists);
    const w = this.bufWords;
    for (let i = 0; i < this.bufN; i++) {
      const o = i * 8;
      let dist = 0;
      for (let k = 0; k < 8; k++) dist += popcount32(q[k]! ^ w[o + k]!);
      if (dist <= maxDistance) {
        ids.push(this.bufIds[i]!);
        dists.push(dist);
      }
    }
    const out: Hit[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = { id: ids[i]!, distance: dists[i]! };
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /**
   * Every entry within maxDistance of the query counted only on the bits set in `mask` (a query that
   * knows some of its bits only: see @vigil/pdq's masked views): probed where that is cheaper than a scan.
   */
  searchMasked(query: Hash256, mask: Hash256, maxDistance = DEFAULT_MAX_DISTANCE): Hit[] {
    checkDistance(maxDistance);
    const q = this.q,
      m = this.m;
    writeWords(query, q);
    writeWords(mask, m);
    this.maintain();
    const ids: number[] = [],
      dists: number[] = [];
    this.base.searchMasked(q, m, maxDistance, ids, dists);
    this.delta.searchMasked(q, m, maxDistance, ids, dists);
    const w = this.bufWords;
    for (let i = 0; i < this.bufN; i++) {
      const o = i * 8;
      let dist = 0;
      for (let k = 0; k < 8; k++) dist += popcount32((q[k]! ^ w[o + k]!) & m[k]!);
      if (dist <= maxDistance) {
        ids.push(this.bufIds[i]!);
        dists.push(dist);
      }
    }
    const out: Hit[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = { id: ids[i]!, distance: dists[i]! };
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /** Folds every tier into one base segment now (searches do it when the tiers grow). */
  compact(): void {
    this.base = this.merge([this.base, this.delta], true);
    this.delta = this.segment(EMPTY, EMPTY);
  }

  /** Every live entry as parallel arrays sorted by id (for snapshots); compacts first. */
  entries(): { ids: Uint32Array; words: Uint32Array } {
    if (this.bufN || this.delta.length || this.base.deadCount) this.compact();
    return { ids: this.base.ids, words: this.base.words };
  }

  memoryBytes(): number {
    return (
      this.base.memoryBytes() +
      this.delta.memoryBytes() +
      this.bufIds.byteLength +
      this.bufWords.byteLength +
      this.bufSlot.memoryBytes()
    );
  }

  /** Substrings per segment, for reports: [base, delta]. */
  substringCounts(): [number, number] {
    return [this.base.chunking.m, this.delta.chunking.m];
  }

  private maintain() {
    const baseLimit = Math.max(this.minDelta, this.base.live / this.deltaRatio);
    if (this.delta.live + this.bufN > baseLimit || this.base.deadCount > Math.max(this.minDelta, this.base.length / 4))
      this.compact();
    else if (this.bufN > this.minDelta || this.delta.deadCount > Math.max(this.minDelta, this.delta.length / 4))
      this.delta = this.merge([this.delta], true);
  }

  /** One segment with the live entries of `segs` (each sorted by id), plus the buffer if asked. */
  private merge(segs: Segment[], withBuffer: boolean): Segment {
    const bn = withBuffer ? this.bufN : 0;
    const order = orderById(this.bufIds, bn);
    let total = bn;
    for (const s of segs) total += s.live;
    const ids = new Uint32Array(total),
      words = new Uint32Array(total * 8);
    // k-way merge by id: the sources are few (at most two segments and the buffer).
    const pos = segs.map(() => 0);
    let bi = 0;
    for (let k = 0; k < total; k++) {
      let src = -1,
        best = Infinity;
      for (let i = 0; i < segs.length; i++) {
        const s = segs[i]!;
        while (pos[i]! < s.length && s.isDead(pos[i]!)) pos[i]!++;
        if (pos[i]! < s.length && s.ids[pos[i]!]! < best) {
          best = s.ids[pos[i]!]!;
          src = i;
        }
      }
      if (bi < bn && this.bufIds[order[bi]!]! < best) {
        const o = order[bi++]!;
        ids[k] = this.bufIds[o]!;
        for (let x = 0; x < 8; x++) words[k * 8 + x] = this.bufWords[o * 8 + x]!;
      } else {
        const s = segs[src]!,
          p = pos[src]!++;
        ids[k] = s.ids[p]!;
        for (let x = 0; x < 8; x++) words[k * 8 + x] = s.words[p * 8 + x]!;
      }
    }
    if (withBuffer) {
      this.bufN = 0;
      this.bufIds = new Uint32Array(64);
      this.bufWords = new Uint32Array(64 * 8);
      this.bufSlot.clear();
    }
    return this.segment(ids, words);
  }

  private segment(ids: Uint32Array, words: Uint32Array): Segment {
    return new Segment(ids, words, this.substrings);
  }
}
