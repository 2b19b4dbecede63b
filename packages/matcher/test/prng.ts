// A seeded PRNG (mulberry32) so randomized tests reproduce: failures print their seed.
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const hash = () => {
    const b = new Uint8Array(32);
    for (let i = 0; i < 32; i++) b[i] = int(256);
    return b;
  };
  /** A copy of h with exactly k distinct bits flipped. */
  const flip = (h: Uint8Array, k: number) => {
    const out = Uint8Array.from(h);
    const bits = new Set<number>();
    while (bits.size < k) bits.add(int(256));
    for (const b of bits) out[b >> 3]! ^= 0x80 >> (b & 7);
    return out;
  };
  return { next, int, hash, flip };
}
