import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { notFound } from '../../errors.ts';
import type { Principal } from '../../auth/roles.ts';
import { iso } from '../../util/time.ts';

export const flagView = z.object({
  reference: z.string(), status: z.string(), statement: z.string().nullable(), category: z.string(), subject: z.object({ kind: z.string(), value: z.string() }),
  resolved: z.object({ type: z.string(), id: z.string() }).nullable(), created_at: z.string(), deadline_at: z.string(), escalated: z.boolean(), closed_at: z.string().nullable(),
});

export function toView(f: { reference: string; status: string; statement: string | null; category: string; subject_kind: string; subject_value: string; resolved_type: string | null; resolved_id: string | null; created_at: string; deadline_at: string; escalated_at: string | null; closed_at: string | null }) {
  return {
    reference: f.reference, status: f.status, statement: f.statement, category: f.category, subject: { kind: f.subject_kind, value: f.subject_value },
    resolved: f.resolved_type && f.resolved_id ? { type: f.resolved_type, id: f.resolved_id } : null, created_at: f.created_at, deadline_at: f.deadline_at, escalated: !!f.escalated_at, closed_at: f.closed_at,
  };
}

/** A flagger's key reaches only its own organisation's flags; leads and admins see all. */
function scoped<Q extends { where: (...a: any[]) => Q }>(q: Q, p: Principal | null): Q {
  return p?.kind === 'key' ? q.where('org_id', '=', p.orgId ?? -1) : q;
}

const route: RouteModule = (app, ctx) => {
  app.get('/v1/flags', {
    config: { access: { roles: ['admin', 'lead'], scopes: ['flag'] } },
    schema: {
      tags: ['flags'],
      summary: 'Flags (a flagger sees its own); overdue=true lists open flags past their deadline',
      querystring: z.object({ status: z.enum(['received', 'under_review', 'actioned', 'no_violation']).optional(), overdue: z.coerce.boolean().optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: { 200: z.object({ flags: z.array(flagView) }), ...authErrors },
    },
    handler: async (req) => {
      let q = scoped(ctx.db.kysely.selectFrom('flags').selectAll().orderBy('deadline_at').limit(req.query.limit), req.principal);
      if (req.query.status) q = q.where('status', '=', req.query.status);
      if (req.query.overdue) q = q.where('closed_at', 'is', null).where('deadline_at', '<', iso(ctx.clock.now()));
      return { flags: (await q.execute()).map(toView) };
    },
  });
  app.get('/v1/flags/:reference', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'], scopes: ['flag'] } },
    schema: { tags: ['flags'], summary: 'One flag: its status and, once closed, the statement of reasons', params: z.object({ reference: z.string() }), response: { 200: flagView, 404: errorSchema, ...authErrors } },
    handler: async (req) => {
      const f = await scoped(ctx.db.kysely.selectFrom('flags').selectAll().where('reference', '=', req.params.reference), req.principal).executeTakeFirst();
      if (!f) throw notFound(`flag ${req.params.reference}`);
      return toView(f);
    },
  });
};
export default route;
