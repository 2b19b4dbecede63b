import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS } from '../../auth/roles.ts';
import { teamExposure } from '../../review/index.ts';
import { exposure } from '../me/schemas.ts';
import { AGE_BUCKETS, teamFigures } from './figures.ts';

const count = z.number().int().nonnegative();

/** GET /v1/team/dashboard — what a lead watches: open work by queue and age, throughput, appeals, speed, exposure. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/team/dashboard', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['review'],
      summary: "The team's workload and pace",
      description:
        'Open cases by queue and by age (time since the case opened); review decisions per UTC day over the last `days` ' +
        'days (default 30, today included); appeals filed in that period by outcome; time from an item entering its queue to its ' +
        "closing, per queue (nearest-rank p50 and p90, legal queues excluded); and each reviewer's media exposure today.",
      querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
      response: {
        200: z.object({
          generated_at: z.string(),
          days: z.number(),
          since: z.string(),
          age_buckets: z.array(z.object({ key: z.string(), label: z.string() })),
          open_cases: z.array(z.object({ queue: z.string(), total: count, by_age: z.record(z.string(), count) })),
          decisions_per_day: z.array(
            z.object({ day: z.string(), total: count, by_decision: z.record(z.string(), count) }),
          ),
          appeals: z.array(z.object({ status: z.string(), count })),
          time_to_decision: z.array(
            z.object({ queue: z.string(), closed: count, p50_seconds: z.number(), p90_seconds: z.number() }),
          ),
          exposure: z.object({
            day: z.string(),
            soft_limit: z.number(),
            hard_limit: z.number(),
            reviewers: z.array(
              exposure.extend({ id: z.number(), username: z.string(), role: z.string(), last_reveal_at: z.string() }),
            ),
          }),
        }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const [figures, exp] = await Promise.all([
        teamFigures(ctx.db.kysely, ctx.db.dialect, ctx.clock, req.query.days),
        teamExposure(ctx.db.kysely, ctx.cfg, ctx.clock),
      ]);
      return { ...figures, age_buckets: AGE_BUCKETS.map(([key, label]) => ({ key, label })), exposure: exp };
    },
  });
};
export default route;
