// Webhook endpoints and their dead letters, changed by staff (routes) and by `vigil serve`'s embedded relay.
// Each change is audited in the same transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { VigilError, notFound } from '../errors.ts';
import { iso, type Clock } from '../util/time.ts';
import { ENDPOINT_DELETED, newWebhookSecret, retryDeadDelivery } from './outbox.ts';

/** Registers an endpoint with a new signing secret (returned once). `auditData` is what the audit entry records. */
export async function createWebhookEndpoint(
  db: Kysely<Database>,
  e: { url: string; events: string[]; actor: string; auditData: Record<string, unknown> },
  clock: Clock,
): Promise<{ id: number; secret: string }> {
  const secret = newWebhookSecret();
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('webhook_endpoints')
      .values({ url: e.url, secret, events: e.events.join(','), enabled: 1, created_at: iso(clock.now()) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(
      trx,
      {
        actor: e.actor,
        action: 'webhook.create',
        subjectType: 'webhook',
        subjectId: String(row.id),
        data: e.auditData,
      },
      clock,
    );
    return Number(row.id);
  });
  return { id, secret };
}

/** Points an endpoint at a new URL and event list and enables it (the embedded relay, once the server listens). */
export async function repointWebhookEndpoint(
  db: Kysely<Database>,
  id: number,
  url: string,
  events: string[],
): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set({ url, events: events.join(','), enabled: 1 })
    .where('id', '=', id)
    .execute();
}

/**
 * Replaces an enabled endpoint's signing secret and returns the new one. Deliveries are signed when sent, so every
 * delivery from now on (retries included) carries the new signature.
 */
export async function rotateWebhookSecret(
  db: Kysely<Database>,
  id: number,
  actor: string,
  clock: Clock,
): Promise<string> {
  const secret = newWebhookSecret();
  const ok = await db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('webhook_endpoints')
      .set({ secret })
      .where('id', '=', id)
      .where('enabled', '=', 1)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    await appendAudit(
      trx,
      { actor, action: 'webhook.rotate_secret', subjectType: 'webhook', subjectId: String(id) },
      clock,
    );
    return true;
  });
  if (!ok) throw notFound(`enabled webhook ${id}`);
  return secret;
}

/**
 * Deletes (disables) an endpoint: nothing more is sent to it, and deliveries still waiting become dead letters saying
 * why (they cannot be retried); its delivery history stays. Returns how many deliveries were cancelled.
 */
export async function removeWebhookEndpoint(
  db: Kysely<Database>,
  id: number,
  actor: string,
  clock: Clock,
): Promise<number> {
  const ok = await db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('webhook_endpoints')
      .set({ enabled: 0 })
      .where('id', '=', id)
      .where('enabled', '=', 1)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return null;
    const c = await trx
      .updateTable('webhook_outbox')
      .set({ status: 'dead', last_error: ENDPOINT_DELETED, locked_until: null })
      .where('endpoint_id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    const cancelled = Number(c.numUpdatedRows);
    await appendAudit(
      trx,
      { actor, action: 'webhook.disable', subjectType: 'webhook', subjectId: String(id), data: { cancelled } },
      clock,
    );
    return cancelled;
  });
  if (ok === null) throw notFound(`enabled webhook ${id}`);
  return ok;
}

/** Sends one dead letter again (audited); not one of a deleted endpoint. */
export async function retryWebhookDelivery(
  db: Kysely<Database>,
  id: number,
  actor: string,
  clock: Clock,
): Promise<void> {
  const ok = await db.transaction().execute(async (trx) => {
    const done = await retryDeadDelivery(trx, id, clock);
    if (done)
      await appendAudit(
        trx,
        { actor, action: 'webhook.retry', subjectType: 'webhook_delivery', subjectId: String(id) },
        clock,
      );
    return done;
  });
  if (!ok) throw notFound(`dead delivery ${id} of an endpoint that is not deleted`);
}

/** Sends every dead letter of one endpoint again (one audited change); returns how many. */
export async function retryDeadWebhookDeliveries(
  db: Kysely<Database>,
  id: number,
  actor: string,
  clock: Clock,
): Promise<number> {
  const retried = await db.transaction().execute(async (trx) => {
    const endpoint = await trx
      .selectFrom('webhook_endpoints')
      .select('enabled')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!endpoint) return null;
    if (!endpoint.enabled)
      throw new VigilError('endpoint_deleted', `webhook ${id} is deleted: its dead letters cannot be sent again`);
    // The same reset as retrying one dead letter (retryDeadDelivery in outbox.ts), for all of them.
    const r = await trx
      .updateTable('webhook_outbox')
      .set({ status: 'pending', attempts: 0, next_attempt_at: iso(clock.now()) })
      .where('endpoint_id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    const n = Number(r.numUpdatedRows);
    if (n)
      await appendAudit(
        trx,
        { actor, action: 'webhook.retry_dead', subjectType: 'webhook', subjectId: String(id), data: { deliveries: n } },
        clock,
      );
    return n;
  });
  if (retried === null) throw notFound(`webhook ${id}`);
  return retried;
}
