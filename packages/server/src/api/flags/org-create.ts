import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { appendAudit } from '../../audit/log.ts';
import { VigilError } from '../../errors.ts';
import { iso } from '../../util/time.ts';

const KINDS = ['hotline', 'ngo', 'law_enforcement', 'trusted_flagger'] as const;

/** Flagger organisations (hotlines, NGOs, law enforcement), registered by admins, each with its own keys. */
const route: RouteModule = (app, ctx) => {
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
};
export default route;
