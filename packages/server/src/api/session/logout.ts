import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { logout, SESSION_COOKIE } from '../../auth/sessions.ts';

/** DELETE /v1/session — sign out. */
const route: RouteModule = (app, ctx) => {
  app.delete('/v1/session', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['staff'],
      summary: 'Sign out',
      response: { 200: z.object({ signed_out: z.literal(true) }), ...authErrors },
    },
    handler: async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await logout(ctx.db.kysely, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { signed_out: true as const };
    },
  });
};
export default route;
