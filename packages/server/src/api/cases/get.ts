import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { caseDetail as detail } from '../../review/case-views.ts';
import { caseDetail, caseErrors, caseParams } from './schemas.ts';

/** GET /v1/cases/:id — the case, its items, its log, and what the caller may do with it. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/cases/:id', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'] } },
    schema: {
      tags: ['review'],
      summary: 'A case: items, log, allowed decisions, the subject\'s other cases and enforcement history',
      params: caseParams,
      response: { 200: caseDetail, 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const s = staffOf(req.principal);
      return detail(ctx.db.kysely, req.params.id, { staffId: s.staffId, role: s.role }, ctx.clock).catch(caseErrors);
    },
  });
};
export default route;
