import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { exchangeJson } from '../../exchanges/index.ts';
import { exchangeSchema } from './schemas.ts';

/** GET /v1/exchanges and /v1/exchanges/:name — configuration (secrets redacted) and fetch status. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/exchanges', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['exchanges'],
      summary: 'List hash exchanges with their fetch status',
      response: { 200: z.object({ exchanges: z.array(exchangeSchema) }), ...authErrors },
    },
    handler: async () => ({
      exchanges: (await ctx.db.kysely.selectFrom('exchanges').selectAll().orderBy('name').execute()).map(exchangeJson),
    }),
  });
};
export default route;
