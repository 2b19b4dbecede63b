// Private matching (PSI): signed blinded tables by version, vouchers whose PSI layer matched (kept to
// rebuild an account's threshold accumulator), and the payloads opened once an account crossed it.
import type { Kysely } from 'kysely';
import { withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function psi(dialect: DialectName) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('psi_tables')
        .addColumn('version', 'integer', (c: any) => c.primaryKey())
        .addColumn('mode', 'text', (c: any) => c.notNull()) // exact | perceptual
        .addColumn('root', 'text', (c: any) => c.notNull()) // hex SHA-256 of the canonical encoding
        .addColumn('threshold', 'integer', (c: any) => c.notNull())
        .addColumn('listed', 'integer', (c: any) => c.notNull()) // hashes in the table (not published)
        .addColumn('slots', 'integer', (c: any) => c.notNull())
        .addColumn('data', 'text', (c: any) => c.notNull()) // base64 of the signed table
        .addColumn('created_by', 'text', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .execute();
      await withId(db.schema.createTable('psi_matches'), dialect)
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('account_id', 'text', (c: any) => c.notNull())
        .addColumn('account_secret_id', 'text', (c: any) => c.notNull())
        .addColumn('voucher_id', 'text', (c: any) => c.notNull()) // hex SHA-256 of the voucher
        .addColumn('table_version', 'integer', (c: any) => c.notNull())
        .addColumn('conversation_id', 'text')
        .addColumn('voucher', 'text', (c: any) => c.notNull()) // base64
        .addColumn('event_id', 'integer', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addUniqueConstraint('psi_matches_voucher', ['platform', 'voucher_id'])
        .execute();
      await db.schema
        .createIndex('psi_matches_secret')
        .on('psi_matches')
        .columns(['platform', 'account_id', 'account_secret_id'])
        .execute();
      await withId(db.schema.createTable('psi_openings'), dialect)
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('account_id', 'text', (c: any) => c.notNull())
        .addColumn('voucher_id', 'text', (c: any) => c.notNull())
        .addColumn('conversation_id', 'text')
        .addColumn('blob_id', 'text', (c: any) => c.notNull())
        .addColumn('sha256', 'text', (c: any) => c.notNull())
        .addColumn('vault_item_id', 'integer', (c: any) => c.notNull()) // the sealed payload (attachment key)
        .addColumn('opened_at', 'text', (c: any) => c.notNull())
        .addUniqueConstraint('psi_openings_voucher', ['platform', 'voucher_id'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const t of ['psi_openings', 'psi_matches', 'psi_tables']) await db.schema.dropTable(t).execute();
    },
  };
}
