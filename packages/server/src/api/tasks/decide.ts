import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { decideTask, DECISIONS } from '../../review/tasks.ts';
import { taskErrors } from './claim.ts';

/** POST /v1/tasks/:id/decision — close a claimed task with a decision and a reason. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/tasks/:id/decision', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'] } },
    schema: {
      tags: ['review'],
      summary: 'Decide a task',
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: z.object({ decision: z.enum(DECISIONS), reason: z.string().min(1).max(500), note: z.string().max(5000).optional() }).strict(),
      response: { 200: z.object({ decided: z.literal(true) }), 400: errorSchema, 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await decideTask(ctx.db.kysely, req.params.id, staffOf(req.principal).staffId, req.body, ctx.clock).catch(taskErrors);
      return { decided: true as const };
    },
  });
};
export default route;
