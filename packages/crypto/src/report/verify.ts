// Verifying a user report (untrusted JSON, ./evidence.ts) with the relay's keys: each revealed message's
// franking opening against the relay's tag for its delivery to the reporter, and each reported message's
// source record traced to its original author. The relay and the safety service run this same function,
// so they agree on what a genuine report is.
import { verifyReportedMessage } from '../franking.ts';
import { decodeSourceRecord, traceSource } from '../source-trace.ts';
import { unb64 } from '../encoding.ts';
import {
  isSdkEvidence,
  isSourceRecordJson,
  revealedContent,
  revealedContext,
  type RevealedMessageV1,
} from './evidence.ts';

/** What verifying a report needs: franking MAC keys and source keys by key id (old ones kept for rotation). */
export interface RelayKeysForVerifying {
  franking: ReadonlyMap<string, Uint8Array>;
  source: ReadonlyMap<string, { encKey: Uint8Array; signPublic: Uint8Array }>;
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

/** Untrusted fields: a missing or non-string one becomes no bytes, which then fails its check. */
const fromB64 = (s: unknown): Uint8Array => (typeof s === 'string' ? unb64(s) : new Uint8Array(0));

function verifyOne(
  m: RevealedMessageV1,
  conversationId: unknown,
  keys: RelayKeysForVerifying,
  contextOnly: boolean,
  o: VerifyReportOptions,
): Omit<MessageVerification, 'message_id' | 'context_only'> {
  const reporterId = o.reporterId;
  if (!m || typeof m !== 'object') return { ok: false, reason: 'not a message' };
  if (typeof conversationId === 'string' && m.conversation_id !== conversationId)
    return { ok: false, reason: 'message from another conversation' };
  if (reporterId !== undefined && m.recipient_id !== reporterId)
    return { ok: false, reason: 'the message was delivered to someone other than the reporter' };
  const content = revealedContent(m);
  const franked = verifyReportedMessage(
    { content, frankingKey: fromB64(m.franking_key), context: revealedContext(m), tag: fromB64(m.tag) },
    keys.franking,
  );
  if (!franked.ok) return franked;
  // Context is shown, never attributed: its franking opening is enough (and source checks cost a signature each).
  if (contextOnly || o.sourceRecords === false) return { ok: true };
  if (!isSourceRecordJson(m.source)) return { ok: false, reason: 'no well-formed source record' };
  const s = traceSource(keys.source, decodeSourceRecord(m.source), content);
  // An original's record names its sender; only a forward's may name someone else.
  if (m.hops === 0 && s.userId !== m.sender_id)
    return { ok: false, reason: 'the source record of an original names someone other than its sender' };
  return { ok: true, source: { user_id: s.userId, timestamp: s.timestamp } };
}

/**
 * Checks a report built by the SDK's VigilClient.buildReport (untrusted JSON). A reported message that fails
 * makes the report forged, and so does SDK evidence with no reported message (context alone proves nothing
 * was reported); a context message that fails is only marked. Never throws.
 */
export function verifyReport(
  report: unknown,
  keys: RelayKeysForVerifying,
  o: VerifyReportOptions = {},
): ReportVerification {
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
    out.messages.push({
      message_id: typeof m?.message_id === 'string' ? m.message_id : null,
      context_only: contextOnly,
      ...v,
    });
    if (contextOnly) continue;
    reported++;
    if (!v.ok) out.status = 'forged';
    else {
      out.source ??= v.source;
      senders.add(m.sender_id);
    }
  }
  if (!reported)
    return {
      status: 'forged',
      reason: 'the evidence reports no message (only context, or nothing)',
      messages: out.messages,
    };
  if (out.status === 'forged') {
    delete out.source; // nothing in a forged report is attributed
    return out;
  }
  return { ...out, conversation_id: r.conversation_id as string, senders: [...senders] };
}
