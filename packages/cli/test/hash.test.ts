// `vigil hash`: the output format other tools depend on, checked against Meta's reference hashes.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { PDQ_DIR } from '../../pdq/test/shared.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const CONF = PDQ_DIR;
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'hash', ...args], { encoding: 'utf8' });

const reference = new Map<string, Record<string, string>>();
for (const line of readFileSync(join(CONF, 'expected/fullres-cpp-reference.csv'), 'utf8').trim().split('\n').slice(1)) {
  const [file, , , quality, pdq, rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1] = line.split(',');
  reference.set(file!, {
    quality: quality!,
    pdq: pdq!,
    rot90: rot90!,
    rot180: rot180!,
    rot270: rot270!,
    flipx: flipx!,
    flipy: flipy!,
    flipplus1: flipplus1!,
    flipminus1: flipminus1!,
  });
}

describe('vigil hash', () => {
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-hash-'));
    for (const f of ['aaa-orig.jpg', 'blur-a-lot.jpg'])
      copyFileSync(join(CONF, 'images/pdq-data/bridge-mods', f), join(dir, f));
    writeFileSync(join(dir, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    // A generated gradient PNG and a 3-second video made from it by ffmpeg.
    const w = 320,
      h = 240,
      px = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set([x % 256, y % 256, (x * y) % 256], (y * w + x) * 3);
    await sharp(px, { raw: { width: w, height: h, channels: 3 } })
      .png()
      .toFile(join(dir, 'gradient.png'));
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-loop',
      '1',
      '-i',
      join(dir, 'gradient.png'),
      '-t',
      '3',
      '-r',
      '10',
      '-vf',
      'scroll=horizontal=0.02',
      '-pix_fmt',
      'yuv420p',
      '-y',
      join(dir, 'clip.mp4'),
    ]);
  });

  it('prints one JSON line per file with --jsonl, equal to the reference, and keeps going past bad files', () => {
    const r = run('--jsonl', dir, join(dir, 'missing.jpg'));
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.file.split('/').pop()),
      ['aaa-orig.jpg', 'blur-a-lot.jpg', 'broken.jpg', 'clip.mp4', 'gradient.png', 'missing.jpg'],
    );
    const orig = lines[0];
    assert.deepEqual(Object.keys(orig), ['file', 'pdq', 'quality', 'md5', 'sha256']);
    assert.equal(orig.pdq, reference.get('pdq-data/bridge-mods/aaa-orig.jpg')!.pdq);
    assert.equal(orig.quality, Number(reference.get('pdq-data/bridge-mods/aaa-orig.jpg')!.quality));
    assert.match(orig.md5, /^[0-9a-f]{32}$/);
    assert.match(orig.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(lines[2]), ['file', 'error']);
    assert.match(lines[2].error, /corrupt|truncated|unsupported|damaged/i);
    assert.deepEqual(Object.keys(lines[5]), ['file', 'error']);
    const video = lines[3];
    assert.ok(Array.isArray(video.vpdq) && video.vpdq.length >= 2, 'one hash per second of video');
    for (const f of video.vpdq) assert.match(f.pdq, /^[0-9a-f]{64}$/);
    assert.match(r.stderr, /2 of 6 file\(s\) could not be hashed/);
  });

  it('adds the seven dihedral variants with --dihedral', () => {
    const r = run('--jsonl', '--dihedral', join(dir, 'blur-a-lot.jpg'));
    const line = JSON.parse(r.stdout);
    const ref = reference.get('pdq-data/bridge-mods/blur-a-lot.jpg')!;
    assert.deepEqual(Object.keys(line.dihedral), [
      'rot90',
      'rot180',
      'rot270',
      'flipx',
      'flipy',
      'flipplus1',
      'flipminus1',
    ]);
    for (const k of Object.keys(line.dihedral)) assert.equal(line.dihedral[k], ref[k], k);
  });

  it('prints indented objects without --jsonl and fails only when asked to', () => {
    const r = run(join(dir, 'gradient.png'), join(dir, 'broken.jpg'));
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\{\n {2}"file": /);
    const objects = r.stdout
      .trim()
      .split(/\n(?=\{)/)
      .map((s) => JSON.parse(s));
    assert.equal(objects.length, 2);
    assert.equal(run('--fail-on-error', join(dir, 'broken.jpg')).status, 1);
  });
});
