// Outbound webhooks: messages are written to an outbox in the transaction of the change they
// announce; a daemon delivers them, retrying with backoff, and parks failures as dead letters.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import type { Db } from '../db/connect.ts';
import { backoffMs } from '../queue/jobs.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { SIGNATURE_HEADER, signPayload } from './sign.ts';
import { pinnedRequest } from '../util/pinned-fetch.ts';
import type { Resolver } from '../util/ssrf.ts';
import { metrics } from '../metrics/metrics.ts';

export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/** The last error of deliveries cancelled because their endpoint was deleted. */
export const ENDPOINT_DELETED = 'endpoint deleted';

/** Queues `type` for every enabled endpoint subscribed to it. Call inside the change's transaction. */
export async function emitWebhook(trx: Kysely<Database>, type: string, data: unknown, clock: Clock): Promise<number> {
  const endpoints = await trx
    .selectFrom('webhook_endpoints')
    .select(['id', 'events'])
    .where('enabled', '=', 1)
    .execute();
  const targets = endpoints.filter((e) => e.events === '*' || e.events.split(',').includes(type));
  if (!targets.length) return 0;
  const now = iso(clock.now());
  const id = `evt_${randomBytes(12).toString('hex')}`;
  const payload = JSON.stringify({ id, type, created_at: now, data });
  await trx
    .insertInto('webhook_outbox')
    .values(
      targets.map((t) => ({
        endpoint_id: t.id,
        event_type: type,
        payload,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      })),
    )
    .execute();
  return targets.length;
}

export interface DeliveryOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  maxAttempts: number;
  timeoutMs: number;
  /** Deliver to loopback/private addresses (config webhooks.allowPrivateTargets); default false. */
  allowPrivate?: boolean;
  /** Exact URLs allowed on loopback anyway (the embedded relay's endpoint). */
  trustedUrls?: ReadonlySet<string>;
  /** Name resolution (tests inject a stub). */
  resolve?: Resolver;
  batch?: number;
}

/** Delivers due messages once; returns how many were attempted. */
export async function deliverDue(o: DeliveryOptions): Promise<number> {
  const { db, clock } = o;
  const now = clock.now();
  // Lease the rows first so two delivery loops never send the same message at once.
  const due = await db.kysely
    .selectFrom('webhook_outbox')
    .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_outbox.endpoint_id')
    .select([
      'webhook_outbox.id',
      'webhook_outbox.payload',
      'webhook_outbox.attempts',
      'webhook_outbox.event_type',
      'webhook_endpoints.url',
      'webhook_endpoints.secret',
    ])
    .where('webhook_outbox.status', '=', 'pending')
    .where('webhook_endpoints.enabled', '=', 1)
    .where('webhook_outbox.next_attempt_at', '<=', iso(now))
    .where((eb) =>
      eb.or([eb('webhook_outbox.locked_until', 'is', null), eb('webhook_outbox.locked_until', '<', iso(now))]),
    )
    .orderBy('webhook_outbox.id')
    .limit(o.batch ?? 20)
    .execute();
  const leased = [];
  for (const m of due) {
    const r = await db.kysely
      .updateTable('webhook_outbox')
      .set({ locked_until: iso(addMs(now, o.timeoutMs * 2)) })
      .where('id', '=', m.id)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', iso(now))]))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) leased.push(m);
  }
  await Promise.all(leased.map((m) => deliverOne(o, m)));
  return leased.length;
}

async function deliverOne(
  o: DeliveryOptions,
  m: { id: number; payload: string; attempts: number; url: string; secret: string; event_type: string },
) {
  const { db, clock, log } = o;
  const attempts = m.attempts + 1;
  let status: number | null = null;
  let error: string | null = null;
  try {
    // The target is checked again now (its name may resolve elsewhere than when it was saved) and
    // the connection goes to the address that was checked.
    const res = await pinnedRequest(m.url, {
      allowPrivate: !!o.allowPrivate || !!o.trustedUrls?.has(m.url),
      resolve: o.resolve,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Vigil-Webhooks/1',
        [SIGNATURE_HEADER]: signPayload(m.secret, m.payload, Math.floor(clock.now().getTime() / 1000)),
        'vigil-delivery': String(m.id),
      },
      body: m.payload,
      timeoutMs: o.timeoutMs,
    });
    status = res.status;
    res.cancel();
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
  } catch (e) {
    error = (e as Error).message;
  }
  const now = clock.now();
  metrics.webhookDeliveries.inc({ outcome: !error ? 'delivered' : m.attempts + 1 >= o.maxAttempts ? 'dead' : 'retry' });
  if (!error) {
    await db.kysely
      .updateTable('webhook_outbox')
      .set({
        status: 'delivered',
        attempts,
        last_status: status,
        last_error: null,
        delivered_at: iso(now),
        locked_until: null,
      })
      .where('id', '=', m.id)
      .execute();
    return;
  }
  const dead = attempts >= o.maxAttempts;
  await db.kysely
    .updateTable('webhook_outbox')
    .set({
      status: dead ? 'dead' : 'pending',
      attempts,
      last_status: status,
      last_error: error.slice(0, 1000),
      next_attempt_at: iso(addMs(now, backoffMs(attempts))),
      locked_until: null,
    })
    .where('id', '=', m.id)
    .execute();
  log.warn({ deliveryId: m.id, url: m.url, attempts, error, dead }, 'webhook delivery failed');
}

/** Sends a dead letter again; not one of a deleted endpoint (false, as for a delivery that is not dead). */
export async function retryDeadDelivery(db: Kysely<Database>, id: number, clock: Clock): Promise<boolean> {
  const r = await db
    .updateTable('webhook_outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: iso(clock.now()) })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .where('endpoint_id', 'in', db.selectFrom('webhook_endpoints').select('id').where('enabled', '=', 1))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
