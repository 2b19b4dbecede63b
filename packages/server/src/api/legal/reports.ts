import { z } from 'zod';
import type { Kysely } from 'kysely';
import { INCIDENT_TYPES, IP_EVENTS, type FilingState } from '@vigil/ncmec';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import type { Database } from '../../db/schema.ts';
import { fromJson } from '../../util/json.ts';
import { fileStatuses, loadReport, previewReport } from '../../legal/reports.ts';
import { draftSha256 } from '../../legal/report-edit.ts';
import type { Draft } from '../../legal/report-draft.ts';

const LEGAL_READ = ['admin', 'legal', 'auditor'] as const;
export const REPORT_STATUSES = ['draft', 'queued', 'filed', 'retracted', 'failed'] as const;
const summary = z.object({
  id: z.number(),
  status: z.enum(REPORT_STATUSES),
  subject: z.object({ platform: z.string(), type: z.string(), id: z.string() }),
  incident_type: z.string(),
  decision_task_id: z.number().nullable(),
  case_id: z.number().nullable(),
  ncmec_report_id: z.number().nullable(),
  files: z.number(),
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  filed_at: z.string().nullable(),
});
// The stored draft and filing journal as the API returns them: NCMEC's report model (@vigil/ncmec), written out so
// the OpenAPI document (and the console's generated types) describe it. The checks below keep both in step.
const person = z.object({ firstName: z.string().optional(), lastName: z.string().optional(), phones: z.array(z.string()).optional(), emails: z.array(z.string()).optional() });
const ipCaptureEvent = z.object({ ipAddress: z.string(), eventName: z.enum(IP_EVENTS).optional(), dateTime: z.string().optional(), possibleProxy: z.boolean().optional(), port: z.number().optional() });
const draftSchema = z.object({
  report: z.object({
    incidentType: z.enum(INCIDENT_TYPES),
    incidentDateTime: z.string(),
    platform: z.string().optional(),
    incidentDateTimeDescription: z.string().optional(),
    annotations: z.object({ sextortion: z.boolean().optional(), csamSolicitation: z.boolean().optional(), minorToMinorInteraction: z.boolean().optional(), spam: z.boolean().optional(), sadisticOnlineExploitation: z.boolean().optional() }).optional(),
    internetDetails: z.array(z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('chatIm'), chatClient: z.string().optional(), chatRoomName: z.string().optional(), content: z.string().optional(), additionalInfo: z.string().optional() }),
      z.object({ kind: z.literal('webPage'), url: z.string().optional(), additionalInfo: z.string().optional() }),
    ])).optional(),
    reporter: z.object({ reportingPerson: person, contactPerson: person.optional(), companyTemplate: z.string().optional(), termsOfService: z.string().optional(), legalURL: z.string().optional() }),
    reportedUsers: z.array(z.object({
      espIdentifier: z.string().optional(),
      espService: z.string().optional(),
      screenName: z.string().optional(),
      displayNames: z.array(z.string()).optional(),
      profileUrls: z.array(z.string()).optional(),
      profileBio: z.string().optional(),
      ipCaptureEvents: z.array(ipCaptureEvent).optional(),
      groupIdentifier: z.string().optional(),
      accountPermanentlyDisabled: z.object({ disabledDate: z.string().optional(), userNotified: z.boolean().optional() }).optional(),
      additionalInfo: z.string().optional(),
    })).optional(),
    additionalInfo: z.string().optional(),
  }),
  files: z.array(z.object({
    url: z.string().nullable(),
    mediaId: z.string(),
    details: z.object({
      fileName: z.string().optional(),
      originalFileName: z.string().optional(),
      uploadedToEspTimestamp: z.string().optional(),
      locationOfFile: z.string().optional(),
      fileViewedByEsp: z.boolean().optional(),
      exifViewedByEsp: z.boolean().optional(),
      publiclyAvailable: z.boolean().optional(),
      fileRelevance: z.enum(['Reported', 'Supplemental Reported']).optional(),
      originalFileHashes: z.array(z.object({ hashType: z.enum(['MD5', 'SHA1', 'SHA256', 'PDQ', 'PhotoDNA']), value: z.string() })).optional(),
      ipCaptureEvent: ipCaptureEvent.optional(),
      additionalInfo: z.array(z.string()).optional(),
    }),
  })),
});
const journalSchema = z.object({
  localId: z.string(),
  phase: z.enum(['submitting', 'open', 'finished', 'retracted']),
  reportId: z.number().nullable(),
  openedAt: z.string().nullable(),
  lastChangeAt: z.string().nullable(),
  files: z.record(z.string(), z.object({ fileId: z.string().optional(), md5: z.string().optional(), detailsSent: z.boolean().optional() })),
  expiredReportIds: z.array(z.number()),
});
/** Fails to compile when a schema above and the model it describes differ (a field added to one only). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const modelsInStep: [Same<z.infer<typeof draftSchema>, Draft>, Same<z.infer<typeof journalSchema>, FilingState>] = [true, true];
void modelsInStep;

const fieldProblem = z.object({ path: z.string(), message: z.string() });
const fileStatus = z.object({
  media_id: z.string(),
  name: z.string(),
  state: z.enum(['pending', 'uploaded', 'described']),
  ncmec_file_id: z.string().nullable(),
  ncmec_md5: z.string().nullable(),
  md5_matches: z.boolean().nullable(),
});

type Row = Awaited<ReturnType<typeof loadReport>>;
const asSummary = (r: Row) => {
  const d = fromJson<Draft>(r.draft);
  return {
    id: Number(r.id),
    status: r.status as (typeof REPORT_STATUSES)[number],
    subject: { platform: r.platform, type: r.subject_type, id: r.subject_id },
    incident_type: d.report.incidentType,
    decision_task_id: r.decision_task_id === null ? null : Number(r.decision_task_id),
    case_id: null as number | null,
    ncmec_report_id: r.ncmec_report_id === null ? null : Number(r.ncmec_report_id),
    files: d.files.length,
    error: r.error,
    created_at: r.created_at,
    updated_at: r.updated_at,
    filed_at: r.filed_at,
  };
};

/** The review case each report came from (legal work is its own queue, linked to the case). */
async function caseIds(db: Kysely<Database>, taskIds: number[]): Promise<Map<number, number | null>> {
  const ids = [...new Set(taskIds)];
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('case_items').select(['id', 'case_id']).where('id', 'in', ids).execute();
  return new Map(rows.map((i) => [Number(i.id), i.case_id == null ? null : Number(i.case_id)]));
}

/** CyberTipline reports, read: the list and one report with its XML and schema verdict. Edits, sending and retraction are in report-*.ts. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/reports', {
    config: { access: { roles: LEGAL_READ } },
    schema: {
      tags: ['legal'],
      summary: 'CyberTipline reports, newest first',
      querystring: z.object({
        status: z.enum(REPORT_STATUSES).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: { 200: z.object({ reports: z.array(summary), total: z.number() }), ...authErrors },
    },
    handler: async (req) => {
      let q = ctx.db.kysely.selectFrom('ncmec_reports');
      if (req.query.status) q = q.where('status', '=', req.query.status);
      const [rows, count] = await Promise.all([
        q.selectAll().orderBy('id', 'desc').limit(req.query.limit).offset(req.query.offset).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      const reports = rows.map(asSummary);
      const cases = await caseIds(
        ctx.db.kysely,
        reports.map((r) => r.decision_task_id).filter((x): x is number => x !== null),
      );
      return {
        reports: reports.map((r) => ({ ...r, case_id: r.decision_task_id === null ? null : (cases.get(r.decision_task_id) ?? null) })),
        total: Number(count.n),
      };
    },
  });
  app.get('/v1/legal/reports/:id', {
    config: { access: { roles: LEGAL_READ } },
    schema: {
      tags: ['legal'],
      summary: 'One report: the draft, the XML that would be sent, schema problems at their fields, filing progress per file',
      description:
        '`draft_sha256` names this version of the draft: sending it (`POST /v1/legal/reports/:id/send`) confirms exactly this version.',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: {
        200: summary.extend({
          draft: draftSchema,
          draft_sha256: z.string(),
          xml: z.string(),
          problems: z.array(z.string()),
          field_problems: z.array(fieldProblem),
          journal: journalSchema.nullable(),
          file_status: z.array(fileStatus),
          sent_by: z.string().nullable(),
          destination: z.string(),
        }),
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const r = await loadReport(ctx.db.kysely, req.params.id);
      const draft = fromJson<Draft>(r.draft);
      const journal = r.journal ? fromJson<FilingState>(r.journal) : null;
      const s = asSummary(r);
      const caseId =
        s.decision_task_id === null ? null : ((await caseIds(ctx.db.kysely, [s.decision_task_id])).get(s.decision_task_id) ?? null);
      return {
        ...s,
        case_id: caseId,
        draft,
        draft_sha256: draftSha256(r.draft),
        ...(await previewReport(draft)),
        journal,
        file_status: fileStatuses(draft, journal),
        sent_by: r.sent_by,
        destination: ctx.cfg.ncmec.baseUrl,
      };
    },
  });
};
export default route;
