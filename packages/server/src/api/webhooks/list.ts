import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { ADMIN } from '../../auth/roles.ts';

const endpointView = z.object({
  id: z.number(),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  created_at: z.string(),
});

/** GET /v1/webhooks — registered endpoints (secrets are shown only at creation). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/webhooks', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['webhooks'],
      summary: 'List webhook endpoints',
      response: { 200: z.object({ endpoints: z.array(endpointView) }), ...authErrors },
    },
    handler: async () => {
      const rows = await ctx.db.kysely
        .selectFrom('webhook_endpoints')
        .select(['id', 'url', 'events', 'enabled', 'created_at'])
        .orderBy('id')
        .execute();
      return {
        endpoints: rows.map((r) => ({
          id: Number(r.id),
          url: r.url,
          events: r.events.split(','),
          enabled: !!r.enabled,
          created_at: r.created_at,
        })),
      };
    },
  });
};
export default route;
