import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { reverseAction } from '../../review/index.ts';

/** POST /v1/actions/:id/reverse — Enforcement history of a subject, and the second approval of group-wide actions. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/actions/:id/reverse', {
    config: { access: { roles: ['admin', 'lead'] } },
    schema: {
      tags: ['enforcement'],
      summary: 'Reverse an active action (the platform is told through the webhook outbox)',
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: z.object({ reason: z.string().min(1).max(500) }).strict(),
      response: { 200: z.object({ status: z.literal('reversed') }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await reverseAction(ctx.db.kysely, req.params.id, staffOf(req.principal).staffId, req.body.reason, ctx.clock);
      return { status: 'reversed' as const };
    },
  });
};
export default route;
