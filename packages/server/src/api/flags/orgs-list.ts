import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';

/** GET /v1/flagger-orgs — Flagger organisations (hotlines, NGOs, law enforcement), registered by admins, each with its own keys. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/flagger-orgs', {
    config: { access: { roles: ['admin', 'lead'] } },
    schema: {
      tags: ['flags'],
      summary: 'List flagger organisations',
      response: {
        200: z.object({
          orgs: z.array(
            z.object({
              id: z.number(),
              name: z.string(),
              kind: z.string(),
              disabled: z.boolean(),
              created_at: z.string(),
            }),
          ),
        }),
        ...authErrors,
      },
    },
    handler: async () => ({
      orgs: (await ctx.db.kysely.selectFrom('flagger_orgs').selectAll().orderBy('id').execute()).map((o) => ({
        ...o,
        id: Number(o.id),
        disabled: !!o.disabled,
      })),
    }),
  });
};
export default route;
