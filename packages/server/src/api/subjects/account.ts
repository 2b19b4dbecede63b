import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { fromJson } from '../../util/json.ts';
import { notFound } from '../../errors.ts';

/** GET /v1/accounts/:id — an account's current state. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/accounts/:id', {
    config: { access: { roles: ANY_STAFF, scopes: ['read'] } },
    schema: {
      tags: ['subjects'],
      summary: 'Account state',
      params: z.object({ id: z.string().min(1) }),
      querystring: z.object({ platform: z.string().default('default') }),
      response: {
        200: z.object({
          platform: z.string(),
          id: z.string(),
          username: z.string().nullable(),
          display_name: z.string().nullable(),
          bio: z.string().nullable(),
          avatar: z.unknown(),
          created_at: z.string().nullable(),
          first_seen_at: z.string(),
          updated_at: z.string(),
          event_count: z.number(),
        }),
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const platform = req.principal?.kind === 'key' ? req.principal.platform : req.query.platform;
      const row = await ctx.db.kysely
        .selectFrom('accounts')
        .selectAll()
        .where('platform', '=', platform)
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (!row) throw notFound(`account ${req.params.id}`);
      return { ...row, avatar: fromJson(row.avatar), event_count: Number(row.event_count) };
    },
  });
};
export default route;
