// CyberTipline reports: one per suspect, drafted from a review decision, edited and sent by the legal
// role; the filing journal lives beside the draft so a crash mid-filing resumes.
import type { Kysely } from 'kysely';
import { bigint, withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function reports(dialect: DialectName) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await withId(db.schema.createTable('ncmec_reports'), dialect)
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('subject_type', 'text', (c: any) => c.notNull())
        .addColumn('subject_id', 'text', (c: any) => c.notNull())
        .addColumn('decision_task_id', bigint(dialect))
        .addColumn('legal_task_id', bigint(dialect))
        .addColumn('status', 'text', (c: any) => c.notNull()) // draft | queued | filed | retracted | failed
        .addColumn('draft', 'text', (c: any) => c.notNull()) // JSON {report, files}
        .addColumn('journal', 'text') // JSON FilingState
        .addColumn('ncmec_report_id', bigint(dialect))
        .addColumn('error', 'text')
        .addColumn('sent_by', 'text')
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('updated_at', 'text', (c: any) => c.notNull())
        .addColumn('filed_at', 'text')
        .execute();
      await db.schema
        .createIndex('ncmec_reports_subject')
        .on('ncmec_reports')
        .columns(['platform', 'subject_type', 'subject_id'])
        .execute();
    },
  };
}
