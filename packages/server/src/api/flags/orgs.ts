import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { appendAudit } from '../../audit/log.ts';
import { createApiKey } from '../../auth/api-keys.ts';
import { VigilError, notFound } from '../../errors.ts';
import { iso } from '../../util/time.ts';

const KINDS = ['hotline', 'ngo', 'law_enforcement', 'trusted_flagger'] as const;

/** Flagger organisations (hotlines, NGOs, law enforcement), registered by admins, each with its own keys. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/flagger-orgs', {
    config: { access: { roles: ['admin', 'lead'] } },
    schema: { tags: ['flags'], summary: 'List flagger organisations', response: { 200: z.object({ orgs: z.array(z.object({ id: z.number(), name: z.string(), kind: z.string(), disabled: z.boolean(), created_at: z.string() })) }), ...authErrors } },
    handler: async () => ({ orgs: (await ctx.db.kysely.selectFrom('flagger_orgs').selectAll().orderBy('id').execute()).map((o) => ({ ...o, id: Number(o.id), disabled: !!o.disabled })) }),
  });
  app.post('/v1/flagger-orgs', {
    config: { access: { roles: ['admin'] } },
    schema: { tags: ['flags'], summary: 'Register a flagger organisation', body: z.object({ name: z.string().min(2).max(200), kind: z.enum(KINDS) }).strict(), response: { 201: z.object({ id: z.number(), name: z.string(), kind: z.string() }), 409: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      const id = await ctx.db.kysely.transaction().execute(async (trx) => {
        if (await trx.selectFrom('flagger_orgs').select('id').where('name', '=', req.body.name).executeTakeFirst()) throw new VigilError('conflict', `an organisation named "${req.body.name}" exists`);
        const row = await trx.insertInto('flagger_orgs').values({ ...req.body, disabled: 0, created_at: iso(ctx.clock.now()) }).returning('id').executeTakeFirstOrThrow();
        await appendAudit(trx, { actor: actorOf(req.principal), action: 'flagger_org.create', subjectType: 'flagger_org', subjectId: String(row.id), data: req.body }, ctx.clock);
        return Number(row.id);
      });
      return reply.status(201).send({ id, ...req.body });
    },
  });
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
