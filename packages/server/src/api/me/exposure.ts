import { z } from 'zod';
import { authErrors, staffOf, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { exposureOf, takeBreak } from '../../review/index.ts';

export const exposure = z.object({ day: z.string(), reveals: z.number(), since_break: z.number(), soft_limit: z.number(), hard_limit: z.number(), break_due: z.boolean(), limit_reached: z.boolean() });

/** GET /v1/me/exposure and POST /v1/me/exposure/break — my media reveals today, and confirming a break. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/me/exposure', {
    config: { access: { roles: ANY_STAFF } },
    schema: { tags: ['staff'], summary: 'My media exposure today (reveals, limits, whether a break is due)', response: { 200: exposure, ...authErrors } },
    handler: async (req) => exposureOf(ctx.db.kysely, staffOf(req.principal).staffId, ctx.cfg, ctx.clock),
  });
  app.post('/v1/me/exposure/break', {
    config: { access: { roles: ANY_STAFF } },
    schema: { tags: ['staff'], summary: 'Confirm a break: the soft limit counts again from now (audited)', response: { 200: exposure, ...authErrors } },
    handler: async (req) => takeBreak(ctx.db.kysely, staffOf(req.principal).staffId, ctx.cfg, ctx.clock),
  });
};
export default route;
