// High-level image hashing for the CLI and server: PDQ (+ optional dihedrals) and exact hashes.
import { readFile } from 'node:fs/promises';
import { decodeLuma, type DecodedLuma, type DecodeOptions } from './decode.ts';
import { exactHashes } from './file-hash.ts';
import { MIN_HASHABLE_DIM, PdqHasher, type PdqDihedralResult, type PdqResult } from './core/pdq.ts';
import type { DihedralName } from './core/dihedral.ts';
import { ImageDecodeError } from './errors.ts';
import { gridTo64, robustViews } from './core/views.ts';
import { gridHash, maskedGridHash } from './core/grid-hash.ts';
import { qualityOf64 } from './core/quality.ts';

export interface HashImageOptions extends DecodeOptions {
  /** Also return the 7 DCT-domain dihedral variants. */
  dihedral?: boolean;
  /** Also hash the robust views (bars trimmed, crops, derotations, reoriented pixels; see core/views.ts). */
  robust?: boolean;
  /** Of the views, only the 7 `reoriented` ones (what matching uses by default besides the DCT-domain dihedrals). */
  reoriented?: boolean;
}

/** One robust view's hash. Views with quality below {@link VIEW_MIN_QUALITY} are left out. */
export interface ViewHash {
  view: string;
  /** For `reoriented` views: the dihedral variant the view stands for. */
  transform?: DihedralName;
  pdq: string;
  quality: number;
  /**
   * `uncrop` views: the bits of `pdq` that do not depend on what the crop removed (64 hex, a set bit is
   * known; see core/grid-hash.ts). Matching counts only these ({@link maskedThreshold}).
   */
  mask?: string;
}

/** Upstream's floor for usable hashes: a flat view (a trimmed bar, a blank margin) hashes noise. */
export const VIEW_MIN_QUALITY = 50;

export interface ImageHashes {
  pdq: string;
  quality: number;
  md5: string;
  sha256: string;
  width: number;
  height: number;
  format: string;
  dihedral?: Record<DihedralName, string>;
  views?: ViewHash[];
}

const hasher = new PdqHasher();

/**
 * PDQ (and dihedrals) of a decoded image. A reduced decode (fast mode, a server's pixel bound) is
 * hashed with the reference's filter weights for the stored size spread over the reduced pixels
 * (`gridTo64`), not with the reference's filter for the reduced size, which would differ by many
 * bits; fast mode does so at full size too (the same operator, float64 sums, faster).
 */
export function pdqOfDecoded(
  decoded: DecodedLuma,
  opts: { dihedral?: boolean; fast?: boolean } = {},
): PdqResult | PdqDihedralResult {
  const { luma, width: w, height: h } = decoded;
  const reduced = w !== decoded.originalWidth || h !== decoded.originalHeight;
  if ((opts.fast || reduced) && w >= MIN_HASHABLE_DIM && h >= MIN_HASHABLE_DIM) {
    const grid = gridTo64(
      { luma, width: w, height: h },
      undefined,
      0,
      0,
      w,
      h,
      decoded.originalWidth / w,
      decoded.originalHeight / h,
    );
    return hasher.hash(grid, 64, 64, { dihedrals: !!opts.dihedral });
  }
  return hasher.hash(luma, w, h, { dihedrals: !!opts.dihedral });
}

/** Decode and hash an image; path or bytes. Throws {@link ImageDecodeError} for bad input. */
export async function hashImageFile(
  input: string | Buffer | Uint8Array,
  opts: HashImageOptions = {},
): Promise<ImageHashes> {
  let bytes: Buffer | Uint8Array;
  if (typeof input === 'string') {
    try {
      bytes = await readFile(input);
    } catch (e) {
      throw new ImageDecodeError('NOT_FOUND', `cannot read ${input}: ${(e as Error).message}`, { cause: e });
    }
  } else bytes = input;
  const [decoded, exact] = await Promise.all([decodeLuma(bytes, opts), exactHashes(bytes)]);
  const r = pdqOfDecoded(decoded, opts);
  const out: ImageHashes = {
    pdq: r.hash,
    quality: r.quality,
    ...exact,
    width: decoded.originalWidth,
    height: decoded.originalHeight,
    format: decoded.format,
  };
  if ('dihedrals' in r) out.dihedral = r.dihedrals;
  if (opts.robust || opts.reoriented) {
    out.views = [];
    const only = opts.robust ? {} : { only: 'reoriented' as const };
    for (const v of robustViews(
      { luma: decoded.luma, width: decoded.width, height: decoded.height },
      decoded.originalWidth / decoded.width,
      only,
    )) {
      const quality = qualityOf64(v.grid);
      if (quality < VIEW_MIN_QUALITY) continue;
      const { pdq, mask } = v.alternatives
        ? maskedGridHash([v.grid, ...v.alternatives])
        : { pdq: gridHash(v.grid), mask: undefined };
      out.views.push({
        view: v.name,
        ...(v.transform ? { transform: v.transform } : {}),
        pdq,
        quality,
        ...(mask ? { mask } : {}),
      });
    }
  }
  return out;
}
