import type { DihedralName } from './dihedral.ts';

// Normalised views of a query image for robust matching. Each view is derived luminance that is
// then hashed with ordinary PDQ, so it is compared with any PDQ list as it is: the listed side
// never changes. A view undoes one common edit — bars added, a crop, a small rotation — which
// PDQ's global DCT does not tolerate. The views work on a reduced copy of the image (area
// averaging): they serve matching, not reference-exact hashes, and this keeps them cheap.

export interface LumaImage {
  luma: Float32Array;
  width: number;
  height: number;
}

/**
 * Area-average down to `w × h` (each output pixel is the mean of the input area it covers, with
 * fractional weights at cell edges), separably: along rows, then down columns.
 */
export function areaResize(img: LumaImage, w: number, h: number): LumaImage {
  if (w >= img.width && h >= img.height) return img;
  const sw = img.width,
    sh = img.height,
    src = img.luma;
  const weights = (n: number, m: number) => {
    // For output i: first input index and the weights of the inputs its cell [i·n/m, (i+1)·n/m) covers.
    const f = n / m;
    const first = new Int32Array(m),
      len = new Int32Array(m),
      ws: number[][] = [];
    for (let i = 0; i < m; i++) {
      const a = i * f,
        b = (i + 1) * f;
      const lo = Math.floor(a),
        hi = Math.min(n, Math.ceil(b));
      const row: number[] = [];
      for (let k = lo; k < hi; k++) row.push((Math.min(b, k + 1) - Math.max(a, k)) / f);
      first[i] = lo;
      len[i] = hi - lo;
      ws.push(row);
    }
    return { first, len, ws };
  };
  const cx = weights(sw, w),
    cy = weights(sh, h);
  const tmp = new Float32Array(w * sh);
  for (let y = 0; y < sh; y++) {
    const base = y * sw;
    for (let x = 0; x < w; x++) {
      const wr = cx.ws[x]!,
        f0 = base + cx.first[x]!;
      let s = 0;
      for (let k = 0; k < wr.length; k++) s += wr[k]! * src[f0 + k]!;
      tmp[y * w + x] = s;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const wr = cy.ws[y]!,
      f0 = cy.first[y]!;
    for (let k = 0; k < wr.length; k++) {
      const wk = wr[k]!,
        rb = (f0 + k) * w;
      for (let x = 0; x < w; x++) out[y * w + x]! += wk * tmp[rb + x]!;
    }
  }
  return { luma: out, width: w, height: h };
}

/**
 * Undo a rotation of `deg` degrees clockwise made with an expanded canvas (the usual editor and
 * libvips behaviour): rotate back and keep the original's rectangle, whose size follows from the
 * query's. The filled corners of the query fall outside that rectangle. Returns null when the
 * original size cannot be recovered (the query is too small for the angle).
 */
export function derotate(img: LumaImage, deg: number): LumaImage | null {
  const t = (deg * Math.PI) / 180;
  const c = Math.abs(Math.cos(t)),
    s = Math.abs(Math.sin(t));
  const det = c * c - s * s;
  const W = Math.round((img.width * c - img.height * s) / det);
  const H = Math.round((img.height * c - img.width * s) / det);
  if (!(W >= 16 && H >= 16)) return null;
  const out = new Float32Array(W * H);
  const cos = Math.cos(t),
    sin = Math.sin(t);
  const cxq = img.width / 2,
    cyq = img.height / 2,
    cx = W / 2,
    cy = H / 2;
  const sw = img.width,
    sh = img.height,
    src = img.luma;
  // The terms of u (per column) and of v (per row), evaluated as the full expression would.
  const uc = new Float64Array(W),
    us = new Float64Array(W);
  for (let x = 0; x < W; x++) {
    uc[x] = (x + 0.5 - cx) * cos;
    us[x] = (x + 0.5 - cx) * sin;
  }
  for (let y = 0; y < H; y++) {
    const v = y + 0.5 - cy,
      vs = v * sin,
      vc = v * cos;
    for (let x = 0; x < W; x++) {
      // Where this pixel of the original landed in the query (clockwise on screen, y down).
      let qx = uc[x]! - vs + cxq - 0.5;
      let qy = us[x]! + vc + cyq - 0.5;
      qx = qx < 0 ? 0 : qx > sw - 1 ? sw - 1 : qx;
      qy = qy < 0 ? 0 : qy > sh - 1 ? sh - 1 : qy;
      const x0 = Math.floor(qx),
        y0 = Math.floor(qy);
      const x1 = x0 + 1 < sw ? x0 + 1 : x0,
        y1 = y0 + 1 < sh ? y0 + 1 : y0;
      const fx = qx - x0,
        fy = qy - y0;
      const a = src[y0 * sw + x0]! + (src[y0 * sw + x1]! - src[y0 * sw + x0]!) * fx;
      const b = src[y1 * sw + x0]! + (src[y1 * sw + x1]! - src[y1 * sw + x0]!) * fx;
      out[y * W + x] = a + (b - a) * fy;
    }
  }
  return { luma: out, width: W, height: H };
}

export interface Bars {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Luma levels a bar pixel may differ from the bar's colour (JPEG ringing around caption text). */
const BAR_TOLERANCE = 14;

/**
 * Bars along one edge: lines (rows or columns, walking inwards) that are mostly the colour of the
 * outermost line. The outermost line must be blank (≥ 97 % that colour); lines with text keep at
 * least 15 % of it. The bar ends at the last blank line before the first line that is neither, so
 * a caption's text is inside the bar and the picture starts where the blank margin ends.
 */
function barExtent(n: number, len: number, at: (line: number, i: number) => number, maxFrac: number): number {
  const sample = new Float32Array(len);
  for (let i = 0; i < len; i++) sample[i] = at(0, i);
  const sorted = Float32Array.from(sample).sort();
  const colour = sorted[len >> 1]!;
  const frac = (line: number) => {
    let k = 0;
    for (let i = 0; i < len; i++) if (Math.abs(at(line, i) - colour) <= BAR_TOLERANCE) k++;
    return k / len;
  };
  if (frac(0) < 0.97) return 0;
  const limit = Math.floor(n * maxFrac);
  let lastBlank = 0;
  for (let line = 0; line < limit; line++) {
    const f = frac(line);
    if (f >= 0.97) lastBlank = line;
    else if (f < 0.15) break;
  }
  const extent = lastBlank + 1;
  return extent >= Math.max(2, Math.round(n * 0.02)) ? extent : 0;
}

/** Borders, letterbox or pillarbox bars and caption bars along each edge, in pixels. */
export function detectBars(img: LumaImage, maxFrac = 0.4): Bars {
  const { width: w, height: h, luma } = img;
  const top = barExtent(h, w, (l, i) => luma[l * w + i]!, maxFrac);
  const bottom = barExtent(h, w, (l, i) => luma[(h - 1 - l) * w + i]!, maxFrac);
  const left = barExtent(w, h, (l, i) => luma[i * w + l]!, maxFrac);
  const right = barExtent(w, h, (l, i) => luma[i * w + (w - 1 - l)]!, maxFrac);
  return { top, bottom, left, right };
}

/**
 * Shorter side of the reduced copy the views are cut from: 4 samples per 64-grid cell. Hashed
 * through {@link gridTo64} with the reference's weights, the copy itself is a median 0, max 4 bits
 * from the full-resolution hash (23 generated 640×480 images).
 */
export const VIEW_MIN_SIDE = 256;

/**
 * Angles (degrees clockwise) the derotation views undo. Steps of 1° leave at most 0.5° of error;
 * steps of 1.5° (0.75°) measured 18 of 20 at 2° and 5° (bench/RESULTS.md).
 */
export const DEROTATIONS = [-5, -4, -3, -2, -1, 1, 2, 3, 4, 5] as const;
/**
 * Crops the `uncrop` views undo, as % of each dimension removed: centred (`uncrop-8`), or all from two
 * sides keeping one corner (`uncrop-tl-10` keeps the top-left). Each guess matches crops within
 * about ±1 % (corner) to ±2 % (centred, larger crops) of it (bench/RESULTS.md), so corner guesses are
 * closer together.
 */
export const UNCROP_GUESSES = { centred: [4, 6, 8, 10, 12, 14, 16], corner: [5, 7, 8.5, 10, 12, 13.5, 15] } as const;

/** The `uncrop` views: margins as fractions of the query's sides that put a crop's content back at its original scale and place. */
export const UNCROPS: readonly {
  name: string;
  margins: readonly [left: number, top: number, right: number, bottom: number];
}[] = [
  ...UNCROP_GUESSES.centred.map((p) => {
    const u = p / 100 / (2 * (1 - p / 100));
    return { name: `uncrop-${p}`, margins: [u, u, u, u] as const };
  }),
  ...UNCROP_GUESSES.corner.flatMap((p) => {
    const u = p / 100 / (1 - p / 100);
    const at = { tl: [0, 0, u, u], tr: [u, 0, 0, u], bl: [0, u, u, 0], br: [u, u, 0, 0] } as const;
    return Object.entries(at).map(([k, m]) => ({ name: `uncrop-${k}-${p}`, margins: m }));
  }),
];

/** Crops of the query (`keep` of each dimension from `x`, `y`, fractions): centred, and keeping one corner. */
export const CROPS: readonly { name: string; x: number; y: number; keep: number }[] = [
  ...[95, 92.5, 90, 87.5, 85].map((k) => ({
    name: `crop-${k}`,
    x: (1 - k / 100) / 2,
    y: (1 - k / 100) / 2,
    keep: k / 100,
  })),
  ...[95, 90].flatMap((k) => {
    const r = 1 - k / 100;
    return (
      [
        ['tl', 0, 0],
        ['tr', r, 0],
        ['bl', 0, r],
        ['br', r, r],
      ] as const
    ).map(([n, x, y]) => ({ name: `crop-${n}-${k}`, x, y, keep: k / 100 }));
  }),
];

/**
 * An `uncrop` view is hashed with its margins filled three ways; bits that differ between the fills
 * depend on what the crop removed and are left out of the comparison (`mask` in the view's hash;
 * see grid-hash.ts). Two fills (edge, mirror) cost a third fewer DCTs but, measured, match fewer
 * crops or (with a margin around the median) bring unrelated images closer.
 */
export const UNCROP_FILLS: readonly Fill[] = ['edge', 'mirror', 'mean'];

export interface NamedView {
  /** `trim`, `trim-top`…, `crop-90`, `crop-tl-95`…, `uncrop-8`, `uncrop-tl-10`…, `derotate+3`…, `reoriented` */
  name: string;
  /** For `reoriented` views: the dihedral variant this view stands for. */
  transform?: DihedralName;
  /** The 64×64 grid PDQ hashes (hash it with `PdqHasher.hash(grid, 64, 64)`). */
  grid: Float32Array;
  /** `uncrop` views: the grids with the margins filled otherwise ({@link UNCROP_FILLS}); bits they change are unknown. */
  alternatives?: Float32Array[];
}

/**
 * The derived views of a query image (the untouched image is not among them): bars trimmed (all
 * detected edges, and each edge alone when several are found, since a uniform edge of the picture
 * itself can look like a bar), crops of the query (the listed image was cropped; also frames that
 * are not one colour), margins undoing crops (masked: see {@link UNCROP_FILLS}), and derotations.
 * Each is reduced to PDQ's 64×64 grid with the reference's filter weights for the size the view
 * would have at full resolution.
 * `sourceScale`: original pixels per pixel of `full`, when the decoder reduced it (fast mode, size bounds).
 */
export function robustViews(full: LumaImage, sourceScale = 1, o: { only?: 'reoriented' } = {}): NamedView[] {
  const f = Math.max(1, Math.min(full.width, full.height) / VIEW_MIN_SIDE);
  const img = areaResize(full, Math.max(1, Math.round(full.width / f)), Math.max(1, Math.round(full.height / f)));
  // Original pixels per pixel of the copy (`sourceScale`: the decoder already reduced the image).
  const scale = (sourceScale * full.width) / img.width;
  const out: NamedView[] = [];
  const span = (name: string, x0: number, y0: number, w: number, h: number) => {
    if (w >= 16 && h >= 16) out.push({ name, grid: gridTo64(img, undefined, x0, y0, w, h, scale) });
  };
  if (o.only === 'reoriented') return reoriented(img, scale);
  const bars = detectBars(img);
  const trim = (b: Bars) => [b.left, b.top, img.width - b.left - b.right, img.height - b.top - b.bottom] as const;
  if (bars.top + bars.bottom + bars.left + bars.right > 0) span('trim', ...trim(bars));
  const sides = (['top', 'bottom', 'left', 'right'] as const).filter((s) => bars[s] > 0);
  if (sides.length > 1)
    for (const s of sides) span(`trim-${s}`, ...trim({ top: 0, bottom: 0, left: 0, right: 0, [s]: bars[s] }));
  // The listed image may itself be a crop of what the query shows: crops of the query at the same
  // guesses (exact pixels, so an ordinary comparison; each covers about ±2 % of crop).
  for (const c of CROPS) span(c.name, c.x * img.width, c.y * img.height, c.keep * img.width, c.keep * img.height);
  // Margins undoing a crop put the content back at its original scale and place. What the crop removed
  // is unknown, and PDQ's lowest frequencies depend on the whole frame: any one fill leaves a crop of
  // 8 % within 31 bits for 11 of 20 images at best; bits that do not depend on the fill match far better.
  // Views sharing a horizontal span (a centred guess, or margins on one side) share the pass along rows.
  const rowPasses = new Map<string, RowPass>();
  for (const u of UNCROPS) {
    const [l, t, r, b] = u.margins;
    const x0 = -img.width * l,
      y0 = -img.height * t,
      w = img.width * (1 + l + r),
      h = img.height * (1 + t + b);
    const key = `${l},${r}`;
    let rows = rowPasses.get(key);
    if (!rows) rowPasses.set(key, (rows = rowPass(img, UNCROP_FILLS, x0, w, scale)));
    const [grid, ...alternatives] = columnPass(img, rows, y0, h, scale);
    out.push({ name: u.name, grid: grid!, alternatives });
  }
  for (const a of DEROTATIONS) {
    const r = derotate(img, a);
    if (r)
      out.push({
        name: `derotate${a > 0 ? '+' : ''}${a}`,
        grid: gridTo64(r, undefined, 0, 0, r.width, r.height, scale),
      });
  }
  return [...out, ...reoriented(img, scale)];
}

/**
 * The dihedral variants again, from turned or mirrored pixels. The reference's filter is not
 * symmetric (even box windows sit half a pixel off centre, samples are truncated), so the DCT-domain
 * variants can be 30+ bits from the hash of the mirrored image itself (text at 480×360: 34 bits).
 */
function reoriented(img: LumaImage, scale: number): NamedView[] {
  return ORIENTATIONS.map(([transform, op]) => {
    const o = orient(img, op);
    return { name: 'reoriented', transform, grid: gridTo64(o, undefined, 0, 0, o.width, o.height, scale) };
  });
}

/**
 * Per-view distance caps, measured on the benign distinct set (bench/robust.bench.ts): a derived
 * view is a guess at an edit, and the more views a query has the more chances that an unrelated
 * listed hash comes close, so a view family may match only within a stricter bound than the image
 * itself. A lower configured threshold still wins.
 */
export const VIEW_MAX_DISTANCE: Readonly<Record<string, number>> = {
  trim: 31,
  crop: 31,
  uncrop: 31,
  derotate: 31,
  reoriented: 31,
};

/** The family of a view name: `derotate+1.5` → `derotate`, `trim-top` → `trim`, `uncrop-tl-10` → `uncrop`. */
export function viewFamily(view: string): string {
  return /^[a-z]+/.exec(view)?.[0] ?? view;
}

/** A masked (`uncrop`) view matches only if at least this many of its 256 bits are known. */
export const MASK_MIN_KNOWN = 128;

/**
 * The distance over its known bits within which a masked view matches: the family's cap scaled to
 * the bits known (a masked distance `d` of `known` bits stands for `d × 256 / known` over a whole
 * hash). -1 (no match) with fewer than {@link MASK_MIN_KNOWN} known bits.
 */
export function maskedThreshold(view: string, threshold: number, known: number): number {
  return known < MASK_MIN_KNOWN ? -1 : Math.floor((viewThreshold(view, threshold) * known) / 256);
}

/** Set bits of a 64-hex mask. */
export function knownBits(mask: string): number {
  let n = 0;
  for (const c of mask) {
    const v = parseInt(c, 16);
    n += (v & 1) + ((v >> 1) & 1) + ((v >> 2) & 1) + ((v >> 3) & 1);
  }
  return n;
}

/** The distance within which a view may match, given the configured threshold. */
export function viewThreshold(view: string, threshold: number): number {
  return Math.min(threshold, VIEW_MAX_DISTANCE[viewFamily(view)] ?? threshold);
}

/**
 * For the 64 outputs along one axis of a span [start, start + len) of an axis of n pixels: which
 * pixels each output reads and with what weight. The weights are the reference's own linear
 * operator — two running box filters of ⌈N/128⌉ with its alignment and shrinking edge windows,
 * sampled at its cell centres — for the axis length N = len × scale the reference would have seen
 * (`scale`: original pixels per pixel of this image, > 1 for a reduced copy), spread over this
 * image's pixels by how much of each it covers (as if each pixel were uniform over its area).
 * Positions outside the axis read its edge pixel (a span wider than the image is an edge-extended margin).
 */
function refTaps(
  n: number,
  start: number,
  len: number,
  scale: number,
): { first: Int32Array; count: Int32Array; weights: Float64Array; stride: number } {
  const N = Math.max(1, Math.round(len * scale));
  const win = Math.floor((N + 127) / 128);
  const lead = ((win + 2) >> 1) - 1;
  const lo = (p: number) => Math.max(0, p + lead - win + 1),
    hi = (p: number) => Math.min(N - 1, p + lead);
  const unit = len / N; // one reference pixel, in this image's pixels
  const stride = Math.ceil((2 * win + 1) * unit) + 3;
  const first = new Int32Array(64),
    count = new Int32Array(64),
    weights = new Float64Array(64 * stride);
  const wX = new Float64Array(2 * win + 2);
  for (let i = 0; i < 64; i++) {
    const si = Math.trunc(((i + 0.5) * N) / 64);
    const x0 = lo(lo(si));
    wX.fill(0);
    const outer = hi(si) - lo(si) + 1;
    for (let p = lo(si); p <= hi(si); p++) {
      const inner = hi(p) - lo(p) + 1;
      for (let X = lo(p); X <= hi(p); X++) wX[X - x0]! += 1 / (outer * inner);
    }
    const x1 = hi(hi(si));
    const f = Math.floor(start + x0 * unit);
    first[i] = f;
    let c = 0;
    for (let X = x0; X <= x1; X++) {
      const a = start + X * unit,
        b = a + unit;
      for (let x = Math.floor(a); x < b; x++) {
        const ov = Math.min(b, x + 1) - Math.max(a, x);
        if (ov > 0) {
          weights[i * stride + (x - f)]! += (wX[X - x0]! * ov) / unit;
          c = Math.max(c, x - f + 1);
        }
      }
    }
    count[i] = c;
  }
  return { first, count, weights, stride };
}

/** What positions beyond the image read: its edge pixel, its mirror image, or its mean. */
export type Fill = 'edge' | 'mirror' | 'mean';

/**
 * The 64×64 grid PDQ hashes, straight from an image of any resolution: the span given (in pixels,
 * fractional allowed; beyond the image = `fill`, edge extension by default) filtered by {@link refTaps} along rows,
 * then down columns. `scale` (and `scaleY`): original pixels per pixel of `img`, for a reduced copy.
 * At scale 1 this is the reference's operator up to float rounding (float64 sums here, float32
 * there); from a reduced copy it is what the reference would compute if each reduced pixel were
 * uniform. It reads each pixel about once, against the reference's four full passes.
 */
export function gridTo64(
  img: LumaImage,
  out: Float32Array = new Float32Array(4096),
  x0 = 0,
  y0 = 0,
  w = img.width,
  h = img.height,
  scale = 1,
  scaleY = scale,
  fill: Fill = 'edge',
): Float32Array {
  return gridsTo64(img, [fill], x0, y0, w, h, scale, scaleY, [out])[0]!;
}

/**
 * {@link gridTo64} of one span for several fills at once: the pixels inside the image are filtered
 * once, only the taps beyond it differ per fill (an `uncrop` view needs three fills of one span).
 */
export function gridsTo64(
  img: LumaImage,
  fills: readonly Fill[],
  x0 = 0,
  y0 = 0,
  w = img.width,
  h = img.height,
  scale = 1,
  scaleY = scale,
  outs?: Float32Array[],
): Float32Array[] {
  const ty = refTaps(img.height, y0, h, scaleY),
    H = img.height;
  // Rows the column taps touch (a mirror reads rows reflected back inside: all of them, to be simple).
  const mirror = fills.includes('mirror');
  const rlo = mirror ? 0 : Math.max(0, Math.min(H - 1, ty.first[0]!));
  const rhi = mirror ? H - 1 : Math.max(rlo, Math.min(H - 1, ty.first[63]! + ty.count[63]! - 1));
  return columnPass(img, rowPass(img, fills, x0, w, scale, rlo, rhi), y0, h, scaleY, outs, ty);
}

/** A span filtered along rows for each fill: 64 values per image row `rlo`…`rhi` (rows the column pass may read). */
interface RowPass {
  fills: readonly Fill[];
  rows: Float64Array[];
  rlo: number;
  rhi: number;
  mean: number;
}

/** The pass along rows of {@link gridsTo64}, for image rows `rlo`…`rhi` (all by default: uncrop views share one pass between spans down columns). */
function rowPass(
  img: LumaImage,
  fills: readonly Fill[],
  x0: number,
  w: number,
  scale: number,
  rlo = 0,
  rhi = img.height - 1,
): RowPass {
  const tx = refTaps(img.width, x0, w, scale);
  const W = img.width,
    H = img.height,
    src = img.luma;
  const F = fills.length;
  const reflect = (p: number, n: number) => (p < 0 ? Math.min(n - 1, -p - 1) : p >= n ? Math.max(0, 2 * n - p - 1) : p);
  const clamp = (p: number, n: number) => (p < 0 ? 0 : p >= n ? n - 1 : p);
  let mean = 0;
  if (fills.includes('mean')) {
    for (let i = 0; i < W * H; i++) mean += src[i]!;
    mean /= W * H;
  }
  const nr = rhi - rlo + 1;
  const { first, count, weights, stride } = tx;
  // Per output, the taps inside the image [k0, k1) and, per fill, where the taps beyond its edges read
  // (a column, or -1 for the mean): the same for every row.
  const k0s = new Int32Array(64),
    k1s = new Int32Array(64);
  const outside: { i: number; w: Float64Array; x: Int32Array[] }[] = [];
  for (let i = 0; i < 64; i++) {
    const f = first[i]!,
      n = count[i]!;
    k0s[i] = Math.max(0, -f);
    k1s[i] = Math.min(n, W - f);
    if (k0s[i]! === 0 && k1s[i]! === n) continue;
    const ks: number[] = [];
    for (let k = 0; k < n; k++) if (k < k0s[i]! || k >= k1s[i]!) ks.push(k);
    outside.push({
      i,
      w: Float64Array.from(ks, (k) => weights[i * stride + k]!),
      x: fills.map((fill) =>
        Int32Array.from(ks, (k) => (fill === 'mean' ? -1 : fill === 'mirror' ? reflect(f + k, W) : clamp(f + k, W))),
      ),
    });
  }
  // Filtered along x once each: the sum over pixels inside, then per fill the taps beyond the edges.
  const r0 = new Float64Array(nr * 64);
  for (let y = rlo; y <= rhi; y++) {
    const base = y * W,
      ob = (y - rlo) * 64;
    for (let i = 0; i < 64; i++) {
      const f = base + first[i]!,
        wo = i * stride,
        k1 = k1s[i]!;
      let s = 0;
      for (let k = k0s[i]!; k < k1; k++) s += weights[wo + k]! * src[f + k]!;
      r0[ob + i] = s;
    }
  }
  const rows = fills.map((_, fi) => (fi === 0 ? r0 : r0.slice()));
  for (let y = rlo; y <= rhi; y++) {
    const base = y * W,
      ob = (y - rlo) * 64;
    for (const e of outside) {
      for (let fi = 0; fi < F; fi++) {
        const xs = e.x[fi]!;
        let o = 0;
        for (let k = 0; k < xs.length; k++) o += e.w[k]! * (xs[k]! < 0 ? mean : src[base + xs[k]!]!);
        rows[fi]![ob + e.i]! += o;
      }
    }
  }
  return { fills, rows, rlo, rhi, mean };
}

/** The pass down columns of {@link gridsTo64}, one grid per fill of `rp`. */
function columnPass(
  img: LumaImage,
  rp: RowPass,
  y0: number,
  h: number,
  scaleY: number,
  outs?: Float32Array[],
  ty = refTaps(img.height, y0, h, scaleY),
): Float32Array[] {
  const H = img.height,
    { fills, rlo, rhi, mean } = rp;
  const reflect = (p: number, n: number) => (p < 0 ? Math.min(n - 1, -p - 1) : p >= n ? Math.max(0, 2 * n - p - 1) : p);
  const clamp = (p: number, n: number) => (p < 0 ? 0 : p >= n ? n - 1 : p);
  const out = fills.map((_, fi) => outs?.[fi] ?? new Float32Array(4096));
  const acc = new Float64Array(64);
  for (let fi = 0; fi < fills.length; fi++) {
    const fill = fills[fi]!,
      r = rp.rows[fi]!,
      o = out[fi]!;
    for (let j = 0; j < 64; j++) {
      const f = ty.first[j]!,
        n = ty.count[j]!,
        wo = j * ty.stride;
      acc.fill(0);
      for (let k = 0; k < n; k++) {
        const y = f + k,
          w = ty.weights[wo + k]!;
        // A row filtered from the mean alone is the mean (the weights along x sum to 1).
        if (fill === 'mean' && (y < 0 || y >= H)) {
          for (let i = 0; i < 64; i++) acc[i]! += w * mean;
          continue;
        }
        const yy = fill === 'mirror' ? reflect(y, H) : clamp(y, H);
        const ro = ((yy < rlo ? rlo : yy > rhi ? rhi : yy) - rlo) * 64;
        for (let i = 0; i < 64; i++) acc[i]! += w * r[ro + i]!;
      }
      for (let i = 0; i < 64; i++) o[j * 64 + i] = acc[i]!;
    }
  }
  return out;
}

/** The 7 non-identity symmetries of the square as pixel operations (y down; `cw` = clockwise on screen). */
export type PixelOp = 'cw' | 'ccw' | 'half' | 'mirror-x' | 'mirror-y' | 'transpose' | 'antitranspose';

/** The pixel operation each DCT-domain dihedral variant stands for (measured: 0–16 bits apart, the rest 94+). */
export const ORIENTATIONS: readonly (readonly [DihedralName, PixelOp])[] = [
  ['rot90', 'ccw'],
  ['rot180', 'half'],
  ['rot270', 'cw'],
  ['flipx', 'mirror-y'],
  ['flipy', 'mirror-x'],
  ['flipplus1', 'transpose'],
  ['flipminus1', 'antitranspose'],
];

/** `img` turned or mirrored by `op`: a copy. */
export function orient(img: LumaImage, op: PixelOp): LumaImage {
  const { width: w, height: h, luma: src } = img;
  const swap = op === 'cw' || op === 'ccw' || op === 'transpose' || op === 'antitranspose';
  const W = swap ? h : w,
    H = swap ? w : h;
  const out = new Float32Array(w * h);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // Source pixel of output (x, y).
      let sx: number, sy: number;
      switch (op) {
        case 'cw':
          sx = y;
          sy = h - 1 - x;
          break;
        case 'ccw':
          sx = w - 1 - y;
          sy = x;
          break;
        case 'half':
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;
        case 'mirror-x':
          sx = w - 1 - x;
          sy = y;
          break; // left-right
        case 'mirror-y':
          sx = x;
          sy = h - 1 - y;
          break; // top-bottom
        case 'transpose':
          sx = y;
          sy = x;
          break;
        case 'antitranspose':
          sx = w - 1 - y;
          sy = h - 1 - x;
          break;
      }
      out[y * W + x] = src[sy * w + sx]!;
    }
  }
  return { luma: out, width: W, height: H };
}
