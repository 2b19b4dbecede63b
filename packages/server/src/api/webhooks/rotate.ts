import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ADMIN, actorOf } from '../../auth/roles.ts';
import { rotateWebhookSecret } from '../../webhooks/endpoints.ts';

/**
 * POST /v1/webhooks/:id/secret — replace an endpoint's signing secret; the new one is returned once. Deliveries
 * are signed when sent, so every delivery from now on (retries included) carries the new signature.
 */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/webhooks/:id/secret', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['webhooks'],
      summary: "Rotate a webhook endpoint's signing secret",
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ id: z.number(), secret: z.string() }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const secret = await rotateWebhookSecret(ctx.db.kysely, req.params.id, actorOf(req.principal), ctx.clock);
      return { id: req.params.id, secret };
    },
  });
};
export default route;
