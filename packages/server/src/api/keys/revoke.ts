import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ADMIN, actorOf } from '../../auth/roles.ts';
import { revokeApiKey } from '../../auth/api-keys.ts';
import { notFound } from '../../errors.ts';

/** DELETE /v1/api-keys/:id — revoke a key at once. */
const route: RouteModule = (app, ctx) => {
  app.delete('/v1/api-keys/:id', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['api keys'],
      summary: 'Revoke an API key',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ revoked: z.literal(true) }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      if (!(await revokeApiKey(ctx.db.kysely, req.params.id, actorOf(req.principal), ctx.clock)))
        throw notFound(`active API key ${req.params.id}`);
      return { revoked: true as const };
    },
  });
};
export default route;
