// A decode worker thread (see decode-limit.ts): hashes media it is sent, one message at a time,
// so libvips, ffmpeg's frame stream and the PDQ core's loops stay off the server's event loop.
import { parentPort } from 'node:worker_threads';
import { hashMedia, ImageDecodeError, VideoDecodeError, type HashMediaOptions } from '@vigil/pdq';

parentPort!.on('message', async (m: { id: number; bytes: Uint8Array; opts: HashMediaOptions }) => {
  try {
    parentPort!.postMessage({ id: m.id, ok: await hashMedia(m.bytes, m.opts) });
  } catch (e) {
    const kind = e instanceof ImageDecodeError ? 'image' : e instanceof VideoDecodeError ? 'video' : 'other';
    parentPort!.postMessage({ id: m.id, err: { kind, code: (e as { code?: string }).code, message: (e as Error).message ?? String(e) } });
  }
});
