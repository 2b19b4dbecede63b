// The encrypted attachment of a private-matching opening, handed over by the platform after the psi.opened webhook.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { VigilError } from '../errors.ts';
import { iso, type Clock } from '../util/time.ts';

/**
 * Stores the blob of opening `id` for the platform that owns it (audited); false when it was already handed over
 * (the first copy stays). Another platform's opening is as good as absent.
 */
export async function storeOpeningBlob(
  db: Kysely<Database>,
  id: number,
  key: { platform: string; keyId: number },
  body: Buffer,
  clock: Clock,
): Promise<boolean> {
  const o = await db
    .selectFrom('psi_openings')
    .select(['id', 'platform', 'account_id', 'blob_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!o || o.platform !== key.platform) throw new VigilError('not_found', `opening ${id} not found`);
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto('psi_opening_blobs')
      .values({
        opening_id: Number(o.id),
        data: body.toString('base64'),
        size: body.length,
        received_at: iso(clock.now()),
      })
      .onConflict((oc) => oc.column('opening_id').doNothing())
      .executeTakeFirst();
    const fresh = Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    if (fresh)
      await appendAudit(
        trx,
        {
          actor: `key:${key.keyId}`,
          action: 'psi.blob_received',
          subjectType: 'account',
          subjectId: o.account_id,
          data: { opening_id: Number(o.id), blob_id: o.blob_id, bytes: body.length },
        },
        clock,
      );
    return fresh;
  });
}
