import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { decideAppeal } from '../../review/index.ts';

/** POST /v1/appeals/:id/decision — Appeals: filed by the platform for its user, decided by a different reviewer. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/appeals/:id/decision', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'] } },
    schema: {
      tags: ['enforcement'],
      summary: 'Uphold or reverse an appeal (a reversal undoes the action and tells the platform)',
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: z.object({ outcome: z.enum(['uphold', 'reverse']), reason: z.string().min(1).max(500) }).strict(),
      response: { 200: z.object({ decided: z.literal(true) }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await decideAppeal(
        ctx.db.kysely,
        req.params.id,
        staffOf(req.principal).staffId,
        req.body.outcome,
        req.body.reason,
        ctx.clock,
      );
      return { decided: true as const };
    },
  });
};
export default route;
