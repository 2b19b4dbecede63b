import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { receiveConfirmations, sharedFeed } from '../../exchanges/shared-feed.ts';

/**
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
      querystring: z.object({ after: z.string().default('0.0'), limit: z.coerce.number().int().min(1).max(10_000).default(1000) }),
      response: {
        200: z.object({ entries: z.array(z.object({ id: z.number(), signal_type: z.string(), value: z.string(), external_id: z.string().nullable(), tags: z.array(z.string()), note: z.string().nullable() })), removed: z.array(z.object({ signal_type: z.string(), value: z.string() })), next: z.string(), more: z.boolean() }),
        400: errorSchema, 404: errorSchema, ...authErrors,
      },
    },
    handler: async (req) => sharedFeed(ctx.db.kysely, req.params.bank, req.query.after, req.query.limit),
  });
  app.post('/v1/exchange/shared/:bank/entries', {
    config: { access: { scopes: ['exchange'] } },
    schema: {
      tags: ['exchanges'],
      summary: "A peer's confirmed hashes, written back to a shared bank",
      params: z.object({ bank: z.string() }),
      body: z.object({ entries: z.array(z.object({ signal_type: z.enum(['pdq', 'md5', 'sha256']), value: z.string(), external_id: z.string().max(200).optional() }).strict()).min(1).max(5000) }).strict(),
      response: { 200: z.object({ received: z.number(), confirmed: z.number(), added: z.number() }), 400: errorSchema, 404: errorSchema, ...authErrors },
    },
    handler: async (req) => receiveConfirmations(ctx.db.kysely, req.params.bank, req.body.entries, `peer:${actorOf(req.principal)}`, ctx.clock),
  });
};
export default route;
