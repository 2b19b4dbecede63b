// What the relay keeps only for a while, removed by a plain loop: events the safety service accepted (kept a day,
// for diagnosis), webhook receipts (kept a week: the service stops retrying a delivery within hours, and a signed
// timestamp older than the tolerance is refused anyway), and attachment blobs past their expiry.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { RelayDatabase } from './schema.ts';

const DAY = 86_400_000;

export async function sweep(
  db: Kysely<RelayDatabase>,
  now: Date,
): Promise<{ events: number; receipts: number; blobs: number }> {
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const n = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  return {
    events: n(await db.deleteFrom('messenger_outbox').where('sent_at', '<', before(DAY)).executeTakeFirst()),
    receipts: n(
      await db
        .deleteFrom('messenger_webhook_receipts')
        .where('received_at', '<', before(7 * DAY))
        .executeTakeFirst(),
    ),
    blobs: n(await db.deleteFrom('messenger_blobs').where('expires_at', '<', now.toISOString()).executeTakeFirst()),
  };
}

export function startSweeping(
  db: Kysely<RelayDatabase>,
  now: () => Date,
  log: Logger,
  everyMs = 10 * 60_000,
): () => void {
  const timer = setInterval(() => {
    sweep(db, now()).then(
      (r) => (r.events || r.receipts || r.blobs) && log.debug(r, 'relay: removed what it no longer keeps'),
      (e) => log.warn({ err: e }, 'relay: housekeeping failed; will try again'),
    );
  }, everyMs).unref();
  return () => clearInterval(timer);
}
