import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { approveAction } from '../../review/index.ts';

/** POST /v1/actions/:id/approval — Enforcement history of a subject, and the second approval of group-wide actions. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/actions/:id/approval', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'] } },
    schema: {
      tags: ['enforcement'],
      summary: 'Approve or reject a group-wide action (a different reviewer than the one who proposed it)',
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: z.object({ approve: z.boolean(), reason: z.string().min(1).max(500) }).strict(),
      response: {
        200: z.object({ status: z.enum(['active', 'rejected']) }),
        404: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      await approveAction(
        ctx.db.kysely,
        req.params.id,
        staffOf(req.principal).staffId,
        req.body.approve,
        req.body.reason,
        ctx.clock,
      );
      return { status: req.body.approve ? ('active' as const) : ('rejected' as const) };
    },
  });
};
export default route;
