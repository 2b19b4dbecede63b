import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { retryWebhookDelivery } from '../../webhooks/endpoints.ts';

/** POST /v1/webhooks/deliveries/:id/retry — send a dead letter again. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/webhooks/deliveries/:id/retry', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['webhooks'],
      summary: 'Retry a dead webhook delivery',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ retried: z.literal(true) }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await retryWebhookDelivery(ctx.db.kysely, req.params.id, actorOf(req.principal), ctx.clock);
      return { retried: true as const };
    },
  });
};
export default route;
