import { z } from 'zod';
import { LEGAL_QUEUES } from '../../review/index.ts';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { fromJson } from '../../util/json.ts';

/** GET /v1/tasks — review tasks by priority then age, with the verdicts (rule + version) behind each. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/tasks', {
    config: { access: { roles: ['admin', 'lead', 'reviewer', 'legal'] } },
    schema: {
      tags: ['review'],
      summary: 'Review tasks',
      querystring: z.object({
        queue: z.string().optional(),
        severity: z.enum(['critical', 'high', 'medium', 'low']).optional(),
        status: z.enum(['open', 'closed']).default('open'),
        subject_type: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: {
        200: z.object({
          tasks: z.array(
            z.object({
              id: z.number(),
              platform: z.string(),
              subject_type: z.string(),
              subject_id: z.string(),
              queue: z.string(),
              priority: z.number(),
              reason: z.string(),
              status: z.string(),
              created_at: z.string(),
              claimed_by: z.number().nullable(),
              claim_expires_at: z.string().nullable(),
              ref: z.unknown(),
              verdicts: z.array(
                z.object({
                  rule_id: z.number(),
                  rule_version: z.number(),
                  event_id: z.number(),
                  outcome: z.unknown(),
                  signal_ids: z.array(z.number()),
                }),
              ),
            }),
          ),
        }),
        ...authErrors,
      },
    },
    handler: async (req) => {
      const q = req.query;
      let query = ctx.db.kysely
        .selectFrom('case_items')
        .selectAll()
        .where('status', '=', q.status)
        .orderBy('priority', 'desc')
        .orderBy('created_at')
        .limit(q.limit);
      // Legal staff see the reports they must file and law-enforcement deadlines, not the review queues.
      if (req.principal?.kind === 'staff' && req.principal.role === 'legal')
        query = query.where('queue', 'in', [...LEGAL_QUEUES]);
      if (q.queue) query = query.where('queue', '=', q.queue);
      // Reporting to NCMEC and answering law enforcement are legal's work; reviewers do not see them.
      if (req.principal?.kind === 'staff' && req.principal.role === 'reviewer')
        query = query.where('queue', 'not in', [...LEGAL_QUEUES]);
      if (q.subject_type) query = query.where('subject_type', '=', q.subject_type);
      // Severity bands over priority: critical ≥ 90, high 70–89, medium 40–69, low < 40.
      if (q.severity) {
        const [lo, hi] = { critical: [90, 101], high: [70, 90], medium: [40, 70], low: [0, 40] }[q.severity];
        query = query.where('priority', '>=', lo!).where('priority', '<', hi!);
      }
      const tasks = await query.execute();
      const ids = tasks.map((t) => Number(t.id));
      const verdicts = ids.length
        ? await ctx.db.kysely.selectFrom('verdicts').selectAll().where('task_id', 'in', ids).orderBy('id').execute()
        : [];
      return {
        tasks: tasks.map((t) => ({
          id: Number(t.id),
          platform: t.platform,
          subject_type: t.subject_type,
          subject_id: t.subject_id,
          queue: t.queue,
          priority: t.priority,
          reason: t.reason,
          status: t.status,
          created_at: t.created_at,
          claimed_by: t.claimed_by == null ? null : Number(t.claimed_by),
          claim_expires_at: t.claim_expires_at,
          ref: fromJson(t.ref),
          verdicts: verdicts
            .filter((v) => Number(v.task_id) === Number(t.id))
            .map((v) => ({
              rule_id: Number(v.rule_id),
              rule_version: v.rule_version,
              event_id: Number(v.event_id),
              outcome: fromJson(v.outcome),
              signal_ids: fromJson<number[]>(v.signal_ids),
            })),
        })),
      };
    },
  });
};
export default route;
