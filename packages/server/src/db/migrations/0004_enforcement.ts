// Enforcement: actions (with two-person approval where it matters), strikes, appeals, legal holds,
// reviewer wellness settings, and task references to what a task is about.
import type { CreateTableBuilder, Kysely } from 'kysely';
import { bigint, withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function enforcement(dialect: DialectName) {
  const id = (t: CreateTableBuilder<any, any>) => withId(t, dialect);
  const big = bigint(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('review_tasks').addColumn('ref', 'text').execute();
      await id(db.schema.createTable('enforcement_actions'))
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('subject_type', 'text', (c: any) => c.notNull())
        .addColumn('subject_id', 'text', (c: any) => c.notNull())
        .addColumn('action', 'text', (c: any) => c.notNull())
        .addColumn('params', 'text', (c: any) => c.notNull())
        .addColumn('status', 'text', (c: any) => c.notNull())
        .addColumn('reason', 'text', (c: any) => c.notNull())
        .addColumn('task_id', big)
        .addColumn('decided_by', big, (c: any) => c.notNull())
        .addColumn('approved_by', big)
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('reversed_at', 'text')
        .addColumn('reversed_by', big)
        .execute();
      await db.schema
        .createIndex('enforcement_subject')
        .on('enforcement_actions')
        .columns(['platform', 'subject_type', 'subject_id'])
        .execute();
      await id(db.schema.createTable('strikes'))
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('account_id', 'text', (c: any) => c.notNull())
        .addColumn('action_id', big, (c: any) => c.notNull())
        .addColumn('reason', 'text', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .execute();
      await id(db.schema.createTable('appeals'))
        .addColumn('action_id', big, (c: any) => c.notNull().unique())
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('statement', 'text', (c: any) => c.notNull())
        .addColumn('status', 'text', (c: any) => c.notNull())
        .addColumn('task_id', big)
        .addColumn('decided_by', big)
        .addColumn('reason', 'text')
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('decided_at', 'text')
        .execute();
      await id(db.schema.createTable('legal_holds'))
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('subject_type', 'text', (c: any) => c.notNull())
        .addColumn('subject_id', 'text', (c: any) => c.notNull())
        .addColumn('reason', 'text', (c: any) => c.notNull())
        .addColumn('task_id', big)
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('expires_at', 'text', (c: any) => c.notNull())
        .execute();
      await db.schema
        .createTable('staff_settings')
        .addColumn('staff_id', big, (c: any) => c.primaryKey())
        .addColumn('settings', 'text', (c: any) => c.notNull())
        .addColumn('updated_at', 'text', (c: any) => c.notNull())
        .execute();
    },
  };
}
