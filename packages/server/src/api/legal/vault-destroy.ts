import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { destroyItem } from '../../legal/index.ts';
import { LEGAL } from './schemas.ts';

/** POST /v1/legal/vault/:id/destroy — The preservation vault (legal and admin only): list, read (audited, with a purpose), destroy, export, rewrap. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/legal/vault/:id/destroy', {
    config: { access: { roles: LEGAL } },
    schema: {
      tags: ['legal'],
      summary: 'Destroy an item now (e.g. on a law-enforcement request); the record of it stays',
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: z.object({ reason: z.string().min(3).max(2000) }).strict(),
      response: { 200: z.object({ destroyed: z.literal(true) }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await destroyItem(ctx.db.kysely, req.params.id, req.body.reason, actorOf(req.principal), ctx.clock);
      return { destroyed: true as const };
    },
  });
};
export default route;
