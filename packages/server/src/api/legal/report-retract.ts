import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { retractReport } from '../../legal/index.ts';

/** POST /v1/legal/reports/:id/retract — withdraw a report NCMEC has not finished, with a reason (audited). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/legal/reports/:id/retract', {
    config: { access: { roles: ['admin', 'legal'] } },
    schema: {
      tags: ['legal'],
      summary: 'Withdraw a draft, or a report NCMEC has not finished, with a reason',
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: z.object({ reason: z.string().trim().min(3).max(2000) }).strict(),
      response: {
        200: z.object({ retracted: z.literal(true) }),
        400: errorSchema,
        404: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      await retractReport(ctx.db.kysely, req.params.id, req.body.reason, ctx.cfg, actorOf(req.principal), ctx.clock);
      return { retracted: true as const };
    },
  });
};
export default route;
