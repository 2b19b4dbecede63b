import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { ADMIN, SCOPES, actorOf } from '../../auth/roles.ts';
import { createApiKey } from '../../auth/api-keys.ts';

/** POST /v1/api-keys — create a scoped key; the secret is returned once. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/api-keys', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['api keys'],
      summary: 'Create an API key',
      body: z
        .object({
          name: z.string().min(1).max(200),
          platform: z.string().min(1).max(100).default('default'),
          scopes: z.array(z.enum(SCOPES)).min(1),
        })
        .strict(),
      response: {
        201: z.object({
          id: z.number(),
          key: z.string(),
          name: z.string(),
          platform: z.string(),
          scopes: z.array(z.string()),
        }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const created = await createApiKey(
        ctx.db.kysely,
        { ...req.body, createdBy: staffOf(req.principal).staffId, actor: actorOf(req.principal) },
        ctx.clock,
      );
      return reply.status(201).send(created);
    },
  });
};
export default route;
