import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { OPS } from '../../auth/roles.ts';

/** GET /v1/webhooks/deliveries — the outbox, newest first; `status=dead` lists dead letters; paged by offset. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/webhooks/deliveries', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['webhooks'],
      summary: 'Webhook deliveries and dead letters',
      querystring: z.object({
        status: z.enum(['pending', 'delivered', 'dead']).optional(),
        endpoint_id: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      }),
      response: {
        200: z.object({
          deliveries: z.array(
            z.object({
              id: z.number(),
              endpoint_id: z.number(),
              event_type: z.string(),
              status: z.string(),
              attempts: z.number(),
              last_status: z.number().nullable(),
              last_error: z.string().nullable(),
              next_attempt_at: z.string(),
              created_at: z.string(),
              delivered_at: z.string().nullable(),
              /** False once the endpoint is deleted: its dead letters cannot be retried. */
              endpoint_enabled: z.boolean(),
            }),
          ),
          has_more: z.boolean(),
        }),
        ...authErrors,
      },
    },
    handler: async (req) => {
      let q = ctx.db.kysely
        .selectFrom('webhook_outbox')
        .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_outbox.endpoint_id')
        .select([
          'webhook_outbox.id',
          'endpoint_id',
          'event_type',
          'status',
          'attempts',
          'last_status',
          'last_error',
          'next_attempt_at',
          'webhook_outbox.created_at',
          'delivered_at',
        ])
        .select('webhook_endpoints.enabled as endpoint_enabled')
        .orderBy('webhook_outbox.id', 'desc')
        .limit(req.query.limit + 1)
        .offset(req.query.offset);
      if (req.query.status) q = q.where('status', '=', req.query.status);
      if (req.query.endpoint_id) q = q.where('endpoint_id', '=', req.query.endpoint_id);
      const rows = await q.execute();
      const page = rows.slice(0, req.query.limit);
      return {
        deliveries: page.map((r) => ({
          ...r,
          id: Number(r.id),
          endpoint_id: Number(r.endpoint_id),
          endpoint_enabled: !!r.endpoint_enabled,
        })),
        has_more: rows.length > page.length,
      };
    },
  });
};
export default route;
