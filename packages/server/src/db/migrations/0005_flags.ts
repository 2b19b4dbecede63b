// Reports from outside: flagger organisations (hotlines, NGOs, law enforcement), their flags, and the
// public reporting form. Flags about the same subject are merged into one case.
import type { CreateTableBuilder, Kysely } from 'kysely';
import { bigint, withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function flags(dialect: DialectName) {
  const id = (t: CreateTableBuilder<any, any>) => withId(t, dialect);
  const big = bigint(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await id(db.schema.createTable('flagger_orgs'))
        .addColumn('name', 'text', (c: any) => c.notNull().unique())
        .addColumn('kind', 'text', (c: any) => c.notNull())
        .addColumn('disabled', 'integer', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .execute();
      await db.schema.alterTable('api_keys').addColumn('org_id', big).execute();
      await id(db.schema.createTable('flags'))
        .addColumn('reference', 'text', (c: any) => c.notNull().unique())
        .addColumn('org_id', big)
        .addColumn('source', 'text', (c: any) => c.notNull()) // trusted | bulk | public
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('subject_kind', 'text', (c: any) => c.notNull())
        .addColumn('subject_value', 'text', (c: any) => c.notNull())
        .addColumn('case_key', 'text', (c: any) => c.notNull())
        .addColumn('resolved_type', 'text')
        .addColumn('resolved_id', 'text')
        .addColumn('category', 'text', (c: any) => c.notNull())
        .addColumn('notes', 'text')
        .addColumn('evidence', 'text', (c: any) => c.notNull())
        .addColumn('found_at_url', 'text')
        .addColumn('reporter_key', 'text') // org id, or a salted hash of the public reporter's address
        .addColumn('status', 'text', (c: any) => c.notNull())
        .addColumn('statement', 'text')
        .addColumn('task_id', big)
        .addColumn('deadline_at', 'text', (c: any) => c.notNull())
        .addColumn('escalated_at', 'text')
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('updated_at', 'text', (c: any) => c.notNull())
        .addColumn('closed_at', 'text')
        .execute();
      await db.schema.createIndex('flags_case').on('flags').columns(['platform', 'case_key']).execute();
      await db.schema.createIndex('flags_task').on('flags').columns(['task_id']).execute();
      await db.schema.createIndex('flags_open_deadline').on('flags').columns(['status', 'deadline_at']).execute();
    },
  };
}
