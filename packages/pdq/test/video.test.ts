// vPDQ: videos generated with ffmpeg's lavfi sources and our own rendered images.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  hashVideoFile,
  matchVideoHashes,
  dedupeFeatures,
  isVideo,
  VideoDecodeError,
  exactHashes,
} from '../src/index.ts';
import { scenePng, tempDir } from './helpers.ts';

const tmp = tempDir('vigil-vpdq-');
after(() => tmp.cleanup());
const p = (name: string) => join(tmp.dir, name);
const ff = (...args: string[]) => execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args]);

before(async () => {
  // Source: 8 s of testsrc2 at 640×360, 25 fps.
  ff(
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25:duration=8',
    '-pix_fmt',
    'yuv420p',
    '-crf',
    '18',
    p('src.mp4'),
  );
  ff('-i', p('src.mp4'), '-vf', 'scale=480:270', '-crf', '30', p('smaller.mp4'));
  ff('-i', p('src.mp4'), '-vf', 'scale=1280:720', '-b:v', '800k', p('bigger.mp4'));
  ff(
    '-i',
    p('src.mp4'),
    '-c:v',
    'libvpx-vp9',
    '-b:v',
    '300k',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    p('vp9.webm'),
  );
  // A slideshow of our own rendered scenes, 2 s each.
  for (let i = 0; i < 3; i++) writeFileSync(p(`slide${i}.png`), await scenePng(640, 480, 20 + i));
  ff('-framerate', '1/2', '-i', p('slide%d.png'), '-r', '25', '-pix_fmt', 'yuv420p', p('slides.mp4'));
  // Something unrelated.
  ff('-f', 'lavfi', '-i', 'mandelbrot=size=640x360:rate=25', '-t', '8', '-pix_fmt', 'yuv420p', p('other.mp4'));
  // Audio only, no video stream.
  ff('-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', p('audio.m4a'));
});

test('one hash per second by default, vPDQ frame numbers and timestamps, exact hashes', async () => {
  const v = await hashVideoFile(p('src.mp4'), { dedupeConsecutive: false });
  assert.equal(v.frameRate, 25);
  assert.equal(v.width, 640);
  assert.equal(v.height, 360);
  assert.equal(v.sampledFrames, 8);
  assert.deepEqual(
    v.frames.map((f) => f.index),
    [0, 25, 50, 75, 100, 125, 150, 175],
  );
  assert.deepEqual(
    v.frames.map((f) => f.timestampSec),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  for (const f of v.frames) assert.match(f.pdq, /^[0-9a-f]{64}$/);
  assert.deepEqual({ md5: v.md5, sha256: v.sha256 }, await exactHashes(p('src.mp4')));
  assert.equal(await isVideo(p('src.mp4')), true);
  assert.equal(await isVideo(p('vp9.webm')), true);
});

test('fps is configurable; fps 0 hashes every frame', async () => {
  assert.equal((await hashVideoFile(p('src.mp4'), { fps: 2, dedupeConsecutive: false })).sampledFrames, 17); // every trunc(0.5 × 25) = 12th frame
  const all = await hashVideoFile(p('src.mp4'), { fps: 0, dedupeConsecutive: false });
  assert.equal(all.sampledFrames, 200);
  assert.equal(all.frames[1]!.index, 1);
});

test('re-encoded copies match both ways; an unrelated video does not', async () => {
  const src = await hashVideoFile(p('src.mp4'));
  for (const name of ['smaller.mp4', 'bigger.mp4', 'vp9.webm']) {
    const copy = await hashVideoFile(p(name));
    const m = matchVideoHashes(src.frames, copy.frames);
    assert.ok(m.queryMatchPercent >= 75, `${name}: query ${m.queryMatchPercent}%`);
    assert.ok(m.comparedMatchPercent >= 75, `${name}: compared ${m.comparedMatchPercent}%`);
  }
  const other = await hashVideoFile(p('other.mp4'));
  const m = matchVideoHashes(src.frames, other.frames);
  assert.equal(m.queryMatchPercent, 0);
  assert.equal(m.comparedMatchPercent, 0);
});

test('still frames are deduplicated; the slideshow matches a trimmed copy', async () => {
  const slides = await hashVideoFile(p('slides.mp4'));
  // 6 s of 3 still images: 6 sampled frames, consecutive repeats dropped.
  assert.equal(slides.sampledFrames, 6);
  assert.ok(slides.frames.length <= 4, `kept ${slides.frames.length}`);
  assert.ok(slides.frames.every((f) => f.quality >= 50));
  ff('-i', p('slides.mp4'), '-ss', '2', '-vf', 'scale=320:240', p('slides-trim.mp4'));
  const trimmed = await hashVideoFile(p('slides-trim.mp4'));
  const m = matchVideoHashes(trimmed.frames, slides.frames);
  assert.equal(m.queryMatchPercent, 100); // everything in the clip is in the original
  assert.ok(m.comparedMatchPercent >= 50 && m.comparedMatchPercent < 100, `compared ${m.comparedMatchPercent}`);
});

test('matching follows vPDQ: strict distance, quality filter, global dedupe', () => {
  const z = '0'.repeat(64);
  const d31 = '7fffffff' + '0'.repeat(56); // 31 bits from z
  const d30 = '3fffffff' + '0'.repeat(56);
  assert.equal(matchVideoHashes([{ pdq: z, quality: 100 }], [{ pdq: d31, quality: 100 }]).queryMatchPercent, 0);
  assert.equal(matchVideoHashes([{ pdq: z, quality: 100 }], [{ pdq: d30, quality: 100 }]).queryMatchPercent, 100);
  assert.equal(
    matchVideoHashes([{ pdq: z, quality: 100 }], [{ pdq: d31, quality: 100 }], { distanceThreshold: 32 })
      .queryMatchPercent,
    100,
  );
  const low = matchVideoHashes([{ pdq: z, quality: 49 }], [{ pdq: z, quality: 100 }]);
  assert.deepEqual(low, { queryMatchPercent: 0, comparedMatchPercent: 0, queryFrames: 0, comparedFrames: 1 });
  const f = 'f'.repeat(64);
  const q = [
    { pdq: z, quality: 90 },
    { pdq: f, quality: 90 },
    { pdq: z, quality: 90 },
  ];
  assert.equal(dedupeFeatures(q).length, 2);
  const m = matchVideoHashes(q, [{ pdq: z, quality: 90 }]);
  assert.equal(m.queryMatchPercent, 50);
  assert.equal(m.comparedMatchPercent, 100);
});

async function rejects(path: string, code: string) {
  await assert.rejects(hashVideoFile(path), (e: unknown) => {
    assert.ok(e instanceof VideoDecodeError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test('no video stream, corrupt, empty and missing files give typed errors', async () => {
  await rejects(p('audio.m4a'), 'NO_FRAMES');
  writeFileSync(p('empty.mp4'), '');
  await rejects(p('empty.mp4'), 'EMPTY');
  await rejects(p('missing.mp4'), 'NOT_FOUND');
  writeFileSync(p('garbage.mp4'), Buffer.from('definitely not a video container '.repeat(50)));
  await rejects(p('garbage.mp4'), 'CORRUPT');
});
