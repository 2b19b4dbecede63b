// Image decoding through sharp (libvips), with a fixed policy so hashes are reproducible:
// - EXIF orientation is NOT applied (the reference does not apply it; the hash is of the stored pixels).
// - Embedded ICC profiles are NOT applied (CImg ignores them; applying them moves hashes by a few bits).
// - Alpha is dropped, never composited. Grey images (with or without alpha) use the grey channel directly.
// - 16-bit samples are scaled to 8 bits (v >> 8) by default; `sixteenBit: 'low-byte'` reproduces
//   CImg's truncation instead (what the reference table holds for I16.png).
// - Palette images are expanded to RGB; CMYK is converted to sRGB by libvips; animated images: first frame.
// - More than `maxPixels` pixels is refused before decoding (decompression-bomb guard).
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
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
   * Fast mode for JPEG: reduce by an integer factor ≥ 3 while the shorter side stays ≥ `fastMinSide`,
   * so libjpeg decodes at 1/2, 1/4 or 1/8 scale (shrink-on-load) and libvips finishes with lanczos3.
   * Not bit-exact with the reference. Other formats, and JPEGs too small for a factor of 3, are unchanged.
   */
  fast?: boolean;
  /** Shortest side kept in fast mode. Default 256 (4× PDQ's 64): measured median 2, max 6 bits from the reference. */
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

/**
 * Fast mode's reduction factor: the largest integer keeping the shorter side ≥ minSide, or 1 when
 * that is below 3. Why 3: sharp halves its JPEG shrink-on-load when the requested factor is exactly
 * 2 (or 4, 8), so a factor of 2 still decodes every pixel; from 3 up libjpeg really decodes less.
 */
export function jpegShrinkFactor(width: number, height: number, minSide: number): number {
  const s = Math.floor(Math.min(width, height) / minSide);
  return s >= 3 ? s : 1;
}

/** Decode an image file or buffer to float32 luminance under the policy above. */
export async function decodeLuma(input: string | Buffer | Uint8Array, opts: DecodeOptions = {}): Promise<DecodedLuma> {
  const buf = await readInput(input);
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const base = { limitInputPixels: maxPixels, failOn: 'error' as const, page: 0, pages: 1 };
  let meta: Metadata;
  try {
    meta = await sharp(buf, base).metadata();
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
    let img = sharp(buf, base).keepIccProfile();
    let fastShrunk = false;
    const grey = GREY_SPACES.has(meta.space ?? '');
    if (opts.fast && meta.format === 'jpeg') {
      const s = jpegShrinkFactor(w0, h0, opts.fastMinSide ?? 256);
      if (s > 1) img = img.resize(Math.round(w0 / s), Math.round(h0 / s), { fit: 'fill', fastShrinkOnLoad: true, kernel: 'lanczos3' });
      fastShrunk = s > 1;
    }
    const bound = opts.maxHashPixels;
    if (bound && bound > 0 && !fastShrunk && w0 * h0 > bound) {
      const f = Math.sqrt((w0 * h0) / bound);
      img = img.resize(Math.max(1, Math.floor(w0 / f)), Math.max(1, Math.floor(h0 / f)), { fit: 'fill', kernel: 'lanczos3' });
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
    return { luma, width: info.width, height: info.height, originalWidth: w0, originalHeight: h0, format: meta.format ?? 'unknown' };
  } catch (e) {
    throw classify(e);
  }
}
