import { z } from 'zod';
import type { RouteModule } from '../../http/route.ts';
import { readiness } from '../../metrics/ready.ts';

/** Readiness: the database answers and, when the process uses a stream (NATS JetStream), so does the broker. */
const route: RouteModule = (app, ctx) => {
  app.get('/readyz', {
    config: { access: { public: true } },
    schema: {
      tags: ['health'],
      summary: 'Readiness probe (database and, if configured, the event stream reachable)',
      response: {
        200: z.object({ status: z.literal('ready'), database: z.string(), stream: z.string().optional() }),
        503: z.object({
          status: z.literal('unavailable'),
          error: z.string(),
          database: z.string(),
          stream: z.string().optional(),
        }),
      },
    },
    handler: async (_req, reply) => {
      const r = await readiness(ctx.db, ctx.stream);
      if (r.ready) return { status: 'ready' as const, database: r.database, ...(r.stream ? { stream: r.stream } : {}) };
      return reply.status(503).send({
        status: 'unavailable' as const,
        error: r.error!,
        database: r.database,
        ...(r.stream ? { stream: r.stream } : {}),
      });
    },
  });
};
export default route;
