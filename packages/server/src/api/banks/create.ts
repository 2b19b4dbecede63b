import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { createBank } from '../../media/index.ts';

/** POST /v1/banks — create a block bank (known imagery) or an allow bank (known benign). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/banks', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['banks'],
      summary: 'Create a hash bank',
      body: z
        .object({
          name: z.string(),
          kind: z.enum(['block', 'allow']).default('block'),
          description: z.string().max(1000).optional(),
        })
        .strict(),
      response: {
        201: z.object({ id: z.number(), name: z.string(), kind: z.string() }),
        400: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) =>
      reply.status(201).send(await createBank(ctx.db.kysely, req.body, actorOf(req.principal), ctx.clock)),
  });
};
export default route;
