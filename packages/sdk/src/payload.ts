// What travels inside the MLS ciphertext (only members read it): a versioned payload in canonical
// JSON (./canonical-json.ts). The relay sees only the MLS authenticated data (the franking commitment
// and the source commitment; its encoding is @vigil/crypto/report's, which the relay reads too).
// Receivers validate every field: a payload comes from another member, who may run a modified client.
import { isBase64, isSourceRecordJson, type AttachmentPayload, type SourceRecordJson } from '@vigil/crypto/report';
import { decodeCanonical, encodeCanonical } from './canonical-json.ts';

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

export function encodePayload(p: MessagePayload): Uint8Array {
  return encodeCanonical(p);
}

const isStr = (x: unknown): x is string => typeof x === 'string';
const isNat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function isAttachment(a: unknown): a is AttachmentPayload {
  const o = a as Record<string, unknown>;
  return (
    !!o &&
    typeof o === 'object' &&
    isStr(o.blob_id) &&
    isBase64(o.key, 32) &&
    isStr(o.sha256) &&
    /^[0-9a-f]{64}$/.test(o.sha256) &&
    isNat(o.size) &&
    isStr(o.mime) &&
    Object.keys(o).length === 5
  );
}

const KNOWN = new Set([
  'v',
  'id',
  'body',
  'attachments',
  'kf',
  'r',
  'hops',
  'original',
  'sent_at',
  'ttl_s',
  'set_timer_s',
]);

/** Decodes and validates a payload; throws on anything malformed, non-canonical or of another version. */
export function decodePayload(bytes: Uint8Array): MessagePayload {
  const p = decodeCanonical(bytes) as Record<string, unknown>;
  if (!p || typeof p !== 'object' || p.v !== 1) throw new TypeError('not a version-1 message payload');
  const bad = (what: string) => new TypeError(`malformed payload: ${what}`);
  for (const k of Object.keys(p)) if (!KNOWN.has(k)) throw bad(`unknown field "${k}"`);
  if (!isStr(p.id) || !p.id) throw bad('id');
  if (!isStr(p.body)) throw bad('body');
  if (!Array.isArray(p.attachments) || !p.attachments.every(isAttachment)) throw bad('attachments');
  if (!isBase64(p.kf, 32)) throw bad('franking key');
  if (!isBase64(p.r, 32)) throw bad('source opening');
  if (!isNat(p.hops)) throw bad('hops');
  if (p.hops > 0 !== (p.original !== undefined))
    throw bad('a forward carries the original source record, an original none');
  if (p.original !== undefined && !isSourceRecordJson(p.original)) throw bad('original source record');
  if (!isNat(p.sent_at)) throw bad('sent_at');
  if (p.ttl_s !== undefined && (!isNat(p.ttl_s) || p.ttl_s === 0)) throw bad('ttl_s');
  if (p.set_timer_s !== undefined && !isNat(p.set_timer_s)) throw bad('set_timer_s');
  return p as unknown as MessagePayload;
}
