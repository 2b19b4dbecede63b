// Hash exchanges: external lists pulled into a bank of the same name, with a checkpoint that
// commits with each page, so a crashed fetch resumes where it stopped. Banks can be shared with
// peers (another Vigil pulls them).
import type { Kysely } from 'kysely';
import { withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function exchanges(dialect: DialectName) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await withId(db.schema.createTable('exchanges'), dialect)
        .addColumn('name', 'text', (c: any) => c.notNull().unique())
        .addColumn('type', 'text', (c: any) => c.notNull()) // file | peer | ncmec | threatexchange
        .addColumn('config', 'text', (c: any) => c.notNull()) // JSON (credentials included; never returned)
        .addColumn('bank', 'text', (c: any) => c.notNull())
        .addColumn('enabled', 'integer', (c: any) => c.notNull())
        .addColumn('interval_s', 'integer', (c: any) => c.notNull())
        .addColumn('checkpoint', 'text') // JSON, the fetcher's own shape
        .addColumn('last_fetch_at', 'text')
        .addColumn('last_success_at', 'text')
        .addColumn('last_status', 'text') // ok | error | running
        .addColumn('last_error', 'text')
        .addColumn('fetched_total', 'integer', (c: any) => c.notNull().defaultTo(0))
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'text')
        .addColumn('created_at', 'text', (c: any) => c.notNull())
        .addColumn('updated_at', 'text', (c: any) => c.notNull())
        .execute();
      await db.schema
        .alterTable('banks')
        .addColumn('shared', 'integer', (c: any) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
