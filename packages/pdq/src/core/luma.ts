// RGB → float32 luminance with the reference's float32 arithmetic.
//
// The reference evaluates Y = 0.299·R + 0.587·G + 0.114·B with float32 constants and float32
// intermediates. Each product of an 8-bit value by a float32 constant depends only on the value,
// so we tabulate the three products and keep the two float32 additions in the same order.

const fr = Math.fround;
const R = new Float32Array(256);
const G = new Float32Array(256);
const B = new Float32Array(256);
{
  const cr = fr(0.299);
  const cg = fr(0.587);
  const cb = fr(0.114);
  for (let v = 0; v < 256; v++) {
    R[v] = cr * v;
    G[v] = cg * v;
    B[v] = cb * v;
  }
}

/**
 * Luminance from interleaved 8-bit pixels with `channels` per pixel.
 * 1 or 2 channels: the first channel is grey and is used directly (the reference's grey path);
 * 3 or more: the first three are R, G, B and the rest (alpha) is ignored.
 */
export function lumaFromPixels(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: number,
  out?: Float32Array,
): Float32Array {
  const n = width * height;
  if (!Number.isInteger(channels) || channels < 1)
    throw new RangeError(`channels must be a positive integer, got ${channels}`);
  if (pixels.length < n * channels)
    throw new RangeError(`pixel buffer holds ${pixels.length} bytes, need ${n * channels}`);
  const luma = out && out.length >= n ? out : new Float32Array(n);
  if (channels < 3) {
    for (let i = 0, k = 0; i < n; i++, k += channels) luma[i] = pixels[k]!;
    return luma;
  }
  for (let i = 0, k = 0; i < n; i++, k += channels) {
    luma[i] = fr(R[pixels[k]!]! + G[pixels[k + 1]!]!) + B[pixels[k + 2]!]!;
  }
  return luma;
}

/** Luminance from RGBA pixels as a browser canvas returns them (`ImageData`). */
export function lumaFromImageData(img: { data: Uint8ClampedArray; width: number; height: number }): Float32Array {
  return lumaFromPixels(img.data, img.width, img.height, 4);
}
