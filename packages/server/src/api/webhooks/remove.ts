import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ADMIN, actorOf } from '../../auth/roles.ts';
import { appendAudit } from '../../audit/log.ts';
import { notFound } from '../../errors.ts';
import { ENDPOINT_DELETED } from '../../webhooks/outbox.ts';

/**
 * DELETE /v1/webhooks/:id — delete an endpoint: nothing more is sent to it, and deliveries still waiting become
 * dead letters saying why (they cannot be retried); its delivery history stays.
 */
const route: RouteModule = (app, ctx) => {
  app.delete('/v1/webhooks/:id', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['webhooks'], summary: 'Delete (disable) a webhook endpoint; its waiting deliveries are cancelled', params: z.object({ id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ disabled: z.literal(true), cancelled: z.number() }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const ok = await ctx.db.kysely.transaction().execute(async (trx) => {
        const r = await trx.updateTable('webhook_endpoints').set({ enabled: 0 }).where('id', '=', req.params.id).where('enabled', '=', 1).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return null;
        const c = await trx.updateTable('webhook_outbox').set({ status: 'dead', last_error: ENDPOINT_DELETED, locked_until: null })
          .where('endpoint_id', '=', req.params.id).where('status', '=', 'pending').executeTakeFirst();
        const cancelled = Number(c.numUpdatedRows);
        await appendAudit(trx, { actor: actorOf(req.principal), action: 'webhook.disable', subjectType: 'webhook', subjectId: String(req.params.id), data: { cancelled } }, ctx.clock);
        return cancelled;
      });
      if (ok === null) throw notFound(`enabled webhook ${req.params.id}`);
      return { disabled: true as const, cancelled: ok };
    },
  });
};
export default route;
