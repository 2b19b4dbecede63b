import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { readOneUpload } from '../../http/upload.ts';
import { hashBytes } from '../../media/index.ts';
import { hmaHashes } from '../../media/index.ts';
import { access, hashes } from './schemas.ts';

/** POST /h/hash — HMA-compatible hashing: GET /h/hash?url= (fetched with SSRF guards) and POST /h/hash (multipart field "photo" or "video"). */
const route: RouteModule = (app, ctx) => {
  app.post('/h/hash', {
    config: { access: { roles: [...access.roles], scopes: [...access.scopes] } },
    schema: {
      tags: ['hma'],
      summary: 'HMA: hash an uploaded photo or video',
      querystring: z.object({ types: z.string().optional() }),
      response: { 200: hashes, 400: errorSchema, 413: errorSchema, 415: errorSchema, 422: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const up = await readOneUpload(req, ctx.cfg.media.maxBytes, ['photo', 'video']);
      return hmaHashes(await hashBytes(up.bytes), req.query.types);
    },
  });
};
export default route;
