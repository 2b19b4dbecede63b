// Legal's part of a review decision (a `decision.recorded` subscriber, review/effects.ts): apparent CSAM places a
// one-year legal hold on the subject, asks legal to file (a legal-reports item linked to the case) and drafts the
// CyberTipline report from what is known now. Runs once per decision, in its own transaction, after the decision
// commits; the configuration is the service's, so a draft is never skipped for want of it.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import { requestReview, type DecisionRecorded } from '../review/index.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { createReportDraft } from './reports.ts';

/** How long a confirmed subject's evidence is held (the REPORT Act's one year). */
const PRESERVATION_DAYS = 365;

export function legalOnDecision(cfg: Config) {
  return async (trx: Kysely<Database>, e: DecisionRecorded, clock: Clock): Promise<void> => {
    if (e.decision !== 'apparent_csam') return;
    const first = e.item_ids[0]!;
    // A job that ran to its end committed with its completion; this guard only matters for a decision recorded twice.
    const drafted = await trx
      .selectFrom('ncmec_reports')
      .select('id')
      .where('decision_task_id', '=', first)
      .executeTakeFirst();
    if (drafted) return;
    const s = e.subject;
    const now = iso(clock.now());
    await trx
      .insertInto('legal_holds')
      .values({
        platform: s.platform,
        subject_type: s.type,
        subject_id: s.id,
        reason: 'apparent CSAM confirmed by review',
        task_id: first,
        created_at: now,
        expires_at: iso(addMs(clock.now(), PRESERVATION_DAYS * 86_400_000)),
      })
      .execute();
    const { itemId: legalTaskId } = await requestReview(
      trx,
      {
        platform: s.platform,
        subjectType: s.type,
        subjectId: s.id,
        queue: 'legal-reports',
        priority: 100,
        reason: 'file a CyberTipline report',
        ref: { decision_task_id: first, case_id: e.case_id },
        actor: `staff:${e.decided_by}`,
      },
      clock,
    );
    await createReportDraft(
      trx,
      {
        platform: s.platform,
        subjectType: s.type,
        subjectId: s.id,
        decisionTaskId: first,
        legalTaskId,
        ...(e.incident_type ? { incidentType: e.incident_type } : {}),
      },
      cfg,
      clock,
    );
  };
}
