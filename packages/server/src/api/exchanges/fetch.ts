import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { runExchange } from '../../exchanges/index.ts';
import { getExchange } from '../../exchanges/index.ts';
import { appendAudit } from '../../audit/log.ts';

const runResult = z.object({
  status: z.enum(['ok', 'error', 'busy']),
  pages: z.number(),
  added: z.number(),
  removed: z.number(),
  invalid: z.number(),
  written_back: z.number(),
  error: z.string().optional(),
});

/** POST /v1/exchanges/:name/fetch — fetch now (waits for the result; 409 if another fetch holds the lock). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/exchanges/:name/fetch', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['exchanges'],
      summary: 'Fetch an exchange now',
      params: z.object({ name: z.string() }),
      response: {
        200: runResult,
        404: errorSchema,
        409: runResult.describe('another fetch of this exchange holds its lock (status busy)'),
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      await getExchange(ctx.db.kysely, req.params.name);
      // Who asked for a fetch is on record; what the fetch changed is audited page by page.
      await appendAudit(
        ctx.db.kysely,
        {
          actor: actorOf(req.principal),
          action: 'exchange.fetch',
          subjectType: 'exchange',
          subjectId: req.params.name,
          data: {},
        },
        ctx.clock,
      );
      const r = await runExchange(ctx.db.kysely, req.params.name, {
        cfg: ctx.cfg,
        clock: ctx.clock,
        log: ctx.log,
        owner: `http:${process.pid}`,
      });
      return reply.status(r.status === 'busy' ? 409 : 200).send(r as never);
    },
  });
};
export default route;
