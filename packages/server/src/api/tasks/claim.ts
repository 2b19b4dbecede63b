import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { claimTask } from '../../review/index.ts';
import { REVIEWERS } from './schemas.ts';

/** POST /v1/tasks/:id/claim and /release — the reviewer's lock on a task (expires after 15 minutes). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/tasks/:id/claim', {
    config: { access: { roles: REVIEWERS } },
    schema: {
      tags: ['review'],
      summary: 'Claim a task',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ claimed_until: z.string() }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req) => claimTask(ctx.db.kysely, req.params.id, staffOf(req.principal).staffId, ctx.clock),
  });
};
export default route;
