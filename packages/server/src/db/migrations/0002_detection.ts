// Detection: signals from analysers, versioned CEL rules, verdicts, review tasks, external signal lists.
import type { CreateTableBuilder, Kysely } from 'kysely';
import { bigint, withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function detection(dialect: DialectName) {
  const id = (t: CreateTableBuilder<any, any>) => withId(t, dialect);
  const big = bigint(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await id(db.schema.createTable('signals'))
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('subject_type', 'text', (c: any) => c.notNull())
        .addColumn('subject_id', 'text', (c: any) => c.notNull())
        .addColumn('kind', 'text', (c: any) => c.notNull())
        .addColumn('severity', 'integer', (c: any) => c.notNull())
        .addColumn('summary', 'text', (c: any) => c.notNull())
        .addColumn('evidence', 'text', (c: any) => c.notNull())
        .addColumn('event_id', big)
        // Same analyser, same event, same finding: stored once however often the job runs.
        .addColumn('dedupe_key', 'text', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addUniqueConstraint('signals_dedupe', ['platform', 'dedupe_key'])
        .execute();
      await db.schema
        .createIndex('signals_subject')
        .on('signals')
        .columns(['platform', 'subject_type', 'subject_id'])
        .execute();

      await id(db.schema.createTable('rules'))
        .addColumn('name', 'text', (c: any) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('version', 'integer', (c: any) => c.notNull())
        .addColumn('expression', 'text', (c: any) => c.notNull())
        .addColumn('outcome', 'text', (c: any) => c.notNull())
        .addColumn('mode', 'text', (c: any) => c.notNull())
        .addColumn('enabled', 'integer', (c: any) => c.notNull())
        .addColumn('updated_at', 'text', (c: any) => c.notNull())
        .execute();
      await db.schema
        .createTable('rule_versions')
        .addColumn('rule_id', big, (c: any) => c.notNull())
        .addColumn('version', 'integer', (c: any) => c.notNull())
        .addColumn('expression', 'text', (c: any) => c.notNull())
        .addColumn('outcome', 'text', (c: any) => c.notNull())
        .addColumn('mode', 'text', (c: any) => c.notNull())
        .addColumn('created_by', 'text', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addPrimaryKeyConstraint('rule_versions_pk', ['rule_id', 'version'])
        .execute();

      await id(db.schema.createTable('verdicts'))
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('subject_type', 'text', (c: any) => c.notNull())
        .addColumn('subject_id', 'text', (c: any) => c.notNull())
        .addColumn('rule_id', big, (c: any) => c.notNull())
        .addColumn('rule_version', 'integer', (c: any) => c.notNull())
        .addColumn('event_id', big, (c: any) => c.notNull())
        .addColumn('outcome', 'text', (c: any) => c.notNull())
        .addColumn('shadow', 'integer', (c: any) => c.notNull())
        .addColumn('signal_ids', 'text', (c: any) => c.notNull())
        .addColumn('task_id', big)
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addUniqueConstraint('verdicts_once', ['rule_id', 'rule_version', 'event_id'])
        .execute();
      await db.schema
        .createIndex('verdicts_subject')
        .on('verdicts')
        .columns(['platform', 'subject_type', 'subject_id'])
        .execute();

      await id(db.schema.createTable('review_tasks'))
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('subject_type', 'text', (c: any) => c.notNull())
        .addColumn('subject_id', 'text', (c: any) => c.notNull())
        .addColumn('queue', 'text', (c: any) => c.notNull())
        .addColumn('priority', 'integer', (c: any) => c.notNull())
        .addColumn('reason', 'text', (c: any) => c.notNull())
        .addColumn('status', 'text', (c: any) => c.notNull())
        .addColumn('claimed_by', big)
        .addColumn('claim_expires_at', 'text')
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('updated_at', 'text', (c: any) => c.notNull())
        .addColumn('closed_at', 'text')
        .execute();
      await db.schema
        .createIndex('review_tasks_queue')
        .on('review_tasks')
        .columns(['status', 'queue', 'priority'])
        .execute();
      await db.schema
        .createIndex('review_tasks_subject')
        .on('review_tasks')
        .columns(['platform', 'subject_type', 'subject_id', 'status'])
        .execute();

      await id(db.schema.createTable('external_signals'))
        .addColumn('kind', 'text', (c: any) => c.notNull()) // handle | invite_url | md5 | sha256 | pdq
        .addColumn('value', 'text', (c: any) => c.notNull()) // normalised
        .addColumn('source', 'text', (c: any) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('note', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addUniqueConstraint('external_signals_once', ['kind', 'value', 'source'])
        .execute();
      await db.schema
        .createIndex('external_signals_lookup')
        .on('external_signals')
        .columns(['kind', 'value'])
        .execute();
    },
  };
}
