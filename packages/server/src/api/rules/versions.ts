import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { fromJson } from '../../util/json.ts';
import { notFound } from '../../errors.ts';

/** GET /v1/rules/:name/versions — every saved version of a rule, newest first. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/rules/:name/versions', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['rules'],
      summary: "A rule's version history",
      params: z.object({ name: z.string() }),
      response: {
        200: z.object({
          versions: z.array(
            z.object({
              version: z.number(),
              expression: z.string(),
              outcome: z.unknown(),
              mode: z.string(),
              created_by: z.string(),
              created_at: z.string(),
            }),
          ),
        }),
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const rule = await ctx.db.kysely
        .selectFrom('rules')
        .select('id')
        .where('name', '=', req.params.name)
        .executeTakeFirst();
      if (!rule) throw notFound(`rule ${req.params.name}`);
      const rows = await ctx.db.kysely
        .selectFrom('rule_versions')
        .selectAll()
        .where('rule_id', '=', Number(rule.id))
        .orderBy('version', 'desc')
        .execute();
      return {
        versions: rows.map((r) => ({
          version: r.version,
          expression: r.expression,
          outcome: fromJson(r.outcome),
          mode: r.mode,
          created_by: r.created_by,
          created_at: r.created_at,
        })),
      };
    },
  });
};
export default route;
