import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { ADMIN, ROLES } from '../../auth/roles.ts';

export const staffView = z.object({ id: z.number(), username: z.string(), display_name: z.string().nullable(), role: z.enum(ROLES), disabled: z.boolean(), locked_until: z.string().nullable(), created_at: z.string() });

/** GET /v1/staff — staff accounts (never their password hashes). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/staff', {
    config: { access: { roles: ADMIN } },
    schema: { tags: ['staff'], summary: 'List staff accounts', response: { 200: z.object({ staff: z.array(staffView) }), ...authErrors } },
    handler: async () => {
      const rows = await ctx.db.kysely.selectFrom('staff').select(['id', 'username', 'display_name', 'role', 'disabled', 'locked_until', 'created_at']).orderBy('id').execute();
      return { staff: rows.map((r) => ({ ...r, id: Number(r.id), disabled: !!r.disabled })) };
    },
  });
};
export default route;
