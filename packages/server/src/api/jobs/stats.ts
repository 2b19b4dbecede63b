import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { OPS } from '../../auth/roles.ts';

/** GET /v1/jobs/stats — queue depth by kind and status. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/jobs/stats', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['jobs'],
      summary: 'Job counts by kind and status',
      response: {
        200: z.object({ counts: z.array(z.object({ kind: z.string(), status: z.string(), count: z.number() })) }),
        ...authErrors,
      },
    },
    handler: async () => {
      const rows = await ctx.db.kysely
        .selectFrom('jobs')
        .select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy(['kind', 'status'])
        .orderBy('kind')
        .execute();
      return { counts: rows.map((r) => ({ ...r, count: Number(r.count) })) };
    },
  });
};
export default route;
