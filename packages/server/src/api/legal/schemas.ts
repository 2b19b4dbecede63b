import { z } from 'zod';
import { LE_KINDS } from '../../legal/index.ts';
import type { Kysely } from 'kysely';
import { INCIDENT_TYPES, IP_EVENTS, type FilingState } from '@vigil/ncmec';
import type { Database } from '../../db/schema.ts';
import { fromJson } from '../../util/json.ts';
import { loadReport } from '../../legal/index.ts';
import type { Draft } from '../../legal/index.ts';

export const LEGAL = ['admin', 'legal'] as const;

export const id = z.object({ id: z.coerce.number().int().positive() });

const LE_STATUSES = ['open', 'produced', 'rejected', 'withdrawn', 'expired'] as const;

/** `overdue` past the deadline, `due_soon` within three days (open requests only). */
const deadlineState = z.enum(['overdue', 'due_soon']).nullable();
/** One request as leJson() answers it. */
export const leRequest = z.object({
  id: z.number(),
  kind: z.enum(LE_KINDS),
  agency: z.string(),
  case_number: z.string(),
  contact: z.string().nullable(),
  received_at: z.string(),
  due_at: z.string().nullable(),
  subjects: z.array(z.object({ platform: z.string(), type: z.string(), id: z.string() })),
  status: z.enum(LE_STATUSES),
  outcome: z.string().nullable(),
  productions: z.array(
    z.object({
      at: z.string(),
      by: z.string(),
      items: z.array(z.number()),
      manifest_sha256: z.string(),
      note: z.string().optional(),
    }),
  ),
  preservation_until: z.string().nullable(),
  renewed: z.boolean(),
  notes: z.string().nullable(),
  nondisclosure: z.object({ until: z.string(), active: z.boolean() }).nullable(),
  created_at: z.string(),
  due_state: deadlineState,
  preservation_state: deadlineState,
});

export const LEGAL_READ = ['admin', 'legal', 'auditor'] as const;

export const REPORT_STATUSES = ['draft', 'queued', 'filed', 'retracted', 'failed'] as const;

export const summary = z.object({
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
const person = z.object({
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  phones: z.array(z.string()).optional(),
  emails: z.array(z.string()).optional(),
});

const ipCaptureEvent = z.object({
  ipAddress: z.string(),
  eventName: z.enum(IP_EVENTS).optional(),
  dateTime: z.string().optional(),
  possibleProxy: z.boolean().optional(),
  port: z.number().optional(),
});

export const draftSchema = z.object({
  report: z.object({
    incidentType: z.enum(INCIDENT_TYPES),
    incidentDateTime: z.string(),
    platform: z.string().optional(),
    incidentDateTimeDescription: z.string().optional(),
    annotations: z
      .object({
        sextortion: z.boolean().optional(),
        csamSolicitation: z.boolean().optional(),
        minorToMinorInteraction: z.boolean().optional(),
        spam: z.boolean().optional(),
        sadisticOnlineExploitation: z.boolean().optional(),
      })
      .optional(),
    internetDetails: z
      .array(
        z.discriminatedUnion('kind', [
          z.object({
            kind: z.literal('chatIm'),
            chatClient: z.string().optional(),
            chatRoomName: z.string().optional(),
            content: z.string().optional(),
            additionalInfo: z.string().optional(),
          }),
          z.object({ kind: z.literal('webPage'), url: z.string().optional(), additionalInfo: z.string().optional() }),
        ]),
      )
      .optional(),
    reporter: z.object({
      reportingPerson: person,
      contactPerson: person.optional(),
      companyTemplate: z.string().optional(),
      termsOfService: z.string().optional(),
      legalURL: z.string().optional(),
    }),
    reportedUsers: z
      .array(
        z.object({
          espIdentifier: z.string().optional(),
          espService: z.string().optional(),
          screenName: z.string().optional(),
          displayNames: z.array(z.string()).optional(),
          profileUrls: z.array(z.string()).optional(),
          profileBio: z.string().optional(),
          ipCaptureEvents: z.array(ipCaptureEvent).optional(),
          groupIdentifier: z.string().optional(),
          accountPermanentlyDisabled: z
            .object({ disabledDate: z.string().optional(), userNotified: z.boolean().optional() })
            .optional(),
          additionalInfo: z.string().optional(),
        }),
      )
      .optional(),
    additionalInfo: z.string().optional(),
  }),
  files: z.array(
    z.object({
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
        originalFileHashes: z
          .array(z.object({ hashType: z.enum(['MD5', 'SHA1', 'SHA256', 'PDQ', 'PhotoDNA']), value: z.string() }))
          .optional(),
        ipCaptureEvent: ipCaptureEvent.optional(),
        additionalInfo: z.array(z.string()).optional(),
      }),
    }),
  ),
});

export const journalSchema = z.object({
  localId: z.string(),
  phase: z.enum(['submitting', 'open', 'finished', 'retracted']),
  reportId: z.number().nullable(),
  openedAt: z.string().nullable(),
  lastChangeAt: z.string().nullable(),
  files: z.record(
    z.string(),
    z.object({ fileId: z.string().optional(), md5: z.string().optional(), detailsSent: z.boolean().optional() }),
  ),
  expiredReportIds: z.array(z.number()),
});

/** Fails to compile when a schema above and the model it describes differ (a field added to one only). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const modelsInStep: [Same<z.infer<typeof draftSchema>, Draft>, Same<z.infer<typeof journalSchema>, FilingState>] = [
  true,
  true,
];
void modelsInStep;

type Row = Awaited<ReturnType<typeof loadReport>>;

export const asSummary = (r: Row) => {
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
export async function caseIds(db: Kysely<Database>, taskIds: number[]): Promise<Map<number, number | null>> {
  const ids = [...new Set(taskIds)];
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('case_items').select(['id', 'case_id']).where('id', 'in', ids).execute();
  return new Map(rows.map((i) => [Number(i.id), i.case_id == null ? null : Number(i.case_id)]));
}
