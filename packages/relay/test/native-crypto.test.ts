// The relay's native (OpenSSL) HMAC and Ed25519 give exactly @noble's bytes, so clients (on @noble) and
// the safety service verify what the server stamped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { nobleEd25519Sign, nobleHmacSha256, randomBytes } from '@vigil/crypto';
import { nativeEd25519Sign, nativeHmacSha256 } from '../src/native-crypto.ts';

test('native HMAC-SHA256 and Ed25519 equal @noble byte for byte, and the signatures verify', () => {
  for (let i = 0; i < 200; i++) {
    const key = randomBytes(32);
    const secret = ed25519.utils.randomSecretKey();
    const msg = randomBytes(i * 7);
    assert.deepEqual(new Uint8Array(nativeHmacSha256(key, msg)), nobleHmacSha256(key, msg));
    const sig = new Uint8Array(nativeEd25519Sign(msg, secret));
    assert.deepEqual(sig, nobleEd25519Sign(msg, secret));
    assert.ok(ed25519.verify(sig, msg, ed25519.getPublicKey(secret)));
  }
  const secret = ed25519.utils.randomSecretKey();
  const sig = nativeEd25519Sign(new Uint8Array([1, 2, 3]), secret);
  assert.equal(
    ed25519.verify(sig, new Uint8Array([1, 2, 4]), ed25519.getPublicKey(secret)),
    false,
    'a signature binds its message',
  );
});
