import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { ADMIN, ROLES } from '../../auth/roles.ts';

const staffView = z.object({
  id: z.number(),
  username: z.string(),
  display_name: z.string().nullable(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  locked_until: z.string().nullable(),
  created_at: z.string(),
  last_sign_in_at: z.string().nullable().describe('the latest successful sign-in, from the audit log'),
});

/** GET /v1/staff — staff accounts (never their password hashes). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/staff', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['staff'],
      summary: 'List staff accounts',
      response: { 200: z.object({ staff: z.array(staffView) }), ...authErrors },
    },
    handler: async () => {
      const db = ctx.db.kysely;
      const rows = await db
        .selectFrom('staff')
        .select(['id', 'username', 'display_name', 'role', 'disabled', 'locked_until', 'created_at'])
        .orderBy('id')
        .execute();
      // Sign-ins are audited (`staff.login`), so the log is the record of the last one; no second copy to keep in step.
      const last = await db
        .selectFrom('audit_log')
        .select(['subject_id', (eb) => eb.fn.max('at').as('at')])
        .where('subject_type', '=', 'staff')
        .where('action', '=', 'staff.login')
        .groupBy('subject_id')
        .execute();
      const lastBy = new Map(last.map((l) => [String(l.subject_id), String(l.at)]));
      return {
        staff: rows.map((r) => ({
          ...r,
          id: Number(r.id),
          disabled: !!r.disabled,
          last_sign_in_at: lastBy.get(String(r.id)) ?? null,
        })),
      };
    },
  });
};
export default route;
