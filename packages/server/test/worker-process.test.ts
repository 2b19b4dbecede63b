// Scale-out on the database queue with real processes: one `vigil serve --workers 0` taking events and two
// `vigil worker` processes analysing them on PostgreSQL; one worker is killed with SIGKILL mid-run and restarted.
// Every event is analysed exactly once, in order per subject, counted from the database.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestDb, TestClock } from './helpers.ts';
import { createApiKey } from '../src/auth/api-keys.ts';
import { freePort, startServerProcess, startWorkerProcess, waitExit } from './process.ts';
import { analysisAudit } from './analysis-audit.ts';

const TOTAL = 3000;
const BATCH = 100;

/** 150 accounts, each created and then updated many times: order per subject is visible. */
function batch(b: number) {
  return Array.from({ length: BATCH }, (_, k) => {
    const i = b * BATCH + k;
    return {
      id: `w-${i}`,
      type: i < 150 ? 'account.created' : 'account.updated',
      occurred_at: '2026-11-20T10:00:00Z',
      account: { id: `acc-${i % 150}`, display_name: `name ${i}` },
    };
  });
}

describe('vigil serve + two vigil worker processes on PostgreSQL', () => {
  it(
    'analyses every event exactly once, in order per subject, across a SIGKILL of one worker',
    { timeout: 420_000 },
    async () => {
      const t = await openTestDb('postgres');
      try {
        const key = (
          await createApiKey(
            t.db.kysely,
            { name: 'scale', platform: 'default', scopes: ['ingest'], createdBy: null, actor: 'test' },
            new TestClock(),
          )
        ).key;
        // A lease short enough that the killed worker's jobs come back soon, long enough that a batch on a loaded
        // machine finishes inside it (a lease that runs out mid-batch hands the jobs to the other worker).
        const env = { ...t.env, VIGIL_JOB_LEASE_MS: '15000' };
        const server = await startServerProcess({ ...env, VIGIL_WORKERS: '0' }, await freePort());
        const ports = [await freePort(), await freePort()];
        const workers = [await startWorkerProcess(env, ports[0]!), await startWorkerProcess(env, ports[1]!)];
        const analysed = async () =>
          Number(
            (await sql<{ n: number }>`SELECT COUNT(DISTINCT event_id) AS n FROM event_analyses`.execute(t.db.kysely))
              .rows[0]!.n,
          );

        let killedAt = -1;
        for (let b = 0; b < TOTAL / BATCH; b++) {
          const r = await fetch(`${server.url}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ events: batch(b) }),
          });
          assert.equal(r.status, 200, await r.text());
          const done = async () =>
            Number(
              (await sql<{ n: number }>`SELECT COUNT(*) AS n FROM jobs WHERE status = 'done'`.execute(t.db.kysely))
                .rows[0]!.n,
            );
          // Killed with work in hand: once a third is posted and the workers have finished some jobs.
          if (killedAt < 0 && b >= TOTAL / BATCH / 3 && (await done()) > 0) {
            killedAt = await analysed();
            workers[0]!.child.kill('SIGKILL');
            await waitExit(workers[0]!.child);
          }
        }
        assert.ok(killedAt >= 0 && killedAt < TOTAL, 'a worker was killed while work remained');
        workers[0] = await startWorkerProcess(env, ports[0]!);

        const deadline = Date.now() + 300_000;
        while ((await analysed()) < TOTAL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
        for (const p of [server, ...workers]) {
          p.child.kill('SIGTERM');
          await waitExit(p.child);
        }
        const audit = await analysisAudit(t.db.kysely, 'w-');
        assert.deepEqual(audit, { events: TOTAL, lost: 0, duplicates: 0, outOfOrder: 0 });
        const dead = await t.db.kysely
          .selectFrom('jobs')
          .select(['kind', 'last_error'])
          .where('status', '=', 'dead')
          .execute();
        assert.deepEqual(dead, []);
        // Both workers did work: the processes that completed jobs (applying or analysing events). Counted over every
        // job, not only analyses: on a loaded machine one process can happen to take every analysis batch while the
        // other applies events, and that is still two processes sharing the queue.
        const by = await t.db.kysely
          .selectFrom('jobs')
          .select('locked_by')
          .distinct()
          .where('status', '=', 'done')
          .execute();
        const processes = new Set(by.map((w) => String(w.locked_by).split(':')[1]));
        assert.ok(processes.size >= 2, `jobs done by several processes: ${by.map((w) => w.locked_by)}`);
      } finally {
        await t.cleanup();
      }
    },
  );
});
