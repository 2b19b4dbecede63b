// One conformance suite, run against every storage dialect (SQLite and PostgreSQL).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DIALECTS, openTestDb, migrateLocked, TestClock, silentLog, accountEvent, type TestDb } from './helpers.ts';
import { migrations } from '../src/db/migrate.ts';
import { ingestEvents, validateEvents, type EventProblem } from '../src/ingest/ingest.ts';
import { isVigilError } from '../src/errors.ts';
import { claimJobs, completeJob, enqueue, failJob, releaseExpiredLeases, retryDeadJob } from '../src/queue/jobs.ts';
import { Worker } from '../src/queue/worker.ts';
import { applyEventHandler } from '../src/ingest/apply.ts';
import { appendAudit } from '../src/audit/log.ts';
import { verifyAudit } from '../src/audit/verify.ts';

const EXPECTED_TABLES = [
  'accounts',
  'api_keys',
  'appeals',
  'audit_head',
  'audit_log',
  'bank_entries',
  'bank_entry_changes',
  'bank_generation',
  'banks',
  'enforcement_actions',
  'events',
  'exchanges',
  'exchange_items',
  'flagger_orgs',
  'flags',
  'external_signals',
  'group_members',
  'groups',
  'invites',
  'jobs',
  'le_requests',
  'ncmec_reports',
  'psi_matches',
  'psi_opening_blobs',
  'psi_openings',
  'psi_tables',
  'legal_holds',
  'login_attempts',
  'term_lists',
  'media',
  'case_items',
  'cases',
  'case_log',
  'reviewer_exposure',
  'key_material',
  'rule_versions',
  'rules',
  'sessions',
  'signals',
  'staff',
  'staff_settings',
  'strikes',
  'user_reports',
  'vault_items',
  'verdicts',
  'webhook_endpoints',
  'webhook_outbox',
  'event_analyses',
];

for (const dialect of DIALECTS) {
  describe(`storage conformance: ${dialect}`, () => {
    let t: TestDb;
    const clock = new TestClock();
    before(async () => {
      t = await openTestDb(dialect, false);
    });
    after(async () => t.cleanup());

    it('migrates an empty database to the latest schema, and again is a no-op', async () => {
      const applied = await migrateLocked(t);
      assert.deepEqual(applied, Object.keys(migrations(dialect)));
      // On PostgreSQL only this file's schema is read: Kysely's introspection reads every schema, and fails when another
      // test file drops its own at that moment ("schema … does not exist").
      const names = t.pgSchema
        ? (
            await sql<{
              name: string;
            }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ${t.pgSchema}`.execute(
              t.db.kysely,
            )
          ).rows.map((r) => r.name)
        : (await t.db.kysely.introspection.getTables()).map((x) => x.name);
      const tables = names.filter((n) => !n.startsWith('kysely_')).sort();
      assert.deepEqual(tables, [...EXPECTED_TABLES].sort());
      assert.deepEqual(await migrateLocked(t), []);
    });

    it('stores a batch with its jobs, and ignores replays of the same ids', async () => {
      const events = validateEvents([accountEvent(1), accountEvent(2)]);
      const first = await ingestEvents(t.db.kysely, 'p1', events, clock);
      assert.equal(first.accepted, 2);
      const again = await ingestEvents(t.db.kysely, 'p1', validateEvents([accountEvent(2), accountEvent(3)]), clock);
      assert.deepEqual(again.results, [
        { id: 'evt-2', status: 'duplicate' },
        { id: 'evt-3', status: 'accepted' },
      ]);
      // The same id from another platform is a different event.
      assert.equal((await ingestEvents(t.db.kysely, 'p2', events, clock)).accepted, 2);
      const jobs = await t.db.kysely.selectFrom('jobs').select('payload').where('kind', '=', 'event.apply').execute();
      assert.equal(jobs.length, 5, 'one job per accepted event, none for duplicates');
    });

    it('rejects a whole batch when one event is invalid, listing every problem', () => {
      assert.throws(
        () =>
          validateEvents([
            accountEvent(10),
            { id: 'x', type: 'account.created', occurred_at: 'yesterday', account: {} },
            { type: 'nope' },
          ]),
        (e: unknown) =>
          isVigilError(e, 'invalid_events') &&
          (e.details as EventProblem[]).some((p) => p.index === 1 && p.path === 'occurred_at') &&
          (e.details as EventProblem[]).some((p) => p.index === 2),
      );
      assert.throws(() => validateEvents([accountEvent(11), accountEvent(11)]), /problem/);
    });

    it('claims jobs under a lease, completes, retries with backoff and parks dead letters', async () => {
      await t.db.kysely.deleteFrom('jobs').execute();
      await enqueue(
        t.db.kysely,
        [
          { kind: 'k', payload: { n: 1 } },
          { kind: 'k', payload: { n: 2 }, maxAttempts: 2 },
        ],
        clock,
      );
      const claimed = await claimJobs(t.db.kysely, dialect, { workerId: 'w1', limit: 10, leaseMs: 60_000, clock });
      assert.equal(claimed.length, 2);
      assert.equal(
        (await claimJobs(t.db.kysely, dialect, { workerId: 'w2', limit: 10, leaseMs: 60_000, clock })).length,
        0,
        'leased jobs are not claimed twice',
      );
      const [a, b] = claimed;
      await t.db.kysely.transaction().execute((trx) => completeJob(trx, a!, 'w1', clock));
      await assert.rejects(
        t.db.kysely.transaction().execute((trx) => completeJob(trx, b!, 'w2', clock)),
        /lease lost/,
      );
      assert.equal(await failJob(t.db.kysely, b!, 'w1', new Error('boom'), clock), 'retry');
      const row = await t.db.kysely.selectFrom('jobs').selectAll().where('id', '=', b!.id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'pending');
      assert.ok(row.run_at > clock.now().toISOString(), 'retry is scheduled later (backoff)');
      assert.equal(
        (await claimJobs(t.db.kysely, dialect, { workerId: 'w1', limit: 10, leaseMs: 60_000, clock })).length,
        0,
      );
      clock.advance(10 * 60_000);
      const [b2] = await claimJobs(t.db.kysely, dialect, { workerId: 'w1', limit: 10, leaseMs: 60_000, clock });
      assert.equal(b2!.attempts, 2);
      assert.equal(await failJob(t.db.kysely, b2!, 'w1', new Error('boom again'), clock), 'dead');
      const dead = await t.db.kysely.selectFrom('jobs').selectAll().where('status', '=', 'dead').execute();
      assert.equal(dead.length, 1);
      assert.match(dead[0]!.last_error!, /boom again/);
      assert.ok(await retryDeadJob(t.db.kysely, b!.id, clock));
      assert.equal(
        (await claimJobs(t.db.kysely, dialect, { workerId: 'w1', limit: 10, leaseMs: 60_000, clock })).length,
        1,
      );
    });

    it("gives a crashed worker's jobs back once the lease expires", async () => {
      await t.db.kysely.deleteFrom('jobs').execute();
      await enqueue(t.db.kysely, [{ kind: 'k', payload: {} }], clock);
      await claimJobs(t.db.kysely, dialect, { workerId: 'dead-worker', limit: 1, leaseMs: 30_000, clock });
      assert.equal(await releaseExpiredLeases(t.db.kysely, clock), 0);
      clock.advance(31_000);
      assert.equal(await releaseExpiredLeases(t.db.kysely, clock), 1);
      const [j] = await claimJobs(t.db.kysely, dialect, { workerId: 'w', limit: 1, leaseMs: 30_000, clock });
      assert.equal(j!.attempts, 2);
    });

    it('lets concurrent claimers take disjoint jobs', async () => {
      await t.db.kysely.deleteFrom('jobs').execute();
      await enqueue(
        t.db.kysely,
        Array.from({ length: 200 }, (_, n) => ({ kind: 'k', payload: { n } })),
        clock,
      );
      const batches = await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          claimJobs(t.db.kysely, dialect, { workerId: `w${w}`, limit: 40, leaseMs: 60_000, clock }),
        ),
      );
      const ids = batches.flat().map((j) => j.id);
      assert.equal(new Set(ids).size, ids.length, 'no job claimed twice');
      assert.equal(ids.length, 200);
    });

    it('applies events to current state exactly once, even when a job runs twice', async () => {
      await t.db.kysely.deleteFrom('jobs').execute();
      const handler = applyEventHandler();
      await ingestEvents(
        t.db.kysely,
        'p3',
        validateEvents([
          {
            id: 'g1',
            type: 'group.created',
            occurred_at: '2026-11-01T10:00:00Z',
            group: { id: 'grp', name: 'Bakers', member_count: 2, invite_link: 'https://x.example/j/1' },
          },
          {
            id: 'j1',
            type: 'group.member_joined',
            occurred_at: '2026-11-01T10:01:00Z',
            group_id: 'grp',
            account_id: 'a1',
            invite_link: 'https://x.example/j/1',
          },
          {
            id: 'i1',
            type: 'invite.used',
            occurred_at: '2026-11-01T10:01:00Z',
            invite: { link: 'https://x.example/j/1', group_id: 'grp' },
            account_id: 'a1',
          },
          {
            id: 'u1',
            type: 'group.updated',
            occurred_at: '2026-11-01T10:02:00Z',
            group: { id: 'grp', description: 'Recipes' },
          },
        ]),
        clock,
      );
      const worker = new Worker({
        db: t.db,
        handlers: { 'event.apply': handler },
        clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await worker.runOnce()) > 0);
      // Run every apply job again by hand: processed events are skipped.
      const jobs = await t.db.kysely.selectFrom('jobs').selectAll().where('kind', '=', 'event.apply').execute();
      for (const j of jobs)
        await t.db.kysely.transaction().execute((trx) => handler(JSON.parse(j.payload), { trx, job: j, clock }));
      const g = await t.db.kysely
        .selectFrom('groups')
        .selectAll()
        .where('platform', '=', 'p3')
        .where('id', '=', 'grp')
        .executeTakeFirstOrThrow();
      assert.equal(g.name, 'Bakers');
      assert.equal(g.description, 'Recipes', 'an update keeps fields it does not mention');
      assert.equal(Number(g.event_count), 3);
      const inv = await t.db.kysely
        .selectFrom('invites')
        .selectAll()
        .where('platform', '=', 'p3')
        .executeTakeFirstOrThrow();
      assert.equal(Number(inv.uses), 1);
      const members = await t.db.kysely.selectFrom('group_members').selectAll().where('platform', '=', 'p3').execute();
      assert.equal(members.length, 1);
    });

    it('keeps the audit log append-only and its chain verifiable', async () => {
      for (let i = 0; i < 5; i++)
        await appendAudit(
          t.db.kysely,
          { actor: 'test', action: 'thing.do', subjectType: 'thing', subjectId: String(i), data: { i } },
          clock,
        );
      const v = await verifyAudit(t.db.kysely);
      assert.ok(v.ok, JSON.stringify(v.problems));
      assert.ok(v.entries >= 5);
      await assert.rejects(
        t.db.kysely.updateTable('audit_log').set({ actor: 'mallory' }).where('seq', '=', 1).execute(),
        /append-only/,
      );
      await assert.rejects(t.db.kysely.deleteFrom('audit_log').where('seq', '=', 1).execute(), /append-only/);
    });

    it('serialises concurrent audit appends into one chain', async () => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          appendAudit(t.db.kysely, { actor: 'test', action: 'concurrent', data: { i } }, clock),
        ),
      );
      const v = await verifyAudit(t.db.kysely);
      assert.ok(v.ok, JSON.stringify(v.problems));
    });

    it('round-trips text, JSON and timestamps identically', async () => {
      const odd = 'ünïcødé 🎉 \u200b "quotes" \\ back';
      await ingestEvents(
        t.db.kysely,
        'p4',
        validateEvents([{ ...accountEvent(99), account: { id: 'odd', username: odd, bio: null } }]),
        clock,
      );
      const row = await t.db.kysely
        .selectFrom('events')
        .selectAll()
        .where('platform', '=', 'p4')
        .executeTakeFirstOrThrow();
      assert.equal(JSON.parse(row.payload).account.username, odd);
      assert.equal(typeof row.id, 'number');
      assert.equal(row.occurred_at, '2026-11-01T10:00:00.000Z');
      const n = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM events`.execute(t.db.kysely);
      assert.equal(typeof n.rows[0]!.n, 'number');
    });
  });
}
