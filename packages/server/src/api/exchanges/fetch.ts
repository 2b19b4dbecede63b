import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS } from '../../auth/roles.ts';
import { runExchange } from '../../exchanges/runner.ts';

/** POST /v1/exchanges/:name/fetch — fetch now (waits for the result; 409 if another fetch holds the lock). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/exchanges/:name/fetch', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['exchanges'],
      summary: 'Fetch an exchange now',
      params: z.object({ name: z.string() }),
      response: { 200: z.object({ status: z.enum(['ok', 'error', 'busy']), pages: z.number(), added: z.number(), removed: z.number(), invalid: z.number(), written_back: z.number(), error: z.string().optional() }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const r = await runExchange(ctx.db.kysely, req.params.name, { cfg: ctx.cfg, clock: ctx.clock, log: ctx.log, owner: `http:${process.pid}` });
      return reply.status(r.status === 'busy' ? 409 : 200).send(r as never);
    },
  });
};
export default route;
