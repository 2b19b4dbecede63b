// Order per subject with many workers: event jobs carry the partition of their subject (a stable hash of
// platform + subject), and a partition is worked by one worker at a time. `event_analyses` records each
// analysis once, in the order it committed: the analysis job's idempotency check, and what the pipeline
// benchmark reads to count lost, duplicated and out-of-order analyses.
import type { Kysely } from 'kysely';
import { bigint, withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function partitions(dialect: DialectName) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('jobs').addColumn('partition', 'integer').execute();
      await db.schema.createIndex('jobs_partition').on('jobs').columns(['status', 'partition', 'id']).execute();
      await withId(db.schema.createTable('event_analyses'), dialect)
        .addColumn('event_id', bigint(dialect), (c: any) => c.notNull())
        .addColumn('worker', 'text', (c: any) => c.notNull())
        .addColumn('analysed_at', 'text', (c: any) => c.notNull())
        .execute();
      await db.schema.createIndex('event_analyses_event').on('event_analyses').columns(['event_id']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('event_analyses').execute();
      await db.schema.dropIndex('jobs_partition').execute();
      await db.schema.alterTable('jobs').dropColumn('partition').execute();
    },
  };
}
