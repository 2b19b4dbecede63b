import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { PRODUCIBLE } from '../../legal/index.ts';
import { LEGAL } from './schemas.ts';

/** GET /v1/legal/le-requests/producible — The law-enforcement request ledger (legal and admin; auditors read). */
const route: RouteModule = (app) => {
  app.get('/v1/legal/le-requests/producible', {
    config: { access: { roles: [...LEGAL, 'auditor'] } },
    schema: {
      tags: ['legal'],
      summary: 'What this service holds and can produce, stated plainly',
      response: {
        200: z.object({ can_produce: z.array(z.string()), cannot_produce: z.array(z.string()) }),
        ...authErrors,
      },
    },
    handler: async () => ({ can_produce: [...PRODUCIBLE.can_produce], cannot_produce: [...PRODUCIBLE.cannot_produce] }),
  });
};
export default route;
