// The reference messenger's relay: accounts (username + password, no phone number), device tokens,
// the key-package directory, per-recipient delivery queues (ciphertext only) and attachment blobs.
import type { Kysely } from 'kysely';
import { withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function relay(dialect: DialectName) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('relay_accounts')
        .addColumn('id', 'text', (c: any) => c.primaryKey())
        .addColumn('username', 'text', (c: any) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .execute();
      await db.schema
        .createTable('relay_devices')
        .addColumn('token_hash', 'text', (c: any) => c.primaryKey())
        .addColumn('account_id', 'text', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('last_seen_at', 'text', (c: any) => c.notNull())
        .execute();
      await withId(db.schema.createTable('relay_key_packages'), dialect)
        .addColumn('account_id', 'text', (c: any) => c.notNull())
        .addColumn('data', 'text', (c: any) => c.notNull()) // base64 MLS KeyPackage
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .execute();
      await withId(db.schema.createTable('relay_queue'), dialect)
        .addColumn('recipient', 'text', (c: any) => c.notNull())
        .addColumn('envelope_id', 'text', (c: any) => c.notNull())
        .addColumn('conversation_id', 'text', (c: any) => c.notNull())
        .addColumn('kind', 'text', (c: any) => c.notNull())
        .addColumn('sender', 'text', (c: any) => c.notNull())
        .addColumn('data', 'text', (c: any) => c.notNull()) // base64 MLS message
        .addColumn('stamp', 'text') // JSON relay stamp (application messages)
        .addColumn('expires_at', 'text')
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addUniqueConstraint('relay_queue_once', ['recipient', 'envelope_id'])
        .execute();
      await db.schema.createIndex('relay_queue_recipient').on('relay_queue').columns(['recipient', 'id']).execute();
      // Groups' public metadata (the unencrypted surfaces) and invite links; the MLS group is the members' own.
      await db.schema
        .createTable('relay_groups')
        .addColumn('id', 'text', (c: any) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c: any) => c.notNull().unique())
        .addColumn('owner', 'text', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .execute();
      await db.schema
        .createTable('relay_invites')
        .addColumn('code', 'text', (c: any) => c.primaryKey())
        .addColumn('group_id', 'text', (c: any) => c.notNull())
        .addColumn('created_by', 'text', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .execute();
      await db.schema
        .createTable('relay_blobs')
        .addColumn('id', 'text', (c: any) => c.primaryKey())
        .addColumn('owner', 'text', (c: any) => c.notNull())
        .addColumn('data', 'text', (c: any) => c.notNull()) // base64 ciphertext
        .addColumn('size', 'integer', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('expires_at', 'text', (c: any) => c.notNull())
        .execute();
    },
  };
}
