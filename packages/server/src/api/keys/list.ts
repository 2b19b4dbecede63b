import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { ADMIN } from '../../auth/roles.ts';

/** GET /v1/api-keys — platform API keys (never their secrets). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/api-keys', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['api keys'],
      summary: 'List API keys',
      response: {
        200: z.object({
          keys: z.array(
            z.object({
              id: z.number(),
              name: z.string(),
              platform: z.string(),
              scopes: z.array(z.string()),
              created_at: z.string(),
              revoked_at: z.string().nullable(),
              last_used_at: z.string().nullable().describe('to the minute: recorded at most once a minute per key'),
            }),
          ),
        }),
        ...authErrors,
      },
    },
    handler: async () => {
      const rows = await ctx.db.kysely
        .selectFrom('api_keys')
        .select(['id', 'name', 'platform', 'scopes', 'created_at', 'revoked_at', 'last_used_at'])
        .orderBy('id')
        .execute();
      return { keys: rows.map((r) => ({ ...r, id: Number(r.id), scopes: r.scopes.split(',') })) };
    },
  });
};
export default route;
