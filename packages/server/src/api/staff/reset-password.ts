import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ADMIN, actorOf } from '../../auth/roles.ts';
import { resetStaffPassword } from '../../auth/staff.ts';

/** POST /v1/staff/:id/reset-password — a generated password, returned once; the account's sessions end. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/staff/:id/reset-password', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['staff'],
      summary: "Reset a staff member's password",
      description:
        "Generates a new password (returned once, never stored in clear), lifts a lockout and ends the account's sessions. Audited as `staff.password_reset`.",
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ password: z.string() }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => resetStaffPassword(ctx.db.kysely, req.params.id, actorOf(req.principal), ctx.clock),
  });
};
export default route;
