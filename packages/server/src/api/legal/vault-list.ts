import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { liveHolds } from '../../legal/index.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { LEGAL } from './schemas.ts';

const item = z.object({
  id: z.number(),
  subject: z.object({ platform: z.string(), type: z.string(), id: z.string() }),
  report_id: z.number().nullable(),
  kind: z.string(),
  label: z.string(),
  mime: z.string(),
  size: z.number(),
  sha256: z.string(),
  key_id: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  destroyed_at: z.string().nullable(),
  destroyed_reason: z.string().nullable(),
});

const listed = item.extend({
  case_id: z.number().nullable(),
  held_until: z.string().nullable(),
  kept_until: z.string(),
  expiry: z.enum(['overdue', 'due_soon']).nullable(),
});

/** The review case behind each report (report → deciding item → case). */
async function reportCases(db: Kysely<Database>, reportIds: number[]): Promise<Map<number, number | null>> {
  const ids = [...new Set(reportIds)];
  if (!ids.length) return new Map();
  const reports = await db
    .selectFrom('ncmec_reports')
    .select(['id', 'decision_task_id'])
    .where('id', 'in', ids)
    .execute();
  const tasks = reports
    .map((r) => r.decision_task_id)
    .filter((x): x is number => x !== null)
    .map(Number);
  const items = tasks.length
    ? await db.selectFrom('case_items').select(['id', 'case_id']).where('id', 'in', tasks).execute()
    : [];
  const caseOf = new Map(items.map((i) => [Number(i.id), i.case_id == null ? null : Number(i.case_id)]));
  return new Map(
    reports.map((r) => [
      Number(r.id),
      r.decision_task_id === null ? null : (caseOf.get(Number(r.decision_task_id)) ?? null),
    ]),
  );
}

/** GET /v1/legal/vault — The preservation vault (legal and admin only): list, read (audited, with a purpose), destroy, export, rewrap. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/vault', {
    config: { access: { roles: [...LEGAL, 'auditor'] } },
    schema: {
      tags: ['legal'],
      summary: 'Preserved items (metadata only), soonest to go first',
      description:
        "`kept_until` is the later of the item's retention and a live legal hold on its subject; `expiry` is `overdue` when that has " +
        'passed (the retention loop destroys it next), `due_soon` within 30 days.',
      querystring: z.object({
        state: z.enum(['live', 'destroyed', 'all']).default('live'),
        subject_type: z.string().optional(),
        subject_id: z.string().optional(),
        report_id: z.coerce.number().int().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: { 200: z.object({ items: z.array(listed), total: z.number() }), ...authErrors },
    },
    handler: async (req) => {
      let q = ctx.db.kysely.selectFrom('vault_items');
      if (req.query.state === 'live') q = q.where('destroyed_at', 'is', null);
      if (req.query.state === 'destroyed') q = q.where('destroyed_at', 'is not', null);
      if (req.query.subject_type) q = q.where('subject_type', '=', req.query.subject_type);
      if (req.query.subject_id) q = q.where('subject_id', '=', req.query.subject_id);
      if (req.query.report_id) q = q.where('report_id', '=', req.query.report_id);
      const [rows, count] = await Promise.all([
        q
          .select([
            'id',
            'platform',
            'subject_type',
            'subject_id',
            'report_id',
            'kind',
            'label',
            'mime',
            'size',
            'sha256',
            'key_id',
            'created_at',
            'expires_at',
            'destroyed_at',
            'destroyed_reason',
          ])
          .orderBy('expires_at')
          .orderBy('id')
          .limit(req.query.limit)
          .offset(req.query.offset)
          .execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      const holds = await liveHolds(
        ctx.db.kysely,
        rows.map((r) => ({ platform: r.platform, type: r.subject_type, id: r.subject_id })),
        ctx.clock,
      );
      const cases = await reportCases(
        ctx.db.kysely,
        rows
          .map((r) => r.report_id)
          .filter((x): x is number => x !== null)
          .map(Number),
      );
      const now = ctx.clock.now().getTime();
      const items = rows.map((r) => {
        const held = holds.get(`${r.platform}|${r.subject_type}|${r.subject_id}`) ?? null;
        const kept = held && held > r.expires_at ? held : r.expires_at;
        const left = Date.parse(kept) - now;
        return {
          ...r,
          id: Number(r.id),
          size: Number(r.size),
          report_id: r.report_id === null ? null : Number(r.report_id),
          subject: { platform: r.platform, type: r.subject_type, id: r.subject_id },
          case_id: r.report_id === null ? null : (cases.get(Number(r.report_id)) ?? null),
          held_until: held,
          kept_until: kept,
          expiry: r.destroyed_at
            ? null
            : left <= 0
              ? ('overdue' as const)
              : left <= 30 * 86_400_000
                ? ('due_soon' as const)
                : null,
        };
      });
      return { items, total: Number(count.n) };
    },
  });
};
export default route;
