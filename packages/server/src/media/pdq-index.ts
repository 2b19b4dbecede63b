// The indexes behind BankIndex, from @vigil/matcher: exact multi-index hashing for PDQ, and
// exact-hash sets for MD5 and SHA-256.
import { ExactHashSet, MihIndex } from '@vigil/matcher';

export type PdqIndex = MihIndex;

export function createPdqIndex(): PdqIndex {
  return new MihIndex();
}

export function createExactIndex(type: 'md5' | 'sha256'): ExactHashSet {
  return new ExactHashSet(type === 'md5' ? 16 : 32);
}
