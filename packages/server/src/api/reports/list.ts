import { z } from 'zod';
import { authErrors, staffOf, type RouteModule } from '../../http/route.ts';
import { appendAudit } from '../../audit/log.ts';
import { fromJson } from '../../util/json.ts';
import type { Verification } from '../../reports/index.ts';

/**
 * GET /v1/reports — user reports about a subject, with the content the reporter revealed.
 * Reading it is a view of evidence, so it is audited. `franking_verified` is the service's own check of
 * the message's franking opening against the relay's tag (see reports/verify.ts); a flag supplied by
 * the platform or the reporter is never trusted.
 */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/reports', {
    config: { access: { roles: ['admin', 'lead', 'reviewer', 'legal', 'auditor'] } },
    schema: {
      tags: ['review'],
      summary: 'User reports about a subject, with their revealed content (audited)',
      querystring: z.object({
        subject_type: z.string(),
        subject_id: z.string(),
        platform: z.string().default('default'),
        task_id: z.coerce.number().int().positive().optional(),
      }),
      response: {
        200: z.object({
          reports: z.array(
            z.object({
              id: z.string(),
              reporter_id: z.string(),
              reason: z.string().nullable(),
              comment: z.string().nullable(),
              filed_at: z.string(),
              verification: z.enum(['unverifiable', 'verified', 'forged']),
              messages: z.array(
                z.object({
                  sender: z.string().nullable(),
                  sent_at: z.string().nullable(),
                  text: z.string().nullable(),
                  franking_verified: z.boolean(),
                  context_only: z.boolean(),
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
      const rows = await ctx.db.kysely
        .selectFrom('user_reports')
        .selectAll()
        .where('platform', '=', q.platform)
        .where('subject_type', '=', q.subject_type)
        .where('subject_id', '=', q.subject_id)
        .orderBy('filed_at')
        .execute();
      if (rows.length) {
        await appendAudit(
          ctx.db.kysely,
          {
            actor: `staff:${staffOf(req.principal).staffId}`,
            action: 'evidence.view',
            subjectType: 'user_report',
            subjectId: rows.map((r) => r.id).join(','),
            data: {
              platform: q.platform,
              subject: { type: q.subject_type, id: q.subject_id },
              task_id: q.task_id ?? null,
            },
          },
          ctx.clock,
        );
      }
      return {
        reports: rows.map((r) => {
          const p =
            fromJson<{ comment?: string; evidence?: { messages?: Record<string, unknown>[] } }>(r.payload) ?? {};
          const msgs = Array.isArray(p.evidence?.messages) ? p.evidence!.messages! : [];
          const checked = r.verification_detail ? fromJson<Verification>(r.verification_detail).messages : [];
          const str = (v: unknown) => (typeof v === 'string' ? v : null);
          return {
            id: r.id,
            reporter_id: r.reporter_id,
            reason: r.reason,
            comment: p.comment ?? null,
            filed_at: r.filed_at,
            verification: r.verification,
            messages: msgs.slice(0, 100).map((m, i) => ({
              // SDK reports (version 1) say sender_id/body/timestamp; platforms without franking say sender/text/sent_at.
              sender: str(m.sender_id) ?? str(m.sender),
              sent_at: typeof m.timestamp === 'number' ? new Date(m.timestamp).toISOString() : str(m.sent_at),
              text: str(m.body) ?? str(m.text),
              franking_verified: checked[i]?.ok === true,
              context_only: m.context_only === true,
            })),
          };
        }),
      };
    },
  });
};
export default route;
