// Typed errors so callers (CLI, server) can tell a bad upload from a bug.

export type ImageDecodeErrorCode =
  | 'EMPTY' // zero bytes
  | 'NOT_FOUND' // no such file
  | 'UNSUPPORTED' // not an image format the decoder knows
  | 'CORRUPT' // truncated or damaged data
  | 'TOO_LARGE'; // over the pixel limit (decompression-bomb guard)

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
  constructor(
    readonly code: ImageDecodeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type VideoDecodeErrorCode = 'EMPTY' | 'NOT_FOUND' | 'NO_FRAMES' | 'CORRUPT' | 'FFMPEG_MISSING' | 'TOO_LARGE';

export class VideoDecodeError extends Error {
  override name = 'VideoDecodeError';
  constructor(
    readonly code: VideoDecodeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
