import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';

/** GET /v1/banks — hash banks with their entry counts. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/banks', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['banks'],
      summary: 'List hash banks',
      response: {
        200: z.object({
          banks: z.array(
            z.object({
              id: z.number(),
              name: z.string(),
              kind: z.string(),
              description: z.string().nullable(),
              enabled: z.boolean(),
              entries: z.number(),
              updated_at: z.string(),
            }),
          ),
        }),
        ...authErrors,
      },
    },
    handler: async () => {
      const rows = await ctx.db.kysely
        .selectFrom('banks')
        .leftJoin('bank_entries', 'bank_entries.bank_id', 'banks.id')
        .select([
          'banks.id',
          'banks.name',
          'banks.kind',
          'banks.description',
          'banks.enabled',
          'banks.updated_at',
          (eb) => eb.fn.count<number>('bank_entries.id').as('entries'),
        ])
        .groupBy(['banks.id', 'banks.name', 'banks.kind', 'banks.description', 'banks.enabled', 'banks.updated_at'])
        .orderBy('banks.name')
        .execute();
      return { banks: rows.map((r) => ({ ...r, id: Number(r.id), enabled: !!r.enabled, entries: Number(r.entries) })) };
    },
  });
};
export default route;
