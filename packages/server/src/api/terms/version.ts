import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { fromJson } from '../../util/json.ts';
import { notFound } from '../../errors.ts';

/** GET /v1/term-list/versions/:version — one saved version of the term list, whole (for viewing and diffs). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/term-list/versions/:version', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['detection'],
      summary: 'One version of the coded-term list',
      params: z.object({ version: z.coerce.number().int().positive() }),
      response: {
        200: z.object({
          version: z.number(),
          created_by: z.string(),
          created_at: z.string(),
          list: z.record(z.string(), z.unknown()),
        }),
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const row = await ctx.db.kysely
        .selectFrom('term_lists')
        .selectAll()
        .where('version', '=', req.params.version)
        .executeTakeFirst();
      if (!row) throw notFound(`term list version ${req.params.version}`);
      return {
        version: row.version,
        created_by: row.created_by,
        created_at: row.created_at,
        list: fromJson<Record<string, unknown>>(row.list),
      };
    },
  });
};
export default route;
