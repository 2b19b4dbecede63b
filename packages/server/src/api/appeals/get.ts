import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { notFound } from '../../errors.ts';

/** GET /v1/appeals/:id — Appeals: filed by the platform for its user, decided by a different reviewer. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/appeals/:id', {
    config: { access: { roles: ['admin', 'lead', 'reviewer', 'legal', 'auditor'], scopes: ['ingest', 'read'] } },
    schema: {
      tags: ['enforcement'],
      summary: 'An appeal and its outcome',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: {
        200: z.object({
          id: z.number(),
          action_id: z.number(),
          status: z.string(),
          statement: z.string(),
          reason: z.string().nullable(),
          created_at: z.string(),
          decided_at: z.string().nullable(),
        }),
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      let q = ctx.db.kysely.selectFrom('appeals').selectAll().where('id', '=', req.params.id);
      if (req.principal?.kind === 'key') q = q.where('platform', '=', req.principal.platform);
      const a = await q.executeTakeFirst();
      if (!a) throw notFound(`appeal ${req.params.id}`);
      return {
        id: Number(a.id),
        action_id: Number(a.action_id),
        status: a.status,
        statement: a.statement,
        reason: a.reason,
        created_at: a.created_at,
        decided_at: a.decided_at,
      };
    },
  });
};
export default route;
