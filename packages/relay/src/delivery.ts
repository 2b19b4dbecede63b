// Reading a recipient's queue: what both delivery paths (long poll and WebSocket) hand out.
// Expired disappearing messages are deleted first, so they are never delivered.
import type { Kysely, Selectable } from 'kysely';
import type { RelayDatabase } from './schema.ts';

export interface EnvelopeJson {
  id: string;
  conversation_id: string;
  kind: string;
  from: string;
  data: string;
  relay?: unknown;
  expires_at?: number;
}

function envelopeJson(r: Selectable<RelayDatabase['messenger_queue']>): EnvelopeJson {
  return {
    id: r.envelope_id,
    conversation_id: r.conversation_id,
    kind: r.kind,
    from: r.sender,
    data: r.data,
    ...(r.stamp ? { relay: JSON.parse(r.stamp) } : {}),
    ...(r.expires_at ? { expires_at: Date.parse(r.expires_at) } : {}),
  };
}

/** Queued envelopes for `recipient`, oldest first. */
export async function pending(
  db: Kysely<RelayDatabase>,
  now: Date,
  recipient: string,
  o: { limit: number },
): Promise<{ messages: EnvelopeJson[] }> {
  await db
    .deleteFrom('messenger_queue')
    .where('recipient', '=', recipient)
    .where('expires_at', '<', now.toISOString())
    .execute();
  const rows = await db
    .selectFrom('messenger_queue')
    .selectAll()
    .where('recipient', '=', recipient)
    .orderBy('id')
    .limit(o.limit)
    .execute();
  return { messages: rows.map(envelopeJson) };
}

/** Removes acknowledged envelopes (only the recipient's own). */
export async function acknowledge(db: Kysely<RelayDatabase>, recipient: string, ids: string[]): Promise<number> {
  let removed = 0;
  for (let i = 0; i < ids.length; i += 1000)
    removed += Number(
      (
        await db
          .deleteFrom('messenger_queue')
          .where('recipient', '=', recipient)
          .where('envelope_id', 'in', ids.slice(i, i + 1000))
          .executeTakeFirst()
      ).numDeletedRows,
    );
  return removed;
}

export type QueueRow = Omit<RelayDatabase['messenger_queue'], 'id'>;

/**
 * Group commit for the send path: rows queued by sends arriving together are inserted in one transaction (one
 * commit instead of one per send), and each send learns how many of its own rows were new. A resent envelope
 * (the same recipient and envelope id) inserts nothing, as before.
 */
export class QueueWriter {
  private waiting: { rows: QueueRow[]; resolve: (n: number) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<RelayDatabase>) {}

  write(rows: QueueRow[]): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush() {
    const batch = this.waiting;
    this.waiting = [];
    this.scheduled = false;
    const key = (r: { recipient: string; envelope_id: string }) => `${r.recipient}\u0000${r.envelope_id}`;
    try {
      const inserted = new Set<string>();
      await this.db.transaction().execute(async (trx) => {
        const all = batch.flatMap((b) => b.rows);
        for (let i = 0; i < all.length; i += 500) {
          const done = await trx
            .insertInto('messenger_queue')
            .values(all.slice(i, i + 500))
            .onConflict((oc) => oc.columns(['recipient', 'envelope_id']).doNothing())
            .returning(['recipient', 'envelope_id'])
            .execute();
          for (const r of done) inserted.add(key(r));
        }
      });
      // Each new row counts for the first send in the batch that queued it.
      for (const b of batch) {
        let n = 0;
        for (const r of b.rows) if (inserted.delete(key(r))) n++;
        b.resolve(n);
      }
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}
