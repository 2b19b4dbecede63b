import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { exchangeJson, getExchange } from '../../exchanges/store.ts';

export const exchangeSchema = z.object({
  name: z.string(), type: z.string(), bank: z.string(), enabled: z.boolean(), interval_s: z.number(), config: z.record(z.string(), z.unknown()),
  checkpoint: z.unknown(), last_fetch_at: z.string().nullable(), last_success_at: z.string().nullable(), last_status: z.string().nullable(), last_error: z.string().nullable(), fetched_total: z.number(),
  complete_at: z.string().nullable(), full_sync_running: z.boolean(), stale_after_days: z.number().nullable(),
});

/** GET /v1/exchanges and /v1/exchanges/:name — configuration (secrets redacted) and fetch status. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/exchanges', {
    config: { access: { roles: ANY_STAFF } },
    schema: { tags: ['exchanges'], summary: 'List hash exchanges with their fetch status', response: { 200: z.object({ exchanges: z.array(exchangeSchema) }), ...authErrors } },
    handler: async () => ({ exchanges: (await ctx.db.kysely.selectFrom('exchanges').selectAll().orderBy('name').execute()).map(exchangeJson) }),
  });
  app.get('/v1/exchanges/:name', {
    config: { access: { roles: ANY_STAFF } },
    schema: { tags: ['exchanges'], summary: 'One exchange', params: z.object({ name: z.string() }), response: { 200: exchangeSchema, 404: errorSchema, ...authErrors } },
    handler: async (req) => exchangeJson(await getExchange(ctx.db.kysely, req.params.name)),
  });
};
export default route;
