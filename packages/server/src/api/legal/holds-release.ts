import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { releaseHold } from '../../legal/index.ts';

/** POST /v1/legal/holds/:id/release — end a hold now, with a reason (audited); the row stays as the record. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/legal/holds/:id/release', {
    config: { access: { roles: ['admin', 'legal'] } },
    schema: {
      tags: ['legal'],
      summary: 'Release a legal hold early',
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: z.object({ reason: z.string().trim().min(3).max(2000) }).strict(),
      response: {
        200: z.object({ released: z.literal(true) }),
        400: errorSchema,
        404: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      await releaseHold(ctx.db.kysely, req.params.id, req.body.reason, actorOf(req.principal), ctx.clock);
      return { released: true as const };
    },
  });
};
export default route;
