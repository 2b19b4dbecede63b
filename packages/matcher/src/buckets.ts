// One multi-index table: for every value v of an L-bit substring, the slots of the entries whose
// substring equals v (CSR: bucket v is postings[start(v) .. start(v + 1))). Built once by counting sort.
//
// Compact on purpose, since a 10M-entry index has eleven of these:
//  - postings are packed in 3 bytes while the segment has fewer than 2^24 entries (4 bytes beyond);
//  - bucket starts are a u32 per group of 16 buckets plus a u8 offset inside the group, 1.25 bytes per
//    bucket instead of 4. A group holding 256 entries or more (duplicates, tight clusters) is "wide":
//    its 16 starts are kept in full in `wide`, and its u32 says where.

const GROUP_BITS = 4;
const GROUP = 1 << GROUP_BITS;
/** A group's u32 at or above this is WIDE + (index of its 16 starts in `wide`) / 16. */
export const WIDE = 0x80000000;

export interface BucketTable {
  /** Per group: start of the group's first bucket, or WIDE + index of the group in `wide`. */
  base: Uint32Array;
  /** Per bucket (plus one sentinel): its start minus its group's start (narrow groups only). */
  loc: Uint8Array;
  /** 16 absolute starts per wide group. */
  wide: Uint32Array;
  /** Slot numbers, `width` bytes each, little-endian. */
  postings: Uint8Array;
  width: 3 | 4;
}

/** Builds the table of substring `bits` bits wide over n entries; keys[i] is entry i's substring. */
export function buildTable(n: number, bits: number, keys: Uint32Array, wideSlots = false): BucketTable {
  if (n >= WIDE) throw new RangeError(`a segment holds fewer than 2^31 entries, got ${n}`);
  if (bits < GROUP_BITS || bits > 30) throw new RangeError(`substrings are 4 to 30 bits, got ${bits}`);
  const buckets = 2 ** bits;
  // `wideSlots` forces 4-byte postings, which tests cannot otherwise reach (2^24 entries).
  const width: 3 | 4 = n <= 0x1000000 && !wideSlots ? 3 : 4;
  // counts[v + 1] counts bucket v; its prefix sums are the bucket starts.
  const starts = new Uint32Array(buckets + 1);
  for (let i = 0; i < n; i++) starts[keys[i]! + 1]!++;
  for (let v = 1; v <= buckets; v++) starts[v]! += starts[v - 1]!;
  const postings = new Uint8Array(n * width);
  const cursor = starts.slice(0, buckets);
  for (let i = 0; i < n; i++) {
    const at = cursor[keys[i]!]!++ * width;
    postings[at] = i;
    postings[at + 1] = i >>> 8;
    postings[at + 2] = i >>> 16;
    if (width === 4) postings[at + 3] = i >>> 24;
  }
  const groups = Math.ceil(buckets / GROUP);
  const base = new Uint32Array(groups + 1);
  const loc = new Uint8Array(buckets + 1);
  const wideGroups: number[] = [];
  for (let g = 0; g < groups; g++) {
    const s = starts[g * GROUP]!;
    const e = starts[Math.min((g + 1) * GROUP, buckets)]!;
    if (e - s > 255) {
      base[g] = WIDE + wideGroups.length;
      wideGroups.push(g);
    } else {
      base[g] = s;
      for (let v = g * GROUP; v < Math.min((g + 1) * GROUP, buckets); v++) loc[v] = starts[v]! - s;
    }
  }
  base[groups] = n; // start(buckets) = n: the end of the last bucket
  const wide = new Uint32Array(wideGroups.length * GROUP);
  wideGroups.forEach((g, k) => wide.set(starts.subarray(g * GROUP, g * GROUP + GROUP), k * GROUP));
  return { base, loc, wide, postings, width };
}

/** Start of bucket v in postings (v may be the bucket count: the end). */
export function bucketStart(t: BucketTable, v: number): number {
  const b = t.base[v >>> GROUP_BITS]!;
  return b < WIDE ? b + t.loc[v]! : t.wide[(b - WIDE) * GROUP + (v & (GROUP - 1))]!;
}

export function tableBytes(t: BucketTable): number {
  return t.base.byteLength + t.loc.byteLength + t.wide.byteLength + t.postings.byteLength;
}
