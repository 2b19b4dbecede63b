import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { OPS } from '../../auth/roles.ts';
import { fromJson } from '../../util/json.ts';

/** GET /v1/jobs/dead — the dead-letter list: jobs that failed every attempt. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/jobs/dead', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['jobs'],
      summary: 'Dead-letter jobs',
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: {
        200: z.object({
          jobs: z.array(
            z.object({
              id: z.number(),
              kind: z.string(),
              payload: z.unknown(),
              attempts: z.number(),
              last_error: z.string().nullable(),
              created_at: z.string(),
              finished_at: z.string().nullable(),
            }),
          ),
        }),
        ...authErrors,
      },
    },
    handler: async (req) => {
      const rows = await ctx.db.kysely
        .selectFrom('jobs')
        .selectAll()
        .where('status', '=', 'dead')
        .orderBy('id', 'desc')
        .limit(req.query.limit)
        .execute();
      return {
        jobs: rows.map((r) => ({
          id: Number(r.id),
          kind: r.kind,
          payload: fromJson(r.payload),
          attempts: r.attempts,
          last_error: r.last_error,
          created_at: r.created_at,
          finished_at: r.finished_at,
        })),
      };
    },
  });
};
export default route;
