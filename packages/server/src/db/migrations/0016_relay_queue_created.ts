// WebSocket delivery looks once a second for recipients with recently queued envelopes (sent through
// another server process): an index on the queue's creation time keeps that a range read.
import type { Kysely } from 'kysely';

export function relayQueueCreated() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex('relay_queue_created').on('relay_queue').columns(['created_at']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('relay_queue_created').execute();
    },
  };
}
