import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { releaseCase } from '../../review/index.ts';
import { caseParams, REVIEWERS } from './schemas.ts';

/** POST /v1/cases/:id/release — give a claimed case back to the queue. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/cases/:id/release', {
    config: { access: { roles: REVIEWERS } },
    schema: {
      tags: ['review'],
      summary: 'Release a claimed case',
      params: caseParams,
      response: { 200: z.object({ released: z.literal(true) }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await releaseCase(ctx.db.kysely, req.params.id, staffOf(req.principal).staffId, ctx.clock);
      return { released: true as const };
    },
  });
};
export default route;
