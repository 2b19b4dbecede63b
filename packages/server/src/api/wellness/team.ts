import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { teamExposure } from '../../review/index.ts';
import { exposure } from '../me/schemas.ts';

/** GET /v1/wellness/team — every reviewer's media exposure today (leads look after their team). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/wellness/team', {
    config: { access: { roles: ['admin', 'lead'] } },
    schema: {
      tags: ['staff'],
      summary: "The team's media exposure today",
      response: {
        200: z.object({
          day: z.string(),
          soft_limit: z.number(),
          hard_limit: z.number(),
          reviewers: z.array(
            exposure.extend({ id: z.number(), username: z.string(), role: z.string(), last_reveal_at: z.string() }),
          ),
        }),
        ...authErrors,
      },
    },
    handler: async () => teamExposure(ctx.db.kysely, ctx.cfg, ctx.clock),
  });
};
export default route;
