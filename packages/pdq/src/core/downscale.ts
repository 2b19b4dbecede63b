// Blur-and-decimate from full resolution to 64×64, bit-compatible with the reference C++.
//
// The reference runs a box filter along rows, then along columns, twice (a tent filter), on
// float32 buffers with a float32 running sum, then samples the pixel under each output centre.
// Every intermediate here is rounded to float32 (Float32Array stores or Math.fround) in the same
// order as the C++ so the 64×64 result is identical, not just close.

const fr = Math.fround;

/** Box window length for shrinking `oldSize` samples to `newSize`: half a target cell, rounded up. */
export function jaroszWindowSize(oldSize: number, newSize: number): number {
  return Math.floor((oldSize + 2 * newSize - 1) / (2 * newSize));
}

/**
 * One running-sum box filter along a contiguous run of `n` samples starting at `inOff`.
 * Windows shrink at both ends (the sum is divided by how many samples it actually holds).
 */
function boxRun(input: Float32Array, output: Float32Array, off: number, n: number, win: number): void {
  const half = (win + 2) >> 1;
  const lead = half - 1; // samples summed before the first write
  const grow = win - half + 1; // writes while the window still grows
  const full = n - win; // writes with the full window sliding
  let sum = 0;
  let count = 0;
  let r = off;
  let l = off;
  let o = off;
  for (let i = 0; i < lead; i++) {
    sum = fr(sum + input[r++]!);
    count++;
  }
  for (let i = 0; i < grow; i++) {
    sum = fr(sum + input[r++]!);
    count++;
    output[o++] = sum / count;
  }
  for (let i = 0; i < full; i++) {
    sum = fr(fr(sum + input[r++]!) - input[l++]!);
    output[o++] = sum / count;
  }
  for (let i = 0; i < lead; i++) {
    sum = fr(sum - input[l++]!);
    count--;
    output[o++] = sum / count;
  }
}

function boxAlongRows(input: Float32Array, output: Float32Array, rows: number, cols: number, win: number): void {
  for (let i = 0; i < rows; i++) boxRun(input, output, i * cols, cols, win);
}

/**
 * Box filter down every column at once, sweeping row by row so memory is read sequentially.
 * Each column keeps its own float32 sum in `sums`, updated in exactly the per-column order the
 * reference uses, so the result equals filtering each column separately.
 */
function boxAlongCols(
  input: Float32Array,
  output: Float32Array,
  rows: number,
  cols: number,
  win: number,
  sums: Float32Array,
): void {
  const half = (win + 2) >> 1;
  const lead = half - 1;
  const grow = win - half + 1;
  const full = rows - win;
  sums.fill(0, 0, cols);
  let r = 0;
  let l = 0;
  let o = 0;
  let count = 0;
  for (let i = 0; i < lead; i++, r++) {
    const base = r * cols;
    for (let j = 0; j < cols; j++) sums[j] = sums[j]! + input[base + j]!;
    count++;
  }
  for (let i = 0; i < grow; i++, r++, o++) {
    const base = r * cols;
    const ob = o * cols;
    count++;
    for (let j = 0; j < cols; j++) {
      const s = fr(sums[j]! + input[base + j]!);
      sums[j] = s;
      output[ob + j] = s / count;
    }
  }
  for (let i = 0; i < full; i++, r++, l++, o++) {
    const base = r * cols;
    const lb = l * cols;
    const ob = o * cols;
    for (let j = 0; j < cols; j++) {
      const s = fr(fr(sums[j]! + input[base + j]!) - input[lb + j]!);
      sums[j] = s;
      output[ob + j] = s / count;
    }
  }
  for (let i = 0; i < lead; i++, l++, o++) {
    const lb = l * cols;
    const ob = o * cols;
    count--;
    for (let j = 0; j < cols; j++) {
      const s = fr(sums[j]! - input[lb + j]!);
      sums[j] = s;
      output[ob + j] = s / count;
    }
  }
}

/** Reusable buffers so hashing many images of similar size does not allocate per image. */
export class DownscaleScratch {
  a = new Float32Array(0);
  b = new Float32Array(0);
  sums = new Float32Array(0);
  private col = new Float32Array(0);
  column(n: number): Float32Array {
    if (this.col.length < n) this.col = new Float32Array(n);
    return this.col;
  }
  ensure(pixels: number, cols: number): void {
    if (this.a.length < pixels) {
      this.a = new Float32Array(pixels);
      this.b = new Float32Array(pixels);
    }
    if (this.sums.length < cols) this.sums = new Float32Array(cols);
  }
}

/**
 * Tent-filter `luma` (rows×cols, row-major; left untouched) and decimate to 64×64 into `out`.
 * A 64×64 input is copied as is, as the reference does.
 */
export function downscaleTo64(
  luma: Float32Array,
  rows: number,
  cols: number,
  out: Float32Array,
  scratch: DownscaleScratch = new DownscaleScratch(),
): void {
  if (rows === 64 && cols === 64) {
    out.set(luma.subarray(0, 4096));
    return;
  }
  const n = rows * cols;
  scratch.ensure(n, cols);
  const a = scratch.a;
  const b = scratch.b;
  const winRows = jaroszWindowSize(cols, 64); // along each row
  const winCols = jaroszWindowSize(rows, 64); // down each column
  boxAlongRows(luma, b, rows, cols, winRows);
  boxAlongCols(b, a, rows, cols, winCols, scratch.sums);
  boxAlongRows(a, b, rows, cols, winRows);
  // The last column pass only matters for the 64 sampled columns (columns are independent), and
  // only its outputs at the 64 sampled rows are read. Samples sit at cell centres, as the reference.
  const col = scratch.column(rows);
  for (let oj = 0; oj < 64; oj++) {
    const jj = Math.trunc(((oj + 0.5) * cols) / 64);
    boxRunStrided(b, col, jj, rows, cols, winCols);
    for (let oi = 0; oi < 64; oi++) out[oi * 64 + oj] = col[Math.trunc(((oi + 0.5) * rows) / 64)]!;
  }
}

/** {@link boxRun} down one column (stride `cols`), written contiguously into `output`. */
function boxRunStrided(
  input: Float32Array,
  output: Float32Array,
  off: number,
  n: number,
  stride: number,
  win: number,
): void {
  const half = (win + 2) >> 1;
  const lead = half - 1;
  const grow = win - half + 1;
  const full = n - win;
  let sum = 0;
  let count = 0;
  let r = off;
  let l = off;
  let o = 0;
  for (let i = 0; i < lead; i++, r += stride) {
    sum = fr(sum + input[r]!);
    count++;
  }
  for (let i = 0; i < grow; i++, r += stride) {
    sum = fr(sum + input[r]!);
    count++;
    output[o++] = sum / count;
  }
  for (let i = 0; i < full; i++, r += stride, l += stride) {
    sum = fr(fr(sum + input[r]!) - input[l]!);
    output[o++] = sum / count;
  }
  for (let i = 0; i < lead; i++, l += stride) {
    sum = fr(sum - input[l]!);
    count--;
    output[o++] = sum / count;
  }
}
