// One entry point for "hash whatever this file is": images get PDQ (+ dihedrals), videos get vPDQ.
// The CLI and the server both use it, so a file hashes the same way everywhere.
import { writeFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashImageFile, type HashImageOptions, type ImageHashes } from './image.ts';
import { hashVideoFile, type HashVideoOptions, type VideoHashes } from './video.ts';
import { isVideo } from './sniff.ts';

export type MediaHashes = ({ kind: 'image' } & ImageHashes) | ({ kind: 'video' } & VideoHashes);

export interface HashMediaOptions extends HashImageOptions {
  video?: HashVideoOptions;
}

/** Hash a file path or uploaded bytes, routing by content (not by file name). */
export async function hashMedia(input: string | Uint8Array, opts: HashMediaOptions = {}): Promise<MediaHashes> {
  // An unreadable path falls through to the image decoder, which reports it as NOT_FOUND.
  if (!(await isVideo(input).catch(() => false))) return { kind: 'image', ...(await hashImageFile(input, opts)) };
  // `dihedral` reaches the frames too: a mirrored or turned video is as common as a mirrored image.
  const video: HashVideoOptions = { dihedral: !!opts.dihedral, ...opts.video };
  if (typeof input === 'string') return { kind: 'video', ...(await hashVideoFile(input, video)) };
  // ffmpeg needs a seekable file for most containers (MP4's index may sit at the end).
  const dir = await mkdtemp(join(tmpdir(), 'vigil-video-'));
  try {
    const path = join(dir, 'upload');
    await writeFile(path, input);
    return { kind: 'video', ...(await hashVideoFile(path, video)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
