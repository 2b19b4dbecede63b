// Who a user report is about is what its verified evidence says, not what the request says. A verified
// report proves "this reporter received these messages from this sender in this conversation" (the relay's
// tag binds all four), so the subject is derived from it: the sender for an account, the conversation's group
// for a group. A request that names someone else is refused (400), so a genuine report cannot be re-aimed
// at an innocent account. Reports whose evidence does not verify accuse no one: they are counted against
// their reporter and never reach review, whatever subject they name.
import type { Config } from '../config.ts';
import type { PlatformEvent } from '../ingest/index.ts';
import { invalidBatch, type EventProblem } from '../ingest/index.ts';
import {
  derivedSubject,
  isSdkEvidence,
  SubjectMismatch,
  verifyReport,
  type ReportVerification,
} from '@vigil/crypto/report';
export { type ReportSubject } from '@vigil/crypto/report';
import { relayKeys } from './relay-keys.ts';

/** The verification of a report's evidence, bound to the reporter the platform or relay authenticated. */
export function verifyReportEvidence(
  cfg: Config,
  reporterId: string,
  evidence: unknown,
  o: { sourceRecords?: boolean } = {},
): ReportVerification {
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
  if (problems.length) throw invalidBatch(problems);
}
