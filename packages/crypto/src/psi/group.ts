// ristretto255 (RFC 9496) and RFC 9380 hashing from @noble/curves; scalars live in the group order's
// field Fn. Nothing here does its own curve or field arithmetic. A server can switch the three hot
// operations (hash to a point, multiply a point, multiply the base) to libsodium's WASM build with
// useLibsodium(): same group, same encodings, same results (tested), about ten times faster.
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { PsiError } from './errors.ts';

export const Point = ristretto255.Point;
export type Point = InstanceType<typeof ristretto255.Point>;
export const Fn = ristretto255.Point.Fn;
export type RandomSource = (n: number) => Uint8Array;
export const defaultRandom: RandomSource = (n) => randomBytes(n);

export const DST = {
  exact: 'vigil-psi-v1:H:exact-sha256',
  perceptual: 'vigil-psi-v1:H:lsh-pdq',
  mask: 'vigil-psi-v1:mask',
} as const;

/** A uniform non-zero scalar (64 random bytes reduced mod ℓ: bias below 2^-250). */
export function randomScalar(random: RandomSource): bigint {
  for (;;) {
    const s = Fn.create(bytesToNumberLE(random(64)));
    if (!Fn.is0(s)) return s;
  }
}

export function hashToPoint(dst: string, msg: Uint8Array): Point {
  return ristretto255_hasher.hashToCurve(msg, { DST: dst }) as Point;
}

export function hashToScalar(dst: string, msg: Uint8Array): bigint {
  return ristretto255_hasher.hashToScalar(msg, { DST: dst });
}

export function decodePoint(b: Uint8Array, what: string): Point {
  try {
    return Point.fromBytes(b);
  } catch {
    throw new PsiError('bad-encoding', `${what}: not a valid ristretto255 encoding`);
  }
}

export function scalarToBytes(s: bigint): Uint8Array {
  return Fn.toBytes(s);
}

export function decodeScalar(b: Uint8Array, what: string): bigint {
  try {
    return Fn.fromBytes(b); // refuses non-canonical values ≥ ℓ
  } catch {
    throw new PsiError('bad-encoding', `${what}: not a canonical scalar`);
  }
}

interface Sodium {
  crypto_core_ristretto255_from_hash(r: Uint8Array): Uint8Array;
  crypto_scalarmult_ristretto255(n: Uint8Array, p: Uint8Array): Uint8Array;
  crypto_scalarmult_ristretto255_base(n: Uint8Array): Uint8Array;
  crypto_core_ristretto255_is_valid_point(p: Uint8Array): boolean;
}
let sodium: Sodium | null = null;

/** Loads libsodium (sumo WASM build) for the hot operations; resolves to whether it is in use. */
export async function useLibsodium(on = true): Promise<boolean> {
  if (!on) return !(sodium = null);
  const m = (await import('libsodium-wrappers-sumo')).default as unknown as Sodium & { ready: Promise<void> };
  await m.ready;
  sodium = m;
  return true;
}

export const usingLibsodium = () => sodium !== null;

const IDENTITY = new Uint8Array(32); // ristretto255 encodes the identity as 32 zero bytes

/** H(msg) as an encoded point: RFC 9380 expand_message_xmd (SHA-512) and the RFC 9496 one-way map. */
export function hashToPointBytes(dst: string, msg: Uint8Array): Uint8Array {
  if (!sodium) return hashToPoint(dst, msg).toBytes();
  return sodium.crypto_core_ristretto255_from_hash(expand_message_xmd(msg, utf8ToBytes(dst), 64, sha512));
}

/** s·P for an encoded point P (refused, as by decodePoint, when P is not a valid encoding). */
export function mulBytes(p: Uint8Array, s: bigint, what: string): Uint8Array {
  if (!sodium) return decodePoint(p, what).multiply(s).toBytes();
  // libsodium refuses to return the identity: s·O = O is answered here (s is never 0: α and fresh scalars).
  if (p.every((b) => b === 0)) return IDENTITY.slice();
  if (!sodium.crypto_core_ristretto255_is_valid_point(p))
    throw new PsiError('bad-encoding', `${what}: not a valid ristretto255 encoding`);
  return sodium.crypto_scalarmult_ristretto255(scalarToBytes(s), p);
}

/** s·G. */
export function baseMulBytes(s: bigint): Uint8Array {
  if (!sodium) return Point.BASE.multiply(s).toBytes();
  return sodium.crypto_scalarmult_ristretto255_base(scalarToBytes(s));
}
