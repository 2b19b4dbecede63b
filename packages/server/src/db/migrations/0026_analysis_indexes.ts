// Indexes for batched analysis and the claim: pending jobs in id order without walking the done ones (the queue
// keeps finished jobs), verdicts of a batch's events, and the joins behaviour analysis reads (through one invite
// link in the last hour, by one account in the last day), which scanned every membership of the platform.
import { sql, type Kysely } from 'kysely';

export function analysisIndexes() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createIndex('jobs_pending')
        .on('jobs')
        .column('id')
        .where(sql.ref('status'), '=', 'pending')
        .execute();
      await db.schema.createIndex('verdicts_event').on('verdicts').column('event_id').execute();
      await db.schema
        .createIndex('group_members_invite')
        .on('group_members')
        .columns(['platform', 'via_invite', 'joined_at'])
        .execute();
      await db.schema
        .createIndex('group_members_account')
        .on('group_members')
        .columns(['platform', 'account_id', 'joined_at'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const i of ['jobs_pending', 'verdicts_event', 'group_members_invite', 'group_members_account'])
        await db.schema.dropIndex(i).execute();
    },
  };
}
