// Container sniffing from the first bytes, to route uploads to image or video hashing.
import { open } from 'node:fs/promises';

const IMAGE_FTYP_BRANDS = new Set(['avif', 'avis', 'heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

function ascii(b: Uint8Array, start: number, len: number): string {
  return String.fromCharCode(...b.subarray(start, start + len));
}

/** True for common video containers (MP4/MOV/3GP, Matroska/WebM, AVI, FLV, MPEG-TS/PS, ASF, Ogg). */
export function isVideoBytes(b: Uint8Array): boolean {
  if (b.length < 12) return false;
  if (ascii(b, 4, 4) === 'ftyp') return !IMAGE_FTYP_BRANDS.has(ascii(b, 8, 4));
  if (['moov', 'mdat', 'wide', 'free'].includes(ascii(b, 4, 4))) return true; // old QuickTime
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return true; // EBML
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'AVI ') return true;
  if (ascii(b, 0, 3) === 'FLV') return true;
  if (b[0] === 0 && b[1] === 0 && b[2] === 1 && (b[3] === 0xba || b[3] === 0xb3)) return true; // MPEG-PS / ES
  if (b[0] === 0x30 && b[1] === 0x26 && b[2] === 0xb2 && b[3] === 0x75) return true; // ASF / WMV
  if (ascii(b, 0, 4) === 'OggS') return true; // may be audio-only; ffmpeg then reports no video stream
  if (b[0] === 0x47 && b.length >= 189 && b[188] === 0x47) return true; // MPEG-TS sync bytes
  return false;
}

/** Sniff a file path or bytes. */
export async function isVideo(input: string | Uint8Array): Promise<boolean> {
  if (typeof input !== 'string') return isVideoBytes(input);
  const fh = await open(input, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    return isVideoBytes(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}
