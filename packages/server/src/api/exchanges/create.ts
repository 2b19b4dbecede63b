import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { createExchange, EXCHANGE_TYPES, exchangeJson, staleAfterDays } from '../../exchanges/index.ts';
import { exchangeSchema } from './schemas.ts';

/** POST /v1/exchanges — a new exchange filling a bank of the same name. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/exchanges', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['exchanges'],
      summary: 'Create a hash exchange',
      description:
        'Types and their `config`: `file` {path | url, format?, signal_type?}; `peer` {url, api_key, bank, page_size?, write_back?}; `ncmec` {base_url?, username, password, start?}; `threatexchange` {base_url?, access_token, privacy_group, page_size?, start?}. Secrets are stored and never returned.',
      body: z
        .object({
          name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/),
          type: z.enum(EXCHANGE_TYPES),
          config: z.record(z.string(), z.unknown()),
          interval_s: z
            .number()
            .int()
            .min(60)
            .max(7 * 86400)
            .optional(),
          enabled: z.boolean().optional(),
          bank_kind: z.enum(['block', 'allow']).optional(),
          stale_after_days: staleAfterDays.optional(),
        })
        .strict(),
      response: { 201: exchangeSchema, 400: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(exchangeJson(await createExchange(ctx.db.kysely, req.body, actorOf(req.principal), ctx.clock))),
  });
};
export default route;
