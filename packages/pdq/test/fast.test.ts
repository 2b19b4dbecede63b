// Fast mode's accuracy on large generated images (photograph-like renders and the other kinds with
// PDQ quality ≥ 50): median ≤ 2 and max ≤ 8 bits from the reference-exact hash of the same file.
// Speed is measured in bench/pdq.bench.ts, never asserted here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodeLuma, hashImageFile, hammingDistance, pdqOfDecoded, jpegShrinkFactor } from '../src/index.ts';
import { generate, KINDS } from './generated.ts';

test('JPEG scale in fast mode: the largest of 8, 4, 2 keeping the shorter side ≥ 384', () => {
  assert.equal(jpegShrinkFactor(1024, 768, 384), 2);
  assert.equal(jpegShrinkFactor(2048, 1536, 384), 4);
  assert.equal(jpegShrinkFactor(4000, 3000, 384), 4);
  assert.equal(jpegShrinkFactor(6000, 4000, 384), 8);
  assert.equal(jpegShrinkFactor(700, 500, 384), 1);
});

test(
  'fast mode on large JPEGs: decoded at reduced scale, median ≤ 2 and max ≤ 8 bits from the reference',
  { timeout: 600_000 },
  async () => {
    const dists: number[] = [];
    for (const [w, h, n] of [
      [1024, 768, 10],
      [2048, 1536, 3],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const kind = i % 2 ? 'photo' : KINDS.filter((k) => k !== 'gradient')[(i >> 1) % 6]!;
        const jpg = await sharp(await generate(kind, 300 + i, w, h))
          .jpeg({ quality: 85 })
          .toBuffer();
        const ref = await hashImageFile(jpg, { dihedral: true });
        if (ref.quality < 50) continue;
        const dec = await decodeLuma(jpg, { fast: true });
        assert.equal(dec.width, w / jpegShrinkFactor(w, h, 384), 'libjpeg decoded at reduced scale');
        assert.deepEqual([dec.originalWidth, dec.originalHeight], [w, h]);
        const fast = await hashImageFile(jpg, { fast: true, dihedral: true });
        assert.equal(fast.width, w);
        assert.equal(pdqOfDecoded(dec, { fast: true }).hash, fast.pdq);
        dists.push(hammingDistance(fast.pdq, ref.pdq));
        // The dihedrals come from the same coefficients, so they are as close.
        assert.ok(hammingDistance(fast.dihedral!.flipy, ref.dihedral!.flipy) <= 12);
      }
    }
    dists.sort((a, b) => a - b);
    assert.ok(dists.length >= 10, `${dists.length} images with quality ≥ 50`);
    assert.ok(dists[dists.length >> 1]! <= 2, `median ${dists[dists.length >> 1]} (${dists.join(' ')})`);
    assert.ok(dists.at(-1)! <= 8, `max ${dists.at(-1)} (${dists.join(' ')})`);
  },
);

test('fast mode on a grey JPEG and on a PNG (full-size decode, the same operator)', async () => {
  const png = await generate('photo', 77, 900, 700);
  const grey = await sharp(png).greyscale().jpeg({ quality: 90 }).toBuffer();
  for (const img of [grey, png]) {
    const ref = await hashImageFile(img);
    const fast = await hashImageFile(img, { fast: true });
    assert.ok(hammingDistance(ref.pdq, fast.pdq) <= 8, `${hammingDistance(ref.pdq, fast.pdq)} bits`);
  }
});
