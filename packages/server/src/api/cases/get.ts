import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { caseDetail as detail } from '../../review/index.ts';
import { LEGAL_QUEUES } from '../../review/index.ts';
import { notFound } from '../../errors.ts';
import { caseDetail, caseParams, CASE_READERS } from './schemas.ts';

/** GET /v1/cases/:id — the case, its items, its log, and what the caller may do with it (legal: cases its filings link to). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/cases/:id', {
    config: { access: { roles: [...CASE_READERS, 'legal'] } },
    schema: {
      tags: ['review'],
      summary: "A case: items, log, allowed decisions, the subject's other cases and enforcement history",
      params: caseParams,
      response: { 200: caseDetail, 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const s = staffOf(req.principal);
      // The legal role reads the cases its filings came from (read-only), not the review queues.
      if (s.role === 'legal') {
        const linked = await ctx.db.kysely
          .selectFrom('case_items')
          .select('id')
          .where('case_id', '=', req.params.id)
          .where('queue', 'in', [...LEGAL_QUEUES])
          .executeTakeFirst();
        if (!linked) throw notFound(`case ${req.params.id}`);
      }
      return detail(ctx.db.kysely, req.params.id, { staffId: s.staffId, role: s.role }, ctx.clock);
    },
  });
};
export default route;
