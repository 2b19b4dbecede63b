import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { readOneUpload } from '../../http/upload.ts';
import { detailedOf, hashForLookup, includeMatches, lookupAll, lookupResponse } from './schemas.ts';

/** POST /m/lookup — HMA-compatible matching: GET /m/lookup (signal_type + signal → bank names, or url → per signal type) and POST (upload). */
const route: RouteModule = (app, ctx) => {
  const access = {
    roles: ['admin', 'lead', 'reviewer'] as ('admin' | 'lead' | 'reviewer')[],
    scopes: ['read' as const],
  };
  app.post('/m/lookup', {
    config: { access },
    schema: {
      tags: ['hma'],
      summary: 'HMA: hash an uploaded photo or video and match it',
      description:
        'The upload is hashed by Vigil and looked up in all 8 orientations (a video: every frame in all 8), and through robust views when media.robust is on.',
      querystring: z.object({ seed: z.string().optional(), include_matches: includeMatches }),
      response: {
        200: lookupResponse,
        400: errorSchema,
        413: errorSchema,
        415: errorSchema,
        422: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) =>
      lookupAll(
        ctx,
        await hashForLookup(ctx, (await readOneUpload(req, ctx.cfg.media.maxBytes, ['photo', 'video'])).bytes),
        detailedOf(req.query.include_matches),
      ),
  });
};
export default route;
