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
    // The score is capped at 100 (a sum of 9,000): past it, the rest cannot change the result.
    if (sum >= 9000) return 100;
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const d = Math.trunc(fr(fr(fr(a[i * 64 + j]! - a[i * 64 + j + 1]!) * 100) / 255));
      sum += d < 0 ? -d : d;
    }
    if (sum >= 9000) return 100;
  }
  const q = Math.trunc(sum / 90);
  return q > 100 ? 100 : q;
}
