// Checking a user report: each revealed message must carry a franking opening that matches the
// relay's reporting tag for that delivery to the reporter (so a reporter cannot invent or alter a
// message, nor report one delivered to someone else), and its source record traces it to its original
// author (for a forward, someone other than the sender).
// The check itself is verifyReport from @vigil/crypto/report, shared with the relay and the client SDK,
// so they all agree on what a genuine report is. Context messages that fail are only marked; a reported
// message that fails makes the report forged: it is counted, and raises no review task.
import type { Kysely } from 'kysely';
import type { ReportVerification } from '@vigil/crypto/report';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import type { EventFollowUp } from '../ingest/index.ts';
import { verifyReportEvidence } from './subject.ts';

export type Verification = ReportVerification;

/** Follow-up of `event.apply` for report.filed: record the verification with the report. */
export function verifyReportFollowUp(cfg: Config): EventFollowUp {
  return async (trx: Kysely<Database>, platform, e) => {
    if (e.type !== 'report.filed') return;
    const v = verifyReportEvidence(cfg, e.report.reporter_id, e.report.evidence);
    await trx
      .updateTable('user_reports')
      .set({ verification: v.status, verification_detail: JSON.stringify(v) })
      .where('platform', '=', platform)
      .where('id', '=', e.report.id)
      .execute();
  };
}
