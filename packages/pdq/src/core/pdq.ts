// PDQ from a float32 luminance image: downscale to 64×64, quality, DCT, threshold.
import { DownscaleScratch, downscaleTo64 } from './downscale.ts';
import { dct64To16 } from './dct.ts';
import { qualityOf64 } from './quality.ts';
import { hexFromWords, wordsFromCoefficients } from './hash256.ts';
import { DIHEDRAL_NAMES, dihedralCoefficients, type DihedralName } from './dihedral.ts';

/** Smaller images get the all-zero hash with quality 0, as in the reference. */
export const MIN_HASHABLE_DIM = 5;

export interface PdqResult {
  /** 64 lowercase hex characters. */
  hash: string;
  /** 0..100; upstream recommends ignoring hashes with quality < 50. */
  quality: number;
}

export interface PdqDihedralResult extends PdqResult {
  dihedrals: Record<DihedralName, string>;
}

const ZERO_HASH = '0'.repeat(64);

/** Holds the working buffers; reuse one per thread of work to avoid per-image allocations. */
export class PdqHasher {
  private scratch = new DownscaleScratch();
  private img64 = new Float32Array(4096);
  private tmp = new Float32Array(1024);
  private coeffs = new Float32Array(256);
  private aux = new Float32Array(256);

  hash(luma: Float32Array, width: number, height: number): PdqResult;
  hash(luma: Float32Array, width: number, height: number, opts: { dihedrals: true }): PdqDihedralResult;
  hash(
    luma: Float32Array,
    width: number,
    height: number,
    opts?: { dihedrals?: boolean },
  ): PdqResult | PdqDihedralResult;
  hash(
    luma: Float32Array,
    width: number,
    height: number,
    opts: { dihedrals?: boolean } = {},
  ): PdqResult | PdqDihedralResult {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
      throw new RangeError(`bad image size ${width}×${height}`);
    }
    if (luma.length < width * height) throw new RangeError(`luma holds ${luma.length} values, need ${width * height}`);
    if (width < MIN_HASHABLE_DIM || height < MIN_HASHABLE_DIM) {
      const res: PdqResult = { hash: ZERO_HASH, quality: 0 };
      if (!opts.dihedrals) return res;
      const dihedrals = Object.fromEntries(DIHEDRAL_NAMES.map((n) => [n, ZERO_HASH])) as Record<DihedralName, string>;
      return { ...res, dihedrals };
    }
    downscaleTo64(luma, height, width, this.img64, this.scratch);
    const quality = qualityOf64(this.img64);
    dct64To16(this.img64, this.coeffs, this.tmp);
    const hash = hexFromWords(wordsFromCoefficients(this.coeffs));
    if (!opts.dihedrals) return { hash, quality };
    const dihedrals = {} as Record<DihedralName, string>;
    for (const name of DIHEDRAL_NAMES) {
      dihedrals[name] = hexFromWords(wordsFromCoefficients(dihedralCoefficients(name, this.coeffs, this.aux)));
    }
    return { hash, quality, dihedrals };
  }
}

let shared: PdqHasher | undefined;

/** PDQ of a luminance image (row-major, `width × height` float32 values). */
export function pdqFromLuma(luma: Float32Array, width: number, height: number): PdqResult;
export function pdqFromLuma(
  luma: Float32Array,
  width: number,
  height: number,
  opts: { dihedrals: true },
): PdqDihedralResult;
export function pdqFromLuma(
  luma: Float32Array,
  width: number,
  height: number,
  opts?: { dihedrals?: boolean },
): PdqResult | PdqDihedralResult;
export function pdqFromLuma(
  luma: Float32Array,
  width: number,
  height: number,
  opts?: { dihedrals?: boolean },
): PdqResult | PdqDihedralResult {
  shared ??= new PdqHasher();
  return shared.hash(luma, width, height, opts);
}
