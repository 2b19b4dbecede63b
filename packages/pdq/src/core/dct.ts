// The part of the 2-D DCT-II that PDQ keeps: frequencies 1..16 in each direction of a 64×64 block.
// Sums run in float32, term by term in index order, exactly as the reference accumulates them.

const fr = Math.fround;

/**
 * 16×64 matrix, row i = DCT basis of frequency i+1. The reference scales a float32 √(2/64) by
 * a double cosine and rounds the product to float32; we do the same.
 */
export const DCT_16x64: Float32Array = (() => {
  const m = new Float32Array(16 * 64);
  const scale = fr(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      m[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
    }
  }
  return m;
})();

/** out(16×16) = D · A · Dᵀ for A (64×64, row-major). `tmp` holds D·A (16×64). */
export function dct64To16(a: Float32Array, out: Float32Array, tmp: Float32Array = new Float32Array(1024)): void {
  const d = DCT_16x64;
  for (let i = 0; i < 16; i++) {
    const di = i * 64;
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = fr(s + fr(d[di + k]! * a[k * 64 + j]!));
      tmp[di + j] = s;
    }
  }
  for (let i = 0; i < 16; i++) {
    const ti = i * 64;
    for (let j = 0; j < 16; j++) {
      const dj = j * 64;
      let s = 0;
      for (let k = 0; k < 64; k++) s = fr(s + fr(tmp[ti + k]! * d[dj + k]!));
      out[i * 16 + j] = s;
    }
  }
}
