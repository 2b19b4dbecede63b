// Torben Mogensen's selection-free median, as the reference uses it (float32 midpoints).
// For an even count it returns the lower median; PDQ then sets bits strictly above it.

export function torbenMedian(m: Float32Array): number {
  const n = m.length;
  let min = m[0]!;
  let max = m[0]!;
  for (let i = 1; i < n; i++) {
    const v = m[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const halfCount = (n + 1) >> 1;
  let less = 0;
  let greater = 0;
  let equal = 0;
  let guess = 0;
  let maxBelow = 0;
  let minAbove = 0;
  for (;;) {
    guess = Math.fround(Math.fround(min + max) / 2);
    less = 0;
    greater = 0;
    equal = 0;
    maxBelow = min;
    minAbove = max;
    for (let i = 0; i < n; i++) {
      const v = m[i]!;
      if (v < guess) {
        less++;
        if (v > maxBelow) maxBelow = v;
      } else if (v > guess) {
        greater++;
        if (v < minAbove) minAbove = v;
      } else {
        equal++;
      }
    }
    if (less <= halfCount && greater <= halfCount) break;
    if (less > greater) max = maxBelow;
    else min = minAbove;
  }
  if (less >= halfCount) return maxBelow;
  if (less + equal >= halfCount) return guess;
  return minAbove;
}
