import { z } from 'zod';
import { recordReveal } from '../../review/index.ts';
import { decryptAttachment } from '@vigil/crypto';
import { decodeEvidence } from '@vigil/crypto/psi';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { VigilError, notFound } from '../../errors.ts';
import { readItem } from '../../legal/index.ts';
import { vaultKeys } from '../../legal/index.ts';
import { appendAudit } from '../../audit/log.ts';
import { REVIEW } from './schemas.ts';

/** The media type from the first bytes (the voucher carries no type): the console shows images and video. */
function sniff(b: Uint8Array): string {
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 4) === 'GIF8') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(4, 8) === 'ftyp') return 'video/mp4';
  return 'application/octet-stream';
}

/**
 * GET /v1/psi/openings/:id/content.
 * Attachments opened by private matching (an account crossed the threshold). A reviewer lists them
 * and views one: the sealed payload is read from the vault (audited), the encrypted blob is fetched
 * from what the platform handed over and decrypted, and its hash re-checked. Nothing else of the account's media
 * can be opened: only vouchers that matched carried a readable key.
 */
const route: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  app.get('/v1/psi/openings/:id/content', {
    config: { access: { roles: [...REVIEW] } },
    schema: {
      tags: ['private matching'],
      summary: 'View an opened attachment (decrypted; audited)',
      params: z.object({ id: z.coerce.number().int().positive() }),
      querystring: z.object({ task_id: z.coerce.number().int().positive().optional() }),
      response: {
        404: errorSchema,
        409: errorSchema,
        410: errorSchema,
        429: errorSchema,
        500: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const o = await db.selectFrom('psi_openings').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!o) throw notFound(`opening ${req.params.id}`);
      const actor = `staff:${staffOf(req.principal).staffId}`;
      // A reveal counts towards the reviewer's daily exposure; past a limit nothing is decrypted.
      await recordReveal(db, staffOf(req.principal).staffId, ctx.cfg, ctx.clock);
      const { bytes: payload } = await readItem(
        db,
        Number(o.vault_item_id),
        vaultKeys(ctx.cfg),
        actor,
        `review of private-matching opening ${o.id}${req.query.task_id ? ` (task ${req.query.task_id})` : ''}`,
        ctx.clock,
      );
      const evidence = decodeEvidence(payload);
      // The platform hands the encrypted attachment over after the psi.opened webhook (PUT /v1/psi/openings/{id}/blob).
      const blob = await db
        .selectFrom('psi_opening_blobs')
        .select('data')
        .where('opening_id', '=', Number(o.id))
        .executeTakeFirst();
      if (!blob)
        throw new VigilError(
          'not_handed_over',
          `the platform has not handed over the encrypted attachment ${evidence.blobId} yet (it is asked for by the psi.opened webhook); try again shortly`,
        );
      let plain: Uint8Array;
      try {
        plain = decryptAttachment(
          new Uint8Array(Buffer.from(blob.data, 'base64')),
          evidence.attachmentKey,
          evidence.sha256,
        );
      } catch (e) {
        throw new VigilError(
          'decrypt_failed',
          `the attachment does not open with the key its voucher carried: ${(e as Error).message}`,
        );
      }
      await appendAudit(
        db,
        {
          actor,
          action: 'evidence.view',
          subjectType: 'account',
          subjectId: o.account_id,
          data: {
            opening_id: Number(o.id),
            blob_id: o.blob_id,
            sha256: o.sha256,
            task_id: req.query.task_id ?? null,
            bytes: plain.length,
          },
        },
        ctx.clock,
      );
      return reply
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .type(sniff(plain))
        .send(Buffer.from(plain) as never);
    },
  });
};
export default route;
