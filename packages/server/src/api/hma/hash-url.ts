import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { hashBytes } from '../../media/index.ts';
import { hmaHashes } from '../../media/index.ts';
import { access, fetchForHashing, hashes } from './schemas.ts';

/** GET /h/hash — HMA-compatible hashing: GET /h/hash?url= (fetched with SSRF guards) and POST /h/hash (multipart field "photo" or "video"). */
const route: RouteModule = (app, ctx) => {
  app.get('/h/hash', {
    config: { access: { roles: [...access.roles], scopes: [...access.scopes] } },
    schema: {
      tags: ['hma'],
      summary: 'HMA: hash media at a URL',
      querystring: z.object({
        url: z.string().url({ message: 'url is required' }),
        types: z.string().optional(),
        content_type: z.enum(['photo', 'video']).optional(),
      }),
      response: { 200: hashes, 400: errorSchema, 413: errorSchema, 422: errorSchema, 502: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const media = await fetchForHashing(ctx, req.query.url);
      return hmaHashes(await hashBytes(media.bytes), req.query.types);
    },
  });
};
export default route;
