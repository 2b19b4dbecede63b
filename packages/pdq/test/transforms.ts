// The transform set for robustness measurements: the edits images typically go through when
// re-shared (blur, brightness, caption bars, crops, mirroring, greyscale, recompression, resizing,
// rotation), each at several strengths. Applied with sharp to a generated original; output is a
// JPEG at quality 90 unless the transform is itself a JPEG quality.
import sharp, { type Sharp } from 'sharp';

export interface Transform {
  /** The family the table reports: blur, brightness, caption, crop, mirror, … */
  family: string;
  /** Family plus strength, e.g. `crop-8`. */
  name: string;
  apply: (png: Buffer, seed: number) => Promise<Buffer>;
}

const jpeg = (img: Sharp, q = 90) => img.jpeg({ quality: q }).toBuffer();

async function size(png: Buffer) {
  const m = await sharp(png).metadata();
  return { w: m.width!, h: m.height! };
}

const CAPTIONS = [
  'when the ferry is late again',
  'monday morning mood',
  'nobody:',
  'me explaining the plan',
  'this is fine',
  'weekend loading',
];

/** A caption bar of `frac` × height, added above or below the image (the canvas grows, as meme tools do). */
async function caption(
  png: Buffer,
  seed: number,
  where: 'top' | 'bottom',
  frac: number,
  dark = false,
): Promise<Buffer> {
  const { w, h } = await size(png);
  const bar = Math.round(h * frac);
  const text = CAPTIONS[seed % CAPTIONS.length]!;
  const fs = Math.round(Math.min(bar * 0.55, (w / text.length) * 1.7));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${bar}"><rect width="100%" height="100%" fill="${dark ? 'black' : 'white'}"/><text x="50%" y="${Math.round(bar / 2 + fs * 0.35)}" text-anchor="middle" font-family="sans-serif" font-weight="bold" font-size="${fs}" fill="${dark ? 'white' : 'black'}">${text}</text></svg>`;
  const barPng = await sharp(Buffer.from(svg)).png().toBuffer();
  const canvas = sharp({ create: { width: w, height: h + bar, channels: 3, background: dark ? '#000' : '#fff' } });
  return jpeg(
    canvas.composite([
      { input: png, top: where === 'top' ? bar : 0, left: 0 },
      { input: barPng, top: where === 'top' ? 0 : h, left: 0 },
    ]),
  );
}

/** Crop `pct` % of each dimension: centred (half off each side) or all from two sides, keeping the `keep` corner. */
async function crop(png: Buffer, pct: number, keep: 'centre' | 'tl' | 'br'): Promise<Buffer> {
  const { w, h } = await size(png);
  const cw = Math.round(w * (1 - pct / 100)),
    ch = Math.round(h * (1 - pct / 100));
  const [left, top] =
    keep === 'centre'
      ? [Math.round((w - cw) / 2), Math.round((h - ch) / 2)]
      : keep === 'tl'
        ? [0, 0]
        : [w - cw, h - ch];
  return jpeg(sharp(png).extract({ left, top, width: cw, height: ch }));
}

export function transformSet(): Transform[] {
  const t: Transform[] = [];
  const add = (family: string, name: string, apply: Transform['apply']) => t.push({ family, name, apply });
  for (const s of [1.5, 3]) add('blur', `blur-${s}`, (p) => jpeg(sharp(p).blur(s)));
  for (const b of [-30, -20, -10, 10, 20, 30])
    add('brightness', `brightness${b > 0 ? '+' : ''}${b}`, (p) => jpeg(sharp(p).linear(1 + b / 100, 0)));
  for (const where of ['top', 'bottom'] as const)
    for (const f of [12, 25]) add('caption', `caption-${where}-${f}`, (p, s) => caption(p, s, where, f / 100));
  add('caption', 'caption-bottom-18-dark', (p, s) => caption(p, s, 'bottom', 0.18, true));
  // Strengths on and between the uncrop views' guesses (core/views.ts: centred 4, 6, … 16 %, corners
  // 5, 7, 8.5, 10, 12, 13.5, 15 %), so what falls between them shows. Corner crops keep the top-left
  // (all removed from the right and bottom) unless named `-br`.
  for (const c of [5, 7, 8, 10, 12, 15]) add('crop', `crop-${c}`, (p) => crop(p, c, 'centre'));
  for (const c of [5, 7, 10, 12, 15]) add('crop', `crop-corner-${c}`, (p) => crop(p, c, 'tl'));
  add('crop', 'crop-corner-br-10', (p) => crop(p, 10, 'br'));
  add('mirror', 'mirror', (p) => jpeg(sharp(p).flop()));
  add('mirror', 'flip-vertical', (p) => jpeg(sharp(p).flip()));
  add('greyscale', 'greyscale', (p) => jpeg(sharp(p).greyscale()));
  for (const q of [30, 15]) add('jpeg', `jpeg-q${q}`, (p) => sharp(p).jpeg({ quality: q }).toBuffer());
  for (const r of [50, 25])
    add('resize', `resize-${r}`, async (p) => {
      const { w } = await size(p);
      return jpeg(sharp(p).resize(Math.round((w * r) / 100)));
    });
  for (const a of [1, 2, 3, 4, 5, -3])
    add('rotate', `rotate${a > 0 ? '+' : ''}${a}`, (p) => jpeg(sharp(p).rotate(a, { background: '#000' })));
  for (const a of [90, 180, 270]) add('rotate-90s', `rotate-${a}`, (p) => jpeg(sharp(p).rotate(a)));
  // Bars and frames the trimmer should remove.
  add('border', 'letterbox', async (p) => {
    const { h } = await size(p);
    const b = Math.round(h * 0.12);
    return jpeg(sharp(p).extend({ top: b, bottom: b, background: '#000' }));
  });
  add('border', 'frame', async (p) => {
    const { w } = await size(p);
    const b = Math.round(w * 0.05);
    return jpeg(sharp(p).extend({ top: b, bottom: b, left: b, right: b, background: '#fff' }));
  });
  return t;
}
