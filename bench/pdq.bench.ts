// PDQ speed and fast-mode accuracy, measured on the same images: generated photograph-like and
// mixed JPEGs at 1024×768 and 2048×1536 (quality 85), decode + PDQ on one core, reference-exact and
// fast mode; fast mode's distance to the reference per image; and fast mode on the conformance
// images against the reference table. Run: npm run bench pdq
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { decodeLuma, pdqOfDecoded, hammingDistance } from '../packages/pdq/src/index.ts';
import { generate, KINDS } from '../packages/pdq/test/generated.ts';
import { IMAGES, readExpected } from '../packages/pdq/test/shared.ts';

sharp.concurrency(1); // one libvips thread: figures are per core
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${new Date().toISOString().slice(0, 10)}`,
);
for (const [w, h, n] of [
  [1024, 768, 80],
  [2048, 1536, 24],
] as const) {
  // Half photograph-like renders, half the other kinds in turn.
  const jpgs: Buffer[] = [];
  for (let i = 0; i < n; i++)
    jpgs.push(
      await sharp(await generate(i % 2 ? 'photo' : KINDS[(i >> 1) % KINDS.length]!, 9000 + i, w, h))
        .jpeg({ quality: 85 })
        .toBuffer(),
    );
  const hashAll = async (fast: boolean) => {
    const out: string[] = [];
    const t0 = performance.now();
    for (const j of jpgs) out.push(pdqOfDecoded(await decodeLuma(j, { fast }), { fast }).hash);
    return { ms: (performance.now() - t0) / n, out };
  };
  await hashAll(false); // warm-up (JIT, libvips caches)
  await hashAll(true);
  const ref: number[] = [],
    fast: number[] = [];
  let refHashes: string[] = [],
    fastHashes: string[] = [];
  for (let k = 0; k < 3; k++) {
    const r = await hashAll(false),
      f = await hashAll(true);
    ref.push(r.ms);
    fast.push(f.ms);
    refHashes = r.out;
    fastHashes = f.out;
  }
  const d = refHashes.map((x, i) => hammingDistance(x, fastHashes[i]!)).sort((a, b) => a - b);
  console.log(
    `${w}×${h}, ${n} JPEGs: reference ${med(ref).toFixed(1)} ms/image (${(1000 / med(ref)).toFixed(1)}/s), fast ${med(fast).toFixed(1)} ms/image (${(1000 / med(fast)).toFixed(1)}/s) = ${(med(ref) / med(fast)).toFixed(2)}× (runs ref ${ref.map((x) => x.toFixed(1)).join(', ')}; fast ${fast.map((x) => x.toFixed(1)).join(', ')})`,
  );
  console.log(
    `  fast vs reference on these images: median ${med(d)} bits, max ${d.at(-1)} bits; histogram ${[...new Set(d)].map((v) => `${v}:${d.filter((x) => x === v).length}`).join(' ')}`,
  );
}

const skip = new Set(['pytx-resources/I16.png', 'pdq-data/misc-images/modes/CMYK.jpg']); // decoder-dependent
const rows = readExpected().filter((r) => r.quality >= 80 && !skip.has(r.file));
const dists: number[] = [];
const shrunk: number[] = [];
for (const r of rows) {
  const dec = await decodeLuma(readFileSync(resolve(IMAGES, r.file)), { fast: true });
  const dist = hammingDistance(pdqOfDecoded(dec, { fast: true }).hash, r.pdq);
  dists.push(dist);
  if (dec.width !== dec.originalWidth) shrunk.push(dist);
}
dists.sort((a, b) => a - b);
shrunk.sort((a, b) => a - b);
console.log(
  `fast mode vs the reference table, ${rows.length} conformance images with quality ≥ 80: median ${med(dists)} bits, max ${dists.at(-1)} bits`,
);
console.log(
  `  of which the ${shrunk.length} JPEGs decoded at reduced scale: median ${shrunk.length ? med(shrunk) : '-'} bits, max ${shrunk.at(-1) ?? '-'} bits`,
);
