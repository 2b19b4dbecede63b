// Programmatic test images (gradients, shapes, text, noise): never photographs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export function tempDir(prefix = 'vigil-pdq-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An SVG scene of gradients, shapes and text; `seed` varies the layout. */
function sceneSvg(width: number, height: number, seed: number): string {
  let s = seed * 7919 + 17;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const shapes: string[] = [];
  for (let i = 0; i < 12; i++) {
    const x = Math.round(rnd() * width);
    const y = Math.round(rnd() * height);
    const r = Math.round(20 + rnd() * width * 0.15);
    const hue = Math.round(rnd() * 360);
    shapes.push(
      rnd() < 0.5
        ? `<circle cx="${x}" cy="${y}" r="${r}" fill="hsl(${hue},70%,50%)"/>`
        : `<rect x="${x}" y="${y}" width="${r * 2}" height="${r}" fill="hsl(${hue},60%,40%)" transform="rotate(${Math.round(rnd() * 90)} ${x} ${y})"/>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${(seed * 37) % 360},80%,80%)"/><stop offset="1" stop-color="hsl(${(seed * 37 + 180) % 360},60%,20%)"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}
<text x="${width * 0.1}" y="${height * 0.6}" font-size="${Math.round(height / 6)}" fill="white">Vigil ${seed}</text></svg>`;
}

export async function sceneJpeg(width: number, height: number, seed: number, quality = 90): Promise<Buffer> {
  return sharp(Buffer.from(sceneSvg(width, height, seed)))
    .jpeg({ quality })
    .toBuffer();
}

export async function scenePng(width: number, height: number, seed: number): Promise<Buffer> {
  return sharp(Buffer.from(sceneSvg(width, height, seed)))
    .png()
    .toBuffer();
}
