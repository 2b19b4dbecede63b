// The life of a CyberTipline report: drafted by a decision, edited and sent by the legal role, filed
// by a job whose network work runs in the worker's prepare phase with its journal in the database
// (a crash mid-filing resumes; NCMEC never receives a report twice), retractable until finished.
import type { Kysely } from 'kysely';
import {
  CyberTiplineClient,
  fileReport,
  reportXml,
  retractFiling,
  type FilingJournal,
  type FilingState,
  type IncidentType,
} from '@vigil/ncmec';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import type { JobHandler } from '../queue/worker.ts';
import { enqueue } from '../queue/jobs.ts';
import { appendAudit } from '../audit/log.ts';
import { emitWebhook } from '../webhooks/outbox.ts';
import { fetchMedia } from '../media/index.ts';
import { fromJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';
import { VigilError, notFound } from '../errors.ts';
import { draftFromDecision, type Draft } from './report-draft.ts';
import { draftProblems, draftSha256, type FieldProblem } from './report-edit.ts';
import { mediaForReport } from './vault.ts';
import { vaultKeys } from './vault-keys.ts';
import { completeWork } from '../review/index.ts';

export async function createReportDraft(
  trx: Kysely<Database>,
  o: {
    platform: string;
    subjectType: string;
    subjectId: string;
    decisionTaskId: number;
    legalTaskId: number;
    incidentType?: IncidentType;
  },
  cfg: Config,
  clock: Clock,
): Promise<number> {
  const now = iso(clock.now());
  const draft = await draftFromDecision(trx, { ...o, decidedAt: now }, cfg);
  const row = await trx
    .insertInto('ncmec_reports')
    .values({
      platform: o.platform,
      subject_type: o.subjectType,
      subject_id: o.subjectId,
      decision_task_id: o.decisionTaskId,
      legal_task_id: o.legalTaskId,
      status: 'draft',
      draft: JSON.stringify(draft),
      journal: null,
      ncmec_report_id: null,
      error: null,
      sent_by: null,
      created_at: now,
      updated_at: now,
      filed_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // What is reported is preserved for a year (REPORT Act), starting now, not when legal gets to it.
  await enqueue(trx, [{ kind: 'vault.preserve', payload: { reportId: Number(row.id) } }], clock);
  await appendAudit(
    trx,
    {
      actor: 'system',
      action: 'ncmec.report.draft',
      subjectType: o.subjectType,
      subjectId: o.subjectId,
      data: {
        report_id: Number(row.id),
        decision_task_id: o.decisionTaskId,
        files: draft.files.length,
        incident_type: draft.report.incidentType,
      },
    },
    clock,
  );
  return Number(row.id);
}

export async function loadReport(db: Kysely<Database>, id: number) {
  const r = await db.selectFrom('ncmec_reports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound(`report ${id}`);
  return r;
}

/** The XML that would be sent, and what the schema says about it and about each file's details, field by field. */
export async function previewReport(
  draft: Draft,
): Promise<{ xml: string; problems: string[]; field_problems: FieldProblem[] }> {
  const field_problems = await draftProblems(draft);
  return {
    xml: reportXml(draft.report),
    problems: field_problems.map((p) => `${p.path}: ${p.message}`),
    field_problems,
  };
}

/**
 * Queues a draft for filing. `draftSha256` is the version the sender confirmed (the summary and XML they saw);
 * a draft changed since is refused, as is one that does not validate.
 */
export async function sendReport(db: Kysely<Database>, id: number, confirmed: string, actor: string, clock: Clock) {
  const r = await loadReport(db, id);
  if (r.status !== 'draft' && r.status !== 'failed') throw new VigilError('conflict', `report ${id} is ${r.status}`);
  if (draftSha256(r.draft) !== confirmed)
    throw new VigilError(
      'draft_changed',
      `report ${id} changed after you reviewed it; review what will be filed again`,
    );
  const { problems, field_problems } = await previewReport(fromJson<Draft>(r.draft));
  if (problems.length)
    throw new VigilError(
      'invalid_report',
      `the report does not validate against NCMEC's schema: ${problems.slice(0, 5).join('; ')}`,
      field_problems,
    );
  await db.transaction().execute(async (trx) => {
    const n = await trx
      .updateTable('ncmec_reports')
      .set({ status: 'queued', sent_by: actor, error: null, updated_at: iso(clock.now()) })
      .where('id', '=', id)
      .where('draft', '=', r.draft)
      .where('status', 'in', ['draft', 'failed'])
      .executeTakeFirst();
    if (Number(n.numUpdatedRows) !== 1)
      throw new VigilError(
        'draft_changed',
        `report ${id} changed after you reviewed it; review what will be filed again`,
      );
    await enqueue(trx, [{ kind: 'ncmec.file', payload: { reportId: id }, maxAttempts: 12 }], clock);
    await appendAudit(
      trx,
      {
        actor,
        action: 'ncmec.report.send',
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        data: { report_id: id, draft_sha256: confirmed },
      },
      clock,
    );
  });
}

/** Each file's progress with NCMEC, from the filing journal. */
export function fileStatuses(draft: Draft, journal: FilingState | null) {
  return draft.files.map((f) => {
    const j = journal?.files[f.mediaId];
    const md5 = f.details.originalFileHashes?.find((h) => h.hashType === 'MD5')?.value ?? null;
    return {
      media_id: f.mediaId,
      name: f.details.originalFileName ?? f.mediaId,
      state: (j?.detailsSent ? 'described' : j?.fileId ? 'uploaded' : 'pending') as
        'pending' | 'uploaded' | 'described',
      ncmec_file_id: j?.fileId ?? null,
      ncmec_md5: j?.md5 ?? null,
      md5_matches: j?.md5 && md5 ? j.md5.toLowerCase() === md5.toLowerCase() : null,
    };
  });
}

/** The filing journal in the report's row (`ncmec_reports.journal`); exported for its conformance suite. */
export class DbJournal implements FilingJournal {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly id: number,
  ) {}
  async load(): Promise<FilingState | null> {
    const r = await this.db.selectFrom('ncmec_reports').select('journal').where('id', '=', this.id).executeTakeFirst();
    return r?.journal ? fromJson<FilingState>(r.journal) : null;
  }
  async save(state: FilingState): Promise<void> {
    await this.db
      .updateTable('ncmec_reports')
      .set({ journal: JSON.stringify(state), ncmec_report_id: state.reportId })
      .where('id', '=', this.id)
      .execute();
  }
}

function cyberTiplineClient(cfg: Config, log?: ConstructorParameters<typeof CyberTiplineClient>[0]['log']) {
  if (!cfg.ncmec.username || !cfg.ncmec.password)
    throw new VigilError(
      'ncmec_not_configured',
      'set ncmec.username and ncmec.password (CyberTipline credentials) in the configuration',
    );
  return new CyberTiplineClient({
    baseUrl: cfg.ncmec.baseUrl,
    username: cfg.ncmec.username,
    password: cfg.ncmec.password,
    timeoutMs: cfg.ncmec.timeoutMs,
    ...(log ? { log } : {}),
  });
}

/** The `ncmec.file` job: files in `prepare` (network, outside any transaction), records the outcome in the handler. */
export function fileReportJob(
  cfg: Config,
  log?: ConstructorParameters<typeof CyberTiplineClient>[0]['log'],
): JobHandler {
  const handler: JobHandler = async ({ reportId }: { reportId: number }, { trx, clock, prepared }) => {
    const state = prepared as FilingState | null;
    if (!state) return;
    const r = await loadReport(trx, reportId);
    const now = iso(clock.now());
    await trx
      .updateTable('ncmec_reports')
      .set({ status: 'filed', filed_at: now, ncmec_report_id: state.reportId, updated_at: now, error: null })
      .where('id', '=', reportId)
      .execute();
    if (r.legal_task_id) await completeWork(trx, [Number(r.legal_task_id)], clock, 'report filed');
    await appendAudit(
      trx,
      {
        actor: r.sent_by ?? 'system',
        action: 'ncmec.report.filed',
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        data: {
          report_id: reportId,
          ncmec_report_id: state.reportId,
          files: Object.keys(state.files).length,
          expired_report_ids: state.expiredReportIds,
        },
      },
      clock,
    );
    await emitWebhook(
      trx,
      'ncmec.report.filed',
      {
        report_id: reportId,
        ncmec_report_id: state.reportId,
        subject: { type: r.subject_type, id: r.subject_id, platform: r.platform },
      },
      clock,
    );
  };
  handler.prepare = async ({ reportId }: { reportId: number }, { db }) => {
    const r = await loadReport(db, reportId);
    if (r.status === 'filed') throw new Error(`report ${reportId} is already filed`);
    // Retracted (or edited back to a draft) after it was queued: nothing to file.
    if (r.status !== 'queued') return null;
    const draft = fromJson<Draft>(r.draft);
    try {
      // Every NCMEC answer's Request-ID goes to the service log (NCMEC support asks for it).
      return await fileReport(cyberTiplineClient(cfg, log), new DbJournal(db, reportId), {
        localId: `vigil-report-${reportId}`,
        report: draft.report,
        files: draft.files.map((f) => ({
          key: f.mediaId,
          name: f.details.originalFileName ?? f.mediaId,
          details: f.details,
          bytes: async () => {
            // The preserved copy first: the platform may have deleted the original since.
            const kept = await mediaForReport(db, reportId, f.mediaId, vaultKeys(cfg));
            if (kept) return kept;
            if (!f.url) throw new Error(`no copy of ${f.mediaId} to upload`);
            return (
              await fetchMedia(f.url, {
                allowPrivate: cfg.media.allowPrivateFetch,
                maxBytes: cfg.media.maxBytes,
                timeoutMs: cfg.media.timeoutMs,
              })
            ).bytes;
          },
        })),
      });
    } catch (e) {
      // Visible to the legal team while the job retries with backoff.
      await db
        .updateTable('ncmec_reports')
        .set({ error: (e as Error).message.slice(0, 2000) })
        .where('id', '=', reportId)
        .execute();
      throw e;
    }
  };
  return handler;
}

export async function retractReport(
  db: Kysely<Database>,
  id: number,
  reason: string,
  cfg: Config,
  actor: string,
  clock: Clock,
) {
  const r = await loadReport(db, id);
  if (r.status === 'filed')
    throw new VigilError('conflict', `report ${id} is filed with NCMEC; a filed report cannot be retracted`);
  if (r.status === 'retracted') throw new VigilError('conflict', `report ${id} is already retracted`);
  // A draft never reached NCMEC: withdrawing it needs no call (and no credentials).
  const state = r.journal
    ? await retractFiling(cyberTiplineClient(cfg), new DbJournal(db, id), `vigil-report-${id}`)
    : null;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('ncmec_reports')
      .set({ status: 'retracted', updated_at: iso(clock.now()) })
      .where('id', '=', id)
      .execute();
    await appendAudit(
      trx,
      {
        actor,
        action: 'ncmec.report.retract',
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        reason,
        data: { report_id: id, ncmec_report_id: state?.reportId ?? null, status_before: r.status },
      },
      clock,
    );
  });
}
