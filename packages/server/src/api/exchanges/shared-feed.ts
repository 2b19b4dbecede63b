import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { sharedFeed } from '../../exchanges/index.ts';

/**
 * GET /v1/exchange/shared/:bank/entries.
 * Peer exchange, source side: a shared bank's change feed (API keys with scope `read` or `exchange`),
 * and hashes a peer's review confirmed, written back (scope `exchange`). Unshared banks answer 404.
 */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/exchange/shared/:bank/entries', {
    config: { access: { scopes: ['read', 'exchange'] } },
    schema: {
      tags: ['exchanges'],
      summary: "A shared bank's additions and removals after a cursor",
      params: z.object({ bank: z.string() }),
      querystring: z.object({
        after: z.string().default('0.0'),
        limit: z.coerce.number().int().min(1).max(10_000).default(1000),
      }),
      response: {
        200: z.object({
          entries: z.array(
            z.object({
              id: z.number(),
              signal_type: z.string(),
              value: z.string(),
              external_id: z.string().nullable(),
              tags: z.array(z.string()),
              note: z.string().nullable(),
            }),
          ),
          removed: z.array(z.object({ signal_type: z.string(), value: z.string() })),
          next: z.string(),
          more: z.boolean(),
        }),
        400: errorSchema,
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => sharedFeed(ctx.db.kysely, req.params.bank, req.query.after, req.query.limit),
  });
};
export default route;
