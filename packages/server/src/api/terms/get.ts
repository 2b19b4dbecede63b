import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { currentTermList } from '../../detect/index.ts';
import { notFound } from '../../errors.ts';

/** GET /v1/term-list — The coded-term list in force; saving makes a new, audited version. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/term-list', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['detection'],
      summary: 'The coded-term list in force',
      response: { 200: z.unknown(), 404: errorSchema, ...authErrors },
    },
    handler: async () => (await currentTermList(ctx.db.kysely)) ?? Promise.reject(notFound('term list')),
  });
};
export default route;
