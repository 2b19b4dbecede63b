// The cases migration on a database that already holds review tasks (both dialects): one case per subject,
// open when non-legal work is open and routed by the highest open task, closed otherwise; every task becomes
// an item of its subject's case with a log entry, and enforcement actions learn their case.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Migrator, sql, type Kysely } from 'kysely';
import { DIALECTS, PG_URL, openTestDb, type TestDb } from './helpers.ts';
import { migrateToLatest, migrations } from '../src/db/migrate.ts';

/** Schema DDL on PostgreSQL runs under the same advisory lock the test helpers take. */
async function locked<T>(t: TestDb, f: () => Promise<T>): Promise<T> {
  if (t.dialect !== 'postgres') return f();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query('SELECT pg_advisory_lock(707070)');
    return await f();
  } finally {
    await c.query('SELECT pg_advisory_unlock(707070)').catch(() => {});
    await c.end();
  }
}

for (const dialect of DIALECTS) {
  describe(`migrating review tasks into cases (${dialect})`, () => {
    let t: TestDb;
    after(async () => t?.cleanup());

    it('groups existing tasks into one case per subject', async () => {
      t = await openTestDb(dialect, false);
      const before = Object.fromEntries(Object.entries(migrations(dialect)).filter(([name]) => name < '0017'));
      const migrator = new Migrator({
        db: t.db.kysely,
        provider: { getMigrations: async () => before },
        ...(t.pgSchema ? { migrationTableSchema: t.pgSchema } : {}),
      });
      const r = await locked(t, () => migrator.migrateToLatest());
      assert.equal(r.error, undefined);
      const db = t.db.kysely as unknown as Kysely<any>;
      const task = (
        subject: string,
        queue: string,
        priority: number,
        status: 'open' | 'closed',
        at: string,
        claimed: number | null = null,
      ) =>
        db
          .insertInto('review_tasks')
          .values({
            platform: 'default',
            subject_type: 'account',
            subject_id: subject,
            queue,
            priority,
            reason: `${queue} work`,
            status,
            claimed_by: claimed,
            claim_expires_at: claimed ? '2099-01-01T00:00:00.000Z' : null,
            created_at: at,
            updated_at: at,
            closed_at: status === 'closed' ? at : null,
            ref: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
      // A: three open tasks (the old parallel-task problem) and a closed one; B: all closed; C: legal work only.
      // (Inserted in time order, as a running service creates them.)
      await task('A', 'known-media', 100, 'closed', '2026-10-01T09:00:00.000Z');
      const a1 = await task('A', 'accounts', 60, 'open', '2026-11-01T10:00:00.000Z');
      await task('A', 'user-reports', 75, 'open', '2026-11-01T11:00:00.000Z', 7);
      await task('A', 'flags', 70, 'open', '2026-11-01T12:00:00.000Z');
      const b1 = await task('B', 'groups', 80, 'closed', '2026-11-02T10:00:00.000Z');
      await task('C', 'legal-reports', 100, 'open', '2026-11-03T10:00:00.000Z');
      await db
        .insertInto('enforcement_actions')
        .values({
          platform: 'default',
          subject_type: 'account',
          subject_id: 'B',
          action: 'ban',
          params: '{}',
          status: 'active',
          reason: 'r',
          task_id: Number(b1.id),
          decided_by: 1,
          approved_by: null,
          created_at: '2026-11-02T10:00:00.000Z',
          expires_at: null,
          reversed_at: null,
          reversed_by: null,
        })
        .execute();

      await locked(t, () => migrateToLatest(t.db));
      const cases = await t.db.kysely.selectFrom('cases').selectAll().orderBy('subject_id').execute();
      assert.deepEqual(
        cases.map((c) => [
          c.subject_id,
          c.status,
          c.queue,
          c.priority,
          c.claimed_by == null ? null : Number(c.claimed_by),
        ]),
        [
          ['A', 'open', 'user-reports', 75, 7],
          ['B', 'closed', 'groups', 80, null],
          ['C', 'closed', 'legal-reports', 100, null],
        ],
      );
      assert.equal(cases[0]!.opened_at, '2026-10-01T09:00:00.000Z', 'the case is as old as its oldest task');
      const items = await t.db.kysely.selectFrom('case_items').select(['id', 'case_id', 'subject_id']).execute();
      assert.equal(items.length, 6);
      for (const i of items)
        assert.equal(Number(i.case_id), Number(cases.find((c) => c.subject_id === i.subject_id)!.id));
      const log = await t.db.kysely.selectFrom('case_log').select(['case_id', 'kind', 'item_id']).execute();
      assert.equal(log.filter((l) => l.kind === 'item.migrated').length, 6);
      assert.ok(log.some((l) => Number(l.item_id) === Number(a1.id)));
      const action = await t.db.kysely.selectFrom('enforcement_actions').select('case_id').executeTakeFirstOrThrow();
      assert.equal(Number(action.case_id), Number(cases[1]!.id));
      // The old table is gone: its rows live on as case items.
      const old =
        dialect === 'sqlite'
          ? await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master WHERE name = 'review_tasks'`.execute(
              t.db.kysely,
            )
          : await sql<{
              n: number;
            }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'review_tasks'`.execute(
              t.db.kysely,
            );
      assert.equal(Number(old.rows[0]!.n), 0);
    });
  });
}
