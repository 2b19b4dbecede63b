// The reference messenger's relay now keeps its own storage (packages/relay, `messenger_*` tables in its own
// database) and reaches the safety service only through the public API. The tables it kept here go; the
// encrypted attachments private matching opens are handed over by the platform and kept here instead.
import type { Kysely } from 'kysely';

const OLD = [
  'relay_accounts',
  'relay_devices',
  'relay_key_packages',
  'relay_queue',
  'relay_groups',
  'relay_invites',
  'relay_blobs',
];

export function relayMovesOut() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      for (const t of OLD) await db.schema.dropTable(t).ifExists().execute();
      await db.schema
        .createTable('psi_opening_blobs')
        .addColumn('opening_id', 'integer', (c) => c.primaryKey())
        .addColumn('data', 'text', (c) => c.notNull()) // base64 of the encrypted attachment, as the platform stored it
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
