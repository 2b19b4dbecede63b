import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { hmaSignal } from '../../media/index.ts';

/** HMA-compatible GET /m/raw_lookup: entry ids ("content ids") straight from the index, optionally with distances. */
const route: RouteModule = (app, ctx) => {
  app.get('/m/raw_lookup', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'], scopes: ['read'] } },
    schema: {
      tags: ['hma'],
      summary: 'HMA: raw index lookup',
      querystring: z.object({
        signal_type: z.string({ message: 'signal_type is required' }),
        signal: z.string({ message: 'signal is required' }),
        include_distance: z.enum(['true', 'false', '1', '0']).optional(),
      }),
      response: {
        200: z.object({
          matches: z.union([z.array(z.number()), z.array(z.object({ content_id: z.number(), distance: z.string() }))]),
        }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const s = hmaSignal(req.query.signal_type, req.query.signal);
      await ctx.bankIndex.refresh(ctx.db.kysely);
      const hits = ctx.bankIndex.rawLookup({ [s.type]: s.value }, ctx.cfg.matching.pdqThreshold);
      const withDistance = req.query.include_distance === 'true' || req.query.include_distance === '1';
      return {
        matches: withDistance
          ? hits.map((h) => ({ content_id: h.id, distance: String(h.distance) }))
          : hits.map((h) => h.id),
      };
    },
  });
};
export default route;
