import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { leJson, loadLeRequest } from '../../legal/index.ts';
import { LEGAL, id, leRequest } from './schemas.ts';

/** GET /v1/legal/le-requests/:id — The law-enforcement request ledger (legal and admin; auditors read). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/le-requests/:id', {
    config: { access: { roles: [...LEGAL, 'auditor'] } },
    schema: {
      tags: ['legal'],
      summary: 'One request',
      params: id,
      response: { 200: leRequest, 404: errorSchema, ...authErrors },
    },
    handler: async (req) => leJson(await loadLeRequest(ctx.db.kysely, req.params.id), ctx.clock.now()) as never,
  });
};
export default route;
