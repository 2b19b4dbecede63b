// Checking a user report: each revealed message must carry a franking opening that matches the
// relay's reporting tag for that delivery (so a reporter cannot invent or alter a message), and a
// forwarded item's source record traces it to its original author. Messages given only as context
// that fail are marked unverified; a reported message that fails makes the report forged: it is
// counted, and raises no review task.
import type { Kysely } from 'kysely';
import { decodeSourceRecord, traceSource, verifyReportedMessage, type FrankedContent } from '@vigil/crypto';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import type { EventFollowUp } from '../ingest/apply.ts';
import { relayKeys, type RelayKeys } from './relay-keys.ts';

/** A message as the SDK reveals it in `report.filed` evidence (version 1). Byte fields are base64. */
export interface RevealedMessageV1 {
  message_id: string;
  conversation_id: string;
  sender_id: string;
  epoch: number;
  timestamp: number;
  key_id: string;
  body: string;
  attachments?: { blob_id: string; key: string; sha256: string; size?: number; mime?: string }[];
  franking_key: string;
  tag: string;
  source?: { comm: string; r: string; src: string; sig: string };
  /** One of the previous messages sent along as context, not itself reported. */
  context_only?: boolean;
}

export interface Verification {
  status: 'unverifiable' | 'verified' | 'forged';
  messages: { message_id: string | null; ok: boolean; reason?: string; context_only: boolean }[];
  source?: { user_id: string; timestamp: number };
}

const bytes = (s: unknown) => (typeof s === 'string' ? new Uint8Array(Buffer.from(s, 'base64')) : new Uint8Array(0));

export function contentOf(m: RevealedMessageV1): FrankedContent {
  return { body: m.body, attachments: (m.attachments ?? []).map((a) => ({ blobId: a.blob_id, key: bytes(a.key), sha256: a.sha256 })) };
}

export function verifyEvidence(evidence: unknown, keys: RelayKeys): Verification {
  const ev = evidence as { version?: number; messages?: RevealedMessageV1[] } | undefined;
  const msgs = ev?.version === 1 && Array.isArray(ev.messages) ? ev.messages : [];
  if (!msgs.length || !msgs.some((m) => typeof m?.franking_key === 'string')) return { status: 'unverifiable', messages: [] };
  const out: Verification = { status: 'verified', messages: [] };
  for (const m of msgs) {
    const contextOnly = !!m?.context_only;
    let ok = false, reason: string | undefined;
    try {
      const content = contentOf(m);
      const r = verifyReportedMessage({ content, frankingKey: bytes(m.franking_key), context: { conversationId: String(m.conversation_id), senderId: String(m.sender_id), epoch: Number(m.epoch), messageId: String(m.message_id), timestamp: Number(m.timestamp), keyId: String(m.key_id) }, tag: bytes(m.tag) }, keys.franking);
      ok = r.ok;
      if (!r.ok) reason = r.reason;
      if (ok && m.source && !contextOnly && !out.source) {
        const s = traceSource(keys.source, decodeSourceRecord(m.source), content);
        out.source = { user_id: s.userId, timestamp: s.timestamp };
      }
    } catch (e) {
      ok = false;
      reason = (e as Error).message;
    }
    out.messages.push({ message_id: typeof m?.message_id === 'string' ? m.message_id : null, ok, ...(reason ? { reason } : {}), context_only: contextOnly });
    if (!ok && !contextOnly) out.status = 'forged';
  }
  return out;
}

/** Follow-up of `event.apply` for report.filed: record the verification with the report. */
export function verifyReportFollowUp(cfg: Config): EventFollowUp {
  return async (trx: Kysely<Database>, platform, e) => {
    if (e.type !== 'report.filed') return;
    const v = verifyEvidence(e.report.evidence, relayKeys(cfg));
    await trx.updateTable('user_reports').set({ verification: v.status, verification_detail: JSON.stringify(v) }).where('platform', '=', platform).where('id', '=', e.report.id).execute();
  };
}
