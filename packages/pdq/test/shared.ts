// Locating the shared conformance data and reading its expected-value table.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHARED = process.env.VIGIL_SHARED ?? resolve(repoRoot, '../shared');
export const PDQ_DIR = resolve(SHARED, 'conformance/pdq');
export const IMAGES = resolve(PDQ_DIR, 'images');

export interface ExpectedRow {
  file: string;
  width: number;
  height: number;
  quality: number;
  pdq: string;
  dihedral: Record<string, string>;
}

export function readExpected(name = 'fullres-cpp-reference.csv'): ExpectedRow[] {
  const [header, ...lines] = readFileSync(resolve(PDQ_DIR, 'expected', name), 'utf8').trim().split('\n');
  const cols = header!.split(',');
  return lines.map((line) => {
    const v = line.split(',');
    const get = (c: string) => v[cols.indexOf(c)]!;
    const dihedral: Record<string, string> = {};
    for (const c of cols.slice(5)) dihedral[c] = get(c);
    return { file: get('file'), width: Number(get('width')), height: Number(get('height')), quality: Number(get('quality')), pdq: get('pdq'), dihedral };
  });
}
