import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { fromJson } from '../../util/json.ts';
import { loadReport, previewReport, retractReport, sendReport, updateReportDraft } from '../../legal/reports.ts';
import type { Draft } from '../../legal/report-draft.ts';

const LEGAL = ['admin', 'legal'] as const;
const LEGAL_READ = ['admin', 'legal', 'auditor'] as const;
const summary = z.object({ id: z.number(), status: z.string(), subject: z.object({ platform: z.string(), type: z.string(), id: z.string() }), decision_task_id: z.number().nullable(), case_id: z.number().nullable(), ncmec_report_id: z.number().nullable(), files: z.number(), error: z.string().nullable(), created_at: z.string(), filed_at: z.string().nullable() });

type Row = Awaited<ReturnType<typeof loadReport>>;
const asSummary = (r: Row) => ({ id: Number(r.id), status: r.status, subject: { platform: r.platform, type: r.subject_type, id: r.subject_id }, decision_task_id: r.decision_task_id === null ? null : Number(r.decision_task_id), case_id: null as number | null, ncmec_report_id: r.ncmec_report_id === null ? null : Number(r.ncmec_report_id), files: fromJson<Draft>(r.draft).files.length, error: r.error, created_at: r.created_at, filed_at: r.filed_at });

/** CyberTipline reports: drafted by decisions; the legal role reviews, edits, sends and (before filing) retracts them. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/reports', {
    config: { access: { roles: LEGAL_READ } },
    schema: { tags: ['legal'], summary: 'CyberTipline reports', querystring: z.object({ status: z.enum(['draft', 'queued', 'filed', 'retracted', 'failed']).optional() }), response: { 200: z.object({ reports: z.array(summary) }), ...authErrors } },
    handler: async (req) => {
      let q = ctx.db.kysely.selectFrom('ncmec_reports').selectAll().orderBy('id', 'desc').limit(500);
      if (req.query.status) q = q.where('status', '=', req.query.status);
      const reports = (await q.execute()).map(asSummary);
      // The review case each report came from (legal work is its own queue, linked to the case).
      const items = [...new Set(reports.map((r) => r.decision_task_id).filter((x): x is number => x !== null))];
      const cases = new Map((items.length ? await ctx.db.kysely.selectFrom('case_items').select(['id', 'case_id']).where('id', 'in', items).execute() : []).map((i) => [Number(i.id), i.case_id == null ? null : Number(i.case_id)]));
      return { reports: reports.map((r) => ({ ...r, case_id: r.decision_task_id === null ? null : cases.get(r.decision_task_id) ?? null })) };
    },
  });
  app.get('/v1/legal/reports/:id', {
    config: { access: { roles: LEGAL_READ } },
    schema: { tags: ['legal'], summary: 'One report: the draft, the XML that would be sent, schema problems, filing progress', params: z.object({ id: z.coerce.number().int().positive() }), response: { 404: errorSchema, ...authErrors } },
    handler: async (req) => {
      const r = await loadReport(ctx.db.kysely, req.params.id);
      const draft = fromJson<Draft>(r.draft);
      return { ...asSummary(r), draft, ...(await previewReport(draft)), journal: r.journal ? fromJson<unknown>(r.journal) : null } as never;
    },
  });
  app.patch('/v1/legal/reports/:id', {
    config: { access: { roles: LEGAL } },
    schema: { tags: ['legal'], summary: 'Edit a draft (the report model and/or its files)', params: z.object({ id: z.coerce.number().int().positive() }), body: z.object({ report: z.record(z.string(), z.unknown()).optional(), files: z.array(z.record(z.string(), z.unknown())).optional() }).strict(), response: { 200: z.object({ updated: z.literal(true) }), 404: errorSchema, 409: errorSchema, ...authErrors } },
    handler: async (req) => {
      await updateReportDraft(ctx.db.kysely, req.params.id, req.body as never, actorOf(req.principal), ctx.clock);
      return { updated: true as const };
    },
  });
  app.post('/v1/legal/reports/:id/send', {
    config: { access: { roles: LEGAL } },
    schema: { tags: ['legal'], summary: 'Send to NCMEC (validated against the XSD, then filed by a job that survives crashes)', params: z.object({ id: z.coerce.number().int().positive() }), response: { 202: z.object({ queued: z.literal(true) }), 400: errorSchema, 404: errorSchema, 409: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      await sendReport(ctx.db.kysely, req.params.id, actorOf(req.principal), ctx.clock);
      ctx.jobsAdded();
      return reply.status(202).send({ queued: true as const });
    },
  });
  app.post('/v1/legal/reports/:id/retract', {
    config: { access: { roles: LEGAL } },
    schema: { tags: ['legal'], summary: 'Withdraw a report NCMEC has not filed yet', params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: z.object({ retracted: z.literal(true) }), 404: errorSchema, 409: errorSchema, ...authErrors } },
    handler: async (req) => {
      await retractReport(ctx.db.kysely, req.params.id, ctx.cfg, actorOf(req.principal), ctx.clock);
      return { retracted: true as const };
    },
  });
};
export default route;
