// The evidence a user report carries (`report.filed`, version 1): for each revealed message its
// plaintext, the franking opening, the relay's reporting tag and delivery context, and the source
// record; the reported messages come after up to N earlier messages of the conversation, which are
// marked context_only. Byte fields are base64. The client builds it, the relay and the safety service
// verify it (./verify.ts), so all three read this one shape.
import type { FrankedContent, ReportingContext } from '../franking.ts';
import { unb64 } from '../encoding.ts';

export const REPORT_VERSION = 1;

/** An attachment as the E2EE payload and a revealed message carry it. */
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

export interface RevealedMessageV1 {
  message_id: string;
  conversation_id: string;
  sender_id: string;
  /** The account this copy was delivered to (bound by the relay's tag): only it can report the message. */
  recipient_id: string;
  epoch: number;
  /** The relay's delivery time, ms since the epoch (part of the tag's context). */
  timestamp: number;
  key_id: string;
  body: string;
  attachments: AttachmentPayload[];
  franking_key: string;
  tag: string;
  /** For an original its own record, for a forward the original's. */
  source: SourceRecordJson;
  /** Forward hops as the payload said (not franked: informational). */
  hops: number;
  sent_at: number;
  context_only?: true;
}

export interface ReportV1 {
  version: 1;
  reporter_id: string;
  conversation_id: string;
  /** Reporter's clock, ms since the epoch. */
  built_at: number;
  messages: RevealedMessageV1[];
}

/** The franked content of a revealed message, as the commitment covers it. */
export function revealedContent(m: Pick<RevealedMessageV1, 'body' | 'attachments'>): FrankedContent {
  return {
    body: m.body,
    attachments: (m.attachments ?? []).map((a) => ({ blobId: a.blob_id, key: unb64(a.key), sha256: a.sha256 })),
  };
}

export function revealedContext(m: RevealedMessageV1): ReportingContext {
  return {
    conversationId: m.conversation_id,
    senderId: m.sender_id,
    recipientId: m.recipient_id,
    epoch: m.epoch,
    messageId: m.message_id,
    timestamp: m.timestamp,
    keyId: m.key_id,
  };
}

/** Evidence in the SDK's format (`report.filed` evidence version 1), whether or not it verifies. */
export function isSdkEvidence(report: unknown): boolean {
  return (
    !!report &&
    typeof report === 'object' &&
    (report as { version?: unknown }).version === REPORT_VERSION &&
    Array.isArray((report as { messages?: unknown }).messages)
  );
}

/** Base64 that decodes to exactly `n` bytes (any length when n is undefined). */
export function isBase64(x: unknown, n?: number): x is string {
  if (typeof x !== 'string') return false;
  try {
    const len = unb64(x).length;
    return n === undefined || len === n;
  } catch {
    return false;
  }
}

export function isSourceRecordJson(x: unknown): x is SourceRecordJson {
  const o = x as Record<string, unknown>;
  return (
    !!o && typeof o === 'object' && isBase64(o.comm, 32) && isBase64(o.r, 32) && isBase64(o.src) && isBase64(o.sig, 64)
  );
}
