// The outcome of checking a user report's franking openings and source records.
import type { Kysely } from 'kysely';

export function reportVerification() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      // unverifiable (no franking data) | verified | forged; details per message and the traced source in JSON.
      await db.schema
        .alterTable('user_reports')
        .addColumn('verification', 'text', (c: any) => c.notNull().defaultTo('unverifiable'))
        .execute();
      await db.schema.alterTable('user_reports').addColumn('verification_detail', 'text').execute();
    },
  };
}
