import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ADMIN, ROLES, actorOf } from '../../auth/roles.ts';
import { updateStaff } from '../../auth/staff.ts';

/** PATCH /v1/staff/:id — change role, disable/enable, unlock, or reset the password. */
const route: RouteModule = (app, ctx) => {
  app.patch('/v1/staff/:id', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['staff'],
      summary: 'Update a staff account',
      description:
        "Each change is audited (`staff.update`). Disabling, re-roling or a new password ends the account's sessions. Disabling or demoting the last enabled admin is refused (409).",
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: z
        .object({
          role: z.enum(ROLES).optional(),
          disabled: z.boolean().optional(),
          unlock: z.boolean().optional(),
          password: z.string().min(12).max(1024).optional(),
        })
        .strict(),
      response: {
        200: z.object({ updated: z.literal(true) }),
        400: errorSchema,
        404: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      await updateStaff(ctx.db.kysely, req.params.id, req.body, actorOf(req.principal), ctx.clock);
      return { updated: true as const };
    },
  });
};
export default route;
