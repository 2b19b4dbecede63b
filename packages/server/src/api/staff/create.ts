import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ADMIN, ROLES, actorOf } from '../../auth/roles.ts';
import { createStaff } from '../../auth/staff.ts';

/** POST /v1/staff — create a staff account; without `password` one is generated and returned once. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/staff', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['staff'],
      summary: 'Create a staff account',
      body: z
        .object({
          username: z.string().min(2).max(64),
          role: z.enum(ROLES),
          password: z.string().min(12).max(1024).optional(),
          display_name: z.string().max(200).optional(),
        })
        .strict(),
      response: {
        201: z.object({
          id: z.number(),
          username: z.string(),
          role: z.enum(ROLES),
          password: z.string().optional().describe('the generated password, shown once'),
        }),
        400: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const s = await createStaff(
        ctx.db.kysely,
        { ...req.body, displayName: req.body.display_name },
        actorOf(req.principal),
        ctx.clock,
      );
      return reply.status(201).send(s);
    },
  });
};
export default route;
