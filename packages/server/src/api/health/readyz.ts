import { sql } from 'kysely';
import { z } from 'zod';
import type { RouteModule } from '../../http/route.ts';

/** Readiness: the database answers. */
const route: RouteModule = (app, ctx) => {
  app.get('/readyz', {
    config: { access: { public: true } },
    schema: {
      tags: ['health'],
      summary: 'Readiness probe (database reachable)',
      response: { 200: z.object({ status: z.literal('ready'), database: z.string() }), 503: z.object({ status: z.literal('unavailable'), error: z.string() }) },
    },
    handler: async (_req, reply) => {
      try {
        await sql`SELECT 1`.execute(ctx.db.kysely);
        return { status: 'ready' as const, database: ctx.db.dialect };
      } catch (e) {
        return reply.status(503).send({ status: 'unavailable' as const, error: (e as Error).message });
      }
    },
  });
};
export default route;
