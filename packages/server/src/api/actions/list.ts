import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { fromJson } from '../../util/json.ts';

const actionView = z.object({
  id: z.number(),
  platform: z.string(),
  subject_type: z.string(),
  subject_id: z.string(),
  action: z.string(),
  params: z.unknown(),
  status: z.string(),
  reason: z.string(),
  task_id: z.number().nullable(),
  decided_by: z.number(),
  approved_by: z.number().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  reversed_at: z.string().nullable(),
});

/** GET /v1/actions — Enforcement history of a subject, and the second approval of group-wide actions. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/actions', {
    config: { access: { roles: ['admin', 'lead', 'reviewer', 'auditor'], scopes: ['read'] } },
    schema: {
      tags: ['enforcement'],
      summary: 'Enforcement actions (a subject’s history, or all pending approval)',
      querystring: z.object({
        subject_type: z.string().optional(),
        subject_id: z.string().optional(),
        status: z.enum(['pending_approval', 'active', 'reversed', 'rejected']).optional(),
        platform: z.string().default('default'),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: { 200: z.object({ actions: z.array(actionView), strikes: z.number() }), ...authErrors },
    },
    handler: async (req) => {
      const q = req.query;
      const platform = req.principal?.kind === 'key' ? req.principal.platform : q.platform;
      let query = ctx.db.kysely
        .selectFrom('enforcement_actions')
        .selectAll()
        .where('platform', '=', platform)
        .orderBy('id', 'desc')
        .limit(q.limit);
      if (q.subject_type) query = query.where('subject_type', '=', q.subject_type);
      if (q.subject_id) query = query.where('subject_id', '=', q.subject_id);
      if (q.status) query = query.where('status', '=', q.status);
      const rows = await query.execute();
      const strikes =
        q.subject_type === 'account' && q.subject_id
          ? (
              await ctx.db.kysely
                .selectFrom('strikes')
                .select('id')
                .where('platform', '=', platform)
                .where('account_id', '=', q.subject_id)
                .execute()
            ).length
          : 0;
      return {
        actions: rows.map((r) => ({
          ...r,
          id: Number(r.id),
          params: fromJson(r.params),
          task_id: r.task_id == null ? null : Number(r.task_id),
          decided_by: Number(r.decided_by),
          approved_by: r.approved_by == null ? null : Number(r.approved_by),
        })),
        strikes,
      };
    },
  });
};
export default route;
