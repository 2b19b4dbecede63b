import { authErrors, staffOf, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { exposureOf } from '../../review/index.ts';
import { exposure } from './schemas.ts';

/** GET /v1/me/exposure — my media exposure today (reveals, limits, whether a break is due). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/me/exposure', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['staff'],
      summary: 'My media exposure today (reveals, limits, whether a break is due)',
      response: { 200: exposure, ...authErrors },
    },
    handler: async (req) => exposureOf(ctx.db.kysely, staffOf(req.principal).staffId, ctx.cfg, ctx.clock),
  });
};
export default route;
