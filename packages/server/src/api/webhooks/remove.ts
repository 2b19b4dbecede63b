import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ADMIN, actorOf } from '../../auth/roles.ts';
import { appendAudit } from '../../audit/log.ts';
import { notFound } from '../../http/errors.ts';

/** DELETE /v1/webhooks/:id — disable an endpoint (its delivery history stays). */
const route: RouteModule = (app, ctx) => {
  app.delete('/v1/webhooks/:id', {
    config: { access: { roles: ADMIN } },
    schema: { tags: ['webhooks'], summary: 'Disable a webhook endpoint', params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: z.object({ disabled: z.literal(true) }), 404: errorSchema, ...authErrors } },
    handler: async (req) => {
      const ok = await ctx.db.kysely.transaction().execute(async (trx) => {
        const r = await trx.updateTable('webhook_endpoints').set({ enabled: 0 }).where('id', '=', req.params.id).where('enabled', '=', 1).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return false;
        await appendAudit(trx, { actor: actorOf(req.principal), action: 'webhook.disable', subjectType: 'webhook', subjectId: String(req.params.id) }, ctx.clock);
        return true;
      });
      if (!ok) throw notFound(`enabled webhook ${req.params.id}`);
      return { disabled: true as const };
    },
  });
};
export default route;
