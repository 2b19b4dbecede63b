import { authErrors, staffOf, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { takeBreak } from '../../review/index.ts';
import { exposure } from './schemas.ts';

/** POST /v1/me/exposure/break — confirm a break: the soft limit counts again from now (audited). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/me/exposure/break', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['staff'],
      summary: 'Confirm a break: the soft limit counts again from now (audited)',
      response: { 200: exposure, ...authErrors },
    },
    handler: async (req) => takeBreak(ctx.db.kysely, staffOf(req.principal).staffId, ctx.cfg, ctx.clock),
  });
};
export default route;
