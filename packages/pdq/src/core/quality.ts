// PDQ's quality score: how much significant gradient the 64×64 image has, 0..100.
// Each neighbour difference is scaled to percent of full range in float32 and truncated to an
// integer before summing, as the reference does; flat images score low.

const fr = Math.fround;

export function qualityOf64(a: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      const d = Math.trunc(fr(fr(fr(a[i * 64 + j]! - a[(i + 1) * 64 + j]!) * 100) / 255));
      sum += d < 0 ? -d : d;
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const d = Math.trunc(fr(fr(fr(a[i * 64 + j]! - a[i * 64 + j + 1]!) * 100) / 255));
      sum += d < 0 ? -d : d;
    }
  }
  const q = Math.trunc(sum / 90);
  return q > 100 ? 100 : q;
}
