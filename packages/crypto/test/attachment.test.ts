import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decryptAttachment, encryptAttachment, randomBytes, AttachmentError } from '../src/index.ts';

describe('committing attachment encryption', () => {
  const plain = new TextEncoder().encode('generated test attachment bytes '.repeat(50));
  it('round-trips, and refuses a wrong key, an altered blob and a wrong plaintext hash', () => {
    const a = encryptAttachment(plain);
    assert.deepEqual(decryptAttachment(a.blob, a.key, a.sha256), plain);
    assert.throws(() => decryptAttachment(a.blob, randomBytes(32), a.sha256), /commitment mismatch/);
    const altered = Uint8Array.from(a.blob);
    altered[altered.length - 1]! ^= 1;
    assert.throws(() => decryptAttachment(altered, a.key, a.sha256), AttachmentError);
    assert.throws(() => decryptAttachment(a.blob, a.key, '00'.repeat(32)), /does not match the hash/);
    assert.throws(() => decryptAttachment(a.blob.subarray(0, 40), a.key, a.sha256), /not a version-1/);
  });
  it('the same plaintext under two keys gives unrelated blobs (no de-duplication across keys)', () => {
    const a = encryptAttachment(plain),
      b = encryptAttachment(plain);
    assert.equal(a.sha256, b.sha256);
    assert.notDeepEqual(a.blob.subarray(57, 89), b.blob.subarray(57, 89));
    // A blob crafted for key A does not open under key B even with B's commitment spliced in.
    const spliced = Uint8Array.from(a.blob);
    spliced.set(b.blob.subarray(25, 57), 25);
    assert.throws(() => decryptAttachment(spliced, b.key, a.sha256), AttachmentError);
    assert.throws(() => decryptAttachment(spliced, a.key, a.sha256), AttachmentError);
  });

  it('a blob opens under exactly one key: the key commitment fails for every other key tried', () => {
    const a = encryptAttachment(plain);
    for (let i = 0; i < 200; i++)
      assert.throws(() => decryptAttachment(a.blob, randomBytes(32), a.sha256), /commitment mismatch/);
    // A blob whose inner ciphertext really is key B's still fails under B when it carries A's commitment,
    // and under A because A's commitment does not cover B's ciphertext.
    const b = encryptAttachment(plain);
    const hybrid = Uint8Array.from(b.blob);
    hybrid.set(a.blob.subarray(0, 57), 0);
    assert.throws(() => decryptAttachment(hybrid, b.key, b.sha256), /commitment mismatch/);
    assert.throws(() => decryptAttachment(hybrid, a.key, a.sha256), AttachmentError);
    assert.throws(() => encryptAttachment(plain, randomBytes(16)), /32 bytes/);
  });
});
