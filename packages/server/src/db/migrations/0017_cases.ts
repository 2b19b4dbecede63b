// Cases, not tasks: one open case per (platform, subject) gathers every piece of review work about the
// subject. Review tasks become the case's items (the same rows and ids, so verdicts, flags, appeals and
// reports keep pointing at them); an append-only case log sits beside the case's current state, as
// Ozone keeps moderation events beside subject status. Existing tasks are grouped into cases here.
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { bigint, withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

// Kept in step with review/task-store.ts (a shipped migration must not import code that may change).
const LEGAL = ['legal-reports', 'legal-requests'];

export function cases(dialect: DialectName) {
  const id = (t: CreateTableBuilder<any, any>) => withId(t, dialect);
  const big = bigint(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await id(db.schema.createTable('cases'))
        .addColumn('platform', 'text', (c: any) => c.notNull())
        .addColumn('subject_type', 'text', (c: any) => c.notNull())
        .addColumn('subject_id', 'text', (c: any) => c.notNull())
        .addColumn('status', 'text', (c: any) => c.notNull()) // open | closed
        .addColumn('queue', 'text', (c: any) => c.notNull())
        .addColumn('priority', 'integer', (c: any) => c.notNull())
        .addColumn('claimed_by', big)
        .addColumn('claim_expires_at', 'text')
        .addColumn('resolution', 'text')
        .addColumn('opened_at', 'text', (c: any) => c.notNull())
        .addColumn('updated_at', 'text', (c: any) => c.notNull())
        .addColumn('closed_at', 'text')
        .execute();
      // The database itself keeps one open case per subject, whatever races the writers run.
      await db.schema
        .createIndex('cases_one_open')
        .on('cases')
        .columns(['platform', 'subject_type', 'subject_id'])
        .unique()
        .where(sql.ref('status'), '=', 'open')
        .execute();
      await db.schema
        .createIndex('cases_subject')
        .on('cases')
        .columns(['platform', 'subject_type', 'subject_id', 'id'])
        .execute();
      await db.schema
        .createIndex('cases_queue')
        .on('cases')
        .columns(['status', 'priority', 'opened_at', 'id'])
        .execute();
      await id(db.schema.createTable('case_log'))
        .addColumn('case_id', big, (c: any) => c.notNull())
        .addColumn('at', 'text', (c: any) => c.notNull())
        .addColumn('actor', 'text', (c: any) => c.notNull()) // staff:<id> | platform:<name> | system
        .addColumn('kind', 'text', (c: any) => c.notNull())
        .addColumn('item_id', big)
        .addColumn('data', 'text', (c: any) => c.notNull())
        .execute();
      await db.schema.createIndex('case_log_case').on('case_log').columns(['case_id', 'id']).execute();
      // Append-only: the log cannot be changed or trimmed through SQL either.
      if (dialect === 'sqlite') {
        await sql`CREATE TRIGGER case_log_no_update BEFORE UPDATE ON case_log BEGIN SELECT RAISE(ABORT, 'case_log is append-only'); END`.execute(
          db,
        );
        await sql`CREATE TRIGGER case_log_no_delete BEFORE DELETE ON case_log BEGIN SELECT RAISE(ABORT, 'case_log is append-only'); END`.execute(
          db,
        );
      } else {
        await sql`CREATE FUNCTION case_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'case_log is append-only'; END $$`.execute(
          db,
        );
        await sql`CREATE TRIGGER case_log_append_only BEFORE UPDATE OR DELETE ON case_log FOR EACH ROW EXECUTE FUNCTION case_log_append_only()`.execute(
          db,
        );
      }

      await db.schema.alterTable('review_tasks').renameTo('case_items').execute();
      await db.schema.alterTable('case_items').addColumn('case_id', big).execute();
      await db.schema.createIndex('case_items_case').on('case_items').columns(['case_id', 'status']).execute();
      await db.schema.alterTable('enforcement_actions').addColumn('case_id', big).execute();
      await db.schema.alterTable('enforcement_actions').addColumn('via_action_id', big).execute();

      // Existing tasks: one case per subject; open if any non-legal task is open, routed by the highest.
      const tasks = await db.selectFrom('case_items').selectAll().orderBy('id').execute();
      const bySubject = new Map<string, any[]>();
      for (const t of tasks) {
        const k = JSON.stringify([t.platform, t.subject_type, t.subject_id]);
        bySubject.set(k, [...(bySubject.get(k) ?? []), t]);
      }
      for (const group of bySubject.values()) {
        const first = group[0];
        const open = group.filter((t) => t.status === 'open' && !LEGAL.includes(t.queue));
        const lead = [...(open.length ? open : group)].sort(
          (a, b) => b.priority - a.priority || Number(a.id) - Number(b.id),
        )[0];
        const last = group.reduce((m, t) => (t.updated_at > m ? t.updated_at : m), first.updated_at);
        const claimed = open.find((t) => t.claimed_by != null);
        const row = await db
          .insertInto('cases')
          .values({
            platform: first.platform,
            subject_type: first.subject_type,
            subject_id: first.subject_id,
            status: open.length ? 'open' : 'closed',
            queue: lead.queue,
            priority: lead.priority,
            claimed_by: claimed?.claimed_by ?? null,
            claim_expires_at: claimed?.claim_expires_at ?? null,
            resolution: open.length ? null : 'migrated',
            opened_at: first.created_at,
            updated_at: last,
            closed_at: open.length ? null : last,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const caseId = Number(row.id);
        await db
          .updateTable('case_items')
          .set({ case_id: caseId })
          .where(
            'id',
            'in',
            group.map((t) => Number(t.id)),
          )
          .execute();
        for (const t of group) {
          await db
            .insertInto('case_log')
            .values({
              case_id: caseId,
              at: t.created_at,
              actor: 'system',
              kind: 'item.migrated',
              item_id: Number(t.id),
              data: JSON.stringify({ queue: t.queue, reason: t.reason, status: t.status }),
            })
            .execute();
        }
      }
      await sql`UPDATE enforcement_actions SET case_id = (SELECT case_id FROM case_items WHERE case_items.id = enforcement_actions.task_id) WHERE task_id IS NOT NULL`.execute(
        db,
      );
    },
  };
}
