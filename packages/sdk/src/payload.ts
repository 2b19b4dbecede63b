// What travels inside the MLS ciphertext (only members read it): a versioned JSON payload. The relay
// sees only the MLS authenticated data: the franking commitment and the source commitment.
import { lp, unlp, bytesToHex } from '@vigil/crypto';

export interface AttachmentPayload {
  blob_id: string;
  key: string; // base64, 32 bytes
  sha256: string;
  size: number;
  mime: string;
}

export interface SourceRecordJson {
  comm: string;
  r: string;
  src: string;
  sig: string;
}

export interface MessagePayload {
  v: 1;
  id: string;
  body: string;
  attachments: AttachmentPayload[];
  /** Franking key, base64. */
  kf: string;
  /** Randomness opening this hop's source commitment, base64. */
  r: string;
  /** Times this content was forwarded before (0 for an original), and the original's source record. */
  hops: number;
  original?: SourceRecordJson;
  sent_at: number;
  /** Disappearing messages: seconds after sending. */
  ttl_s?: number;
}

export const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
export const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export function encodePayload(p: MessagePayload): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(p));
}

export function decodePayload(bytes: Uint8Array): MessagePayload {
  const p = JSON.parse(new TextDecoder().decode(bytes)) as MessagePayload;
  if (p.v !== 1 || typeof p.id !== 'string' || typeof p.body !== 'string' || typeof p.kf !== 'string') throw new TypeError('not a version-1 message payload');
  return p;
}

/** MLS authenticated_data of an application message: what the relay needs, nothing more. */
export function encodeAuthenticatedData(frankingCommitment: Uint8Array, sourceComm: Uint8Array): Uint8Array {
  return lp('vigil-ad-v1', frankingCommitment, sourceComm);
}

export function decodeAuthenticatedData(ad: Uint8Array): { frankingCommitment: Uint8Array; sourceComm: Uint8Array } {
  const [tag, fc, sc] = unlp(ad, 3) as [Uint8Array, Uint8Array, Uint8Array];
  if (new TextDecoder().decode(tag) !== 'vigil-ad-v1' || fc.length !== 32 || sc.length !== 32) throw new TypeError(`unexpected authenticated data ${bytesToHex(ad.subarray(0, 16))}…`);
  return { frankingCommitment: fc, sourceComm: sc };
}
