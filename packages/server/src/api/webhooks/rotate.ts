import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ADMIN, actorOf } from '../../auth/roles.ts';
import { appendAudit } from '../../audit/log.ts';
import { newWebhookSecret } from '../../webhooks/outbox.ts';
import { notFound } from '../../errors.ts';

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
      const secret = newWebhookSecret();
      const ok = await ctx.db.kysely.transaction().execute(async (trx) => {
        const r = await trx.updateTable('webhook_endpoints').set({ secret }).where('id', '=', req.params.id).where('enabled', '=', 1).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return false;
        await appendAudit(trx, { actor: actorOf(req.principal), action: 'webhook.rotate_secret', subjectType: 'webhook', subjectId: String(req.params.id) }, ctx.clock);
        return true;
      });
      if (!ok) throw notFound(`enabled webhook ${req.params.id}`);
      return { id: req.params.id, secret };
    },
  });
};
export default route;
