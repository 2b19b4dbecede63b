// The law-enforcement request ledger: what was asked, by whom, by when, under which order, and what
// was produced. Preservation requests hold the subjects' data (legal holds) for 90 days, renewable once.
import type { Kysely } from 'kysely';
import { withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function leRequests(dialect: DialectName) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await withId(db.schema.createTable('le_requests'), dialect)
        .addColumn('kind', 'text', (c: any) => c.notNull()) // preservation | subpoena | court_order | search_warrant | emergency
        .addColumn('agency', 'text', (c: any) => c.notNull())
        .addColumn('case_number', 'text', (c: any) => c.notNull())
        .addColumn('contact', 'text')
        .addColumn('received_at', 'text', (c: any) => c.notNull())
        .addColumn('due_at', 'text')
        .addColumn('subjects', 'text', (c: any) => c.notNull()) // JSON [{platform, type, id}]
        .addColumn('nondisclosure_until', 'text')
        .addColumn('status', 'text', (c: any) => c.notNull()) // open | produced | rejected | withdrawn | expired
        .addColumn('outcome', 'text')
        .addColumn('productions', 'text', (c: any) => c.notNull()) // JSON [{at, by, items, manifest_sha256, note}]
        .addColumn('preservation_until', 'text')
        .addColumn('renewed', 'integer', (c: any) => c.notNull())
        .addColumn('reminded_at', 'text')
        .addColumn('notes', 'text')
        .addColumn('created_by', 'text', (c: any) => c.notNull())
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('updated_at', 'text', (c: any) => c.notNull())
        .execute();
    },
  };
}
