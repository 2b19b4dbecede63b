// Who a user report is about is what its verified evidence says, not what the request says. A verified
// report proves "this reporter received these messages from this sender in this conversation" (the relay's
// tag binds all four), so the subject is derived from it: the sender for an account, the conversation's group
// for a group. A request that names someone else is refused (400), so a genuine report cannot be re-aimed
// at an innocent account. Reports whose evidence does not verify accuse no one: they are counted against
// their reporter and never reach review, whatever subject they name.
import type { Config } from '../config.ts';
import type { PlatformEvent } from '../ingest/events.ts';
import { InvalidBatchError, type EventProblem } from '../ingest/ingest.ts';
import { isSdkEvidence, verifyReport, type ReportVerification } from '@vigil/sdk';
import { relayKeys } from './relay-keys.ts';

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

/** The verification of a report's evidence, bound to the reporter the platform or relay authenticated. */
export function verifyReportEvidence(cfg: Config, reporterId: string, evidence: unknown, o: { sourceRecords?: boolean } = {}): ReportVerification {
  return verifyReport(evidence, relayKeys(cfg), { reporterId, ...o });
}

/**
 * Platform events (`POST /v1/events`): a report.filed whose SDK evidence verifies must name a subject that the
 * evidence supports, or the whole batch is refused naming the event and field (nothing is stored).
 */
export function checkReportSubjects(cfg: Config, events: PlatformEvent[]): void {
  const problems: EventProblem[] = [];
  events.forEach((e, index) => {
    if (e.type !== 'report.filed' || !isSdkEvidence(e.report.evidence)) return;
    // Tags only (one HMAC a message): a batch of a thousand reports stays cheap; source records are checked by the job.
    const v = verifyReportEvidence(cfg, e.report.reporter_id, e.report.evidence, { sourceRecords: false });
    if (v.status !== 'verified') return; // forged: counted against the reporter, accuses no one
    try {
      derivedSubject(v as ReportVerification & { status: 'verified' }, e.report.subject);
    } catch (err) {
      if (!(err instanceof SubjectMismatch)) throw err;
      problems.push({ index, id: e.id, path: 'report.subject', message: err.message });
    }
  });
  if (problems.length) throw new InvalidBatchError(problems);
}
