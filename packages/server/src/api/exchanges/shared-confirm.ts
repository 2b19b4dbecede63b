import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { receiveConfirmations } from '../../exchanges/index.ts';

/**
 * POST /v1/exchange/shared/:bank/entries.
 * Peer exchange, source side: a shared bank's change feed (API keys with scope `read` or `exchange`),
 * and hashes a peer's review confirmed, written back (scope `exchange`). Unshared banks answer 404.
 */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/exchange/shared/:bank/entries', {
    config: { access: { scopes: ['exchange'] } },
    schema: {
      tags: ['exchanges'],
      summary: "A peer's confirmed hashes, written back to a shared bank",
      params: z.object({ bank: z.string() }),
      body: z
        .object({
          entries: z
            .array(
              z
                .object({
                  signal_type: z.enum(['pdq', 'md5', 'sha256']),
                  value: z.string(),
                  external_id: z.string().max(200).optional(),
                })
                .strict(),
            )
            .min(1)
            .max(5000),
        })
        .strict(),
      response: {
        200: z.object({ received: z.number(), confirmed: z.number(), added: z.number() }),
        400: errorSchema,
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) =>
      receiveConfirmations(
        ctx.db.kysely,
        req.params.bank,
        req.body.entries,
        `peer:${actorOf(req.principal)}`,
        ctx.clock,
      ),
  });
};
export default route;
