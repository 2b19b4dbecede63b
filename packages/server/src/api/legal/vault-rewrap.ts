import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { rewrap } from '../../legal/index.ts';
import { vaultKeys } from '../../legal/index.ts';

/** POST /v1/legal/vault/rewrap — The preservation vault (legal and admin only): list, read (audited, with a purpose), destroy, export, rewrap. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/legal/vault/rewrap', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['legal'],
      summary: 'Re-encrypt every item under the active key (after adding a new key)',
      response: { 200: z.object({ rewrapped: z.number() }), ...authErrors },
    },
    handler: async (req) => ({
      rewrapped: await rewrap(ctx.db.kysely, vaultKeys(ctx.cfg), actorOf(req.principal), ctx.clock),
    }),
  });
};
export default route;
