import { DCT_16x64 } from './dct.ts';
import { hexFromWords, wordsFromCoefficients } from './hash256.ts';
import { torbenMedian } from './median.ts';

// Hashing the 64×64 grids of robust views: the DCT in float64, and for masked (`uncrop`) views the
// bits that neither the margins' fill nor a small error in the guessed scale can turn.

const D64 = Float64Array.from(DCT_16x64);
const dctRows = new Float64Array(1024);

/**
 * The 16×16 DCT coefficients PDQ keeps, of a 64×64 grid (what `PdqHasher` computes, at 64×64 its
 * filter being the identity), summed in float64 in cache order, four output rows per pass over the
 * grid. Each coefficient is summed in the same order as a plain loop would, so the result does not
 * depend on the blocking.
 */
export function gridDct(grid: Float32Array, out: Float32Array = new Float32Array(256)): Float32Array {
  const t = dctRows.fill(0);
  for (let i = 0; i < 16; i += 4) {
    const t0 = i * 64,
      t1 = t0 + 64,
      t2 = t1 + 64,
      t3 = t2 + 64;
    for (let k = 0; k < 64; k++) {
      const d0 = D64[i * 64 + k]!,
        d1 = D64[(i + 1) * 64 + k]!,
        d2 = D64[(i + 2) * 64 + k]!,
        d3 = D64[(i + 3) * 64 + k]!;
      const ro = k * 64;
      for (let j = 0; j < 64; j++) {
        const g = grid[ro + j]!;
        t[t0 + j]! += d0 * g;
        t[t1 + j]! += d1 * g;
        t[t2 + j]! += d2 * g;
        t[t3 + j]! += d3 * g;
      }
    }
  }
  for (let i = 0; i < 16; i++) {
    const to = i * 64;
    for (let j = 0; j < 16; j++) {
      let s = 0;
      const dj = j * 64;
      for (let k = 0; k < 64; k++) s += t[to + k]! * D64[dj + k]!;
      out[i * 16 + j] = s;
    }
  }
  return out;
}

const coefs = new Float32Array(256);

/**
 * The PDQ hash of a 64×64 grid (what `PdqHasher.hash(grid, 64, 64)` gives), about a fifth of its
 * time. Not reference-exact (a coefficient at the median can fall the other way); views are not either.
 */
export function gridHash(grid: Float32Array): string {
  return hexFromWords(wordsFromCoefficients(gridDct(grid, coefs)));
}

/**
 * A bit is known only if its coefficient is farther than this many median absolute deviations
 * from the median in every fill's DCT (0: on the same side of it). Measured on 20 originals cropped
 * 5–15 % and 2,100 distinct generated images (bench/RESULTS.md): 0.4 (with two fills) matches more
 * large crops (crop 15 %: 18 of 20 instead of 14, corner 12 %: 18 instead of 16) but, on the fewer
 * bits it leaves known, unrelated images come closer: 5 times the projected false matches at 10⁶
 * listed hashes (3.3 × 10⁻² per query image against 6.1 × 10⁻³). Kept at 0 until a larger benign
 * set can bound that tail.
 */
export const MASK_MARGIN = 0;

/**
 * The hash of `grids[0]` and the mask of its bits that every grid gives the same way with a
 * margin ({@link MASK_MARGIN}): 64 hex digits each, a set mask bit is known.
 */
export function maskedGridHash(grids: readonly Float32Array[]): { pdq: string; mask: string } {
  const words = new Uint16Array(16).fill(0xffff);
  let bits: Uint16Array | undefined;
  const dev = new Float32Array(256);
  for (const g of grids) {
    const c = gridDct(g, coefs);
    const med = torbenMedian(c);
    let margin = 0;
    if (MASK_MARGIN > 0) {
      for (let i = 0; i < 256; i++) dev[i] = Math.abs(c[i]! - med);
      margin = MASK_MARGIN * torbenMedian(dev);
    }
    const own = new Uint16Array(16);
    for (let i = 0; i < 16; i++) {
      let w = 0,
        strong = 0;
      for (let j = 0; j < 16; j++) {
        const v = c[i * 16 + j]!;
        if (v > med) w |= 1 << j;
        if (Math.abs(v - med) > margin) strong |= 1 << j;
      }
      own[i] = w;
      words[i]! &= strong;
      if (bits) words[i]! &= ~(bits[i]! ^ w);
    }
    bits ??= own;
  }
  return { pdq: hexFromWords(bits!), mask: hexFromWords(words) };
}
