import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { exchangeJson, exchangeUpdate, updateExchange } from '../../exchanges/index.ts';
import { exchangeSchema } from './schemas.ts';

/** PATCH /v1/exchanges/:name (enable, interval, config merge, reset checkpoint); DELETE keeps the bank. */
const route: RouteModule = (app, ctx) => {
  app.patch('/v1/exchanges/:name', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['exchanges'],
      summary: 'Change an exchange',
      params: z.object({ name: z.string() }),
      body: exchangeUpdate,
      response: { 200: exchangeSchema, 400: errorSchema, 404: errorSchema, ...authErrors },
    },
    handler: async (req) =>
      exchangeJson(await updateExchange(ctx.db.kysely, req.params.name, req.body, actorOf(req.principal), ctx.clock)),
  });
};
export default route;
