import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';

/** GET /v1/term-list/versions — The coded-term list in force; saving makes a new, audited version. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/term-list/versions', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['detection'],
      summary: 'Term list versions',
      response: {
        200: z.object({
          versions: z.array(z.object({ version: z.number(), created_by: z.string(), created_at: z.string() })),
        }),
        ...authErrors,
      },
    },
    handler: async () => ({
      versions: await ctx.db.kysely
        .selectFrom('term_lists')
        .select(['version', 'created_by', 'created_at'])
        .orderBy('version', 'desc')
        .execute(),
    }),
  });
};
export default route;
