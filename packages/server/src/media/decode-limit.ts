// Bounded work for media decoding. Every path that decodes media in the server (uploads to
// /v1/hash and /v1/match, HMA's /h/hash and /m/lookup, the analysis job's remote media) goes
// through one process-wide limiter:
// - at most `concurrency` decodes run at once, each in its own worker thread, so neither libvips
//   nor the PDQ core (synchronous float32 work over every pixel) runs on the event loop;
// - up to `queue` more wait for a slot; beyond that an upload gets 503 with retry-after;
// - images over `maxPixels` are refused (413) before decoding; images over `hashPixels` are shrunk
//   by libvips while decoding (video frames by ffmpeg), so one decode's memory is bounded (about
//   15 bytes per hashed pixel: RGB, float32 luma, two float32 filter buffers, plus libvips' lines).
// Each worker runs libvips on one thread at a lowered CPU priority, so a slot is about one core;
// the default leaves one core to the event loop.
import { Worker } from 'node:worker_threads';
import { ImageDecodeError, VideoDecodeError, type HashMediaOptions, type MediaHashes } from '@vigil/pdq';
import { VigilError } from '../errors.ts';
import { DECODE_DEFAULTS } from '../config.ts';

export interface DecodeLimits {
  concurrency: number;
  queue: number;
  maxPixels: number;
  hashPixels: number;
  retryAfterSec: number;
  timeoutMs: number;
}

const DEFAULT_DECODE_LIMITS: DecodeLimits = { ...DECODE_DEFAULTS };

/** A decode that overran `timeoutMs`: its worker is stopped (the input is the likely cause, hence 422). */
const decodeTimeout = (ms: number) =>
  new VigilError('decode_timeout', `decoding the media took longer than ${ms} ms and was stopped`);

const decoderBusy = (retryAfterSec: number, queued: number) =>
  new VigilError(
    'decoder_busy',
    `media decoding is at capacity (${queued} waiting); retry after ${retryAfterSec} s`,
    undefined,
    { headers: { 'retry-after': String(retryAfterSec) } },
  );

type WorkerReply =
  | { id: number; ok: MediaHashes }
  | { id: number; err: { kind: 'image' | 'video' | 'other'; code?: string; message: string } };

/** Worker threads, one per running decode; idle ones are kept (unref'd, so they never hold the process open). */
class DecodePool {
  private idle: Worker[] = [];
  private seq = 0;

  async hash(bytes: Uint8Array, opts: HashMediaOptions, timeoutMs: number): Promise<MediaHashes> {
    const w = this.idle.pop() ?? this.spawn();
    const id = ++this.seq;
    return new Promise<MediaHashes>((resolve, reject) => {
      // A decode that runs too long holds a slot; stopping its worker frees the slot and the memory.
      const timer = setTimeout(() => {
        done();
        void w.terminate();
        reject(decodeTimeout(timeoutMs));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      const onMessage = (m: WorkerReply) => {
        if (m.id !== id) return;
        done();
        this.idle.push(w);
        if ('ok' in m) return resolve(m.ok);
        const { kind, code, message } = m.err;
        if (kind === 'image') return reject(new ImageDecodeError(code as ImageDecodeError['code'], message));
        if (kind === 'video') return reject(new VideoDecodeError(code as VideoDecodeError['code'], message));
        reject(new Error(message));
      };
      // A crashed worker (out of memory, a native fault) is dropped; the next decode spawns a fresh one.
      const onError = (e: Error) => {
        done();
        void w.terminate();
        reject(new Error(`media decoder failed: ${e.message}`));
      };
      const onExit = (code: number) => onError(new Error(`worker exited with code ${code}`));
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ id, bytes, opts });
    });
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./decode-worker.mjs', import.meta.url));
    w.unref();
    // An idle worker that dies leaves the pool (a busy one is handled by its decode's listeners);
    // the no-op error listener keeps such a death from becoming an uncaught 'error' event.
    w.on('error', () => {});
    w.once('exit', () => (this.idle = this.idle.filter((x) => x !== w)));
    return w;
  }

  /** Stops idle workers (tests, shutdown). */
  async close(): Promise<void> {
    const ws = this.idle.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

class DecodeLimiter {
  private active = 0;
  private waiting: Array<() => void> = [];
  private pool = new DecodePool();

  constructor(private limits: DecodeLimits = { ...DEFAULT_DECODE_LIMITS }) {}

  configure(limits: Partial<DecodeLimits>): void {
    this.limits = { ...this.limits, ...limits };
    // A raised concurrency lets waiting decodes start now.
    while (this.active < this.limits.concurrency && this.waiting.length) {
      this.active++;
      this.waiting.shift()!();
    }
  }

  get settings(): Readonly<DecodeLimits> {
    return this.limits;
  }

  stats(): { active: number; queued: number } {
    return { active: this.active, queued: this.waiting.length };
  }

  /**
   * Runs `task` when a slot is free. Requests are refused with 503 decoder_busy when the
   * queue is full; background jobs pass `wait` and always queue (the worker count bounds them).
   */
  async run<T>(task: () => Promise<T>, o: { wait?: boolean } = {}): Promise<T> {
    if (this.active < this.limits.concurrency) this.active++;
    else {
      if (!o.wait && this.waiting.length >= this.limits.queue)
        throw decoderBusy(this.limits.retryAfterSec, this.waiting.length);
      await new Promise<void>((r) => this.waiting.push(r)); // the finishing task hands its slot over
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next && this.active <= this.limits.concurrency) next();
      else {
        this.active--;
        if (next) this.waiting.unshift(next);
      }
    }
  }

  /** Hashes media in a worker thread under the limits (pixel bounds applied). */
  hash(bytes: Uint8Array, opts: HashMediaOptions = {}, o: { wait?: boolean } = {}): Promise<MediaHashes> {
    return this.run(() => {
      const { maxPixels, hashPixels } = this.limits;
      return this.pool.hash(
        bytes,
        {
          ...opts,
          maxPixels,
          maxHashPixels: hashPixels,
          video: { ...opts.video, maxPixels, maxHashPixels: hashPixels },
        },
        this.limits.timeoutMs,
      );
    }, o);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The process-wide limiter; buildApp applies the configured limits (config `decode`). */
export const decodeLimiter = new DecodeLimiter();
