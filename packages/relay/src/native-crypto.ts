// The relay stamps every message it delivers: one HMAC per recipient and one Ed25519 signature per
// message. On the server those run on node's OpenSSL rather than @noble's pure JavaScript (same bytes:
// HMAC and RFC 8032 signatures are deterministic; packages/relay/test/native-crypto.test.ts checks them against @noble).
import { createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { Ed25519Sign, HmacSha256 } from '@vigil/crypto';

export const nativeHmacSha256: HmacSha256 = (key, message) => createHmac('sha256', key).update(message).digest();

// An Ed25519 private key as PKCS#8 DER: this fixed prefix, then the 32-byte seed (RFC 8410).
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const keyObjects = new Map<string, KeyObject>();

export const nativeEd25519Sign: Ed25519Sign = (message, secretKey) => {
  const id = Buffer.from(secretKey).toString('base64');
  let key = keyObjects.get(id);
  if (!key) {
    if (keyObjects.size > 16) keyObjects.clear(); // a handful of relay keys at most (rotation)
    key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, secretKey]), format: 'der', type: 'pkcs8' });
    keyObjects.set(id, key);
  }
  return sign(null, message, key);
};

export const nativeRelayPrimitives = { hmacSha256: nativeHmacSha256, ed25519Sign: nativeEd25519Sign };
