import { z } from 'zod';
import { sql } from 'kysely';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { AUDIT_READERS } from '../../auth/roles.ts';
import { fromJson } from '../../util/json.ts';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const time = (what: string) =>
  z
    .string()
    .max(40)
    .refine((s) => !Number.isNaN(Date.parse(s)), `${what} must be a date (YYYY-MM-DD) or an ISO time`);
/** LIKE patterns match the text literally (action names contain `_`, a wildcard). */
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const auditEntry = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  actor_label: z.string(),
  action: z.string(),
  subject_type: z.string().nullable(),
  subject_id: z.string().nullable(),
  reason: z.string().nullable(),
  data: z.unknown(),
  prev_hash: z.string(),
  hash: z.string(),
});

/** GET /v1/audit — the audit log, newest first, filterable by actor, action, subject and time; paged by `before`. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/audit', {
    config: { access: { roles: AUDIT_READERS } },
    schema: {
      tags: ['audit'],
      summary: 'Read the audit log',
      description:
        '`actor` is an actor as recorded (`staff:3`, `key:7`, `system`, `cli`) or a staff username. `action` is an exact action, ' +
        'or a prefix when it ends with `.` or `*` (`case.` finds every case action). `from`/`to` bound the time (a date `to` includes that ' +
        'day). Page with `before=<next_before>`.',
      querystring: z
        .object({
          subject_type: z.string().max(100).optional(),
          subject_id: z.string().max(500).optional(),
          actor: z.string().max(200).optional(),
          action: z.string().max(200).optional(),
          from: time('from').optional(),
          to: time('to').optional(),
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        })
        .refine(
          (q) =>
            !q.from ||
            !q.to ||
            Number.isNaN(Date.parse(q.from)) ||
            Number.isNaN(Date.parse(q.to)) ||
            Date.parse(q.to) >= Date.parse(q.from),
          {
            path: ['to'],
            message: 'to must not be before from',
          },
        ),
      response: {
        200: z.object({ entries: z.array(auditEntry), next_before: z.number().nullable() }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const q = req.query;
      const db = ctx.db.kysely;
      let query = db
        .selectFrom('audit_log')
        .selectAll()
        .orderBy('seq', 'desc')
        .limit(q.limit + 1);
      if (q.subject_type) query = query.where('subject_type', '=', q.subject_type);
      if (q.subject_id) query = query.where('subject_id', '=', q.subject_id);
      if (q.actor) {
        const actor = q.actor.trim();
        // A username is what a person types; the log records staff by id.
        const byName = /^[a-z]+:|^(system|cli|anonymous)$/.test(actor)
          ? undefined
          : await db.selectFrom('staff').select('id').where('username', '=', actor).executeTakeFirst();
        query = query.where('actor', '=', byName ? `staff:${byName.id}` : actor);
      }
      if (q.action) {
        const a = q.action.trim();
        if (a.endsWith('*') || a.endsWith('.'))
          query = query.where(sql<boolean>`action LIKE ${likePrefix(a.replace(/\*$/, ''))} ESCAPE '\\'`);
        else query = query.where('action', '=', a);
      }
      if (q.from) query = query.where('at', '>=', new Date(q.from).toISOString());
      if (q.to) {
        const t = new Date(q.to);
        if (DATE_ONLY.test(q.to)) t.setUTCDate(t.getUTCDate() + 1);
        query = query.where('at', DATE_ONLY.test(q.to) ? '<' : '<=', t.toISOString());
      }
      if (q.before) query = query.where('seq', '<', q.before);
      const rows = await query.execute();
      const page = rows.slice(0, q.limit);
      const staffIds = [
        ...new Set(
          page
            .map((r) => /^staff:(\d+)$/.exec(r.actor)?.[1])
            .filter((x): x is string => !!x)
            .map(Number),
        ),
      ];
      const names = new Map(
        (staffIds.length
          ? await db.selectFrom('staff').select(['id', 'username']).where('id', 'in', staffIds).execute()
          : []
        ).map((s) => [`staff:${s.id}`, s.username]),
      );
      return {
        entries: page.map((r) => ({
          seq: Number(r.seq),
          at: r.at,
          actor: r.actor,
          actor_label: names.get(r.actor) ?? r.actor,
          action: r.action,
          subject_type: r.subject_type,
          subject_id: r.subject_id,
          reason: r.reason,
          data: fromJson(r.data),
          prev_hash: r.prev_hash,
          hash: r.hash,
        })),
        next_before: rows.length > q.limit ? Number(page[page.length - 1]!.seq) : null,
      };
    },
  });
};
export default route;
