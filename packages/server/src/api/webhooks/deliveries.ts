import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { OPS } from '../../auth/roles.ts';

/** GET /v1/webhooks/deliveries — the outbox; `status=dead` lists dead letters. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/webhooks/deliveries', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['webhooks'],
      summary: 'Webhook deliveries and dead letters',
      querystring: z.object({ status: z.enum(['pending', 'delivered', 'dead']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: {
        200: z.object({
          deliveries: z.array(z.object({ id: z.number(), endpoint_id: z.number(), event_type: z.string(), status: z.string(), attempts: z.number(), last_status: z.number().nullable(), last_error: z.string().nullable(), next_attempt_at: z.string(), created_at: z.string(), delivered_at: z.string().nullable() })),
        }),
        ...authErrors,
      },
    },
    handler: async (req) => {
      let q = ctx.db.kysely
        .selectFrom('webhook_outbox')
        .select(['id', 'endpoint_id', 'event_type', 'status', 'attempts', 'last_status', 'last_error', 'next_attempt_at', 'created_at', 'delivered_at'])
        .orderBy('id', 'desc')
        .limit(req.query.limit);
      if (req.query.status) q = q.where('status', '=', req.query.status);
      const rows = await q.execute();
      return { deliveries: rows.map((r) => ({ ...r, id: Number(r.id), endpoint_id: Number(r.endpoint_id) })) };
    },
  });
};
export default route;
