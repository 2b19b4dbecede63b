import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { listRules } from '../../detect/index.ts';

/** GET /v1/rules — the rules in force, with their current version. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/rules', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['rules'],
      summary: 'List rules',
      response: {
        200: z.object({
          rules: z.array(
            z.object({
              id: z.number(),
              name: z.string(),
              description: z.string().nullable(),
              version: z.number(),
              expression: z.string(),
              outcome: z.unknown(),
              mode: z.string(),
              enabled: z.boolean(),
              updated_at: z.string(),
            }),
          ),
        }),
        ...authErrors,
      },
    },
    handler: async () => ({ rules: await listRules(ctx.db.kysely) }),
  });
};
export default route;
