import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { releaseTask } from '../../review/index.ts';
import { REVIEWERS } from './schemas.ts';

/** POST /v1/tasks/:id/release — release a claimed task. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/tasks/:id/release', {
    config: { access: { roles: REVIEWERS } },
    schema: {
      tags: ['review'],
      summary: 'Release a claimed task',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ released: z.literal(true) }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await releaseTask(ctx.db.kysely, req.params.id, staffOf(req.principal).staffId, ctx.clock);
      return { released: true as const };
    },
  });
};
export default route;
