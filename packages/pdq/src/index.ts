// @vigil/pdq: PDQ and vPDQ perceptual hashes plus exact file hashes.
// Browser code should import '@vigil/pdq/core' (no Node modules); this entry adds decoding.
export * from './core.ts';
export {
  hashImageFile,
  pdqOfDecoded,
  VIEW_MIN_QUALITY,
  type HashImageOptions,
  type ImageHashes,
  type ViewHash,
} from './image.ts';
export { hashVideoFile, type HashVideoOptions, type VideoHashes, type VideoFrameFeature } from './video.ts';
export { decodeLuma, jpegShrinkFactor, DEFAULT_MAX_PIXELS, type DecodeOptions, type DecodedLuma } from './decode.ts';
export { exactHashes, type ExactHashes } from './file-hash.ts';
export { isVideo, isVideoBytes } from './sniff.ts';
export { hashMedia, type MediaHashes, type HashMediaOptions } from './media.ts';
export { ImageDecodeError, VideoDecodeError, type ImageDecodeErrorCode, type VideoDecodeErrorCode } from './errors.ts';
