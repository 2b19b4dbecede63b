// Committing attachment encryption. The attachment key K (32 random bytes) is split by HKDF into an
// encryption key and a commitment key; the blob carries HMAC(commitment key, nonce ‖ ciphertext),
// checked before decrypting, so a blob opens under exactly one key (no "invisible salamanders": a
// reported attachment is the one the sender sent). Blob: version 1 ‖ nonce (24) ‖ commitment (32) ‖
// XChaCha20-Poly1305 ciphertext. Ciphertexts are never de-duplicated across keys.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, equalBytes, lp, randomBytes, utf8ToBytes } from './encoding.ts';

const VERSION = 1;

export class AttachmentError extends Error {
  override name = 'AttachmentError';
}

function keys(k: Uint8Array) {
  if (k.length !== 32) throw new AttachmentError('an attachment key is 32 bytes');
  const okm = hkdf(sha256, k, undefined, utf8ToBytes('vigil-attachment-v1'), 64);
  return { enc: okm.subarray(0, 32), com: okm.subarray(32) };
}

export function encryptAttachment(
  plaintext: Uint8Array,
  key: Uint8Array = randomBytes(32),
): { key: Uint8Array; blob: Uint8Array; sha256: string } {
  const { enc, com } = keys(key);
  const nonce = randomBytes(24);
  const ct = xchacha20poly1305(enc, nonce).encrypt(plaintext);
  const commitment = hmac(sha256, com, lp(nonce, ct));
  return {
    key,
    blob: concatBytes(Uint8Array.of(VERSION), nonce, commitment, ct),
    sha256: bytesToHex(sha256(plaintext)),
  };
}

/** Opens a blob with its key and checks the plaintext hash the message promised. */
export function decryptAttachment(blob: Uint8Array, key: Uint8Array, expectedSha256: string): Uint8Array {
  if (blob.length < 1 + 24 + 32 + 16 || blob[0] !== VERSION)
    throw new AttachmentError('not a version-1 attachment blob');
  const nonce = blob.subarray(1, 25),
    commitment = blob.subarray(25, 57),
    ct = blob.subarray(57);
  const { enc, com } = keys(key);
  if (!equalBytes(hmac(sha256, com, lp(nonce, ct)), commitment))
    throw new AttachmentError('this key does not open this attachment (commitment mismatch)');
  let plain: Uint8Array;
  try {
    plain = xchacha20poly1305(enc, nonce).decrypt(ct);
  } catch {
    throw new AttachmentError('attachment ciphertext was altered');
  }
  if (bytesToHex(sha256(plain)) !== expectedSha256.toLowerCase())
    throw new AttachmentError('attachment plaintext does not match the hash in the message');
  return plain;
}
