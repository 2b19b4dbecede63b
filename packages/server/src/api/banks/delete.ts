import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { deleteBank } from '../../media/index.ts';

/** DELETE /v1/banks/:name — delete a bank and its entries. */
const route: RouteModule = (app, ctx) => {
  app.delete('/v1/banks/:name', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['banks'],
      summary: 'Delete a bank and its entries',
      params: z.object({ name: z.string() }),
      response: { 200: z.object({ deleted: z.literal(true) }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await deleteBank(ctx.db.kysely, req.params.name, actorOf(req.principal), ctx.clock);
      return { deleted: true as const };
    },
  });
};
export default route;
