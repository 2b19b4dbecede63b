// vPDQ-style video hashing: ffmpeg decodes, raw RGB frames are piped to us (no temp files),
// and every sampled frame gets a full-resolution PDQ hash.
//
// Sampling follows vPDQ: with N = trunc(secondsPerHash × frameRate) (at least 1), decoded frames
// 0, N, 2N, … are hashed and stamped frameNumber / frameRate.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { VideoDecodeError } from './errors.ts';
import { exactHashes } from './file-hash.ts';
import { lumaFromPixels } from './core/luma.ts';
import { PdqHasher } from './core/pdq.ts';
import type { DihedralName } from './core/dihedral.ts';
import { robustViews } from './core/views.ts';
import { gridHash } from './core/grid-hash.ts';
import { DEFAULT_MAX_PIXELS } from './decode.ts';

export interface HashVideoOptions {
  /** Hashes per second of video (default 1). 0 hashes every decoded frame. */
  fps?: number;
  /** Drop frames with quality below this (default 0: keep all; matching filters again). */
  minQuality?: number;
  /** Drop a frame whose hash equals the previous kept frame's (default true). */
  dedupeConsecutive?: boolean;
  /** Refuse frames larger than this many pixels. */
  maxPixels?: number;
  /** Frames larger than this are scaled down by ffmpeg before hashing (bounds memory; not bit-exact then). */
  maxHashPixels?: number;
  /**
   * Also each frame's 7 DCT-domain dihedral variants and the same 7 from turned pixels (`reoriented`: the
   * reference's filter is not symmetric, so either can be the closer), so a mirrored or turned video still matches.
   */
  dihedral?: boolean;
  /** ffmpeg / ffprobe executables (default from PATH). */
  ffmpegPath?: string;
  ffprobePath?: string;
}

export interface VideoFrameFeature {
  /** Decoded frame number (0-based). */
  index: number;
  timestampSec: number;
  pdq: string;
  quality: number;
  /** With `dihedral`: the frame's 7 rotated/mirrored variants, DCT-domain and from turned pixels. */
  dihedral?: Record<DihedralName, string>;
  reoriented?: Record<DihedralName, string>;
}

export interface VideoHashes {
  frames: VideoFrameFeature[];
  md5: string;
  sha256: string;
  width: number;
  height: number;
  frameRate: number;
  /** Frames hashed before deduplication and quality filtering. */
  sampledFrames: number;
}

interface ProbeInfo {
  width: number;
  height: number;
  frameRate: number;
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d));
    p.stderr.on('data', (d: Buffer) => (stderr += d));
    p.on('error', (e) => reject(e));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function missing(e: unknown, cmd: string): never {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new VideoDecodeError('FFMPEG_MISSING', `${cmd} not found; install it (Debian: apt-get install -y ffmpeg)`, {
      cause: e,
    });
  }
  throw e;
}

function parseRate(s: string | undefined): number {
  if (!s) return 0;
  const [n, d] = s.split('/').map(Number);
  if (!n || !Number.isFinite(n)) return 0;
  return d ? n / d : n;
}

async function probe(path: string, ffprobe: string): Promise<ProbeInfo> {
  const r = await run(ffprobe, [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height,avg_frame_rate,r_frame_rate',
    '-of',
    'json',
    path,
  ]).catch((e) => missing(e, ffprobe));
  if (r.code !== 0) throw new VideoDecodeError('CORRUPT', `not a readable video: ${lastLine(r.stderr)}`);
  const stream = (JSON.parse(r.stdout) as { streams?: Array<Record<string, string | number>> }).streams?.[0];
  if (!stream) throw new VideoDecodeError('NO_FRAMES', 'the file has no video stream');
  const width = Number(stream.width);
  const height = Number(stream.height);
  if (!width || !height) throw new VideoDecodeError('CORRUPT', 'the video stream has no frame size');
  const frameRate = parseRate(String(stream.avg_frame_rate)) || parseRate(String(stream.r_frame_rate));
  if (!frameRate) throw new VideoDecodeError('CORRUPT', 'the video stream has no frame rate');
  return { width, height, frameRate };
}

function lastLine(s: string): string {
  return s.trim().split('\n').filter(Boolean).slice(-1)[0] ?? 'unknown error';
}

/** Hash a video file: per-frame PDQ (vPDQ) plus MD5 and SHA-256 of the file. */
export async function hashVideoFile(path: string, opts: HashVideoOptions = {}): Promise<VideoHashes> {
  const ffmpeg = opts.ffmpegPath ?? 'ffmpeg';
  const ffprobe = opts.ffprobePath ?? 'ffprobe';
  try {
    const st = await stat(path);
    if (st.size === 0) throw new VideoDecodeError('EMPTY', `video is empty (0 bytes): ${path}`);
  } catch (e) {
    if (e instanceof VideoDecodeError) throw e;
    throw new VideoDecodeError('NOT_FOUND', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const fps = opts.fps ?? 1;
  if (!(fps >= 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be ≥ 0, got ${fps}`);
  const info = await probe(path, ffprobe);
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (info.width * info.height > maxPixels) {
    throw new VideoDecodeError(
      'TOO_LARGE',
      `video frames are ${info.width}×${info.height}, over the limit of ${maxPixels} pixels`,
    );
  }
  const every = fps === 0 ? 1 : Math.max(1, Math.trunc((1 / fps) * info.frameRate));
  const [frames, exact] = await Promise.all([decodeAndHash(path, ffmpeg, info, every, opts), exactHashes(path)]);
  return { ...frames, ...exact, width: info.width, height: info.height, frameRate: info.frameRate };
}

async function decodeAndHash(
  path: string,
  ffmpeg: string,
  info: ProbeInfo,
  every: number,
  opts: HashVideoOptions,
): Promise<{ frames: VideoFrameFeature[]; sampledFrames: number }> {
  const { frameRate } = info;
  let { width, height } = info;
  const bound = opts.maxHashPixels;
  if (bound && bound > 0 && width * height > bound) {
    const f = Math.sqrt((width * height) / bound);
    width = Math.max(1, Math.floor(width / f));
    height = Math.max(1, Math.floor(height / f));
  }
  const frameBytes = width * height * 3;
  // -noautorotate: hash stored pixels, like images (EXIF orientation is not applied either).
  // select keeps decoded frames 0, N, 2N…; passthrough stops ffmpeg duplicating or dropping frames.
  const args = [
    '-nostdin',
    '-v',
    'error',
    '-noautorotate',
    '-i',
    path,
    '-map',
    '0:v:0',
    '-vf',
    `select=not(mod(n\\,${every})),setpts=N`,
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${width}x${height}`,
    'pipe:1',
  ];
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 8192) stderr += d;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (e) => reject(e));
    child.on('close', (code) => resolve(code ?? -1));
  });
  exited.catch(() => undefined); // surfaced below
  const hasher = new PdqHasher();
  const frame = Buffer.alloc(frameBytes);
  const luma = new Float32Array(width * height);
  const frames: VideoFrameFeature[] = [];
  let filled = 0;
  let sampled = 0;
  let prev = '';
  const minQuality = opts.minQuality ?? 0;
  const dedupe = opts.dedupeConsecutive ?? true;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - off);
        chunk.copy(frame, filled, off, off + n);
        filled += n;
        off += n;
        if (filled === frameBytes) {
          filled = 0;
          const r = hasher.hash(lumaFromPixels(frame, width, height, 3, luma), width, height, {
            dihedrals: !!opts.dihedral,
          });
          const index = sampled * every;
          sampled++;
          if (r.quality < minQuality) continue;
          if (dedupe && r.hash === prev) continue;
          prev = r.hash;
          const turned = opts.dihedral ? robustViews({ luma, width, height }, 1, { only: 'reoriented' }) : [];
          const reoriented = Object.fromEntries(turned.map((v) => [v.transform!, gridHash(v.grid)])) as Record<
            DihedralName,
            string
          >;
          frames.push({
            index,
            timestampSec: index / frameRate,
            pdq: r.hash,
            quality: r.quality,
            ...('dihedrals' in r ? { dihedral: r.dihedrals, reoriented } : {}),
          });
        }
      }
    }
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const code = await exited.catch((e) => missing(e, ffmpeg));
  if (code !== 0) throw new VideoDecodeError('CORRUPT', `ffmpeg could not decode the video: ${lastLine(stderr)}`);
  if (sampled === 0) throw new VideoDecodeError('NO_FRAMES', 'the video has no decodable frames');
  return { frames, sampledFrames: sampled };
}
