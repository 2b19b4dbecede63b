import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { decideTask, DECISIONS } from '../../review/index.ts';
import { actionRequest } from '../../review/index.ts';

/** POST /v1/tasks/:id/decision — close a claimed task with a decision and a reason. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/tasks/:id/decision', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'] } },
    schema: {
      tags: ['review'],
      summary: 'Decide a task',
      params: z.object({ id: z.coerce.number().int().positive() }),
      description:
        'Apparent CSAM bans the account or takes the group down unless `actions` says otherwise, adds the matched hashes to the CONFIRMED bank, places a one-year legal hold and opens a legal-reports task. Group take-downs and banning all members wait for a second reviewer (approvals queue).',
      body: z
        .object({
          decision: z.enum(DECISIONS),
          reason: z.string().min(1).max(500),
          note: z.string().max(5000).optional(),
          actions: z.array(actionRequest).max(20).optional(),
          allowlist: z.boolean().optional(),
        })
        .strict(),
      response: {
        200: z.object({ decided: z.literal(true), action_ids: z.array(z.number()) }),
        400: errorSchema,
        404: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const s = staffOf(req.principal);
      const r = await decideTask(ctx.db.kysely, req.params.id, s.staffId, req.body, ctx.clock, s.role);
      return { decided: true as const, action_ids: r.action_ids };
    },
  });
};
export default route;
