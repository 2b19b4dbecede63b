import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { retryDeadJob } from '../../queue/jobs.ts';
import { appendAudit } from '../../audit/log.ts';
import { notFound } from '../../errors.ts';

/** POST /v1/jobs/:id/retry — puts a dead job back in the queue. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/jobs/:id/retry', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['jobs'],
      summary: 'Retry a dead job',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ retried: z.literal(true) }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const ok = await ctx.db.kysely.transaction().execute(async (trx) => {
        const done = await retryDeadJob(trx, req.params.id, ctx.clock);
        if (done)
          await appendAudit(
            trx,
            {
              actor: actorOf(req.principal),
              action: 'job.retry',
              subjectType: 'job',
              subjectId: String(req.params.id),
            },
            ctx.clock,
          );
        return done;
      });
      if (!ok) throw notFound(`dead job ${req.params.id}`);
      ctx.jobsAdded();
      return { retried: true as const };
    },
  });
};
export default route;
