// Coded-term lists, versioned: every save is a new version; the newest one is in force.
import type { Kysely } from 'kysely';

export function termLists() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('term_lists')
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('list', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
