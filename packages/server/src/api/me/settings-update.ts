import { authErrors, staffOf, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { saveStaffSettings } from '../../auth/staff-settings.ts';
import { wellness } from './schemas.ts';

/** PUT /v1/me/settings — change my wellness settings. */
const route: RouteModule = (app, ctx) => {
  app.put('/v1/me/settings', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['staff'],
      summary: 'Change my wellness settings',
      body: wellness,
      response: { 200: wellness, ...authErrors },
    },
    handler: async (req) => {
      await saveStaffSettings(ctx.db.kysely, staffOf(req.principal).staffId, req.body, ctx.clock);
      return req.body;
    },
  });
};
export default route;
