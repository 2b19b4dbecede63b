// Events for the safety service, sent through its public API (`POST /v1/events` with the relay's platform
// key). An event is written to the relay's outbox in the same transaction as the change it describes, then
// sent at once and retried until accepted, so a relay that loses the safety service for a while loses nothing.
// Ids are the relay's own and stable, so a resend is a duplicate the service ignores.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { RelayDatabase } from './schema.ts';
import type { SafetyClient } from './safety-client.ts';

type Db = Kysely<RelayDatabase>;

export interface PlatformEvent {
  id: string;
  type: string;
  occurred_at?: string;
  [k: string]: unknown;
}

/** Queues events (inside the caller's transaction). */
export async function queueEvents(trx: Db, events: PlatformEvent[], now: Date): Promise<void> {
  if (!events.length) return;
  const at = now.toISOString();
  await trx
    .insertInto('messenger_outbox')
    .values(
      events.map((e) => ({
        event_id: e.id,
        event: JSON.stringify({ occurred_at: at, ...e }),
        created_at: at,
        attempts: 0,
        next_at: at,
        last_error: null,
        sent_at: null,
        dead: 0,
      })),
    )
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute();
}

const BATCH = 500;
const MAX_ATTEMPTS = 12;

export class Outbox {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly safety: SafetyClient,
    private readonly log: Logger,
    private readonly now: () => Date,
    private readonly pollMs: number,
  ) {}

  start() {
    this.timer ??= setInterval(() => this.kick(), this.pollMs).unref();
  }

  /** Sends what is due now (coalesced: a kick during a run makes one more run). */
  kick(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let sent = 0;
      try {
        do {
          this.again = false;
          sent += await this.drain();
        } while (this.again);
      } catch (e) {
        this.log.warn({ err: e }, 'relay: sending events to the safety service failed; will retry');
      } finally {
        this.running = null;
      }
      return sent;
    })();
    return this.running;
  }

  /** Sends every due event; returns how many were accepted. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.now();
      const rows = await this.db
        .selectFrom('messenger_outbox')
        .select(['id', 'event', 'attempts'])
        .where('sent_at', 'is', null)
        .where('dead', '=', 0)
        .where('next_at', '<=', now.toISOString())
        .orderBy('id')
        .limit(BATCH)
        .execute();
      if (!rows.length) return total;
      const events = rows.map((r) => JSON.parse(r.event) as PlatformEvent);
      const r = await this.safety.sendEvents(events);
      if (r.ok) {
        await this.db
          .updateTable('messenger_outbox')
          .set({ sent_at: now.toISOString(), last_error: null })
          .where(
            'id',
            'in',
            rows.map((x) => x.id),
          )
          .execute();
        total += rows.length;
        continue;
      }
      if (r.problems) {
        // The batch is refused whole when one event is bad: park the bad ones (they will never pass) and send the rest.
        const bad = new Set(r.problems.map((p) => p.index));
        for (const [i, row] of rows.entries()) {
          if (!bad.has(i)) continue;
          const why = r.problems
            .filter((p) => p.index === i)
            .map((p) => `${p.path}: ${p.message}`)
            .join('; ');
          this.log.error({ event: events[i]!.id, why }, 'relay: the safety service refused an event');
          await this.db
            .updateTable('messenger_outbox')
            .set({ dead: 1, last_error: why.slice(0, 2000) })
            .where('id', '=', row.id)
            .execute();
        }
        if (bad.size) continue;
      }
      // Unreachable, 5xx, 429: back off (exponential, capped), keep order.
      for (const row of rows) {
        const attempts = Number(row.attempts) + 1;
        const delay = Math.min(300_000, 1000 * 2 ** Math.min(attempts, 9));
        await this.db
          .updateTable('messenger_outbox')
          .set({
            attempts,
            next_at: new Date(now.getTime() + (r.retryAfterMs ?? delay)).toISOString(),
            last_error: r.error.slice(0, 2000),
            dead: attempts >= MAX_ATTEMPTS ? 1 : 0,
          })
          .where('id', '=', row.id)
          .execute();
      }
      this.log.warn(
        { error: r.error, events: rows.length },
        'relay: the safety service did not accept events; retrying later',
      );
      return total;
    }
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
