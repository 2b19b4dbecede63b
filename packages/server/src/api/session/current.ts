import { z } from 'zod';
import { authErrors, staffOf, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF, ROLES } from '../../auth/roles.ts';

/** GET /v1/session — who is signed in, and the CSRF token for writes. */
const route: RouteModule = (app) => {
  app.get('/v1/session', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['staff'],
      summary: 'Current session',
      response: {
        200: z.object({
          staff: z.object({ id: z.number(), username: z.string(), role: z.enum(ROLES) }),
          csrf_token: z.string(),
        }),
        ...authErrors,
      },
    },
    handler: async (req) => {
      const p = staffOf(req.principal);
      return { staff: { id: p.staffId, username: p.username, role: p.role }, csrf_token: p.csrfToken };
    },
  });
};
export default route;
