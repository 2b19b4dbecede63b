import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { LEGAL_READ, REPORT_STATUSES, asSummary, caseIds, summary } from './schemas.ts';

/** GET /v1/legal/reports — CyberTipline reports, read: the list and one report with its XML and schema verdict. Edits, sending and retraction are in report-*.ts. */
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
        reports: reports.map((r) => ({
          ...r,
          case_id: r.decision_task_id === null ? null : (cases.get(r.decision_task_id) ?? null),
        })),
        total: Number(count.n),
      };
    },
  });
};
export default route;
