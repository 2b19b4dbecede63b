// Conformance against Meta's reference C++ at full resolution (test/fixtures/conformance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { decodeLuma, pdqFromLuma, hammingDistance, DIHEDRAL_NAMES } from '../src/index.ts';
import { IMAGES, readExpected } from './shared.ts';

// Where sharp/libvips decodes differently from the reference's CImg + libjpeg/libpng, with the
// distances measured (hash / worst dihedral). Everything else must be bit-exact. See README.
const DECODER_DEPENDENT: Record<string, { maxBits: number; why: string }> = {
  // CImg truncates 16-bit samples to their low byte; we scale (v >> 8). Exact with sixteenBit: 'low-byte'.
  'pytx-resources/I16.png': { maxBits: 256, why: '16-bit grey: CImg keeps the low byte' },
  // libvips converts CMYK to sRGB through a colour profile; CImg uses a plain formula.
  'pdq-data/misc-images/modes/CMYK.jpg': { maxBits: 10, why: 'CMYK conversion differs' },
};

const rows = readExpected();

test('the vendored table covers every decoder case', () => {
  assert.ok(rows.length >= 47, `only ${rows.length} rows`);
  // JPEG (baseline, small, CMYK, EXIF-rotated), PNG modes (1-bit, palette, grey, grey+alpha, RGBA, 16-bit), WebP.
  for (const f of [
    'misc-images/small.jpg',
    'modes/CMYK.jpg',
    'exif-rotn/exif-rotn-6.jpg',
    'modes/1.png',
    'modes/P.png',
    'modes/L.png',
    'modes/LA.png',
    'modes/RGBA.png',
    'pytx-resources/I16.png',
    'modes/PA.webp',
    'modes/LAB.webp',
  ])
    assert.ok(
      rows.some((r) => r.file.endsWith(f)),
      `no conformance row for ${f}`,
    );
});

for (const row of rows) {
  test(`PDQ ${row.file}`, async () => {
    const dec = await decodeLuma(resolve(IMAGES, row.file));
    assert.equal(dec.originalWidth, row.width);
    assert.equal(dec.originalHeight, row.height);
    const r = pdqFromLuma(dec.luma, dec.width, dec.height, { dihedrals: true });
    const exception = DECODER_DEPENDENT[row.file];
    if (exception) {
      assert.ok(hammingDistance(r.hash, row.pdq) <= exception.maxBits, exception.why);
      return;
    }
    assert.equal(r.hash, row.pdq);
    assert.equal(r.quality, row.quality);
    for (const name of DIHEDRAL_NAMES) assert.equal(r.dihedrals[name], row.dihedral[name], name);
  });
}

test('16-bit low-byte policy reproduces the reference (CImg) value for I16.png', async () => {
  const row = rows.find((r) => r.file === 'pytx-resources/I16.png')!;
  const dec = await decodeLuma(resolve(IMAGES, row.file), { sixteenBit: 'low-byte' });
  const r = pdqFromLuma(dec.luma, dec.width, dec.height, { dihedrals: true });
  assert.equal(r.hash, row.pdq);
  assert.equal(r.quality, row.quality);
  for (const name of DIHEDRAL_NAMES) assert.equal(r.dihedrals[name], row.dihedral[name], name);
});
