// Unambiguous byte encodings for everything that is MACed or signed: each field is length-prefixed
// (4-byte big-endian length), so no two different field lists encode to the same bytes.
import { concatBytes, utf8ToBytes } from '@noble/ciphers/utils.js';

export type Field = Uint8Array | string | number;

function asBytes(f: Field): Uint8Array {
  if (typeof f === 'string') return utf8ToBytes(f);
  if (typeof f === 'number') {
    if (!Number.isSafeInteger(f) || f < 0)
      throw new RangeError(`only non-negative safe integers are encoded, got ${f}`);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(f));
    return b;
  }
  return f;
}

export function lp(...fields: Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    const b = asBytes(f);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, b.length);
    parts.push(len, b);
  }
  return concatBytes(...parts);
}

/** Splits what lp() joined (for records parsed back from bytes). */
export function unlp(bytes: Uint8Array, expected: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (o < bytes.length) {
    if (o + 4 > bytes.length) throw new TypeError('truncated record');
    const n = view.getUint32(o);
    o += 4;
    if (o + n > bytes.length) throw new TypeError('truncated record');
    out.push(bytes.subarray(o, o + n));
    o += n;
  }
  if (out.length !== expected) throw new TypeError(`malformed record: ${out.length} fields, expected ${expected}`);
  return out;
}

/** Standard base64 (browser and node alike), in chunks so large blobs do not overflow the argument list. */
export function b64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The inverse of b64; throws on anything that is not base64. */
export const unb64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export { concatBytes, utf8ToBytes };
export { bytesToHex, hexToBytes, equalBytes, randomBytes, bytesToUtf8 } from '@noble/ciphers/utils.js';
