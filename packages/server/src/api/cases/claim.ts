import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { claimCase } from '../../review/index.ts';
import { caseParams, REVIEWERS } from './schemas.ts';

/** POST /v1/cases/:id/claim — the reviewer's lock on a case (expires after 15 minutes). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/cases/:id/claim', {
    config: { access: { roles: REVIEWERS } },
    schema: {
      tags: ['review'],
      summary: 'Claim a case',
      params: caseParams,
      response: { 200: z.object({ claimed_until: z.string() }), 404: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req) => claimCase(ctx.db.kysely, req.params.id, staffOf(req.principal).staffId, ctx.clock),
  });
};
export default route;
