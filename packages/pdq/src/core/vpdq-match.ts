// vPDQ's bag-of-frames comparison of two videos (pure; no Node imports).
//
// As in the reference matcher: repeated frame hashes are dropped (first occurrence kept), then
// frames below the quality threshold; a frame "matches" when some frame of the other video is
// strictly closer than the distance threshold. Two percentages come out: how much of the query is
// found in the compared video, and how much of the compared video is found in the query.

import { hexToBytes } from './hash256.ts';

export interface VideoFrameHash {
  pdq: string;
  quality: number;
}

export interface VideoMatchOptions {
  /** A frame pair matches when distance < this (vPDQ's strict comparison). Default 31. */
  distanceThreshold?: number;
  /** Frames with quality < this are ignored. Default 50. */
  qualityThreshold?: number;
}

export interface VideoMatchResult {
  /** Percent of the query's usable frames found in the compared video, 0..100. */
  queryMatchPercent: number;
  /** Percent of the compared video's usable frames found in the query, 0..100. */
  comparedMatchPercent: number;
  queryFrames: number;
  comparedFrames: number;
}

/** Drop frames whose hash already appeared earlier (keeps order and the first occurrence). */
export function dedupeFeatures<T extends VideoFrameHash>(frames: readonly T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const f of frames) {
    const key = f.pdq.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

function words(hex: string): Uint32Array {
  const b = hexToBytes(hex);
  return new Uint32Array(b.buffer.slice(0));
}

function pop(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function countFound(a: Uint32Array[], b: Uint32Array[], below: number): number {
  let n = 0;
  for (const x of a) {
    for (const y of b) {
      let d = 0;
      for (let k = 0; k < 8 && d < below; k++) d += pop((x[k]! ^ y[k]!) >>> 0);
      if (d < below) {
        n++;
        break;
      }
    }
  }
  return n;
}

export function matchVideoHashes(
  query: readonly VideoFrameHash[],
  compared: readonly VideoFrameHash[],
  opts: VideoMatchOptions = {},
): VideoMatchResult {
  const dist = opts.distanceThreshold ?? 31;
  const qual = opts.qualityThreshold ?? 50;
  const q = dedupeFeatures(query)
    .filter((f) => f.quality >= qual)
    .map((f) => words(f.pdq));
  const c = dedupeFeatures(compared)
    .filter((f) => f.quality >= qual)
    .map((f) => words(f.pdq));
  if (!q.length || !c.length)
    return { queryMatchPercent: 0, comparedMatchPercent: 0, queryFrames: q.length, comparedFrames: c.length };
  return {
    queryMatchPercent: (countFound(q, c, dist) * 100) / q.length,
    comparedMatchPercent: (countFound(c, q, dist) * 100) / c.length,
    queryFrames: q.length,
    comparedFrames: c.length,
  };
}
