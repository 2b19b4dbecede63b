import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { updateBank } from '../../media/index.ts';

/** PATCH /v1/banks/:name — rename, enable/disable or describe; DELETE removes the bank and its entries. */
const route: RouteModule = (app, ctx) => {
  app.patch('/v1/banks/:name', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['banks'],
      summary: 'Rename, enable or disable a bank, or share it with peers',
      params: z.object({ name: z.string() }),
      body: z
        .object({
          name: z.string().optional(),
          enabled: z.boolean().optional(),
          description: z.string().max(1000).optional(),
          shared: z.boolean().optional().describe('let peers with an `exchange` key pull this bank'),
        })
        .strict(),
      response: {
        200: z.object({ updated: z.literal(true) }),
        400: errorSchema,
        404: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      await updateBank(ctx.db.kysely, req.params.name, req.body, actorOf(req.principal), ctx.clock);
      return { updated: true as const };
    },
  });
};
export default route;
