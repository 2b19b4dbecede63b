import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { createApiKey } from '../../auth/api-keys.ts';
import { notFound } from '../../errors.ts';

/** Flagger organisations (hotlines, NGOs, law enforcement), registered by admins, each with its own keys. */
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
      const org = await ctx.db.kysely.selectFrom('flagger_orgs').select(['id', 'name']).where('id', '=', req.params.id).executeTakeFirst();
      if (!org) throw notFound(`organisation ${req.params.id}`);
      const k = await createApiKey(ctx.db.kysely, { name: `${org.name}: ${req.body.name}`, platform: req.body.platform, scopes: ['flag'], createdBy: staffOf(req.principal).staffId, actor: actorOf(req.principal), orgId: Number(org.id) }, ctx.clock);
      return reply.status(201).send({ id: k.id, key: k.key });
    },
  });
};
export default route;
