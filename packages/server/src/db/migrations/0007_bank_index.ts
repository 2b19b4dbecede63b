// Incremental bank indexes: entries can be disabled (deconfirmed) without deletion, and every
// removal or enable/disable lands in a change log written by triggers, so each process applies
// deltas to its in-memory index instead of reloading millions of hashes. Triggers catch every
// writer (routes, review decisions, exchanges), not just the ones that remember to log.
import { sql, type Kysely } from 'kysely';
import { bigint, withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function bankIndex(dialect: DialectName) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('bank_entries')
        .addColumn('disabled', 'integer', (c: any) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('bank_entries').addColumn('confirmed_at', 'text').execute();
      await db.schema.alterTable('bank_entries').addColumn('confirmed_by', 'text').execute();
      await withId(db.schema.createTable('bank_entry_changes'), dialect)
        .addColumn('entry_id', bigint(dialect), (c: any) => c.notNull())
        .addColumn('op', 'text', (c: any) => c.notNull()) // remove | update
        // What the entry was, so a peer pulling this bank can apply a removal it never saw the id of.
        .addColumn('bank_id', bigint(dialect), (c: any) => c.notNull())
        .addColumn('signal_type', 'text', (c: any) => c.notNull())
        .addColumn('value', 'text', (c: any) => c.notNull())
        .execute();
      await db.schema
        .createIndex('bank_entry_changes_bank')
        .on('bank_entry_changes')
        .columns(['bank_id', 'id'])
        .execute();
      if (dialect === 'postgres') {
        await sql`CREATE FUNCTION bank_entry_logged() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF TG_OP = 'DELETE' THEN INSERT INTO bank_entry_changes (entry_id, op, bank_id, signal_type, value) VALUES (OLD.id, 'remove', OLD.bank_id, OLD.signal_type, OLD.value);
            ELSE INSERT INTO bank_entry_changes (entry_id, op, bank_id, signal_type, value) VALUES (NEW.id, 'update', NEW.bank_id, NEW.signal_type, NEW.value); END IF;
            RETURN NULL;
          END $$`.execute(db);
        await sql`CREATE TRIGGER bank_entries_removed AFTER DELETE ON bank_entries FOR EACH ROW EXECUTE FUNCTION bank_entry_logged()`.execute(
          db,
        );
        await sql`CREATE TRIGGER bank_entries_toggled AFTER UPDATE OF disabled ON bank_entries FOR EACH ROW
          WHEN (OLD.disabled IS DISTINCT FROM NEW.disabled) EXECUTE FUNCTION bank_entry_logged()`.execute(db);
      } else {
        await sql`CREATE TRIGGER bank_entries_removed AFTER DELETE ON bank_entries
          BEGIN INSERT INTO bank_entry_changes (entry_id, op, bank_id, signal_type, value) VALUES (OLD.id, 'remove', OLD.bank_id, OLD.signal_type, OLD.value); END`.execute(
          db,
        );
        await sql`CREATE TRIGGER bank_entries_toggled AFTER UPDATE OF disabled ON bank_entries
          WHEN OLD.disabled IS NOT NEW.disabled
          BEGIN INSERT INTO bank_entry_changes (entry_id, op, bank_id, signal_type, value) VALUES (NEW.id, 'update', NEW.bank_id, NEW.signal_type, NEW.value); END`.execute(
          db,
        );
      }
    },
  };
}
