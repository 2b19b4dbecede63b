// The per-account layer. Every voucher's PSI-protected body carries one Shamir share (x, f(x)) of the
// account's key adkey = f(0) (degree t−1) and the payload sealed under adkey, so the server reads
// payloads only once it holds t true shares. Synthetic vouchers carry random "shares"; the server finds
// the polynomial with Berlekamp–Welch and then recognises dummies as the points not on it.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { Writer } from './encoding.ts';
import { PsiError } from './errors.ts';
import { Fn, decodeScalar, defaultRandom, randomScalar, scalarToBytes, type RandomSource } from './group.ts';
import { decodeShares, evalPoly, randomPolynomial, type Share } from './shamir.ts';
import { KIND, MAGIC, FORMAT_VERSION, MAX_THRESHOLD, readHeader } from './table.ts';

export interface AccountSecret {
  readonly threshold: number;
  /** f's coefficients, f(0) = adkey. Kept on the client for the account's lifetime (or an epoch). */
  readonly coeffs: readonly bigint[];
  /** Public id (16 bytes) carried by every voucher: the server keeps one accumulator per account and id. */
  readonly id: Uint8Array;
}

export function createAccountSecret(threshold: number, random: RandomSource = defaultRandom): AccountSecret {
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > MAX_THRESHOLD)
    throw new PsiError('bad-params', `threshold must be 1..${MAX_THRESHOLD}`);
  return { threshold, coeffs: randomPolynomial(randomScalar(random), threshold, random), id: random(16) };
}

export function encodeAccountSecret(a: AccountSecret): Uint8Array {
  const w = new Writer().bytes(MAGIC).u8(KIND.accountSecret).u8(FORMAT_VERSION).u16(a.threshold).bytes(a.id);
  for (const c of a.coeffs) w.bytes(scalarToBytes(c));
  return w.finish();
}

export function decodeAccountSecret(b: Uint8Array): AccountSecret {
  const r = readHeader(b, KIND.accountSecret, 'account secret');
  const threshold = r.u16();
  if (threshold < 1 || threshold > MAX_THRESHOLD)
    throw new PsiError('bad-encoding', 'account secret: threshold out of range');
  const id = r.bytes(16).slice();
  const coeffs: bigint[] = [];
  for (let i = 0; i < threshold; i++) coeffs.push(decodeScalar(r.bytes(32), 'account secret'));
  r.end();
  return { threshold, coeffs, id };
}

/**
 * A fresh share for one voucher. x is random, never derived from the content: a resent file must not
 * repeat its x, or a repeated x among matched vouchers would prove a true match (synthetic x never
 * repeat). So t counts matching vouchers, not distinct files; the server de-duplicates after opening.
 */
export function accountShare(a: AccountSecret, random: RandomSource): Share {
  const x = randomScalar(random);
  return { x, y: evalPoly(a.coeffs, x) };
}

function adKey(secret: bigint): Uint8Array {
  return hkdf(sha256, scalarToBytes(secret), undefined, utf8ToBytes('vigil-psi-v1:adkey'), 32);
}

// Payloads are padded to a multiple of 64 bytes so a synthetic voucher's dummy can match the length.
export function paddedLength(payloadLength: number): number {
  return Math.max(64, Math.ceil((payloadLength + 4) / 64) * 64);
}

/** nonce ‖ XChaCha20-Poly1305(adkey, payload padded, AD = share x): the innermost layer. */
export function sealPayload(a: AccountSecret, x: bigint, payload: Uint8Array, random: RandomSource): Uint8Array {
  const padded = new Uint8Array(paddedLength(payload.length));
  new DataView(padded.buffer).setUint32(0, payload.length);
  padded.set(payload, 4);
  const nonce = random(24);
  return concatBytes(nonce, xchacha20poly1305(adKey(a.coeffs[0]!), nonce, scalarToBytes(x)).encrypt(padded));
}

function openPayload(key: Uint8Array, x: bigint, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < 24 + 16 + 4) return null;
  try {
    const p = xchacha20poly1305(key, sealed.subarray(0, 24), scalarToBytes(x)).decrypt(sealed.subarray(24));
    const n = new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(0);
    return n + 4 <= p.length ? p.slice(4, 4 + n) : null;
  } catch {
    return null;
  }
}

/** What serverEvaluate returns for a voucher whose PSI layer matched (true or synthetic match). */
export interface MatchedVoucher {
  readonly matched: true;
  /** Hex SHA-256 of the voucher bytes. */
  readonly voucherId: string;
  readonly share: Share;
  readonly sealedPayload: Uint8Array;
  /** LSH tables whose part matched (1 in exact mode): the server learns this for any image-level match. */
  readonly tablesHit: number;
  /** Hex id of the account secret (in clear in every voucher): pick the accumulator by it. */
  readonly accountSecretId: string;
}
export type Evaluation =
  MatchedVoucher | { readonly matched: false; readonly voucherId: string; readonly accountSecretId: string };

export interface OpenedMatch {
  readonly voucherId: string;
  readonly payload: Uint8Array;
}

/**
 * Server side, one per account (and account-secret epoch): collects matched vouchers, and once their
 * shares determine adkey, opens the payloads of the true matches. Synthetic vouchers are dropped.
 */
export class ThresholdAccumulator {
  private readonly vouchers: MatchedVoucher[] = [];
  private readonly seen = new Set<string>();
  private readonly shares = new Map<bigint, bigint | null>(); // x → y (null: conflicting ys, ignored)
  private poly: bigint[] | null = null;
  private triedAt = -1;
  private dropped = 0;

  constructor(readonly threshold: number) {
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > MAX_THRESHOLD)
      throw new PsiError('bad-params', `threshold must be 1..${MAX_THRESHOLD}`);
  }

  private secretId: string | undefined;

  add(e: Evaluation): void {
    if (this.secretId === undefined) this.secretId = e.accountSecretId;
    else if (e.accountSecretId !== this.secretId)
      throw new PsiError(
        'bad-params',
        'voucher from another account secret: use one accumulator per account secret id',
      );
    if (!e.matched) return;
    if (this.seen.has(e.voucherId)) return; // a replayed voucher counts once
    this.seen.add(e.voucherId);
    this.vouchers.push(e);
    const prev = this.shares.get(e.share.x);
    if (prev === undefined) this.shares.set(e.share.x, e.share.y);
    else if (prev !== null && !Fn.eql(prev, e.share.y)) this.shares.set(e.share.x, null);
  }

  /** Vouchers whose PSI layer matched: true plus synthetic — the only count the server has below t. */
  get matchedCount(): number {
    return this.vouchers.length;
  }

  /** Vouchers recognised as synthetic (or with a sealed payload that fails) after opening. */
  get discardedCount(): number {
    return this.dropped;
  }

  /**
   * True once the distinct shares determine the polynomial. Needs t true shares information-
   * theoretically; this decoder needs t + s when s synthetic shares are mixed in.
   */
  canOpen(): boolean {
    if (this.poly) return true;
    const pts = [...this.shares].filter(([, y]) => y !== null).map(([x, y]) => ({ x, y: y! }));
    if (pts.length < this.threshold || pts.length === this.triedAt) return false;
    this.triedAt = pts.length;
    this.poly = decodeShares(pts, this.threshold);
    return this.poly !== null;
  }

  /** Payloads of the true matches; throws 'below-threshold' until canOpen(). */
  open(): OpenedMatch[] {
    if (!this.canOpen())
      throw new PsiError(
        'below-threshold',
        `fewer than ${this.threshold} true matches can be decoded (${this.vouchers.length} matched vouchers)`,
      );
    const key = adKey(this.poly![0]!);
    const out: OpenedMatch[] = [];
    this.dropped = 0;
    for (const v of this.vouchers) {
      const onCurve = Fn.eql(evalPoly(this.poly!, v.share.x), v.share.y);
      const payload = onCurve ? openPayload(key, v.share.x, v.sealedPayload) : null;
      if (payload) out.push({ voucherId: v.voucherId, payload });
      else this.dropped++;
    }
    return out;
  }
}
