import { authErrors, staffOf, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { toJson } from '../../util/json.ts';
import { iso } from '../../util/time.ts';
import { wellness } from './schemas.ts';

const route: RouteModule = (app, ctx) => {
  app.put('/v1/me/settings', {
    config: { access: { roles: ANY_STAFF } },
    schema: { tags: ['staff'], summary: 'Change my wellness settings', body: wellness, response: { 200: wellness, ...authErrors } },
    handler: async (req) => {
      const staffId = staffOf(req.principal).staffId;
      const settings = toJson(req.body);
      await ctx.db.kysely
        .insertInto('staff_settings')
        .values({ staff_id: staffId, settings, updated_at: iso(ctx.clock.now()) })
        .onConflict((oc) => oc.column('staff_id').doUpdateSet({ settings, updated_at: iso(ctx.clock.now()) }))
        .execute();
      return req.body;
    },
  });
};
export default route;
