import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { fileAppeal } from '../../review/index.ts';

/** POST /v1/appeals — Appeals: filed by the platform for its user, decided by a different reviewer. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/appeals', {
    config: { access: { scopes: ['ingest'] } },
    schema: {
      tags: ['enforcement'],
      summary: 'File an appeal against an active action (once per action)',
      body: z.object({ action_id: z.number().int().positive(), statement: z.string().min(1).max(5000) }).strict(),
      response: {
        201: z.object({ appeal_id: z.number(), status: z.literal('open') }),
        404: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      if (req.principal?.kind !== 'key') throw new Error('unreachable');
      const r = await fileAppeal(
        ctx.db.kysely,
        req.principal.platform,
        req.body.action_id,
        req.body.statement,
        ctx.clock,
      );
      return reply.status(201).send(r);
    },
  });
};
export default route;
