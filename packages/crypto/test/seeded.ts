// Deterministic randomness for the PSI tests: the ChaCha20 keystream of SHA-256(label), one nonce per call.
import { chacha20 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { RandomSource } from '../src/psi/index.ts';

export function seeded(label: string): RandomSource {
  const key = sha256(utf8ToBytes(label));
  let calls = 0;
  return (n) => {
    const nonce = new Uint8Array(12);
    new DataView(nonce.buffer).setUint32(8, calls++);
    return chacha20(key, nonce, new Uint8Array(n));
  };
}
