// Exact (cryptographic) file hashes, streamed so large videos are never held in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface ExactHashes {
  md5: string;
  sha256: string;
}

/** MD5 and SHA-256 of a file (one streaming pass) or of a buffer. */
export async function exactHashes(input: string | Uint8Array): Promise<ExactHashes> {
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  if (typeof input !== 'string') {
    md5.update(input);
    sha.update(input);
  } else {
    for await (const chunk of createReadStream(input, { highWaterMark: 1 << 20 })) {
      md5.update(chunk as Buffer);
      sha.update(chunk as Buffer);
    }
  }
  return { md5: md5.digest('hex'), sha256: sha.digest('hex') };
}
