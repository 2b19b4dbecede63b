// Legal edits a drafted CyberTipline report field by field. Every save is validated against NCMEC's schema and
// each problem is located at the field it is about; an edit that adds a problem is refused (nothing is saved),
// so the draft never gets worse. What changed is kept in the audit log as before/after per field. What a
// verified record determines (file hashes, whether staff viewed a file, where its bytes come from) stays as
// the server derived it.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { createHash } from 'node:crypto';
import {
  fileDetailsXml,
  INCIDENT_TYPES,
  IP_EVENTS,
  locateProblemsIn,
  reportXml,
  type LocatedProblem,
} from '@vigil/ncmec';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { fromJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';
import { VigilError } from '../errors.ts';
import type { Draft } from './report-draft.ts';
import { loadReport } from './reports.ts';

const text = (max: number) => z.string().max(max);
const ipEvent = z
  .object({
    ipAddress: z.string().min(1).max(100),
    eventName: z.enum(IP_EVENTS).optional(),
    dateTime: text(100).optional(),
    possibleProxy: z.boolean().optional(),
    port: z.number().int().optional(),
  })
  .strict();
const reportedUser = z
  .object({
    espIdentifier: text(300).optional(),
    espService: text(300).optional(),
    screenName: text(300).optional(),
    displayNames: z.array(text(300)).max(20).optional(),
    profileUrls: z.array(text(2000)).max(20).optional(),
    profileBio: text(5000).optional(),
    ipCaptureEvents: z.array(ipEvent).max(200).optional(),
    groupIdentifier: text(300).optional(),
    accountPermanentlyDisabled: z
      .object({ disabledDate: text(100).optional(), userNotified: z.boolean().optional() })
      .strict()
      .optional(),
    additionalInfo: text(5000).optional(),
  })
  .strict();
const internet = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('chatIm'),
      chatClient: text(300).optional(),
      chatRoomName: text(300).optional(),
      content: text(20_000).optional(),
      additionalInfo: text(5000).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('webPage'), url: text(2000).optional(), additionalInfo: text(5000).optional() }).strict(),
]);
const annotations = z
  .object({
    sextortion: z.boolean(),
    csamSolicitation: z.boolean(),
    minorToMinorInteraction: z.boolean(),
    spam: z.boolean(),
    sadisticOnlineExploitation: z.boolean(),
  })
  .partial()
  .strict();

/** The parts of a draft legal may change. Each section given replaces that section; sections left out stay. */
export const reportEdit = z
  .object({
    incident: z
      .object({
        incidentType: z.enum(INCIDENT_TYPES),
        incidentDateTime: text(100).min(1),
        incidentDateTimeDescription: text(3000),
        platform: text(300),
        annotations,
        internetDetails: z.array(internet).max(10),
      })
      .partial()
      .strict()
      .optional(),
    reportedUsers: z.array(reportedUser).max(100).optional(),
    /** The files to report (a subset of the draft's) with what legal may say about each. */
    files: z
      .array(
        z
          .object({
            mediaId: z.string().min(1).max(300),
            details: z
              .object({
                originalFileName: text(500).optional(),
                uploadedToEspTimestamp: text(100).optional(),
                locationOfFile: text(2000).optional(),
                publiclyAvailable: z.boolean().optional(),
                fileRelevance: z.enum(['Reported', 'Supplemental Reported']).optional(),
                additionalInfo: z.array(text(5000)).max(20).optional(),
              })
              .strict(),
          })
          .strict(),
      )
      .max(500)
      .optional(),
    additionalInfo: text(20_000).nullable().optional(),
    /** Why; required when the incident type changes. */
    reason: z.string().min(3).max(2000).optional(),
  })
  .strict();
export type ReportEdit = z.infer<typeof reportEdit>;

export interface FieldProblem {
  path: string;
  message: string;
}

const MODEL_NAMES: Record<string, string> = {
  displayName: 'displayNames',
  profileUrl: 'profileUrls',
  ipCaptureEvent: 'ipCaptureEvents',
  originalFileHash: 'originalFileHashes',
  reportAnnotations: 'annotations',
};
const REPEATED = new Set([
  'displayName',
  'profileUrl',
  'ipCaptureEvent',
  'originalFileHash',
  'additionalInfo',
  'personOrUserReported',
  'internetDetails',
  'phone',
  'email',
]);

/** A schema problem's element path as the field path the editor uses (`reportedUsers.0.ipCaptureEvents.1.dateTime`). */
function fieldOf(p: LocatedProblem, fileIndex: number | null): string {
  const steps = p.steps.slice(1);
  const out: string[] = [];
  if (fileIndex !== null) out.push('files', String(fileIndex), 'details');
  else {
    const [top, i] = steps.shift() ?? ['', 0];
    if (top === 'incidentSummary') out.push('incident');
    else if (top === 'internetDetails') {
      out.push('incident', 'internetDetails', String(i));
      steps.shift(); // chatImIncident / webPageIncident: one object in the model
    } else if (top === 'personOrUserReported') out.push('reportedUsers', String(i));
    else if (top === 'reporter') return 'reporter';
    else if (top) out.push(top);
    else return 'report';
  }
  for (const [name, i] of steps) {
    // additionalInfo is repeated on a file, single on a reported person.
    out.push(MODEL_NAMES[name] ?? name);
    if (REPEATED.has(name) && (name !== 'additionalInfo' || fileIndex !== null)) out.push(String(i));
  }
  return out.join('.');
}

/** libxml2's type names in words legal staff read (the schema's meaning is unchanged). */
const TYPES: Record<string, string> = {
  'xs:dateTime': 'a date and time NCMEC accepts (ISO 8601 with a time zone, e.g. 2026-11-20T14:03:00Z)',
  'xs:boolean': 'true or false',
  'xs:int': 'a whole number',
  'xs:integer': 'a whole number',
  'xs:long': 'a whole number',
};
const plain = (m: string) =>
  m.replace(/is not a valid value of the atomic type '([^']+)'/, (all, t: string) =>
    TYPES[t] ? `is not ${TYPES[t]}` : all,
  );

const documents = (d: Draft) => [
  reportXml(d.report),
  // reportId and fileId are NCMEC's, known only while filing; stand-ins let the rest be checked now.
  ...d.files.map((f) => fileDetailsXml({ ...f.details, reportId: 1, fileId: 'pending' })),
];

/** Every schema problem of each draft's report and of each of its files' details, at its field; one libxml2 run. */
async function draftsProblems(drafts: Draft[]): Promise<FieldProblem[][]> {
  const docs = drafts.map(documents);
  const located = await locateProblemsIn(docs.flat());
  let at = 0;
  return docs.map((ds) =>
    ds.flatMap((_, i) =>
      located[at++]!.map((p) => ({ path: fieldOf(p, i === 0 ? null : i - 1), message: plain(p.message) })),
    ),
  );
}

export async function draftProblems(draft: Draft): Promise<FieldProblem[]> {
  return (await draftsProblems([draft]))[0]!;
}

export const draftSha256 = (draftJson: string) => createHash('sha256').update(draftJson).digest('hex');

/** Leaf values by path, for the before/after record. */
function flatten(v: unknown, prefix: string, out: Map<string, unknown>) {
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    if (!entries.length) out.set(prefix, Array.isArray(v) ? [] : {});
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (v !== undefined) out.set(prefix, v);
}
const clip = (v: unknown) => (typeof v === 'string' && v.length > 2000 ? `${v.slice(0, 2000)}…` : v);

function diffFields(before: object, after: object): { field: string; before: unknown; after: unknown }[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(before, '', a);
  flatten(after, '', b);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys
    .filter((k) => JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k)))
    .map((k) => ({ field: k, before: clip(a.get(k) ?? null), after: clip(b.get(k) ?? null) }));
}

/** The editable view of a draft: the same shape as an edit, so before and after compare field by field. */
function editable(d: Draft) {
  const {
    incidentType,
    incidentDateTime,
    incidentDateTimeDescription,
    platform,
    annotations: ann,
    internetDetails,
  } = d.report;
  return {
    incident: {
      incidentType,
      incidentDateTime,
      incidentDateTimeDescription,
      platform,
      annotations: ann,
      internetDetails,
    },
    reportedUsers: d.report.reportedUsers ?? [],
    files: d.files.map((f) => ({ mediaId: f.mediaId, details: f.details })),
    additionalInfo: d.report.additionalInfo ?? null,
  };
}

function apply(d: Draft, e: ReportEdit): { next: Draft; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const report = { ...d.report };
  if (e.incident) {
    for (const [k, v] of Object.entries(e.incident)) {
      if (v === undefined || v === '') delete (report as Record<string, unknown>)[k];
      else (report as Record<string, unknown>)[k] = v;
    }
  }
  if (e.reportedUsers) report.reportedUsers = e.reportedUsers;
  if (e.additionalInfo !== undefined) {
    if (e.additionalInfo === null || e.additionalInfo === '') delete report.additionalInfo;
    else report.additionalInfo = e.additionalInfo;
  }
  let files = d.files;
  if (e.files) {
    const byId = new Map(d.files.map((f) => [f.mediaId, f]));
    files = e.files
      .map((f, i) => {
        const was = byId.get(f.mediaId);
        if (!was) {
          problems.push({
            path: `files.${i}.mediaId`,
            message: `${f.mediaId} is not a file of this report (files come from the decision's evidence)`,
          });
          return null;
        }
        // Hashes, fileViewedByEsp (proved by the audit log) and exifViewedByEsp stay as derived.
        const { originalFileHashes, fileViewedByEsp, exifViewedByEsp } = was.details;
        return {
          ...was,
          details: {
            ...f.details,
            ...(originalFileHashes ? { originalFileHashes } : {}),
            ...(fileViewedByEsp !== undefined ? { fileViewedByEsp } : {}),
            ...(exifViewedByEsp !== undefined ? { exifViewedByEsp } : {}),
          },
        };
      })
      .filter((f): f is NonNullable<typeof f> => !!f);
  }
  return { next: { report, files }, problems };
}

const key = (p: FieldProblem) => `${p.path}\u0000${p.message}`;

/**
 * Saves an edit when it adds no schema problem (a draft that was already invalid elsewhere can still be fixed one
 * field at a time); otherwise refuses with the new problems at their fields. Returns the problems that remain.
 */
export async function editReportDraft(
  db: Kysely<Database>,
  id: number,
  e: ReportEdit,
  actor: string,
  clock: Clock,
): Promise<{ problems: FieldProblem[] }> {
  const r0 = await loadReport(db, id);
  const before = fromJson<Draft>(r0.draft);
  if (r0.status !== 'draft' && r0.status !== 'failed')
    throw new VigilError('conflict', `report ${id} is ${r0.status}; only drafts can be edited`);
  const { next, problems: shape } = apply(before, e);
  if (shape.length) throw new VigilError('invalid_request', shape.map((p) => p.message).join('; '), shape);
  const retyped = !!e.incident?.incidentType && e.incident.incidentType !== before.report.incidentType;
  if (retyped && !e.reason)
    throw new VigilError('invalid_request', 'give a reason for changing the incident type', [
      { path: 'reason', message: 'give a reason for changing the incident type' },
    ]);
  const [was, now] = (await draftsProblems([before, next])) as [FieldProblem[], FieldProblem[]];
  const had = new Set(was.map(key));
  const added = now.filter((p) => !had.has(key(p)));
  if (added.length) {
    throw new VigilError(
      'invalid_report',
      `not saved: the change does not validate against NCMEC's schema (${added
        .slice(0, 3)
        .map((p) => `${p.path}: ${p.message}`)
        .join('; ')})`,
      added,
    );
  }
  const changes = diffFields(editable(before), editable(next));
  if (!changes.length) return { problems: now };
  await db.transaction().execute(async (trx) => {
    const r = await loadReport(trx, id);
    // Someone else saved or sent it meanwhile: their version wins; this edit is asked again.
    if (r.draft !== r0.draft || r.status !== r0.status)
      throw new VigilError('conflict', `report ${id} changed while you were editing it; reload it and edit again`);
    await trx
      .updateTable('ncmec_reports')
      .set({ draft: JSON.stringify(next), status: 'draft', error: null, updated_at: iso(clock.now()) })
      .where('id', '=', id)
      .execute();
    await appendAudit(
      trx,
      {
        actor,
        action: retyped ? 'ncmec.report.retype' : 'ncmec.report.edit',
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        ...(e.reason ? { reason: e.reason } : {}),
        data: { report_id: id, changes },
      },
      clock,
    );
  });
  return { problems: now };
}
