// The preservation vault: reported content kept encrypted (AEAD) for a year from the report, longer
// under a legal hold, then destroyed — the row stays as the record of what was kept and destroyed.
import type { Kysely } from 'kysely';
import { bigint, withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function vault(dialect: DialectName) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await withId(db.schema.createTable('vault_items'), dialect)
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('subject_type', 'text', (c: any) => c.notNull())
        .addColumn('subject_id', 'text', (c: any) => c.notNull())
        .addColumn('report_id', bigint(dialect))
        .addColumn('kind', 'text', (c: any) => c.notNull()) // media | messages | metadata
        .addColumn('label', 'text', (c: any) => c.notNull())
        .addColumn('mime', 'text', (c: any) => c.notNull())
        .addColumn('size', bigint(dialect), (c: any) => c.notNull())
        .addColumn('sha256', 'text', (c: any) => c.notNull()) // of the plaintext
        .addColumn('key_id', 'text', (c: any) => c.notNull())
        .addColumn('nonce', 'text', (c: any) => c.notNull()) // base64
        .addColumn('ciphertext', 'text') // base64; null once destroyed
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('expires_at', 'text', (c: any) => c.notNull())
        .addColumn('destroyed_at', 'text')
        .addColumn('destroyed_reason', 'text')
        .execute();
      await db.schema
        .createIndex('vault_items_subject')
        .on('vault_items')
        .columns(['platform', 'subject_type', 'subject_id'])
        .execute();
      await db.schema
        .createIndex('vault_items_expiry')
        .on('vault_items')
        .columns(['destroyed_at', 'expires_at'])
        .execute();
    },
  };
}
