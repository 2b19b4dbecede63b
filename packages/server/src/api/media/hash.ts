import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { readOneUpload } from '../../http/upload.ts';
import { hashBytes, hashesJson } from '../../media/index.ts';

const hex = z.string();
export const mediaHashesSchema = z.object({
  kind: z.enum(['image', 'video']),
  pdq: hex.optional(),
  quality: z.number().optional(),
  md5: hex,
  sha256: hex,
  width: z.number(),
  height: z.number(),
  dihedral: z.record(z.string(), hex).optional(),
  views: z
    .array(
      z.object({
        view: z.string(),
        transform: z.string().optional(),
        pdq: hex,
        quality: z.number(),
        mask: hex
          .optional()
          .describe(
            '`uncrop` views: the bits of `pdq` that do not depend on what a crop removed (a set bit is known); matching counts only these',
          ),
      }),
    )
    .optional(),
  vpdq: z.array(z.object({ frame: z.number(), timestamp: z.number(), pdq: hex, quality: z.number() })).optional(),
});

/** POST /v1/hash — upload an image or a video (multipart, one file), get PDQ or vPDQ plus MD5 and SHA-256. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/hash', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'], scopes: ['ingest', 'read'] } },
    schema: {
      tags: ['media'],
      summary: 'Hash an uploaded image or video',
      description:
        'multipart/form-data with one file (any field name). Images: PDQ (reference-exact), quality, MD5, SHA-256, the 7 rotated/mirrored PDQ variants (`?dihedral=false` leaves them out) and with `?robust=true` the hashes of the robust views (bars trimmed, crops, small derotations) that robust matching looks up. Videos: vPDQ (one PDQ per second) plus MD5 and SHA-256. Nothing is stored.',
      querystring: z.object({
        dihedral: z.enum(['true', 'false']).optional(),
        robust: z.enum(['true', 'false']).optional(),
      }),
      response: {
        200: mediaHashesSchema,
        400: errorSchema,
        413: errorSchema,
        415: errorSchema,
        422: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const up = await readOneUpload(req, ctx.cfg.media.maxBytes);
      return hashesJson(
        await hashBytes(up.bytes, { dihedral: req.query.dihedral !== 'false', robust: req.query.robust === 'true' }),
      );
    },
  });
};
export default route;
