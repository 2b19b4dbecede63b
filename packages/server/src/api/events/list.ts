import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { fromJson } from '../../util/json.ts';

/** GET /v1/events — a subject's timeline from the event log (report evidence is not included). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/events', {
    config: { access: { roles: ANY_STAFF, scopes: ['read'] } },
    schema: {
      tags: ['ingest'],
      summary: "List events, optionally a subject's timeline",
      querystring: z.object({
        subject_type: z.string().optional(),
        subject_id: z.string().optional(),
        type: z.string().optional(),
        before: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: {
        200: z.object({
          events: z.array(
            z.object({
              seq: z.number(),
              platform: z.string(),
              type: z.string(),
              subject_type: z.string(),
              subject_id: z.string(),
              occurred_at: z.string(),
              received_at: z.string(),
              processed_at: z.string().nullable(),
              event: z.record(z.string(), z.unknown()),
            }),
          ),
          next_before: z.number().nullable(),
        }),
        ...authErrors,
      },
    },
    handler: async (req) => {
      const q = req.query;
      let query = ctx.db.kysely.selectFrom('events').selectAll().orderBy('id', 'desc').limit(q.limit);
      if (req.principal?.kind === 'key') query = query.where('platform', '=', req.principal.platform);
      if (q.subject_type) query = query.where('subject_type', '=', q.subject_type);
      if (q.subject_id) query = query.where('subject_id', '=', q.subject_id);
      if (q.type) query = query.where('type', '=', q.type);
      if (q.before) query = query.where('id', '<', q.before);
      const rows = await query.execute();
      return {
        events: rows.map((r) => {
          const event = fromJson<Record<string, unknown>>(r.payload);
          // Reported content is evidence: it is read through the case routes, which audit each view.
          const report = event?.report as Record<string, unknown> | undefined;
          if (event?.type === 'report.filed' && report)
            event.report = { ...report, evidence: report.evidence === undefined ? undefined : '(withheld)' };
          return {
            seq: Number(r.id),
            platform: r.platform,
            type: r.type,
            subject_type: r.subject_type,
            subject_id: r.subject_id,
            occurred_at: r.occurred_at,
            received_at: r.received_at,
            processed_at: r.processed_at,
            event,
          };
        }),
        next_before: rows.length === q.limit ? Number(rows[rows.length - 1]!.id) : null,
      };
    },
  });
};
export default route;
