import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { appendAudit } from '../../audit/log.ts';
import { VigilError, notFound } from '../../errors.ts';
import { iso } from '../../util/time.ts';

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
      const id = req.params.id;
      const retried = await ctx.db.kysely.transaction().execute(async (trx) => {
        const endpoint = await trx.selectFrom('webhook_endpoints').select('enabled').where('id', '=', id).executeTakeFirst();
        if (!endpoint) return null;
        if (!endpoint.enabled) throw new VigilError('endpoint_deleted', `webhook ${id} is deleted: its dead letters cannot be sent again`);
        // The same reset as retrying one dead letter (webhooks/outbox.ts retryDeadDelivery), for all of them.
        const r = await trx.updateTable('webhook_outbox').set({ status: 'pending', attempts: 0, next_attempt_at: iso(ctx.clock.now()) })
          .where('endpoint_id', '=', id).where('status', '=', 'dead').executeTakeFirst();
        const n = Number(r.numUpdatedRows);
        if (n) await appendAudit(trx, { actor: actorOf(req.principal), action: 'webhook.retry_dead', subjectType: 'webhook', subjectId: String(id), data: { deliveries: n } }, ctx.clock);
        return n;
      });
      if (retried === null) throw notFound(`webhook ${id}`);
      return { retried };
    },
  });
};
export default route;
