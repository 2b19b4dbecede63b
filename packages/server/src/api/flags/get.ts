import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { notFound } from '../../errors.ts';
import { flagView, scoped, toView } from './schemas.ts';

/** GET /v1/flags/:reference — one flag: its status and, once closed, the statement of reasons. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/flags/:reference', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'], scopes: ['flag'] } },
    schema: {
      tags: ['flags'],
      summary: 'One flag: its status and, once closed, the statement of reasons',
      params: z.object({ reference: z.string() }),
      response: { 200: flagView, 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const f = await scoped(
        ctx.db.kysely.selectFrom('flags').selectAll().where('reference', '=', req.params.reference),
        req.principal,
      ).executeTakeFirst();
      if (!f) throw notFound(`flag ${req.params.reference}`);
      return toView(f);
    },
  });
};
export default route;
