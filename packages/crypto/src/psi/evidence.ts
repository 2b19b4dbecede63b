// The payload a voucher seals for human review once the account threshold is reached: what is needed
// to fetch and decrypt the attachment and re-check the match. Encoded as version ‖ length-prefixed fields.
import { bytesToUtf8, utf8ToBytes } from '@noble/ciphers/utils.js';
import { Reader, Writer } from './encoding.ts';
import { PsiError } from './errors.ts';
import { hashBytes } from './table.ts';
import { bytesToHex } from '@noble/hashes/utils.js';

export interface Evidence {
  readonly blobId: string;
  /** The attachment's 32-byte key (committing attachment encryption). */
  readonly attachmentKey: Uint8Array;
  /** Hex SHA-256 of the plaintext. */
  readonly sha256: string;
  /** Hex PDQ hash, in perceptual mode (lets the server re-check the true distance). */
  readonly pdq?: string;
}

const EVIDENCE_VERSION = 1;

export function encodeEvidence(e: Evidence): Uint8Array {
  if (e.attachmentKey.length !== 32) throw new PsiError('bad-params', 'attachmentKey must be 32 bytes');
  const blob = utf8ToBytes(e.blobId);
  if (blob.length > 0xffff) throw new PsiError('bad-params', 'blobId too long');
  const w = new Writer()
    .u8(EVIDENCE_VERSION)
    .u16(blob.length)
    .bytes(blob)
    .bytes(e.attachmentKey)
    .bytes(hashBytes(e.sha256, 'sha256'));
  return (e.pdq ? w.u8(1).bytes(hashBytes(e.pdq, 'pdq')) : w.u8(0)).finish();
}

export function decodeEvidence(b: Uint8Array): Evidence {
  const r = new Reader(b, 'evidence');
  const v = r.u8();
  if (v !== EVIDENCE_VERSION) throw new PsiError('bad-version', `evidence version ${v} is not supported`);
  const blobId = bytesToUtf8(r.bytes(r.u16()));
  const attachmentKey = r.bytes(32).slice();
  const sha256 = bytesToHex(r.bytes(32));
  const hasPdq = r.u8();
  if (hasPdq > 1) throw new PsiError('bad-encoding', 'evidence: bad flag');
  const pdq = hasPdq ? bytesToHex(r.bytes(32)) : undefined;
  r.end();
  return pdq ? { blobId, attachmentKey, sha256, pdq } : { blobId, attachmentKey, sha256 };
}
