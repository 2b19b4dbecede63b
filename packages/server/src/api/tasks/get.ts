import { z } from 'zod';
import { LEGAL_QUEUES } from '../../review/index.ts';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { fromJson } from '../../util/json.ts';
import { notFound } from '../../errors.ts';

/** GET /v1/tasks/:id — one task with its verdicts and the rules (name, version) that made them. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/tasks/:id', {
    config: { access: { roles: ['admin', 'lead', 'reviewer', 'legal'] } },
    schema: {
      tags: ['review'],
      summary: 'A review task',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: {
        200: z.object({
          id: z.number(),
          platform: z.string(),
          subject_type: z.string(),
          subject_id: z.string(),
          queue: z.string(),
          priority: z.number(),
          reason: z.string(),
          status: z.string(),
          created_at: z.string(),
          closed_at: z.string().nullable(),
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
          rules: z.array(z.object({ id: z.number(), name: z.string(), version: z.number() })),
        }),
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const t = await ctx.db.kysely
        .selectFrom('case_items')
        .selectAll()
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      const role = req.principal?.kind === 'staff' ? req.principal.role : null;
      const legalQueue = !!t && LEGAL_QUEUES.includes(t.queue);
      const hidden = t && ((role === 'legal' && !legalQueue) || (role === 'reviewer' && legalQueue));
      if (!t || hidden) throw notFound(`task ${req.params.id}`);
      const verdicts = await ctx.db.kysely
        .selectFrom('verdicts')
        .selectAll()
        .where('task_id', '=', req.params.id)
        .orderBy('id')
        .execute();
      const ruleIds = [...new Set(verdicts.map((v) => Number(v.rule_id)))];
      const rules = ruleIds.length
        ? await ctx.db.kysely.selectFrom('rules').select(['id', 'name', 'version']).where('id', 'in', ruleIds).execute()
        : [];
      return {
        id: Number(t.id),
        platform: t.platform,
        subject_type: t.subject_type,
        subject_id: t.subject_id,
        queue: t.queue,
        priority: t.priority,
        reason: t.reason,
        status: t.status,
        created_at: t.created_at,
        closed_at: t.closed_at,
        claimed_by: t.claimed_by == null ? null : Number(t.claimed_by),
        claim_expires_at: t.claim_expires_at,
        ref: fromJson(t.ref),
        verdicts: verdicts.map((v) => ({
          rule_id: Number(v.rule_id),
          rule_version: v.rule_version,
          event_id: Number(v.event_id),
          outcome: fromJson(v.outcome),
          signal_ids: fromJson<number[]>(v.signal_ids),
        })),
        rules: rules.map((r) => ({ id: Number(r.id), name: r.name, version: r.version })),
      };
    },
  });
};
export default route;
