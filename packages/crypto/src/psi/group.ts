// ristretto255 (RFC 9496) and RFC 9380 hashing from @noble/curves; scalars live in the group order's
// field Fn. Nothing here does its own curve or field arithmetic.
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
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
