// Source tracing, Peale–Eskandarian–Boneh (CCS 2021) scheme 1. A verified report of a forwarded
// message reveals its original author and time to the safety service — not who forwarded it — and
// the relay keeps nothing per message.
//   author:   r ← 32 random bytes; comm = SHA-256("vigil-src-comm-v1" ‖ r ‖ content); (r, comm) inside the
//             E2EE payload, comm also visible to the relay
//   relay:    src = XChaCha20-Poly1305(K_enc, nonce, userId ‖ time) under its own key;
//             sig = Ed25519(K_sign, "vigil-src-sig-v1" ‖ comm ‖ src); delivers (src, sig) with the message
//   receiver: checks the opening and the signature; an original message's (comm, r, src, sig) becomes its
//             source record, a forward carries the ORIGINAL record unchanged inside its payload
//   report:   (content, record) → the service checks opening and signature, then decrypts src
// Leakage (scheme 1): recipients of copies of one viral item see identical records (tree-linkable).
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToUtf8, concatBytes, equalBytes, lp, randomBytes, unlp } from './encoding.ts';
import { contentBytes, type FrankedContent } from './franking.ts';

const VERSION = 1;

export class SourceTraceError extends Error {
  override name = 'SourceTraceError';
}

export interface RelaySourceKeys {
  keyId: string;
  encKey: Uint8Array; // 32 bytes, only the relay and the safety service hold it
  signSecret: Uint8Array; // Ed25519 secret key
}

export interface SourceRecord {
  comm: Uint8Array;
  r: Uint8Array;
  src: Uint8Array;
  sig: Uint8Array;
}

export function newRelaySourceKeys(keyId: string): RelaySourceKeys & { signPublic: Uint8Array } {
  const signSecret = ed25519.utils.randomSecretKey();
  return { keyId, encKey: randomBytes(32), signSecret, signPublic: ed25519.getPublicKey(signSecret) };
}

export function sourceCommit(
  content: FrankedContent,
  r: Uint8Array = randomBytes(32),
): { comm: Uint8Array; r: Uint8Array } {
  return { comm: sha256(lp('vigil-src-comm-v1', r, contentBytes(content))), r };
}

const sigInput = (comm: Uint8Array, src: Uint8Array) => lp('vigil-src-sig-v1', comm, src);

/** Ed25519 signing (RFC 8032, deterministic); the relay's server passes node's (OpenSSL), browsers keep @noble's. */
export type Ed25519Sign = (message: Uint8Array, secretKey: Uint8Array) => Uint8Array;
export const nobleEd25519Sign: Ed25519Sign = (message, secretKey) => ed25519.sign(message, secretKey);

/** The relay, on every send: an encrypted, signed record of who sent `comm` and when. */
export function relayStampSource(
  keys: RelaySourceKeys,
  comm: Uint8Array,
  who: { userId: string; timestamp: number },
  sign: Ed25519Sign = nobleEd25519Sign,
): { src: Uint8Array; sig: Uint8Array } {
  const nonce = randomBytes(24);
  const kid = new TextEncoder().encode(keys.keyId);
  const ct = xchacha20poly1305(keys.encKey, nonce, lp('vigil-src-v1', kid)).encrypt(lp(who.userId, who.timestamp));
  const src = concatBytes(Uint8Array.of(VERSION), lp(kid, nonce, ct));
  return { src, sig: sign(sigInput(comm, src), keys.signSecret) };
}

/** Receivers: the record belongs to this content and the relay signed it. */
export function verifySourceRecord(relaySignPublic: Uint8Array, rec: SourceRecord, content: FrankedContent): boolean {
  if (rec.r.length !== 32 || rec.comm.length !== 32) return false;
  if (!equalBytes(sourceCommit(content, rec.r).comm, rec.comm)) return false;
  try {
    return ed25519.verify(rec.sig, sigInput(rec.comm, rec.src), relaySignPublic);
  } catch {
    return false;
  }
}

/** The safety service, on a verified report: the original author and time. */
export function traceSource(
  keys: ReadonlyMap<string, { encKey: Uint8Array; signPublic: Uint8Array }>,
  rec: SourceRecord,
  content: FrankedContent,
): { userId: string; timestamp: number; keyId: string } {
  if (rec.src[0] !== VERSION) throw new SourceTraceError('unknown source record version');
  let kid: Uint8Array, nonce: Uint8Array, ct: Uint8Array;
  try {
    [kid, nonce, ct] = unlp(rec.src.subarray(1), 3) as [Uint8Array, Uint8Array, Uint8Array];
  } catch (e) {
    throw new SourceTraceError(`malformed source record: ${(e as Error).message}`);
  }
  const keyId = bytesToUtf8(kid);
  const k = keys.get(keyId);
  if (!k) throw new SourceTraceError(`unknown relay key "${keyId}"`);
  if (!verifySourceRecord(k.signPublic, rec, content))
    throw new SourceTraceError('the source record does not belong to this content or was not signed by the relay');
  let plain: Uint8Array;
  try {
    plain = xchacha20poly1305(k.encKey, nonce, lp('vigil-src-v1', kid)).decrypt(ct);
  } catch {
    throw new SourceTraceError('the source record was altered');
  }
  const [user, time] = unlp(plain, 2) as [Uint8Array, Uint8Array];
  return {
    userId: bytesToUtf8(user),
    timestamp: Number(new DataView(time.buffer, time.byteOffset, 8).getBigUint64(0)),
    keyId,
  };
}

/** Records travel in JSON (report events) as base64 fields. */
export function encodeSourceRecord(rec: SourceRecord): { comm: string; r: string; src: string; sig: string } {
  const b = (x: Uint8Array) => btoa(String.fromCharCode(...x));
  return { comm: b(rec.comm), r: b(rec.r), src: b(rec.src), sig: b(rec.sig) };
}

export function decodeSourceRecord(o: { comm: string; r: string; src: string; sig: string }): SourceRecord {
  const b = (x: string) => Uint8Array.from(atob(x), (c) => c.charCodeAt(0));
  return { comm: b(o.comm), r: b(o.r), src: b(o.src), sig: b(o.sig) };
}
