// Benign generated images for robustness and false-match measurements: gradients, shapes, text,
// noise, tiles, plasma and photograph-like landscape renders. Never photographs, never people.
// Every image is a pure function of (kind, seed, size), so the sets are reproducible.
import sharp from 'sharp';

export const KINDS = ['gradient', 'shapes', 'text', 'noise', 'tiles', 'plasma', 'photo'] as const;
export type Kind = (typeof KINDS)[number];

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = (seed * 2654435761) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

function hslChannel(n: number, h: number, a: number, l: number): number {
  const k = (n + h / 30) % 12;
  return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  return [hslChannel(0, h, a, l), hslChannel(8, h, a, l), hslChannel(4, h, a, l)];
}

/** Smooth value noise: a random grid of `cells` across, bilinear with smoothstep, in [0, 1]. */
function valueNoise(r: () => number, cells: number): (x: number, y: number) => number {
  const n = cells + 2;
  const g = Float64Array.from({ length: n * n }, () => r());
  return (x, y) => {
    const fx = x * cells,
      fy = y * cells;
    const ix = Math.floor(fx),
      iy = Math.floor(fy);
    const tx = fx - ix,
      ty = fy - iy;
    const sx = tx * tx * (3 - 2 * tx),
      sy = ty * ty * (3 - 2 * ty);
    // Inline indexing: a closure per call is slow under tsx (its name helper runs on every creation).
    const x0 = Math.min(n - 1, ix),
      x1 = Math.min(n - 1, ix + 1),
      y0 = Math.min(n - 1, iy) * n,
      y1 = Math.min(n - 1, iy + 1) * n;
    const a = g[y0 + x0]! + (g[y0 + x1]! - g[y0 + x0]!) * sx;
    const b = g[y1 + x0]! + (g[y1 + x1]! - g[y1 + x0]!) * sx;
    return a + (b - a) * sy;
  };
}

function fbm(r: () => number, base: number, octaves: number): (x: number, y: number) => number {
  const layers = Array.from({ length: octaves }, (_, o) => valueNoise(r, base << o));
  return (x, y) => {
    let v = 0,
      amp = 1,
      tot = 0;
    for (const l of layers) {
      v += amp * l(x, y);
      tot += amp;
      amp *= 0.5;
    }
    return v / tot;
  };
}

function rawImage(w: number, h: number, px: (x: number, y: number) => [number, number, number]): Buffer {
  const out = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [R, G, B] = px(x / w, y / h);
      const k = (y * w + x) * 3;
      out[k] = clamp(R);
      out[k + 1] = clamp(G);
      out[k + 2] = clamp(B);
    }
  }
  return out;
}

const WORDS = [
  'harbour',
  'maple',
  'quartz',
  'lantern',
  'orbit',
  'meadow',
  'cobalt',
  'willow',
  'ember',
  'tundra',
  'saffron',
  'glacier',
  'pixel',
  'cedar',
  'violet',
  'comet',
  'delta',
  'nimbus',
  'ferry',
  'prairie',
];

function svgFor(kind: 'shapes' | 'text', seed: number, w: number, h: number): string {
  const r = rng(seed * 31 + (kind === 'shapes' ? 1 : 2));
  const bg1 = hsl(r() * 360, 0.3 + r() * 0.6, 0.2 + r() * 0.6)
    .map(Math.round)
    .join(',');
  const bg2 = hsl(r() * 360, 0.3 + r() * 0.6, 0.2 + r() * 0.6)
    .map(Math.round)
    .join(',');
  const parts: string[] = [];
  if (kind === 'shapes') {
    const n = 6 + Math.floor(r() * 14);
    for (let i = 0; i < n; i++) {
      const x = r() * w,
        y = r() * h,
        s = (0.05 + r() * 0.3) * w;
      const fill = `hsl(${Math.round(r() * 360)},${Math.round(30 + r() * 70)}%,${Math.round(15 + r() * 70)}%)`;
      const t = r();
      if (t < 0.35) parts.push(`<circle cx="${x}" cy="${y}" r="${s / 2}" fill="${fill}"/>`);
      else if (t < 0.7)
        parts.push(
          `<rect x="${x - s / 2}" y="${y - s / 3}" width="${s}" height="${s * (0.3 + r())}" fill="${fill}" transform="rotate(${Math.round(r() * 180)} ${x} ${y})"/>`,
        );
      else {
        const pts = Array.from(
          { length: 3 + Math.floor(r() * 4) },
          () => `${x + (r() - 0.5) * s * 2},${y + (r() - 0.5) * s * 2}`,
        ).join(' ');
        parts.push(`<polygon points="${pts}" fill="${fill}"/>`);
      }
    }
  } else {
    const n = 3 + Math.floor(r() * 8);
    for (let i = 0; i < n; i++) {
      const words = Array.from({ length: 1 + Math.floor(r() * 3) }, () => WORDS[Math.floor(r() * WORDS.length)]).join(
        ' ',
      );
      const size = Math.round(h * (0.06 + r() * 0.2));
      const fill = `hsl(${Math.round(r() * 360)},${Math.round(40 + r() * 60)}%,${Math.round(r() < 0.5 ? 8 + r() * 20 : 70 + r() * 25)}%)`;
      parts.push(
        `<text x="${Math.round(r() * w * 0.6)}" y="${Math.round(size + r() * (h - size))}" font-family="sans-serif" font-weight="${r() < 0.5 ? 'bold' : 'normal'}" font-size="${size}" fill="${fill}">${words} ${seed % 1000}</text>`,
      );
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="${r().toFixed(2)}" y1="0" x2="${r().toFixed(2)}" y2="1"><stop offset="0" stop-color="rgb(${bg1})"/><stop offset="1" stop-color="rgb(${bg2})"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${parts.join('')}</svg>`;
}

function pixelsFor(kind: Exclude<Kind, 'shapes' | 'text'>, seed: number, w: number, h: number): Buffer {
  const r = rng(seed * 31 + KINDS.indexOf(kind) + 7);
  switch (kind) {
    case 'gradient': {
      // A multi-stop gradient at a random angle with a few soft radial blobs, so gradients differ in structure, not just colour.
      const ang = r() * Math.PI * 2,
        ca = Math.cos(ang),
        sa = Math.sin(ang);
      const stops = Array.from({ length: 2 + Math.floor(r() * 3) }, () =>
        hsl(r() * 360, 0.3 + r() * 0.7, 0.15 + r() * 0.7),
      );
      const blobs = Array.from({ length: 2 + Math.floor(r() * 3) }, () => ({
        x: r(),
        y: r(),
        s: 0.08 + r() * 0.3,
        a: (r() - 0.5) * 300,
        c: r() * 3,
      }));
      return rawImage(w, h, (x, y) => {
        let t = ((x - 0.5) * ca + (y - 0.5) * sa) / 1.42 + 0.5;
        t = Math.max(0, Math.min(0.9999, t)) * (stops.length - 1);
        const i = Math.floor(t),
          f = t - i;
        const a = stops[i]!,
          b = stops[i + 1]!;
        const px: [number, number, number] = [
          a[0] + (b[0] - a[0]) * f,
          a[1] + (b[1] - a[1]) * f,
          a[2] + (b[2] - a[2]) * f,
        ];
        for (const bl of blobs) {
          const d = Math.exp(-((x - bl.x) ** 2 + (y - bl.y) ** 2) / (bl.s * bl.s));
          px[Math.floor(bl.c)] += bl.a * d;
          px[(Math.floor(bl.c) + 1) % 3] += bl.a * d * 0.5;
        }
        return px;
      });
    }
    case 'noise': {
      const n = fbm(r, 2 + Math.floor(r() * 6), 4);
      const m = fbm(r, 3 + Math.floor(r() * 5), 3);
      const h0 = r() * 360,
        h1 = r() * 360;
      const c0 = hsl(h0, 0.7, 0.2),
        c1 = hsl(h1, 0.8, 0.75);
      return rawImage(w, h, (x, y) => {
        const t = n(x, y),
          u = m(x, y);
        return [c0[0] + (c1[0] - c0[0]) * t + 60 * (u - 0.5), c0[1] + (c1[1] - c0[1]) * t, c0[2] + (c1[2] - c0[2]) * u];
      });
    }
    case 'tiles': {
      const cols = 3 + Math.floor(r() * 10),
        rows = 2 + Math.floor(r() * 8);
      const colours = Array.from({ length: cols * rows }, () => hsl(r() * 360, r(), 0.1 + r() * 0.8));
      const skew = (r() - 0.5) * 0.6,
        grout = r() * 0.15;
      return rawImage(w, h, (x, y) => {
        const xs = (x + skew * y) * cols,
          ys = y * rows;
        const i = ((Math.floor(xs) % cols) + cols) % cols,
          j = Math.floor(ys);
        if (xs - Math.floor(xs) < grout || ys - j < grout) return [235, 235, 225];
        return colours[j * cols + i]!;
      });
    }
    case 'plasma': {
      const waves = Array.from({ length: 3 + Math.floor(r() * 4) }, () => ({
        fx: (r() - 0.5) * 14,
        fy: (r() - 0.5) * 14,
        p: r() * 6.28,
        a: 0.5 + r(),
      }));
      const hue = r() * 360,
        spread = 60 + r() * 240;
      return rawImage(w, h, (x, y) => {
        let v = 0;
        for (const wv of waves) v += wv.a * Math.sin(wv.fx * x + wv.fy * y + wv.p + Math.sin(wv.fy * x * 0.7));
        const t = 0.5 + 0.5 * Math.tanh(v * 0.6);
        return hsl((hue + spread * t) % 360, 0.65, 0.15 + 0.7 * t);
      });
    }
    case 'photo': {
      // A landscape render: sky gradient, sun, layered hills with fractal ridges, textured ground, grain.
      const skyTop = hsl(190 + r() * 40, 0.5 + r() * 0.4, 0.35 + r() * 0.2),
        skyLow = hsl(20 + r() * 40, 0.4 + r() * 0.5, 0.7 + r() * 0.2);
      const sun = { x: r(), y: 0.1 + r() * 0.35, s: 0.03 + r() * 0.06 };
      const clouds = fbm(r, 3 + Math.floor(r() * 4), 4);
      const layers = Array.from({ length: 2 + Math.floor(r() * 3) }, (_, i) => ({
        base: 0.35 + i * 0.12 + r() * 0.1,
        amp: 0.05 + r() * 0.15,
        ridge: fbm(r, 2 + Math.floor(r() * 4), 5),
        colour: hsl(80 + r() * 80, 0.3 + r() * 0.4, 0.45 - i * 0.1),
      }));
      const tex = fbm(r, 16 + Math.floor(r() * 16), 3);
      const grain = rng(seed * 7 + 3);
      // Ridge heights depend on x only: computed once per column.
      const tops = layers.map((l) =>
        Float64Array.from({ length: w }, (_, xi) => l.base + l.amp * (l.ridge(xi / w, 0.5) - 0.5) * 2),
      );
      return rawImage(w, h, (x, y) => {
        const xi = Math.min(w - 1, Math.round(x * w));
        let front = -1;
        for (let i = 0; i < layers.length; i++) if (y > tops[i]![xi]!) front = i;
        let px: [number, number, number];
        if (front >= 0) {
          const l = layers[front]!;
          const t = tex(x, y) - 0.5,
            shade = 1 - (y - tops[front]![xi]!) * 0.5;
          px = [l.colour[0] * shade + 60 * t, l.colour[1] * shade + 60 * t, l.colour[2] * shade + 40 * t];
        } else {
          px = [
            skyTop[0] + (skyLow[0] - skyTop[0]) * y,
            skyTop[1] + (skyLow[1] - skyTop[1]) * y,
            skyTop[2] + (skyLow[2] - skyTop[2]) * y,
          ];
          const c = clouds(x, y * 2) - 0.55;
          if (c > 0) for (let k = 0; k < 3; k++) px[k] = px[k]! + (255 - px[k]!) * Math.min(1, c * 3);
          const d = Math.hypot((x - sun.x) * (w / h), y - sun.y);
          if (d < sun.s) px = [255, 245, 210];
          else for (let k = 0; k < 3; k++) px[k] = px[k]! + 80 * Math.exp(-((d - sun.s) ** 2) * 60);
        }
        const g = (grain() - 0.5) * 12;
        return [px[0] + g, px[1] + g, px[2] + g];
      });
    }
  }
}

/** One generated image as a sharp pipeline input: PNG bytes (lossless). */
export async function generate(kind: Kind, seed: number, w = 640, h = 480): Promise<Buffer> {
  if (kind === 'shapes' || kind === 'text')
    return sharp(Buffer.from(svgFor(kind, seed, w, h)))
      .png()
      .toBuffer();
  return sharp(pixelsFor(kind, seed, w, h), { raw: { width: w, height: h, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** The i-th image of a set cycling through every kind: kind i mod 7, seed i. */
export function nth(i: number): { kind: Kind; seed: number } {
  return { kind: KINDS[i % KINDS.length]!, seed: 1000 + i };
}
