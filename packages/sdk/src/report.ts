// The evidence a user report carries (`report.filed`, version 1): for each revealed message its
// plaintext, the franking opening, the relay's reporting tag and delivery context, and the source
// record; the reported messages come after up to N earlier messages of the conversation, which are
// marked context_only. Byte fields are base64. Shared by the client (building) and the relay side
// (verifying), so both read one shape.
import type { FrankedContent, ReportingContext } from '@vigil/crypto';
import { unb64, type AttachmentPayload, type SourceRecordJson } from './payload.ts';

export const REPORT_VERSION = 1;
export const DEFAULT_REPORT_CONTEXT = 5;

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
  return { body: m.body, attachments: (m.attachments ?? []).map((a) => ({ blobId: a.blob_id, key: unb64(a.key), sha256: a.sha256 })) };
}

export function revealedContext(m: RevealedMessageV1): ReportingContext {
  return { conversationId: m.conversation_id, senderId: m.sender_id, recipientId: m.recipient_id, epoch: m.epoch, messageId: m.message_id, timestamp: m.timestamp, keyId: m.key_id };
}
