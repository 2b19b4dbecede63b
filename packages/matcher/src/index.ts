// @vigil/matcher: exact Hamming-distance search over 256-bit hashes, and exact-hash sets.
export {
  hexToHash,
  hashToHex,
  toWords,
  writeWords,
  hamming,
  popcount32,
  DEFAULT_MAX_DISTANCE,
  type Hash256,
  type Hit,
  type HammingIndex,
} from './hash256.ts';
export { BruteForceIndex } from './brute-force.ts';
export { MihIndex, type MihOptions } from './mih.ts';
export { ExactHashSet } from './exact-set.ts';
export { chunkingFor } from './chunks.ts';
// Snapshots (Node: files, checksums) are a subpath of their own, @vigil/matcher/snapshot, so this entry stays browser-safe.
