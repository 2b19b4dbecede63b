// PDQ speed: decode + hash of 200 generated 1024×768 JPEGs on one core, reference-exact and fast
// mode, plus fast mode's distance to the reference table. Run: npm run bench pdq
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { decodeLuma, PdqHasher, hammingDistance } from '../packages/pdq/src/index.ts';
import { sceneJpeg } from '../packages/pdq/test/helpers.ts';
import { IMAGES, readExpected } from '../packages/pdq/test/shared.ts';

const N = 200;
sharp.concurrency(1); // one libvips thread: figures are per core

const dir = mkdtempSync(join(tmpdir(), 'vigil-pdq-bench-'));
try {
  const files: string[] = [];
  for (let i = 0; i < N; i++) {
    const f = join(dir, `img${i}.jpg`);
    writeFileSync(f, await sceneJpeg(1024, 768, i, 85));
    files.push(f);
  }
  const hasher = new PdqHasher();
  async function run(fast: boolean): Promise<number> {
    const t0 = performance.now();
    for (const f of files) {
      const d = await decodeLuma(readFileSync(f), { fast });
      hasher.hash(d.luma, d.width, d.height);
    }
    return (N * 1000) / (performance.now() - t0);
  }
  await run(false); // warm-up (JIT, libvips caches)
  await run(true);
  const ref: number[] = [];
  const fast: number[] = [];
  for (let k = 0; k < 3; k++) {
    ref.push(await run(false));
    fast.push(await run(true));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

  const skip = new Set(['pytx-resources/I16.png', 'pdq-data/misc-images/modes/CMYK.jpg']); // decoder-dependent
  const rows = readExpected().filter((r) => r.quality >= 80 && !skip.has(r.file));
  const dists: number[] = [];
  const shrunkDists: number[] = [];
  for (const r of rows) {
    const d = await decodeLuma(resolve(IMAGES, r.file), { fast: true });
    const dist = hammingDistance(hasher.hash(d.luma, d.width, d.height).hash, r.pdq);
    dists.push(dist);
    if (d.width !== d.originalWidth) shrunkDists.push(dist);
  }
  dists.sort((a, b) => a - b);
  shrunkDists.sort((a, b) => a - b);

  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${new Date().toISOString().slice(0, 10)}`);
  console.log(`reference-exact decode+hash: ${med(ref).toFixed(1)} images/s (runs: ${ref.map((x) => x.toFixed(1)).join(', ')}; ${N} × 1024×768 JPEG, one core)`);
  console.log(`fast mode decode+hash:       ${med(fast).toFixed(1)} images/s (runs: ${fast.map((x) => x.toFixed(1)).join(', ')})`);
  console.log(`fast mode vs reference on ${rows.length} conformance images with quality ≥ 80: median ${dists[dists.length >> 1]} bits, max ${dists.at(-1)} bits`);
  console.log(`  of which the ${shrunkDists.length} JPEGs actually decoded at reduced scale: median ${shrunkDists[shrunkDists.length >> 1]} bits, max ${shrunkDists.at(-1)} bits`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
