// The relay's and the safety service's part of the protocol, shared by the reference relay
// (packages/server) and the in-process relay (./testing). Pure functions over keys the caller holds:
//   relayStamp   — on every application message: read the two commitments from the MLS authenticated
//                  data, compute the reporting tag for this delivery, attach a signed source record
//   verifyReport — on a user report: check each revealed message's franking opening against the
//                  relay's tag, and trace each reported message's source record to its original author
import { relayStampSource, reportingTag, traceSource, verifyReportedMessage, decodeSourceRecord, type Ed25519Sign, type HmacSha256, type RelaySourceKeys, type ReportingContext } from '@vigil/crypto';
import { decodeMessage } from './mls.ts';
import { b64, decodeAuthenticatedData, isSourceRecordJson } from './payload.ts';
import { revealedContent, revealedContext, type RevealedMessageV1 } from './report.ts';
import type { RelayStamp } from './transport.ts';

export interface RelayKeysForStamping {
  franking: { keyId: string; key: Uint8Array };
  source: RelaySourceKeys;
  /** Faster native primitives where the relay runs (node's OpenSSL); the same bytes as the @noble defaults. */
  primitives?: { hmacSha256?: HmacSha256; ed25519Sign?: Ed25519Sign };
}

/** What verifying a report needs: franking MAC keys and source keys by key id (old ones kept for rotation). */
export interface RelayKeysForVerifying {
  franking: ReadonlyMap<string, Uint8Array>;
  source: ReadonlyMap<string, { encKey: Uint8Array; signPublic: Uint8Array }>;
}

/**
 * Stamps one application message for delivery to each recipient. `senderId` must be the account the
 * relay authenticated, `recipients` the accounts it queues the message for, and `now` the relay's clock.
 * The source record is signed once per message; the reporting tag is one HMAC per recipient, because it
 * binds the recipient: only the account a copy was delivered to can report it. Throws for anything that
 * is not an MLS application message carrying Vigil's authenticated data (the relay refuses it: such a
 * message could not be reported). Stores nothing.
 */
export function relayStamp(
  keys: RelayKeysForStamping,
  o: { conversationId: string; senderId: string; messageId: string; data: Uint8Array; now: number; recipients: Iterable<string> },
): Map<string, RelayStamp> {
  const m = decodeMessage(o.data);
  if (m.wireformat !== 'mls_private_message' || m.privateMessage.contentType !== 'application') throw new TypeError('application messages must be MLS private messages');
  const { frankingCommitment, sourceComm } = decodeAuthenticatedData(m.privateMessage.authenticatedData);
  const { src, sig } = relayStampSource(keys.source, sourceComm, { userId: o.senderId, timestamp: o.now }, keys.primitives?.ed25519Sign);
  const source = { src: b64(src), sig: b64(sig) };
  const out = new Map<string, RelayStamp>();
  for (const recipientId of o.recipients) {
    if (out.has(recipientId)) continue;
    const context: ReportingContext = { conversationId: o.conversationId, senderId: o.senderId, recipientId, epoch: Number(m.privateMessage.epoch), messageId: o.messageId, timestamp: o.now, keyId: keys.franking.keyId };
    out.set(recipientId, { context, tag: b64(reportingTag(keys.franking.key, frankingCommitment, context, keys.primitives?.hmacSha256)), ...source });
  }
  return out;
}

export interface MessageVerification {
  message_id: string | null;
  ok: boolean;
  reason?: string;
  context_only: boolean;
  /** For a verified message: who first sent this content, and when (the relay's clock). */
  source?: { user_id: string; timestamp: number };
}

export interface ReportVerification {
  /**
   * verified: every reported message checks out and was delivered to the reporter; forged: evidence in the
   * SDK's format that does not (a failing or misdelivered reported message, or no reported message at all);
   * unverifiable: no franked evidence to check (a platform's report without the SDK's evidence).
   */
  status: 'verified' | 'forged' | 'unverifiable';
  messages: MessageVerification[];
  /** Why the report is forged, when it is not one message's fault. */
  reason?: string;
  /** Verified reports: the conversation and the sender of the reported messages, as the relay's tags bind them. */
  conversation_id?: string;
  /** Every distinct verified sender of a reported message (one, unless several people's messages were reported). */
  senders?: string[];
  /** The original author of the first reported message. */
  source?: { user_id: string; timestamp: number };
}

export interface VerifyReportOptions {
  /**
   * The account that filed the report, as the relay or platform authenticated it. Each reported message's
   * tag must bind it as the recipient: evidence can be reported only by the person it was delivered to.
   */
  reporterId?: string;
  /**
   * false: check franking and tags only (one HMAC per message), not source records (an Ed25519 verification
   * each). Enough to know who sent what to whom — the report's subject — at ingest; the full check runs later.
   */
  sourceRecords?: boolean;
}

function verifyOne(m: RevealedMessageV1, conversationId: unknown, keys: RelayKeysForVerifying, contextOnly: boolean, o: VerifyReportOptions): Omit<MessageVerification, 'message_id' | 'context_only'> {
  const reporterId = o.reporterId;
  if (!m || typeof m !== 'object') return { ok: false, reason: 'not a message' };
  if (typeof conversationId === 'string' && m.conversation_id !== conversationId) return { ok: false, reason: 'message from another conversation' };
  if (reporterId !== undefined && m.recipient_id !== reporterId) return { ok: false, reason: 'the message was delivered to someone other than the reporter' };
  const content = revealedContent(m);
  const franked = verifyReportedMessage({ content, frankingKey: fromB64(m.franking_key), context: revealedContext(m), tag: fromB64(m.tag) }, keys.franking);
  if (!franked.ok) return franked;
  // Context is shown, never attributed: its franking opening is enough (and source checks cost a signature each).
  if (contextOnly || o.sourceRecords === false) return { ok: true };
  if (!isSourceRecordJson(m.source)) return { ok: false, reason: 'no well-formed source record' };
  const s = traceSource(keys.source, decodeSourceRecord(m.source), content);
  // An original's record names its sender; only a forward's may name someone else.
  if (m.hops === 0 && s.userId !== m.sender_id) return { ok: false, reason: 'the source record of an original names someone other than its sender' };
  return { ok: true, source: { user_id: s.userId, timestamp: s.timestamp } };
}

function fromB64(s: unknown): Uint8Array {
  if (typeof s !== 'string') return new Uint8Array(0);
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

/** Evidence in the SDK's format (`report.filed` evidence version 1), whether or not it verifies. */
export function isSdkEvidence(report: unknown): boolean {
  return !!report && typeof report === 'object' && (report as { version?: unknown }).version === 1 && Array.isArray((report as { messages?: unknown }).messages);
}

/**
 * Checks a report built by VigilClient.buildReport (untrusted JSON). A reported message that fails
 * makes the report forged, and so does SDK evidence with no reported message (context alone proves
 * nothing was reported); a context message that fails is only marked. Never throws.
 */
export function verifyReport(report: unknown, keys: RelayKeysForVerifying, o: VerifyReportOptions = {}): ReportVerification {
  if (!isSdkEvidence(report)) return { status: 'unverifiable', messages: [] };
  const r = report as { conversation_id?: unknown; messages: RevealedMessageV1[] };
  const out: ReportVerification = { status: 'verified', messages: [] };
  const senders = new Set<string>();
  let reported = 0;
  for (const m of r.messages) {
    const contextOnly = m?.context_only === true;
    let v: Omit<MessageVerification, 'message_id' | 'context_only'>;
    try {
      v = verifyOne(m, r.conversation_id, keys, contextOnly, o);
    } catch (e) {
      v = { ok: false, reason: (e as Error).message };
    }
    out.messages.push({ message_id: typeof m?.message_id === 'string' ? m.message_id : null, context_only: contextOnly, ...v });
    if (contextOnly) continue;
    reported++;
    if (!v.ok) out.status = 'forged';
    else {
      out.source ??= v.source;
      senders.add(m.sender_id);
    }
  }
  if (!reported) return { status: 'forged', reason: 'the evidence reports no message (only context, or nothing)', messages: out.messages };
  if (out.status === 'forged') {
    delete out.source; // nothing in a forged report is attributed
    return out;
  }
  return { ...out, conversation_id: r.conversation_id as string, senders: [...senders] };
}

// Who a verified report is about is what its evidence says, not what the request says: the relay's tag binds
// conversation, sender and recipient, so a genuine report cannot be re-aimed at an innocent account.
export interface ReportSubject {
  type: 'account' | 'group' | 'message' | 'media';
  id: string;
}

export class SubjectMismatch extends Error {}

/**
 * The subject of a report whose evidence verified. `group` is the group the reported conversation belongs to
 * when the caller knows it (the relay: its own groups; null for a one-to-one chat), undefined when it does not
 * (a platform's events: the platform maps its conversations to groups).
 */
export function derivedSubject(v: ReportVerification & { status: 'verified' }, requested: ReportSubject | undefined, group?: string | null): ReportSubject {
  const senders = v.senders ?? [];
  if (requested?.type === 'group') {
    if (group === undefined) return requested;
    if (group === null) throw new SubjectMismatch('the reported messages are from a one-to-one conversation, not a group: report the sender (subject type "account")');
    if (requested.id !== group) throw new SubjectMismatch(`the reported messages are from the conversation of group "${group}", not "${requested.id}"`);
    return requested;
  }
  if (requested && requested.type !== 'account') return requested; // messages and media: the platform's own ids
  if (requested) {
    if (!senders.includes(requested.id)) throw new SubjectMismatch(`the reported messages were sent by ${senders.map((s) => `"${s}"`).join(', ')}, not "${requested.id}"`);
    return requested;
  }
  if (senders.length !== 1) throw new SubjectMismatch(`the reported messages come from ${senders.length} senders (${senders.join(', ')}): name one of them as the subject, or report them separately`);
  return { type: 'account', id: senders[0]! };
}

