// Reviewer wellness enforced by the server: media reveals counted per reviewer per (UTC) day, and the
// count at the reviewer's last acknowledged break (the soft limit counts from there).
import type { Kysely } from 'kysely';
import { bigint } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function reviewerExposure(dialect: DialectName) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('reviewer_exposure')
        .addColumn('staff_id', bigint(dialect), (c: any) => c.notNull())
        .addColumn('day', 'text', (c: any) => c.notNull())
        .addColumn('reveals', 'integer', (c: any) => c.notNull())
        .addColumn('break_at', 'integer', (c: any) => c.notNull())
        .addColumn('updated_at', 'text', (c: any) => c.notNull())
        .addPrimaryKeyConstraint('reviewer_exposure_pk', ['staff_id', 'day'])
        .execute();
    },
  };
}
