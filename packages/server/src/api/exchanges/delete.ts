import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { deleteExchange } from '../../exchanges/index.ts';

/** DELETE /v1/exchanges/:name — delete an exchange (its bank stays). */
const route: RouteModule = (app, ctx) => {
  app.delete('/v1/exchanges/:name', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['exchanges'],
      summary: 'Delete an exchange (its bank stays)',
      params: z.object({ name: z.string() }),
      response: { 200: z.object({ deleted: z.literal(true) }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await deleteExchange(ctx.db.kysely, req.params.name, actorOf(req.principal), ctx.clock);
      return { deleted: true as const };
    },
  });
};
export default route;
