// Message franking (Facebook Messenger's scheme, as Grubbs–Lu–Ristenpart analyse it).
//   sender:    kf ← random 32 bytes per message; commitment = HMAC-SHA256(kf, "vigil-frank-v1" ‖ content)
//              kf travels inside the E2EE payload; the commitment in MLS authenticated_data (relay-visible)
//   relay:     tag = HMAC-SHA256(K_relay[kid], "vigil-report-tag-v1" ‖ commitment ‖ context), context =
//              conversation, sender, recipient, epoch, message id, time, key id — one tag per delivery, so a
//              tag cannot be moved elsewhere, nor reported by anyone but the recipient it was delivered to
//   receiver:  drops a message whose commitment does not open with (kf, content)
//   report:    (content, kf, context, tag) → the service recomputes both MACs
// MACs, not signatures: a leaked report convinces no one but the relay (deniability is kept).
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, hexToBytes, lp, randomBytes, type Field } from './encoding.ts';

export interface AttachmentRef {
  blobId: string;
  /** The attachment's key (32 bytes) and the SHA-256 of its plaintext, both inside the E2EE payload. */
  key: Uint8Array;
  sha256: string;
  size?: number;
  mime?: string;
}

export interface FrankedContent {
  body: string;
  attachments?: AttachmentRef[];
}

export interface ReportingContext {
  conversationId: string;
  senderId: string;
  /** The account this copy was delivered to: only it can report the message with this tag. */
  recipientId: string;
  epoch: number;
  messageId: string;
  /** Relay's receive time, ms since the epoch. */
  timestamp: number;
  keyId: string;
}

export function newFrankingKey(): Uint8Array {
  return randomBytes(32);
}

/** The canonical bytes of a message's content (body and attachment references). */
export function contentBytes(c: FrankedContent): Uint8Array {
  const fields: Field[] = ['vigil-frank-v1', c.body, c.attachments?.length ?? 0];
  for (const a of c.attachments ?? []) fields.push(a.blobId, a.key, hexToBytes(a.sha256));
  return lp(...fields);
}

export function frankingCommitment(kf: Uint8Array, content: FrankedContent): Uint8Array {
  if (kf.length !== 32) throw new RangeError('a franking key is 32 bytes');
  return hmac(sha256, kf, contentBytes(content));
}

export function verifyOpening(commitment: Uint8Array, kf: Uint8Array, content: FrankedContent): boolean {
  if (kf.length !== 32 || commitment.length !== 32) return false;
  return equalBytes(frankingCommitment(kf, content), commitment);
}

function contextBytes(ctx: ReportingContext): Uint8Array {
  return lp(
    'vigil-report-ctx-v2',
    ctx.conversationId,
    ctx.senderId,
    ctx.recipientId,
    ctx.epoch,
    ctx.messageId,
    ctx.timestamp,
    ctx.keyId,
  );
}

/** HMAC-SHA256; the relay's server passes node's (OpenSSL) implementation, browsers keep @noble's. */
export type HmacSha256 = (key: Uint8Array, message: Uint8Array) => Uint8Array;
export const nobleHmacSha256: HmacSha256 = (key, message) => hmac(sha256, key, message);

export function reportingTag(
  relayKey: Uint8Array,
  commitment: Uint8Array,
  ctx: ReportingContext,
  mac: HmacSha256 = nobleHmacSha256,
): Uint8Array {
  return mac(relayKey, lp('vigil-report-tag-v1', commitment, contextBytes(ctx)));
}

export function verifyReportingTag(
  relayKeys: ReadonlyMap<string, Uint8Array>,
  commitment: Uint8Array,
  ctx: ReportingContext,
  tag: Uint8Array,
): boolean {
  const key = relayKeys.get(ctx.keyId);
  return !!key && tag.length === 32 && equalBytes(reportingTag(key, commitment, ctx), tag);
}

export interface ReportedMessage {
  content: FrankedContent;
  frankingKey: Uint8Array;
  context: ReportingContext;
  tag: Uint8Array;
}

/** What the safety service checks for each reported message. */
export function verifyReportedMessage(
  m: ReportedMessage,
  relayKeys: ReadonlyMap<string, Uint8Array>,
): { ok: true } | { ok: false; reason: string } {
  if (m.frankingKey.length !== 32) return { ok: false, reason: 'franking key is not 32 bytes' };
  const commitment = frankingCommitment(m.frankingKey, m.content);
  if (!relayKeys.has(m.context.keyId)) return { ok: false, reason: `unknown relay key "${m.context.keyId}"` };
  if (!verifyReportingTag(relayKeys, commitment, m.context, m.tag))
    return { ok: false, reason: 'the relay never delivered this message in this conversation (tag does not verify)' };
  return { ok: true };
}
