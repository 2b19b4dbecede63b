// A decode worker thread (see decode-limit.ts): hashes media it is sent, one message at a time,
// so libvips, ffmpeg's frame stream and the PDQ core's loops stay off the server's event loop.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { hashMedia, ImageDecodeError, VideoDecodeError, type HashMediaOptions } from '@vigil/pdq';

// One decode slot is one core: libvips works on one thread per image, and keeps no operation
// cache (every upload is new; the cache only holds memory).
sharp.concurrency(1);
sharp.cache(false);
// Decoding is background work next to the event loop: lower this thread's CPU priority (Linux
// threads have their own nice value; raising it needs no privilege). Best effort elsewhere.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
} catch {
  /* not Linux */
}

parentPort!.on('message', async (m: { id: number; bytes: Uint8Array; opts: HashMediaOptions }) => {
  try {
    parentPort!.postMessage({ id: m.id, ok: await hashMedia(m.bytes, m.opts) });
  } catch (e) {
    const kind = e instanceof ImageDecodeError ? 'image' : e instanceof VideoDecodeError ? 'video' : 'other';
    parentPort!.postMessage({
      id: m.id,
      err: { kind, code: (e as { code?: string }).code, message: (e as Error).message ?? String(e) },
    });
  }
});
