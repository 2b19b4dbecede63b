import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { FLAGGER_ORG_KINDS, createFlaggerOrg } from '../../flags/index.ts';

/** POST /v1/flagger-orgs — Flagger organisations (hotlines, NGOs, law enforcement), registered by admins, each with its own keys. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/flagger-orgs', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['flags'],
      summary: 'Register a flagger organisation',
      body: z.object({ name: z.string().min(2).max(200), kind: z.enum(FLAGGER_ORG_KINDS) }).strict(),
      response: {
        201: z.object({ id: z.number(), name: z.string(), kind: z.string() }),
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const id = await createFlaggerOrg(ctx.db.kysely, req.body, actorOf(req.principal), ctx.clock);
      return reply.status(201).send({ id, ...req.body });
    },
  });
};
export default route;
