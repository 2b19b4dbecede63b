import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { placeHold } from '../../legal/index.ts';

/** POST /v1/legal/holds — place a legal hold on a subject, with a reason (audited). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/legal/holds', {
    config: { access: { roles: ['admin', 'legal'] } },
    schema: {
      tags: ['legal'],
      summary: 'Place a legal hold on a subject for a number of days',
      body: z
        .object({
          subject: z
            .object({
              platform: z.string().min(1).max(100).default('default'),
              type: z.enum(['account', 'group', 'media']),
              id: z.string().trim().min(1).max(300),
            })
            .strict(),
          days: z.number().int().min(1).max(3650),
          reason: z.string().trim().min(3).max(2000),
        })
        .strict(),
      response: { 201: z.object({ id: z.number() }), 400: errorSchema, ...authErrors },
    },
    handler: async (req, reply) =>
      reply.status(201).send({
        id: await placeHold(
          ctx.db.kysely,
          req.body.subject,
          req.body.days,
          req.body.reason,
          actorOf(req.principal),
          ctx.clock,
        ),
      }),
  });
};
export default route;
