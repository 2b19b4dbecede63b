import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { decideAppeal, fileAppeal } from '../../review/index.ts';
import { notFound } from '../../errors.ts';

/** Appeals: filed by the platform for its user, decided by a different reviewer. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/appeals', {
    config: { access: { scopes: ['ingest'] } },
    schema: {
      tags: ['enforcement'],
      summary: 'File an appeal against an active action (once per action)',
      body: z.object({ action_id: z.number().int().positive(), statement: z.string().min(1).max(5000) }).strict(),
      response: { 201: z.object({ appeal_id: z.number(), status: z.literal('open') }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      if (req.principal?.kind !== 'key') throw new Error('unreachable');
      const r = await fileAppeal(ctx.db.kysely, req.principal.platform, req.body.action_id, req.body.statement, ctx.clock);
      return reply.status(201).send(r);
    },
  });

  app.get('/v1/appeals/:id', {
    config: { access: { roles: ['admin', 'lead', 'reviewer', 'legal', 'auditor'], scopes: ['ingest', 'read'] } },
    schema: {
      tags: ['enforcement'],
      summary: 'An appeal and its outcome',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ id: z.number(), action_id: z.number(), status: z.string(), statement: z.string(), reason: z.string().nullable(), created_at: z.string(), decided_at: z.string().nullable() }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      let q = ctx.db.kysely.selectFrom('appeals').selectAll().where('id', '=', req.params.id);
      if (req.principal?.kind === 'key') q = q.where('platform', '=', req.principal.platform);
      const a = await q.executeTakeFirst();
      if (!a) throw notFound(`appeal ${req.params.id}`);
      return { id: Number(a.id), action_id: Number(a.action_id), status: a.status, statement: a.statement, reason: a.reason, created_at: a.created_at, decided_at: a.decided_at };
    },
  });

  app.post('/v1/appeals/:id/decision', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'] } },
    schema: {
      tags: ['enforcement'],
      summary: 'Uphold or reverse an appeal (a reversal undoes the action and tells the platform)',
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: z.object({ outcome: z.enum(['uphold', 'reverse']), reason: z.string().min(1).max(500) }).strict(),
      response: { 200: z.object({ decided: z.literal(true) }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await decideAppeal(ctx.db.kysely, req.params.id, staffOf(req.principal).staffId, req.body.outcome, req.body.reason, ctx.clock);
      return { decided: true as const };
    },
  });
};
export default route;
