import { authErrors, staffOf, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { fromJson } from '../../util/json.ts';
import { wellness } from './schemas.ts';

const route: RouteModule = (app, ctx) => {
  app.get('/v1/me/settings', {
    config: { access: { roles: ANY_STAFF } },
    schema: { tags: ['staff'], summary: 'My wellness settings', response: { 200: wellness, ...authErrors } },
    handler: async (req) => {
      const row = await ctx.db.kysely.selectFrom('staff_settings').select('settings').where('staff_id', '=', staffOf(req.principal).staffId).executeTakeFirst();
      return wellness.parse(row ? fromJson(row.settings) : {});
    },
  });
};
export default route;
