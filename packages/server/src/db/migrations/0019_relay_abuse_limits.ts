// The relay's directory keeps one last-resort key package per account (RFC 9420 §16.8: handed out when the
// one-time packages run out, never deleted), and blob quotas sum sizes per owner and time.
import type { Kysely } from 'kysely';

export function relayAbuseLimits() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('relay_key_packages')
        .addColumn('last_resort', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('relay_key_packages_account')
        .on('relay_key_packages')
        .columns(['account_id', 'last_resort', 'id'])
        .execute();
      await db.schema
        .createIndex('relay_blobs_owner_created')
        .on('relay_blobs')
        .columns(['owner', 'created_at'])
        .execute();
      await db.schema.createIndex('relay_blobs_expires').on('relay_blobs').columns(['expires_at']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('relay_blobs_expires').execute();
      await db.schema.dropIndex('relay_blobs_owner_created').execute();
      await db.schema.dropIndex('relay_key_packages_account').execute();
      await db.schema.alterTable('relay_key_packages').dropColumn('last_resort').execute();
    },
  };
}
