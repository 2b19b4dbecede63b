import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';

const status = z.object({ present: z.boolean(), built_to: z.number(), size: z.number() });

/** HMA-compatible GET /m/index/status, plus Vigil's own details under `vigil`. */
const route: RouteModule = (app, ctx) => {
  app.get('/m/index/status', {
    config: { access: { roles: ['admin', 'lead', 'reviewer', 'auditor'], scopes: ['read'] } },
    schema: {
      tags: ['hma'],
      summary: 'HMA: index status per signal type',
      response: {
        200: z.object({ pdq: status, md5: status, sha256: status, vigil: z.record(z.string(), z.unknown()) }),
        ...authErrors,
      },
    },
    handler: async () => {
      await ctx.bankIndex.refresh(ctx.db.kysely);
      const s = ctx.bankIndex.status();
      const builtTo = s.refreshedAt ? Math.floor(Date.parse(s.refreshedAt) / 1000) : -1;
      const one = (size: number) => ({ present: s.refreshedAt !== null, built_to: builtTo, size });
      return { pdq: one(s.pdq), md5: one(s.md5), sha256: one(s.sha256), vigil: { ...s } };
    },
  });
};
export default route;
