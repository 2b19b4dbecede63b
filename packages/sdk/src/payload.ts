// What travels inside the MLS ciphertext (only members read it): a versioned payload in canonical
// JSON (./canonical-json.ts). The relay sees only the MLS authenticated data: the franking commitment
// and the source commitment. Receivers validate every field: a payload comes from another member,
// who may run a modified client.
import { lp, unlp, bytesToHex } from '@vigil/crypto';
import { decodeCanonical, encodeCanonical } from './canonical-json.ts';

export interface AttachmentPayload {
  blob_id: string;
  key: string; // base64, 32 bytes
  sha256: string; // hex, of the plaintext
  size: number;
  mime: string;
}

/** A source record (PEB scheme 1) as it travels in payloads and reports; all fields base64. */
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
  /** Franking key, base64 (32 bytes). */
  kf: string;
  /** Randomness opening this hop's source commitment, base64 (32 bytes). */
  r: string;
  /** Times this content was forwarded before (0 for an original), and the original's source record. */
  hops: number;
  original?: SourceRecordJson;
  /** Sender's clock, ms since the epoch. */
  sent_at: number;
  /** Disappearing messages: seconds after sending. */
  ttl_s?: number;
  /** A control message: the sender set the conversation's disappearing timer (0 = off). */
  set_timer_s?: number;
}

export const b64 = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};
export const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export function encodePayload(p: MessagePayload): Uint8Array {
  return encodeCanonical(p);
}

const isStr = (x: unknown): x is string => typeof x === 'string';
const isNat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isB64Of = (x: unknown, n: number) => {
  if (!isStr(x)) return false;
  try {
    return unb64(x).length === n;
  } catch {
    return false;
  }
};
const isB64 = (x: unknown) => {
  if (!isStr(x)) return false;
  try {
    unb64(x);
    return true;
  } catch {
    return false;
  }
};

function isAttachment(a: unknown): a is AttachmentPayload {
  const o = a as Record<string, unknown>;
  return !!o && typeof o === 'object' && isStr(o.blob_id) && isB64Of(o.key, 32) && isStr(o.sha256) && /^[0-9a-f]{64}$/.test(o.sha256) && isNat(o.size) && isStr(o.mime) && Object.keys(o).length === 5;
}

export function isSourceRecordJson(x: unknown): x is SourceRecordJson {
  const o = x as Record<string, unknown>;
  return !!o && typeof o === 'object' && isB64Of(o.comm, 32) && isB64Of(o.r, 32) && isB64(o.src) && isB64Of(o.sig, 64);
}

const KNOWN = new Set(['v', 'id', 'body', 'attachments', 'kf', 'r', 'hops', 'original', 'sent_at', 'ttl_s', 'set_timer_s']);

/** Decodes and validates a payload; throws on anything malformed, non-canonical or of another version. */
export function decodePayload(bytes: Uint8Array): MessagePayload {
  const p = decodeCanonical(bytes) as Record<string, unknown>;
  if (!p || typeof p !== 'object' || p.v !== 1) throw new TypeError('not a version-1 message payload');
  const bad = (what: string) => new TypeError(`malformed payload: ${what}`);
  for (const k of Object.keys(p)) if (!KNOWN.has(k)) throw bad(`unknown field "${k}"`);
  if (!isStr(p.id) || !p.id) throw bad('id');
  if (!isStr(p.body)) throw bad('body');
  if (!Array.isArray(p.attachments) || !p.attachments.every(isAttachment)) throw bad('attachments');
  if (!isB64Of(p.kf, 32)) throw bad('franking key');
  if (!isB64Of(p.r, 32)) throw bad('source opening');
  if (!isNat(p.hops)) throw bad('hops');
  if (p.hops > 0 !== (p.original !== undefined)) throw bad('a forward carries the original source record, an original none');
  if (p.original !== undefined && !isSourceRecordJson(p.original)) throw bad('original source record');
  if (!isNat(p.sent_at)) throw bad('sent_at');
  if (p.ttl_s !== undefined && (!isNat(p.ttl_s) || p.ttl_s === 0)) throw bad('ttl_s');
  if (p.set_timer_s !== undefined && !isNat(p.set_timer_s)) throw bad('set_timer_s');
  return p as unknown as MessagePayload;
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
