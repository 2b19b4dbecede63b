import { authErrors, staffOf, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { readStaffSettings } from '../../auth/staff-settings.ts';
import { wellness } from './schemas.ts';

/** GET /v1/me/settings — my wellness settings. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/me/settings', {
    config: { access: { roles: ANY_STAFF } },
    schema: { tags: ['staff'], summary: 'My wellness settings', response: { 200: wellness, ...authErrors } },
    handler: async (req) => {
      return wellness.parse((await readStaffSettings(ctx.db.kysely, staffOf(req.principal).staffId)) ?? {});
    },
  });
};
export default route;
