import { z } from 'zod';
import { authErrors, errorSchema, keyOf, type RouteModule } from '../../http/route.ts';
import { VigilError } from '../../errors.ts';
import { appendAudit } from '../../audit/log.ts';
import { iso } from '../../util/time.ts';

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
        tags: ['private matching'], summary: "Hand over an opened attachment's encrypted bytes (application/octet-stream)",
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: { 200: z.object({ stored: z.boolean() }), 404: errorSchema, 413: errorSchema, 415: errorSchema, ...authErrors },
      },
      handler: async (req) => {
        const key = keyOf(req.principal);
        if (!Buffer.isBuffer(req.body) || !req.body.length) throw new VigilError('unsupported_media_type', 'send the encrypted attachment as application/octet-stream');
        const o = await ctx.db.kysely.selectFrom('psi_openings').select(['id', 'platform', 'account_id', 'blob_id']).where('id', '=', req.params.id).executeTakeFirst();
        // Another platform's opening is as good as absent.
        if (!o || o.platform !== key.platform) throw new VigilError('not_found', `opening ${req.params.id} not found`);
        const body = req.body;
        const stored = await ctx.db.kysely.transaction().execute(async (trx) => {
          const r = await trx.insertInto('psi_opening_blobs').values({ opening_id: Number(o.id), data: body.toString('base64'), size: body.length, received_at: iso(ctx.clock.now()) })
            .onConflict((oc) => oc.column('opening_id').doNothing()).executeTakeFirst();
          const fresh = Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
          if (fresh) await appendAudit(trx, { actor: `key:${key.keyId}`, action: 'psi.blob_received', subjectType: 'account', subjectId: o.account_id, data: { opening_id: Number(o.id), blob_id: o.blob_id, bytes: body.length } }, ctx.clock);
          return fresh;
        });
        return { stored };
      },
    });
  }
};
export default route;
