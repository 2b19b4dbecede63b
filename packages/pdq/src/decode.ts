// Image decoding through sharp (libvips), with a fixed policy so hashes are reproducible:
// - EXIF orientation is NOT applied (the reference does not apply it; the hash is of the stored pixels).
// - Embedded ICC profiles are NOT applied (CImg ignores them; applying them moves hashes by a few bits).
// - Alpha is dropped, never composited. Grey images (with or without alpha) use the grey channel directly.
// - 16-bit samples are scaled to 8 bits (v >> 8) by default; `sixteenBit: 'low-byte'` reproduces
//   CImg's truncation instead (what the reference table holds for I16.png).
// - Palette images are expanded to RGB; CMYK is converted to sRGB by libvips; animated images: first frame.
// - More than `maxPixels` pixels is refused before decoding (decompression-bomb guard).
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Metadata, type Sharp, type SharpOptions } from 'sharp';
import { ImageDecodeError } from './errors.ts';
import { lumaFromPixels } from './core/luma.ts';

/** 64 megapixels: three float32 working buffers of this size are about 770 MB. */
export const DEFAULT_MAX_PIXELS = 64_000_000;

export interface DecodeOptions {
  /** Refuse images with more pixels than this. Default {@link DEFAULT_MAX_PIXELS}. */
  maxPixels?: number;
  /** How 16-bit samples become 8-bit. Default 'scale'. */
  sixteenBit?: 'scale' | 'low-byte';
  /**
   * Fast mode for JPEG: libjpeg decodes at 1/2, 1/4 or 1/8 scale (DCT scaling, the largest that keeps
   * the shorter side ≥ `fastMinSide`) and nothing else resamples; the hash then applies the
   * reference's filter weights spread over the reduced pixels (`gridTo64`). Not bit-exact with the
   * reference. Other formats, and JPEGs under twice `fastMinSide`, decode at full size.
   */
  fast?: boolean;
  /** Shortest side kept in fast mode. Default 384 (6 pixels per 64-grid cell); see README "Fast mode" for its accuracy. */
  fastMinSide?: number;
  /**
   * Bound on the pixels returned (and so on the float32 buffers the PDQ core allocates and walks):
   * a larger image is shrunk by libvips (lanczos3, aspect kept) while it decodes. Not bit-exact with
   * the reference for such images; a server sets it so one huge upload cannot take gigabytes.
   */
  maxHashPixels?: number;
}

export interface DecodedLuma {
  luma: Float32Array;
  width: number;
  height: number;
  /** Size of the stored image (differs from width/height in fast mode). */
  originalWidth: number;
  originalHeight: number;
  format: string;
}

const GREY_SPACES = new Set(['b-w', 'grey16']);

function classify(err: unknown): ImageDecodeError {
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof ImageDecodeError) return err;
  if (/pixel limit/i.test(msg)) return new ImageDecodeError('TOO_LARGE', `image too large: ${msg}`, { cause: err });
  if (/unsupported image format|input buffer contains unsupported/i.test(msg)) {
    return new ImageDecodeError('UNSUPPORTED', 'unsupported or unrecognised image format', { cause: err });
  }
  return new ImageDecodeError('CORRUPT', `corrupt or truncated image: ${msg}`, { cause: err });
}

async function readInput(input: string | Buffer | Uint8Array): Promise<Buffer> {
  if (typeof input !== 'string') {
    const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (buf.length === 0) throw new ImageDecodeError('EMPTY', 'image is empty (0 bytes)');
    return buf;
  }
  try {
    const st = await stat(input);
    if (!st.isFile()) throw new ImageDecodeError('NOT_FOUND', `not a file: ${input}`);
    if (st.size === 0) throw new ImageDecodeError('EMPTY', `image is empty (0 bytes): ${input}`);
    return await readFile(input);
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    throw new ImageDecodeError('NOT_FOUND', `cannot read ${input}: ${(e as Error).message}`, { cause: e });
  }
}

/** Fast mode's JPEG scale denominator: the largest of 8, 4, 2 keeping the shorter side ≥ minSide, else 1. */
export function jpegShrinkFactor(width: number, height: number, minSide: number): number {
  for (const s of [8, 4, 2]) if (Math.min(width, height) / s >= minSide) return s;
  return 1;
}

let scratchDir: string | undefined;
let scratchSeq = 0;

/**
 * A JPEG decoded by libjpeg at 1/`shrink` scale and nothing more. sharp requests libjpeg's scaling
 * only as part of a resize, and then always resamples the rest of the way with a kernel (it also
 * halves the scale when the factor is exactly 2, 4 or 8); libvips' own `[shrink=N]` load option
 * is reachable only through a file name, so the bytes go to a private temporary file.
 */
async function jpegAtScale(buf: Buffer, shrink: number, base: SharpOptions): Promise<Sharp> {
  if (!scratchDir) {
    scratchDir = mkdtempSync(join(tmpdir(), 'vigil-fast-'));
    const dir = scratchDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const file = join(scratchDir, `${process.pid}-${++scratchSeq}.jpg`);
  await writeFile(file, buf, { mode: 0o600 });
  try {
    // Decoded now, into memory, so the file can go.
    const { data, info } = await sharp(`${file}[shrink=${shrink}]`, base)
      .keepIccProfile()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  } finally {
    await unlink(file).catch(() => {});
  }
}

/** Decode an image file or buffer to float32 luminance under the policy above. */
export async function decodeLuma(input: string | Buffer | Uint8Array, opts: DecodeOptions = {}): Promise<DecodedLuma> {
  const buf = await readInput(input);
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const base = { limitInputPixels: maxPixels, failOn: 'error' as const, page: 0, pages: 1 };
  let meta: Metadata;
  // One sharp instance reads the header and then decodes (the header is parsed once).
  const reader = sharp(buf, base);
  try {
    meta = await reader.metadata();
  } catch (e) {
    throw classify(e);
  }
  const w0 = meta.width;
  const h0 = meta.height;
  if (!w0 || !h0) throw new ImageDecodeError('CORRUPT', 'image has no dimensions');
  // metadata() does not enforce the limit, so check it before any pixel is decoded.
  if (w0 * h0 > maxPixels) {
    throw new ImageDecodeError('TOO_LARGE', `image is ${w0}×${h0} = ${w0 * h0} pixels, over the limit of ${maxPixels}`);
  }
  try {
    let img = reader.keepIccProfile();
    let fastShrunk = false;
    const grey = GREY_SPACES.has(meta.space ?? '');
    if (opts.fast && meta.format === 'jpeg') {
      const s = jpegShrinkFactor(w0, h0, opts.fastMinSide ?? 384);
      if (s > 1) img = await jpegAtScale(buf, s, base);
      fastShrunk = s > 1;
    }
    const bound = opts.maxHashPixels;
    if (bound && bound > 0 && !fastShrunk && w0 * h0 > bound) {
      const f = Math.sqrt((w0 * h0) / bound);
      img = img.resize(Math.max(1, Math.floor(w0 / f)), Math.max(1, Math.floor(h0 / f)), {
        fit: 'fill',
        kernel: 'lanczos3',
      });
    }
    if (grey) img = img.toColourspace(meta.depth === 'ushort' && opts.sixteenBit === 'low-byte' ? 'grey16' : 'b-w');
    const wantLowByte = meta.depth === 'ushort' && opts.sixteenBit === 'low-byte';
    const { data, info } = await img.raw(wantLowByte ? { depth: 'ushort' } : {}).toBuffer({ resolveWithObject: true });
    let px: Uint8Array = data;
    if (wantLowByte && data.byteLength === info.width * info.height * info.channels * 2) {
      const u16 = new Uint16Array(data.buffer, data.byteOffset, data.byteLength >> 1);
      px = new Uint8Array(u16.length);
      for (let i = 0; i < u16.length; i++) px[i] = u16[i]! & 0xff;
    }
    const luma = lumaFromPixels(px, info.width, info.height, info.channels);
    return {
      luma,
      width: info.width,
      height: info.height,
      originalWidth: w0,
      originalHeight: h0,
      format: meta.format ?? 'unknown',
    };
  } catch (e) {
    throw classify(e);
  }
}
