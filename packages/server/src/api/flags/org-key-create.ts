import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { createFlaggerOrgKey } from '../../flags/index.ts';

/** POST /v1/flagger-orgs/:id/keys — Flagger organisations (hotlines, NGOs, law enforcement), registered by admins, each with its own keys. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/flagger-orgs/:id/keys', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['flags'],
      summary: "Create an API key for an organisation (scope flag; it reaches only that organisation's flags)",
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: z.object({ name: z.string().min(1).max(200), platform: z.string().default('default') }).strict(),
      response: { 201: z.object({ id: z.number(), key: z.string() }), 404: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const k = await createFlaggerOrgKey(
        ctx.db.kysely,
        req.params.id,
        req.body,
        staffOf(req.principal).staffId,
        actorOf(req.principal),
        ctx.clock,
      );
      return reply.status(201).send(k);
    },
  });
};
export default route;
