import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { retryDeadWebhookDeliveries } from '../../webhooks/endpoints.ts';

/** POST /v1/webhooks/:id/retry-dead — send every dead letter of one endpoint again (one audited change). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/webhooks/:id/retry-dead', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['webhooks'],
      summary: "Retry all of an endpoint's dead deliveries",
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ retried: z.number() }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const retried = await retryDeadWebhookDeliveries(ctx.db.kysely, req.params.id, actorOf(req.principal), ctx.clock);
      return { retried };
    },
  });
};
export default route;
