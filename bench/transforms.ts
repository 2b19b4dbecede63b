// Writes the robustness transform set: generated originals (benign: gradients, shapes, text, noise,
// tiles, plasma, landscape renders), a hash list of them, and every transform of each.
//   npx tsx bench/transforms.ts <dir> [originals=20]
// → <dir>/originals/<i>.png, <dir>/list.csv (signal_type,signal,external_id = i),
//   <dir>/transformed/<transform>/<i>.jpg. Then: vigil bank import LIST <dir>/list.csv --create block;
//   vigil match --robust <dir>/transformed
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashImageFile } from '../packages/pdq/src/index.ts';
import { generate, nth } from '../packages/pdq/test/generated.ts';
import { transformSet, type Transform } from '../packages/pdq/test/transforms.ts';

/** Originals are the generated sequence's images with PDQ quality ≥ 50 (upstream's floor for listing a hash). */
export async function writeTransformSet(
  dir: string,
  originals = 20,
  size: [number, number] = [640, 480],
): Promise<{ list: string; originals: number; transforms: Transform[] }> {
  const transforms = transformSet();
  mkdirSync(join(dir, 'originals'), { recursive: true });
  for (const t of transforms) mkdirSync(join(dir, 'transformed', t.name), { recursive: true });
  const rows = ['signal_type,signal,external_id'];
  for (let i = 0, n = 0; n < originals; i++) {
    const { kind, seed } = nth(i);
    const png = await generate(kind, seed, size[0], size[1]);
    const h = await hashImageFile(png);
    if (h.quality < 50) continue;
    writeFileSync(join(dir, 'originals', `${n}.png`), png);
    rows.push(`pdq,${h.pdq},${n}`);
    for (const t of transforms) writeFileSync(join(dir, 'transformed', t.name, `${n}.jpg`), await t.apply(png, n));
    n++;
  }
  const list = join(dir, 'list.csv');
  writeFileSync(list, rows.join('\n') + '\n');
  return { list, originals, transforms };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: npx tsx bench/transforms.ts <dir> [originals=20]');
    process.exit(2);
  }
  const r = await writeTransformSet(resolve(dir), Number(process.argv[3] ?? 20));
  console.log(`${r.originals} originals × ${r.transforms.length} transforms in ${resolve(dir)}; list: ${r.list}`);
}
