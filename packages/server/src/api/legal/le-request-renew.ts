import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { renewPreservation } from '../../legal/index.ts';
import { LEGAL, id } from './schemas.ts';

/** POST /v1/legal/le-requests/:id/renew — The law-enforcement request ledger (legal and admin; auditors read). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/legal/le-requests/:id/renew', {
    config: { access: { roles: LEGAL } },
    schema: {
      tags: ['legal'],
      summary: 'Renew a preservation request once (another 90 days)',
      params: id,
      response: { 200: z.object({ renewed: z.literal(true) }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await renewPreservation(ctx.db.kysely, req.params.id, actorOf(req.principal), ctx.clock);
      return { renewed: true as const };
    },
  });
};
export default route;
