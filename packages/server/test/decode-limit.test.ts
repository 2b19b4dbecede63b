// Bounded work for media decoding: a process-wide limit on concurrent decodes with a queue (then
// 503 + retry-after), a pixel limit before decoding, a pixel bound on what the PDQ core sees, and
// background jobs that wait for a slot instead of failing. Limits come from config `decode`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { decodeLuma, hashMedia, hammingDistance } from '@vigil/pdq';
import { testApp, apiKey, staffSession, type TestApp } from './helpers.ts';
import { decodeLimiter } from '../src/media/decode-limit.ts';
import { hashRemoteRefs } from '../src/media/remote-hash.ts';
import type { PlatformEvent } from '../src/ingest/events.ts';

function multipart(bytes: Buffer, field = 'file') {
  const boundary = '----vigiltest' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="x.png"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A generated picture (waves, a disc, a block, a gradient) with enough structure for a PDQ quality over 50. */
async function picture(w: number, h: number): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = x / w;
      const v = y / h;
      const i = (y * w + x) * 3;
      const a =
        Math.sin(u * 21 + 1) * Math.cos(v * 15) +
        Math.sin((u + v) * 11) * 0.5 +
        ((u - 0.3) ** 2 + (v - 0.6) ** 2 < 0.04 ? 1 : 0) -
        (u > 0.6 && v < 0.35 ? 0.8 : 0);
      px[i] = Math.max(0, Math.min(255, 128 + 80 * a));
      px[i + 1] = Math.floor(u * 255);
      px[i + 2] = Math.max(0, Math.min(255, 128 - 60 * a));
    }
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

/** Occupies decode slots until released: a stand-in for long decodes that does not depend on speed. */
function holdSlots(n: number) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const held = Array.from({ length: n }, () => decodeLimiter.run(() => gate));
  return { release, done: Promise.all(held) };
}

describe('decode limits', () => {
  let ta: TestApp;
  let key: Record<string, string>;
  let staff: Record<string, string>;
  let img: Buffer;
  let video: Buffer; // 1 s of 1200×900 frames made from a generated picture
  let server: Server;
  let base = '';

  before(async () => {
    ta = await testApp('sqlite', {
      decode: {
        concurrency: 1,
        queue: 1,
        maxPixels: 2_000_000,
        hashPixels: 270_000,
        retryAfterSec: 7,
        timeoutMs: 60_000,
      },
      media: { allowPrivateFetch: true, maxBytes: 2 * 1024 * 1024, timeoutMs: 5000, hashRemote: true, robust: true },
    });
    key = { authorization: `Bearer ${await apiKey(ta, ['read'])}` };
    const lead = await staffSession(ta, 'lead');
    staff = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
    img = await picture(160, 120);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-video-'));
    writeFileSync(join(dir, 'f.png'), await picture(1200, 900));
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-loop',
      '1',
      '-i',
      join(dir, 'f.png'),
      '-t',
      '1',
      '-r',
      '4',
      '-pix_fmt',
      'yuv420p',
      '-y',
      join(dir, 'v.mp4'),
    ]);
    video = readFileSync(join(dir, 'v.mp4'));
    rmSync(dir, { recursive: true, force: true });
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(img));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    await ta.close();
    await decodeLimiter.close();
  });

  it('takes its limits from the configuration', () => {
    assert.deepEqual(decodeLimiter.settings, {
      concurrency: 1,
      queue: 1,
      maxPixels: 2_000_000,
      hashPixels: 270_000,
      retryAfterSec: 7,
      timeoutMs: 60_000,
    });
  });

  it('queues a decode while the slots are busy, then answers 503 with retry-after when the queue is full', async () => {
    const hold = holdSlots(1);
    try {
      const up = multipart(img);
      const queued = ta.app.inject({
        method: 'POST',
        url: '/v1/hash',
        payload: up.payload,
        headers: { ...up.headers, ...key },
      });
      await until(() => decodeLimiter.stats().queued === 1, 'the first upload to queue');
      const refused = await ta.app.inject({
        method: 'POST',
        url: '/v1/hash',
        payload: up.payload,
        headers: { ...up.headers, ...key },
      });
      assert.equal(refused.statusCode, 503, refused.body);
      assert.equal(refused.headers['retry-after'], '7');
      assert.equal(refused.json().error.code, 'decoder_busy');
      // Every other route that decodes an upload is refused the same way.
      const match = await ta.app.inject({
        method: 'POST',
        url: '/v1/match',
        payload: up.payload,
        headers: { ...up.headers, ...key },
      });
      assert.equal(match.statusCode, 503, match.body);
      const photo = multipart(img, 'photo');
      for (const url of ['/m/lookup', '/h/hash']) {
        const hma = await ta.app.inject({
          method: 'POST',
          url,
          payload: photo.payload,
          headers: { ...photo.headers, ...staff },
        });
        assert.equal(hma.statusCode, 503, `${url}: ${hma.body}`);
        assert.equal(hma.headers['retry-after'], '7');
      }
      hold.release();
      const r = await queued;
      assert.equal(r.statusCode, 200, 'the queued upload is hashed once a slot frees: ' + r.body);
      assert.equal(r.json().kind, 'image');
    } finally {
      hold.release();
      await hold.done;
    }
    assert.deepEqual(decodeLimiter.stats(), { active: 0, queued: 0 });
  });

  it('refuses an image over the pixel limit with 413 before decoding it', async () => {
    const up = multipart(await picture(1500, 1500)); // 2.25 million pixels > 2 million
    const r = await ta.app.inject({
      method: 'POST',
      url: '/v1/hash',
      payload: up.payload,
      headers: { ...up.headers, ...key },
    });
    assert.equal(r.statusCode, 413, r.body);
    assert.equal(r.json().error.code, 'media_too_large');
  });

  it('shrinks an image over hashPixels before PDQ, keeping the stored size and a close hash', async () => {
    const big = await picture(1200, 900); // 1.08 million pixels: shrunk to at most 270 000 (half the width)
    const seen = await decodeLuma(big, { maxHashPixels: 270_000 });
    assert.ok(
      seen.width * seen.height <= 270_000 && seen.width >= 590,
      `the PDQ core sees ${seen.width}×${seen.height}`,
    );
    const up = multipart(big);
    const r = await ta.app.inject({
      method: 'POST',
      url: '/v1/hash',
      payload: up.payload,
      headers: { ...up.headers, ...key },
    });
    assert.equal(r.statusCode, 200, r.body);
    const b = r.json();
    assert.deepEqual([b.width, b.height], [1200, 900], 'the reported size is the stored image');
    const full = await hashMedia(big);
    assert.ok(full.kind === 'image');
    const d = hammingDistance(b.pdq, full.pdq);
    // Not bit-exact (libvips resamples first), but far inside the match threshold of 31 bits.
    assert.ok(d <= 16, `PDQ of the shrunk image is ${d} bits from the full-size hash`);
    assert.equal(b.md5, full.md5, 'exact hashes are of the uploaded bytes');
  });

  it('has ffmpeg scale video frames over hashPixels before PDQ sees them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-video-bound-'));
    try {
      writeFileSync(join(dir, 'v.mp4'), video);
      // A wrapper records the arguments the hasher gives ffmpeg: the frame size it asks for.
      const log = join(dir, 'args.log');
      const wrapper = join(dir, 'ffmpeg-wrapper.sh');
      writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> '${log}'\nexec ffmpeg "$@"\n`);
      chmodSync(wrapper, 0o755);
      const h = await decodeLimiter.hash(readFileSync(join(dir, 'v.mp4')), { video: { ffmpegPath: wrapper } });
      assert.equal(h.kind, 'video');
      assert.ok(
        h.kind === 'video' && h.frames.length > 0 && h.width === 1200,
        'hashed, reporting the stored frame size',
      );
      assert.match(readFileSync(log, 'utf8'), / -s 600x450 /, '1200×900 frames are scaled to at most 270 000 pixels');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops a decode that overruns its time limit (422) and frees its slot', async () => {
    decodeLimiter.configure({ timeoutMs: 1 }); // shorter than any video decode: ffprobe and ffmpeg are processes to start
    try {
      const up = multipart(video);
      const r = await ta.app.inject({
        method: 'POST',
        url: '/v1/hash',
        payload: up.payload,
        headers: { ...up.headers, ...key },
      });
      assert.equal(r.statusCode, 422, r.body);
      assert.equal(r.json().error.code, 'decode_timeout');
      assert.deepEqual(decodeLimiter.stats(), { active: 0, queued: 0 });
    } finally {
      decodeLimiter.configure({ timeoutMs: 60_000 });
    }
    const up = multipart(img);
    const again = await ta.app.inject({
      method: 'POST',
      url: '/v1/hash',
      payload: up.payload,
      headers: { ...up.headers, ...key },
    });
    assert.equal(again.statusCode, 200, 'a fresh worker takes the next decode: ' + again.body);
  });

  it('lets the analysis job wait for a slot instead of failing when the queue is full', async () => {
    const hold = holdSlots(1);
    const filler = multipart(img);
    const queued = ta.app.inject({
      method: 'POST',
      url: '/v1/hash',
      payload: filler.payload,
      headers: { ...filler.headers, ...key },
    });
    let settled = false;
    try {
      await until(() => decodeLimiter.stats().queued === 1, 'the upload to fill the queue');
      const event = {
        id: 'e1',
        type: 'account.updated',
        occurred_at: '2026-11-01T10:00:00Z',
        account: { id: 'u1', avatar: { url: `${base}/a.png` } },
      } as unknown as PlatformEvent;
      const job = hashRemoteRefs(event, ta.ctx.cfg.media).finally(() => (settled = true));
      await until(() => decodeLimiter.stats().queued === 2, 'the job to queue behind the full queue');
      assert.equal(settled, false);
      hold.release();
      const out = await job;
      const h = out[`${base}/a.png`];
      assert.ok(h && 'pdq' in h && h.pdq, `the job hashed the remote image: ${JSON.stringify(out)}`);
      assert.equal((await queued).statusCode, 200);
    } finally {
      hold.release();
      await hold.done;
    }
  });
});
