// File-level API: hashes, exact digests, decoder policy and errors, helpers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import {
  hashImageFile,
  hammingDistance,
  hexToBytes,
  bytesToHex,
  dihedralNames,
  DIHEDRAL_NAMES,
  exactHashes,
  isVideo,
  ImageDecodeError,
  pdqFromLuma,
  lumaFromPixels,
  jaroszWindowSize,
  isPdqHex,
} from '../src/index.ts';
import * as core from '../src/core.ts';
import { IMAGES, PDQ_DIR, readExpected } from './shared.ts';
import { sceneJpeg, scenePng, tempDir } from './helpers.ts';

const tmp = tempDir();
after(() => tmp.cleanup());

test('hashImageFile on a conformance image: pdq, quality, md5, sha256, dihedrals', async () => {
  const row = readExpected().find((r) => r.file === 'pdq-data/bridge-mods/aaa-orig.jpg')!;
  const path = resolve(IMAGES, row.file);
  const bytes = readFileSync(path);
  const r = await hashImageFile(path, { dihedral: true });
  assert.equal(r.pdq, row.pdq);
  assert.equal(r.quality, row.quality);
  assert.equal(r.md5, createHash('md5').update(bytes).digest('hex'));
  assert.equal(r.md5.slice(0, 8), 'd35c7855'); // README: the shared duplicate's md5
  assert.equal(r.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.deepEqual(Object.keys(r.dihedral!), [...DIHEDRAL_NAMES]);
  assert.equal(r.dihedral!.rot90, row.dihedral.rot90);
  const fromBuffer = await hashImageFile(bytes);
  assert.equal(fromBuffer.pdq, r.pdq);
  assert.equal(fromBuffer.dihedral, undefined);
});

test('exactHashes streams files and hashes buffers identically', async () => {
  const p = join(tmp.dir, 'blob.bin');
  const data = Buffer.alloc(3 << 20, 7);
  writeFileSync(p, data);
  assert.deepEqual(await exactHashes(p), await exactHashes(data));
  assert.equal(
    (await exactHashes(Buffer.alloc(0))).sha256,
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
});

test('dihedral names as the CLI prints them', () => {
  assert.deepEqual(dihedralNames(), ['rot90', 'rot180', 'rot270', 'flipx', 'flipy', 'flipplus1', 'flipminus1']);
});

test('hex helpers and Hamming distance', () => {
  const a = '0'.repeat(64);
  const b = 'f'.repeat(64);
  assert.equal(hammingDistance(a, b), 256);
  assert.equal(hammingDistance(a, '0'.repeat(63) + '3'), 2);
  assert.equal(hammingDistance(hexToBytes(b), a), 256);
  assert.equal(bytesToHex(hexToBytes('0123456789abcdef'.repeat(4))), '0123456789abcdef'.repeat(4));
  assert.equal(hexToBytes('8' + '0'.repeat(63))[0], 0x80);
  assert.throws(() => hexToBytes('xyz'), TypeError);
  assert.ok(!isPdqHex('abc'));
});

test('shared hash lists parse and round-trip', () => {
  for (const name of ['needles.txt', 'haystack.txt']) {
    const lines = readFileSync(resolve(PDQ_DIR, 'hashlists', name), 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/[\s,]/)[0]!)
      .filter(Boolean);
    assert.ok(lines.length >= 100);
    for (const h of lines) {
      assert.ok(isPdqHex(h), h);
      assert.equal(bytesToHex(hexToBytes(h)), h.toLowerCase());
      assert.equal(hammingDistance(h, h), 0);
    }
  }
});

test('the browser entry exposes the pure core', () => {
  const w = 40;
  const h = 30;
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set([(i * 7) & 255, (i * 3) & 255, i & 255, 255], i * 4);
  const fromCanvas = core.pdqFromLuma(core.lumaFromImageData({ data: rgba, width: w, height: h }), w, h);
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) rgb.set(rgba.subarray(i * 4, i * 4 + 3), i * 3);
  assert.equal(fromCanvas.hash, pdqFromLuma(lumaFromPixels(rgb, w, h, 3), w, h).hash);
  assert.equal(jaroszWindowSize(1024, 64), 8);
  assert.equal(jaroszWindowSize(1025, 64), 9);
});

test('tiny and flat images: zero hash below 5 pixels, quality 0 when flat', () => {
  const r = pdqFromLuma(new Float32Array(16), 4, 4, { dihedrals: true });
  assert.equal(r.hash, '0'.repeat(64));
  assert.equal(r.quality, 0);
  assert.equal(r.dihedrals.rot90, '0'.repeat(64));
  assert.equal(pdqFromLuma(new Float32Array(100 * 80).fill(128), 100, 80).quality, 0);
});

test('EXIF orientation is not applied: same pixels, same hash', async () => {
  const jpeg = await sceneJpeg(320, 200, 3);
  const rotatedTag = await sharp(jpeg).withMetadata({ orientation: 6 }).jpeg({ quality: 100 }).toBuffer();
  const plain = await sharp(jpeg).jpeg({ quality: 100 }).toBuffer();
  const a = await hashImageFile(plain);
  const b = await hashImageFile(rotatedTag);
  assert.equal(a.width, 320);
  assert.equal(b.width, 320);
  assert.equal(hammingDistance(a.pdq, b.pdq), 0);
});

test('alpha is dropped, not composited; grey+alpha uses the grey channel', async () => {
  const png = await scenePng(200, 150, 5);
  const rgb = await sharp(png).removeAlpha().raw().toBuffer();
  const opaque = await hashImageFile(
    await sharp(rgb, { raw: { width: 200, height: 150, channels: 3 } })
      .png()
      .toBuffer(),
  );
  const halfAlpha = await sharp(rgb, { raw: { width: 200, height: 150, channels: 3 } })
    .joinChannel(Buffer.alloc(200 * 150, 40), { raw: { width: 200, height: 150, channels: 1 } })
    .png()
    .toBuffer();
  assert.equal((await hashImageFile(halfAlpha)).pdq, opaque.pdq);
  const grey = await sharp(png).greyscale().raw().toBuffer();
  const greyPng = await sharp(grey, { raw: { width: 200, height: 150, channels: 1 } })
    .png()
    .toBuffer();
  const greyAlpha = await sharp(grey, { raw: { width: 200, height: 150, channels: 1 } })
    .joinChannel(Buffer.alloc(200 * 150, 9), { raw: { width: 200, height: 150, channels: 1 } })
    .png()
    .toBuffer();
  const direct = pdqFromLuma(Float32Array.from(grey), 200, 150);
  assert.equal((await hashImageFile(greyPng)).pdq, direct.hash);
  assert.equal((await hashImageFile(greyAlpha)).pdq, direct.hash);
});

test('palette and 16-bit PNGs decode', async () => {
  const png = await scenePng(240, 160, 8);
  const ref = await hashImageFile(png);
  const palette = await hashImageFile(await sharp(png).png({ palette: true, colours: 256, dither: 0 }).toBuffer());
  assert.ok(hammingDistance(palette.pdq, ref.pdq) <= 16, `palette ${hammingDistance(palette.pdq, ref.pdq)}`);
  const sixteen = await sharp(png).removeAlpha().toColourspace('rgb16').png().toBuffer();
  assert.equal((await sharp(sixteen).metadata()).depth, 'ushort');
  assert.ok(hammingDistance((await hashImageFile(sixteen)).pdq, ref.pdq) <= 4);
});

test('animated images hash their first frame', async () => {
  const w = 160;
  const h = 120;
  const f1 = await sharp(Buffer.from(await scenePng(w, h, 1)))
    .removeAlpha()
    .raw()
    .toBuffer();
  const f2 = await sharp(Buffer.from(await scenePng(w, h, 2)))
    .removeAlpha()
    .raw()
    .toBuffer();
  const gif = await sharp(Buffer.concat([f1, f2]), {
    raw: { width: w, height: h * 2, channels: 3, pageHeight: h } as never,
  })
    .gif({ delay: [100, 100] })
    .toBuffer();
  const meta = await sharp(gif, { pages: -1 }).metadata();
  assert.equal(meta.pages, 2);
  const first = await hashImageFile(
    await sharp(f1, { raw: { width: w, height: h, channels: 3 } })
      .gif()
      .toBuffer(),
  );
  const anim = await hashImageFile(gif);
  assert.equal(anim.height, h);
  assert.ok(hammingDistance(anim.pdq, first.pdq) <= 8, `distance ${hammingDistance(anim.pdq, first.pdq)}`);
});

async function rejects(input: string | Buffer, code: string, opts = {}) {
  await assert.rejects(hashImageFile(input, opts), (e: unknown) => {
    assert.ok(e instanceof ImageDecodeError, String(e));
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.length > 10);
    return true;
  });
}

test('bad input gives typed errors with clear messages', async () => {
  const jpeg = await sceneJpeg(400, 300, 9);
  const empty = join(tmp.dir, 'empty.jpg');
  writeFileSync(empty, '');
  await rejects(empty, 'EMPTY');
  await rejects(Buffer.alloc(0), 'EMPTY');
  await rejects(join(tmp.dir, 'missing.jpg'), 'NOT_FOUND');
  await rejects(Buffer.from('this is plain text, not an image at all'), 'UNSUPPORTED');
  await rejects(jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'CORRUPT');
  const png = await scenePng(300, 200, 4);
  await rejects(png.subarray(0, png.length - 200), 'CORRUPT');
  await rejects(jpeg, 'TOO_LARGE', { maxPixels: 400 * 300 - 1 });
  assert.ok((await hashImageFile(jpeg, { maxPixels: 400 * 300 })).quality > 50);
});

test('decompression bomb: huge declared size is refused before decoding', async () => {
  // An 8200×8000 PNG of one colour (65.6 MP, over the 64 MP default) compresses to a few hundred kilobytes.
  const bomb = await sharp({
    create: { width: 8200, height: 8000, channels: 3, background: { r: 0, g: 0, b: 0 } },
    limitInputPixels: false,
  })
    .png({ compressionLevel: 9 })
    .toBuffer();
  await rejects(bomb, 'TOO_LARGE');
});

test('isVideo sniffs containers, not images', async () => {
  assert.equal(await isVideo(await sceneJpeg(64, 64, 1)), false);
  assert.equal(await isVideo(resolve(IMAGES, 'pdq-data/misc-images/c.png')), false);
  const mp4Head = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.alloc(20)]);
  assert.equal(await isVideo(mp4Head), true);
  const avifHead = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypavif'), Buffer.alloc(20)]);
  assert.equal(await isVideo(avifHead), false);
  assert.equal(await isVideo(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0])), true);
});
