import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { fromJson } from '../../util/json.ts';
import { notFound } from '../../errors.ts';

/** GET /v1/groups/:id — a group's current state and its current members. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/groups/:id', {
    config: { access: { roles: ANY_STAFF, scopes: ['read'] } },
    schema: {
      tags: ['subjects'],
      summary: 'Group state and members',
      params: z.object({ id: z.string().min(1) }),
      querystring: z.object({ platform: z.string().default('default') }),
      response: {
        200: z.object({
          platform: z.string(),
          id: z.string(),
          name: z.string().nullable(),
          description: z.string().nullable(),
          avatar: z.unknown(),
          member_count: z.number().nullable(),
          invite_link: z.string().nullable(),
          created_at: z.string().nullable(),
          first_seen_at: z.string(),
          updated_at: z.string(),
          event_count: z.number(),
          members: z.array(
            z.object({ account_id: z.string(), joined_at: z.string(), via_invite: z.string().nullable() }),
          ),
        }),
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const platform = req.principal?.kind === 'key' ? req.principal.platform : req.query.platform;
      const row = await ctx.db.kysely
        .selectFrom('groups')
        .selectAll()
        .where('platform', '=', platform)
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (!row) throw notFound(`group ${req.params.id}`);
      const members = await ctx.db.kysely
        .selectFrom('group_members')
        .select(['account_id', 'joined_at', 'via_invite'])
        .where('platform', '=', platform)
        .where('group_id', '=', req.params.id)
        .where('left_at', 'is', null)
        .orderBy('joined_at')
        .limit(5000)
        .execute();
      return {
        ...row,
        avatar: fromJson(row.avatar),
        member_count: row.member_count == null ? null : Number(row.member_count),
        event_count: Number(row.event_count),
        members,
      };
    },
  });
};
export default route;
