import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { exchangeJson, getExchange } from '../../exchanges/index.ts';
import { exchangeSchema } from './schemas.ts';

/** GET /v1/exchanges/:name — one exchange. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/exchanges/:name', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['exchanges'],
      summary: 'One exchange',
      params: z.object({ name: z.string() }),
      response: { 200: exchangeSchema, 404: errorSchema, ...authErrors },
    },
    handler: async (req) => exchangeJson(await getExchange(ctx.db.kysely, req.params.name)),
  });
};
export default route;
