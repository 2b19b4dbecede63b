// Canonical JSON for what the SDK encrypts: object keys sorted by UTF-16 code unit, no whitespace,
// integers only (no floats, NaN or -0), no undefined. One value has one encoding, so a payload's
// bytes are a function of its content, and a receiver can insist on the canonical form.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || Object.is(v, -0))
      throw new TypeError(`canonical JSON carries safe integers only, got ${v}`);
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  throw new TypeError(`not representable in canonical JSON: ${typeof v}`);
}

export const encodeCanonical = (v: unknown): Uint8Array => new TextEncoder().encode(canonicalJson(v));

/** Parses bytes that must already be canonical (a re-encoding must give the same text). */
export function decodeCanonical(bytes: Uint8Array): unknown {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const v: unknown = JSON.parse(text);
  if (canonicalJson(v) !== text) throw new TypeError('payload is not in canonical JSON form');
  return v;
}
