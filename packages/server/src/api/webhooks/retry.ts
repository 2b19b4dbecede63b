import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { appendAudit } from '../../audit/log.ts';
import { retryDeadDelivery } from '../../webhooks/outbox.ts';
import { notFound } from '../../errors.ts';

/** POST /v1/webhooks/deliveries/:id/retry — send a dead letter again. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/webhooks/deliveries/:id/retry', {
    config: { access: { roles: OPS } },
    schema: { tags: ['webhooks'], summary: 'Retry a dead webhook delivery', params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: z.object({ retried: z.literal(true) }), 404: errorSchema, ...authErrors } },
    handler: async (req) => {
      const ok = await ctx.db.kysely.transaction().execute(async (trx) => {
        const done = await retryDeadDelivery(trx, req.params.id, ctx.clock);
        if (done) await appendAudit(trx, { actor: actorOf(req.principal), action: 'webhook.retry', subjectType: 'webhook_delivery', subjectId: String(req.params.id) }, ctx.clock);
        return done;
      });
      if (!ok) throw notFound(`dead delivery ${req.params.id} of an endpoint that is not deleted`);
      return { retried: true as const };
    },
  });
};
export default route;
