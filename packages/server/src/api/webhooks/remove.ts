import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ADMIN, actorOf } from '../../auth/roles.ts';
import { removeWebhookEndpoint } from '../../webhooks/endpoints.ts';

/**
 * DELETE /v1/webhooks/:id — delete an endpoint: nothing more is sent to it, and deliveries still waiting become
 * dead letters saying why (they cannot be retried); its delivery history stays.
 */
const route: RouteModule = (app, ctx) => {
  app.delete('/v1/webhooks/:id', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['webhooks'],
      summary: 'Delete (disable) a webhook endpoint; its waiting deliveries are cancelled',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: {
        200: z.object({ disabled: z.literal(true), cancelled: z.number() }),
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const cancelled = await removeWebhookEndpoint(ctx.db.kysely, req.params.id, actorOf(req.principal), ctx.clock);
      return { disabled: true as const, cancelled };
    },
  });
};
export default route;
