// Indexes for the oversight screens: the audit log searched by action, actor and time (newest first, paged by
// seq), and the team dashboard's counts of decisions per day and of work closed in a period.
import type { Kysely } from 'kysely';

export function oversightIndexes() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'seq']).execute();
      await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'seq']).execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at']).execute();
      await db.schema.createIndex('case_log_kind_at').on('case_log').columns(['kind', 'at']).execute();
      await db.schema.createIndex('case_items_closed').on('case_items').columns(['closed_at']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const i of ['audit_log_action', 'audit_log_actor', 'audit_log_at', 'case_log_kind_at', 'case_items_closed'])
        await db.schema.dropIndex(i).execute();
    },
  };
}
