import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { removeEntry } from '../../media/index.ts';

/** Bank entries: add (JSON, a plain hash list, or HMA CSV), export, remove, confirm and deconfirm. */
const route: RouteModule = (app, ctx) => {
  app.delete('/v1/banks/:name/entries/:id', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['banks'],
      summary: 'Remove an entry',
      params: z.object({ name: z.string(), id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ removed: z.literal(true) }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await removeEntry(ctx.db.kysely, req.params.name, req.params.id, actorOf(req.principal), ctx.clock);
      return { removed: true as const };
    },
  });
};
export default route;
