import { z } from 'zod';
import { errorSchema, type RouteModule } from '../../http/route.ts';
import { login, SESSION_COOKIE } from '../../auth/sessions.ts';
import { ROLES } from '../../auth/roles.ts';

/** POST /v1/session — staff login; sets the session cookie and returns the CSRF token. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/session', {
    config: { access: { public: true } },
    bodyLimit: 16 * 1024,
    schema: {
      tags: ['staff'],
      summary: 'Sign in',
      body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict(),
      response: {
        200: z.object({
          staff: z.object({ id: z.number(), username: z.string(), role: z.enum(ROLES) }),
          csrf_token: z.string(),
          expires_at: z.string(),
        }),
        401: errorSchema,
        429: errorSchema,
      },
    },
    handler: async (req, reply) => {
      const s = await login(ctx.db.kysely, ctx.cfg, ctx.clock, { ...req.body, ip: req.ip });
      reply.setCookie(SESSION_COOKIE, s.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.cfg.cookieSecure,
        path: '/',
        expires: new Date(s.expiresAt),
      });
      return { staff: s.staff, csrf_token: s.csrfToken, expires_at: s.expiresAt };
    },
  });
};
export default route;
