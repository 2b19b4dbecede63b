// The PDQ conformance data vendored with the tests (fixtures/conformance/README.md says where each file came
// from) and its expected-value table.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PDQ_DIR = fileURLToPath(new URL('./fixtures/conformance/', import.meta.url));
export const IMAGES = resolve(PDQ_DIR, 'images');
/** The bridge photo and its edited copies (blur, shrink, squares), used by the CLI and server tests. */
export const BRIDGE_MODS = resolve(IMAGES, 'pdq-data/bridge-mods');

export interface ExpectedRow {
  file: string;
  width: number;
  height: number;
  quality: number;
  pdq: string;
  dihedral: Record<string, string>;
}

export function readExpected(name = 'fullres-cpp-reference.csv'): ExpectedRow[] {
  const [header, ...lines] = readFileSync(resolve(PDQ_DIR, 'expected', name), 'utf8')
    .trim()
    .split('\n');
  const cols = header!.split(',');
  return lines.map((line) => {
    const v = line.split(',');
    const get = (c: string) => v[cols.indexOf(c)]!;
    const dihedral: Record<string, string> = {};
    for (const c of cols.slice(5)) dihedral[c] = get(c);
    const row = {
      file: get('file'),
      width: Number(get('width')),
      height: Number(get('height')),
      quality: Number(get('quality')),
      pdq: get('pdq'),
      dihedral,
    };
    // A table row without its image is a broken checkout, not a skipped test.
    if (!existsSync(resolve(IMAGES, row.file)))
      throw new Error(`conformance image missing: ${resolve(IMAGES, row.file)}`);
    return row;
  });
}
