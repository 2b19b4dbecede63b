import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { iso } from '../../util/time.ts';
import { flagView, scoped, toView } from './schemas.ts';

/** GET /v1/flags — flags (a flagger sees its own); overdue=true lists open flags past their deadline. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/flags', {
    config: { access: { roles: ['admin', 'lead'], scopes: ['flag'] } },
    schema: {
      tags: ['flags'],
      summary: 'Flags (a flagger sees its own); overdue=true lists open flags past their deadline',
      querystring: z.object({
        status: z.enum(['received', 'under_review', 'actioned', 'no_violation']).optional(),
        overdue: z.coerce.boolean().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: { 200: z.object({ flags: z.array(flagView) }), ...authErrors },
    },
    handler: async (req) => {
      let q = scoped(
        ctx.db.kysely.selectFrom('flags').selectAll().orderBy('deadline_at').limit(req.query.limit),
        req.principal,
      );
      if (req.query.status) q = q.where('status', '=', req.query.status);
      if (req.query.overdue) q = q.where('closed_at', 'is', null).where('deadline_at', '<', iso(ctx.clock.now()));
      return { flags: (await q.execute()).map(toView) };
    },
  });
};
export default route;
