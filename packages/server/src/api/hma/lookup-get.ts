import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { VigilError } from '../../errors.ts';
import { hmaLookup, hmaSignal } from '../../media/index.ts';
import { detailedOf, fetchForHashing, hashForLookup, includeMatches, lookupAll, lookupResponse } from './schemas.ts';

/** GET /m/lookup — HMA-compatible matching: GET /m/lookup (signal_type + signal → bank names, or url → per signal type) and POST (upload). */
const route: RouteModule = (app, ctx) => {
  const access = {
    roles: ['admin', 'lead', 'reviewer'] as ('admin' | 'lead' | 'reviewer')[],
    scopes: ['read' as const],
  };
  app.get('/m/lookup', {
    config: { access },
    schema: {
      tags: ['hma'],
      summary: 'HMA: which banks match a hash (or the media at a URL)',
      description:
        'A hash given is looked up as it is. Media at `url` is hashed by Vigil and looked up in all 8 orientations (and through robust views when media.robust is on), as POST /v1/match does.',
      querystring: z.object({
        signal_type: z.string().optional(),
        signal: z.string().optional(),
        url: z.string().url().optional(),
        seed: z.string().optional(),
        include_matches: includeMatches,
      }),
      response: {
        200: z.union([z.array(z.string()), lookupResponse]),
        400: errorSchema,
        413: errorSchema,
        422: errorSchema,
        502: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const q = req.query;
      if (q.url)
        return lookupAll(
          ctx,
          await hashForLookup(ctx, (await fetchForHashing(ctx, q.url)).bytes),
          detailedOf(q.include_matches),
        );
      if (!q.signal_type || !q.signal) throw new VigilError('invalid_request', 'give signal_type and signal, or url');
      const s = hmaSignal(q.signal_type, q.signal);
      return hmaLookup(ctx.db.kysely, ctx.bankIndex, s.type, s.value, ctx.cfg.matching.pdqThreshold);
    },
  });
};
export default route;
