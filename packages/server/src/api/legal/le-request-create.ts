import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { createLeRequest, leRequestInput } from '../../legal/index.ts';
import { LEGAL } from './schemas.ts';

/** POST /v1/legal/le-requests — The law-enforcement request ledger (legal and admin; auditors read). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/legal/le-requests', {
    config: { access: { roles: LEGAL } },
    schema: {
      tags: ['legal'],
      summary: 'Record a request (preservation requests hold the subjects for 90 days)',
      body: leRequestInput,
      response: { 201: z.object({ id: z.number() }), 400: errorSchema, ...authErrors },
    },
    handler: async (req, reply) =>
      reply.status(201).send({ id: await createLeRequest(ctx.db.kysely, req.body, actorOf(req.principal), ctx.clock) }),
  });
};
export default route;
