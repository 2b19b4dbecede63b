// Hash banks: lists of known images (block) or known-benign images (allow), with entry metadata.
import type { CreateTableBuilder, Kysely } from 'kysely';
import { bigint, withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function banks(dialect: DialectName) {
  const id = (t: CreateTableBuilder<any, any>) => withId(t, dialect);
  const big = bigint(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await id(db.schema.createTable('banks'))
        .addColumn('name', 'text', (c: any) => c.notNull().unique())
        .addColumn('kind', 'text', (c: any) => c.notNull()) // block | allow
        .addColumn('description', 'text')
        .addColumn('enabled', 'integer', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('updated_at', 'text', (c: any) => c.notNull())
        .execute();
      await id(db.schema.createTable('bank_entries'))
        .addColumn('bank_id', big, (c: any) => c.notNull())
        .addColumn('signal_type', 'text', (c: any) => c.notNull()) // pdq | md5 | sha256
        .addColumn('value', 'text', (c: any) => c.notNull())
        .addColumn('source', 'text')
        .addColumn('external_id', 'text')
        .addColumn('tags', 'text')
        .addColumn('note', 'text')
        .addColumn('confirmed', 'integer', (c: any) => c.notNull())
        .addColumn('added_at', 'text', (c: any) => c.notNull())
        .addUniqueConstraint('bank_entries_once', ['bank_id', 'signal_type', 'value'])
        .execute();
      await db.schema.createIndex('bank_entries_value').on('bank_entries').columns(['signal_type', 'value']).execute();
      // Bumped on every change, so each process knows when to reload its in-memory index.
      await db.schema
        .createTable('bank_generation')
        .addColumn('id', 'integer', (c: any) => c.primaryKey())
        .addColumn('generation', big, (c: any) => c.notNull())
        .execute();
      await db.insertInto('bank_generation').values({ id: 1, generation: 0 }).execute();
    },
  };
}
