import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { AUDIT_READERS } from '../../auth/roles.ts';
import { fromJson } from '../../util/json.ts';

/** GET /v1/audit — the audit log, newest first, filterable by subject, actor and action. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/audit', {
    config: { access: { roles: AUDIT_READERS } },
    schema: {
      tags: ['audit'],
      summary: 'Read the audit log',
      querystring: z.object({
        subject_type: z.string().optional(),
        subject_id: z.string().optional(),
        actor: z.string().optional(),
        action: z.string().optional(),
        before: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: {
        200: z.object({
          entries: z.array(z.object({ seq: z.number(), at: z.string(), actor: z.string(), action: z.string(), subject_type: z.string().nullable(), subject_id: z.string().nullable(), reason: z.string().nullable(), data: z.unknown(), hash: z.string() })),
        }),
        ...authErrors,
      },
    },
    handler: async (req) => {
      const q = req.query;
      let query = ctx.db.kysely.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(q.limit);
      if (q.subject_type) query = query.where('subject_type', '=', q.subject_type);
      if (q.subject_id) query = query.where('subject_id', '=', q.subject_id);
      if (q.actor) query = query.where('actor', '=', q.actor);
      if (q.action) query = query.where('action', '=', q.action);
      if (q.before) query = query.where('seq', '<', q.before);
      const rows = await query.execute();
      return { entries: rows.map((r) => ({ seq: Number(r.seq), at: r.at, actor: r.actor, action: r.action, subject_type: r.subject_type, subject_id: r.subject_id, reason: r.reason, data: fromJson(r.data), hash: r.hash })) };
    },
  });
};
export default route;
