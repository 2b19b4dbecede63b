// Decisions reach the relay as the safety service's signed webhooks, exactly as they reach any platform:
//   Vigil-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// The MAC is checked over the raw body in constant time, a timestamp outside the tolerance is a replay, and
// each event id is applied once (deliveries are at least once).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RelayContext } from './context.ts';
import { RelayError } from './errors.ts';
import { applyAction, reverseAction, type ActionData } from './enforcement.ts';

export interface WebhookEvent {
  id: string;
  type: string;
  created_at?: string;
  data: Record<string, unknown>;
}

/** Checks the signature header against the raw body; throws a 401 RelayError saying what is wrong. */
export function verifySignature(
  secret: string,
  header: string | undefined,
  raw: Buffer,
  nowS: number,
  toleranceS: number,
): void {
  if (!header) throw new RelayError(401, 'bad_signature', 'missing Vigil-Signature header');
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || !/^[0-9a-f]{64}$/.test(parts.v1))
    throw new RelayError(401, 'bad_signature', 'Vigil-Signature must be t=<unix seconds>,v1=<64 hex digits>');
  const want = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
  if (!timingSafeEqual(want, Buffer.from(parts.v1, 'hex')))
    throw new RelayError(401, 'bad_signature', 'the signature does not match the body');
  // Checked after the MAC, so the answer never tells an unauthenticated caller anything about timing windows.
  if (Math.abs(nowS - t) > toleranceS)
    throw new RelayError(
      401,
      'stale_signature',
      `the signed timestamp is more than ${toleranceS} s from the relay's clock (a replay?)`,
    );
}

/** Applies one verified webhook event; returns whether it was new. */
export async function receive(ctx: RelayContext, e: WebhookEvent): Promise<{ applied: boolean }> {
  const now = ctx.now();
  let ended: string[] = [];
  if (e.type === 'psi.opened' && (e.data.account as { platform?: string } | undefined)?.platform === ctx.o.platform) {
    // Hand the blob over before recording the event: if that fails, the webhook fails and is delivered again.
    const seen = await ctx.db
      .selectFrom('messenger_webhook_receipts')
      .select('event_id')
      .where('event_id', '=', e.id)
      .executeTakeFirst();
    if (seen) return { applied: false };
    await handOver(ctx, { opening_id: Number(e.data.opening_id), blob_id: String(e.data.blob_id) });
  }
  const applied = await ctx.db.transaction().execute(async (trx) => {
    const fresh = await trx
      .insertInto('messenger_webhook_receipts')
      .values({ event_id: e.id, type: e.type, received_at: now.toISOString() })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .executeTakeFirst();
    if (Number(fresh.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    const about = (e.data.subject ?? e.data.account) as { platform?: string } | undefined;
    if (about?.platform && about.platform !== ctx.o.platform) return true; // another platform's decision
    if (e.type === 'enforcement.action') ended = await applyAction(trx, checkAction(e.data), now);
    else if (e.type === 'enforcement.reversed') await reverseAction(trx, checkAction(e.data), now);
    return true;
  });
  if (applied) {
    // A decision changes who may send and where: nothing cached from before it may be used again.
    ctx.cache.devices.clear();
    ctx.cache.takenDown.clear();
  }
  if (ended.length) ctx.hub.endSessions(ended);
  return { applied };
}

function checkAction(d: Record<string, unknown>): ActionData {
  const s = d.subject as ActionData['subject'] | undefined;
  if (
    d.action_id === undefined ||
    typeof d.action !== 'string' ||
    !s ||
    typeof s.type !== 'string' ||
    typeof s.id !== 'string'
  ) {
    throw new RelayError(
      400,
      'invalid_request',
      'an enforcement event needs data.action_id, data.action and data.subject {type, id}',
    );
  }
  return d as unknown as ActionData;
}

/**
 * Private matching opened an attachment (its account crossed the threshold): the relay hands that one
 * encrypted blob to the safety service, which alone holds the key the vouchers released. Nothing else of the
 * account's media leaves the relay.
 */
async function handOver(ctx: RelayContext, o: { opening_id: number; blob_id: string }) {
  const b = await ctx.db
    .selectFrom('messenger_blobs')
    .select(['data', 'expires_at'])
    .where('id', '=', o.blob_id)
    .executeTakeFirst();
  if (!b) return ctx.o.log.warn({ blob: o.blob_id }, 'relay: an opened attachment is no longer stored');
  await ctx.safety.psiBlob(o.opening_id, Buffer.from(b.data, 'base64'));
}
