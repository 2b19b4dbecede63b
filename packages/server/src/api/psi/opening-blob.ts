import { z } from 'zod';
import { authErrors, errorSchema, keyOf, type RouteModule } from '../../http/route.ts';
import { VigilError } from '../../errors.ts';
import { storeOpeningBlob } from '../../psi/index.ts';

/**
 * PUT /v1/psi/openings/{id}/blob — the platform hands over the encrypted attachment of an opening, after the
 * `psi.opened` webhook. Only opened attachments are ever asked for; the key to read it came from the vouchers,
 * and its hash is checked when a reviewer opens it. Handing over twice is harmless (the first copy stays).
 */
const route: RouteModule = (app, ctx) => {
  {
    app.put('/v1/psi/openings/:id/blob', {
      config: { access: { scopes: ['relay'] } },
      bodyLimit: ctx.cfg.relay.maxBlobBytes,
      schema: {
        tags: ['private matching'],
        summary: "Hand over an opened attachment's encrypted bytes (application/octet-stream)",
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: {
          200: z.object({ stored: z.boolean() }),
          404: errorSchema,
          413: errorSchema,
          415: errorSchema,
          ...authErrors,
        },
      },
      handler: async (req) => {
        const key = keyOf(req.principal);
        if (!Buffer.isBuffer(req.body) || !req.body.length)
          throw new VigilError('unsupported_media_type', 'send the encrypted attachment as application/octet-stream');
        const stored = await storeOpeningBlob(ctx.db.kysely, req.params.id, key, req.body, ctx.clock);
        return { stored };
      },
    });
  }
};
export default route;
