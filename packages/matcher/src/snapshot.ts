// Snapshots: the live entries as a compact binary file, checked on load.
//   magic "VIGILMIH" | u32 version | u32 count | count × u32 id | count × 8 × u32 word | 32-byte SHA-256 of all before
// Little-endian. Tables are rebuilt on load (counting sort: seconds for ten million entries) rather
// than stored, which keeps snapshots at 36 bytes per hash.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { MihIndex, type MihOptions } from './mih.ts';

const MAGIC = Buffer.from('VIGILMIH');
const VERSION = 1;
const LITTLE_ENDIAN = endianness() === 'LE';

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

export function serialize(index: MihIndex): Buffer {
  const { ids, words } = index.entries();
  const n = ids.length;
  const buf = Buffer.alloc(16 + n * 36 + 32);
  MAGIC.copy(buf, 0);
  buf.writeUInt32LE(VERSION, 8);
  buf.writeUInt32LE(n, 12);
  let o = 16;
  if (LITTLE_ENDIAN) {
    // The file is little-endian, like the machine: copy the arrays' bytes as they are.
    Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength).copy(buf, o);
    Buffer.from(words.buffer, words.byteOffset, words.byteLength).copy(buf, o + n * 4);
    o += n * 36;
  } else {
    for (let i = 0; i < n; i++, o += 4) buf.writeUInt32LE(ids[i]!, o);
    for (let i = 0; i < n * 8; i++, o += 4) buf.writeUInt32LE(words[i]!, o);
  }
  createHash('sha256').update(buf.subarray(0, o)).digest().copy(buf, o);
  return buf;
}

export function deserialize(buf: Uint8Array, opts?: MihOptions): MihIndex {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 48 || !b.subarray(0, 8).equals(MAGIC))
    throw new SnapshotError('not a Vigil matcher snapshot (bad magic)');
  const version = b.readUInt32LE(8);
  if (version !== VERSION)
    throw new SnapshotError(`unsupported snapshot version ${version} (this build reads ${VERSION})`);
  const n = b.readUInt32LE(12);
  if (b.length !== 16 + n * 36 + 32)
    throw new SnapshotError(
      `snapshot truncated or padded: ${b.length} bytes for ${n} entries (expected ${16 + n * 36 + 32})`,
    );
  const body = 16 + n * 36;
  if (!createHash('sha256').update(b.subarray(0, body)).digest().equals(b.subarray(body)))
    throw new SnapshotError('snapshot checksum mismatch: the file is corrupted');
  const ids = new Uint32Array(n),
    words = new Uint32Array(n * 8);
  if (LITTLE_ENDIAN) {
    new Uint8Array(ids.buffer).set(b.subarray(16, 16 + n * 4));
    new Uint8Array(words.buffer).set(b.subarray(16 + n * 4, body));
  } else {
    for (let i = 0; i < n; i++) ids[i] = b.readUInt32LE(16 + i * 4);
    for (let i = 0; i < n * 8; i++) words[i] = b.readUInt32LE(16 + n * 4 + i * 4);
  }
  return MihIndex.fromArrays(ids, words, opts);
}

/** Written to a temporary file and renamed, so a crash never leaves a half-written snapshot. */
export async function saveSnapshot(index: MihIndex, path: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, serialize(index));
  await rename(tmp, path);
}

export async function loadSnapshot(path: string, opts?: MihOptions): Promise<MihIndex> {
  return deserialize(await readFile(path), opts);
}
