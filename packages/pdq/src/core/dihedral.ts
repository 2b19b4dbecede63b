// The seven other symmetries of the square, applied to the 16×16 DCT coefficients instead of the
// pixels. Mirroring a DCT-II basis of frequency f multiplies it by (−1)^f; frequencies here start
// at 1, so even indices flip sign. Rotations by a quarter turn also transpose.
// Results are re-thresholded against their own median, as the reference does.

export const DIHEDRAL_NAMES = ['rot90', 'rot180', 'rot270', 'flipx', 'flipy', 'flipplus1', 'flipminus1'] as const;
export type DihedralName = (typeof DIHEDRAL_NAMES)[number];

/** The seven names in the order the CLI prints them (a fresh copy). */
export function dihedralNames(): DihedralName[] {
  return [...DIHEDRAL_NAMES];
}

/** Sign (+1/−1) and whether to transpose, per variant, for coefficient row i and column j. */
const RULES: Record<DihedralName, { transpose: boolean; sign: (i: number, j: number) => number }> = {
  rot90: { transpose: true, sign: (_i, j) => (j & 1 ? 1 : -1) }, // counter-clockwise
  rot180: { transpose: false, sign: (i, j) => ((i + j) & 1 ? -1 : 1) },
  rot270: { transpose: true, sign: (i) => (i & 1 ? 1 : -1) },
  flipx: { transpose: false, sign: (i) => (i & 1 ? 1 : -1) }, // top/bottom swap
  flipy: { transpose: false, sign: (_i, j) => (j & 1 ? 1 : -1) }, // left/right mirror
  flipplus1: { transpose: true, sign: () => 1 }, // main-diagonal transpose
  flipminus1: { transpose: true, sign: (i, j) => ((i + j) & 1 ? -1 : 1) }, // anti-diagonal
};

export function dihedralCoefficients(
  name: DihedralName,
  a: Float32Array,
  out: Float32Array = new Float32Array(256),
): Float32Array {
  const rule = RULES[name];
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const v = rule.sign(i, j) < 0 ? -a[i * 16 + j]! : a[i * 16 + j]!;
      out[rule.transpose ? j * 16 + i : i * 16 + j] = v;
    }
  }
  return out;
}
