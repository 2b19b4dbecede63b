// Hashing media the service receives (uploads, URLs), with decoder errors mapped to HTTP errors.
import { ImageDecodeError, VideoDecodeError, type MediaHashes } from '@vigil/pdq';
import { VigilError } from '../errors.ts';
import { decodeLimiter } from './decode-limit.ts';

/** `dihedral`: also the 7 rotated/mirrored hashes; `robust`: also the robust views' hashes, `reoriented`: only the turned-pixel ones (see @vigil/pdq's core/views.ts). */
export async function hashBytes(
  bytes: Uint8Array,
  opts: { dihedral?: boolean; robust?: boolean; reoriented?: boolean } = {},
): Promise<MediaHashes> {
  try {
    // Bounded: a worker thread under the process-wide decode limits; 503 + retry-after when full.
    return await decodeLimiter.hash(bytes, {
      dihedral: !!opts.dihedral,
      robust: !!opts.robust,
      reoriented: !!opts.reoriented,
    });
  } catch (e) {
    if (e instanceof ImageDecodeError || e instanceof VideoDecodeError) {
      if (e.code === 'TOO_LARGE') throw new VigilError('media_too_large', e.message);
      throw new VigilError('undecodable_media', `${e instanceof VideoDecodeError ? 'video' : 'image'}: ${e.message}`, {
        decoder_code: e.code,
      });
    }
    throw e;
  }
}

/** The JSON shape of /v1/hash. */
export function hashesJson(h: MediaHashes) {
  if (h.kind === 'video') {
    return {
      kind: 'video' as const,
      md5: h.md5,
      sha256: h.sha256,
      width: h.width,
      height: h.height,
      vpdq: h.frames.map((f) => ({ frame: f.index, timestamp: f.timestampSec, pdq: f.pdq, quality: f.quality })),
    };
  }
  return {
    kind: 'image' as const,
    pdq: h.pdq,
    quality: h.quality,
    md5: h.md5,
    sha256: h.sha256,
    width: h.width,
    height: h.height,
    ...(h.dihedral ? { dihedral: h.dihedral } : {}),
    ...(h.views ? { views: h.views } : {}),
  };
}
