// Browser-safe entry: pure PDQ maths with no Node imports (the SDK hashes on the device).
export { pdqFromLuma, PdqHasher, MIN_HASHABLE_DIM, type PdqResult, type PdqDihedralResult } from './core/pdq.ts';
export { lumaFromPixels, lumaFromImageData } from './core/luma.ts';
export { DIHEDRAL_NAMES, dihedralNames, type DihedralName } from './core/dihedral.ts';
export { hammingDistance, hexToBytes, bytesToHex, isPdqHex, HASH_HEX_LENGTH } from './core/hash256.ts';
export { jaroszWindowSize, downscaleTo64 } from './core/downscale.ts';
export {
  matchVideoHashes,
  dedupeFeatures,
  type VideoFrameHash,
  type VideoMatchOptions,
  type VideoMatchResult,
} from './core/vpdq-match.ts';
export { gridDct, gridHash, maskedGridHash, MASK_MARGIN } from './core/grid-hash.ts';
export {
  robustViews,
  gridTo64,
  gridsTo64,
  orient,
  ORIENTATIONS,
  detectBars,
  areaResize,
  derotate,
  DEROTATIONS,
  UNCROPS,
  UNCROP_GUESSES,
  CROPS,
  VIEW_MIN_SIDE,
  VIEW_MAX_DISTANCE,
  viewFamily,
  viewThreshold,
  maskedThreshold,
  knownBits,
  MASK_MIN_KNOWN,
  UNCROP_FILLS,
  type Fill,
  type LumaImage,
  type NamedView,
  type Bars,
} from './core/views.ts';
