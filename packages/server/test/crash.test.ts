// The durability promise: 10,000 events ingested, the server killed with SIGKILL mid-way,
// restarted; every event is processed exactly once — none lost, none applied twice.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DIALECTS, openTestDb, TestClock } from './helpers.ts';
import { createApiKey } from '../src/auth/api-keys.ts';
import { freePort, startServerProcess, waitExit } from './process.ts';

const TOTAL = 10_000;
const BATCH = 100;

function batch(b: number) {
  return Array.from({ length: BATCH }, (_, k) => {
    const i = b * BATCH + k;
    // 500 accounts: each is updated many times, so a double apply shows in its event_count.
    return {
      id: `crash-${i}`,
      type: 'account.updated',
      occurred_at: '2026-11-01T10:00:00Z',
      account: { id: `acc-${i % 500}`, display_name: `name ${i}` },
    };
  });
}

for (const dialect of DIALECTS) {
  describe(`crash safety (${dialect})`, () => {
    it('processes every accepted event exactly once across a kill -9', { timeout: 900_000 }, async () => {
      const t = await openTestDb(dialect);
      try {
        const key = (
          await createApiKey(
            t.db.kysely,
            { name: 'crash', platform: 'default', scopes: ['ingest'], createdBy: null, actor: 'test' },
            new TestClock(),
          )
        ).key;
        const port = await freePort();
        const post = (url: string, b: number) =>
          fetch(`${url}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ events: batch(b) }),
          });

        const acked = new Set<number>();
        // A short lease so the killed worker's jobs come back quickly.
        const env = { ...t.env, VIGIL_JOB_LEASE_MS: '2000' };
        let server = await startServerProcess(env, port);
        const batches = TOTAL / BATCH;
        let next = 0;
        let killed = false;
        // Four concurrent senders; the server is killed once half the batches are acknowledged.
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (!killed && next < batches) {
              const b = next++;
              try {
                const r = await post(server.url, b);
                if (r.status === 200) acked.add(b);
              } catch {
                /* connection refused or reset by the kill: resent below */
              }
              if (!killed && acked.size >= batches / 2) {
                killed = true;
                server.child.kill('SIGKILL');
              }
            }
          }),
        );
        await waitExit(server.child);
        const atKill = await counts(t);
        assert.ok(atKill.events >= acked.size * BATCH, 'every acknowledged event was durable');
        assert.ok(atKill.processed < TOTAL, 'the kill happened before all events were processed');

        server = await startServerProcess(env, port);
        let duplicates = 0;
        for (let b = 0; b < batches; b++) {
          if (acked.has(b)) continue; // not acknowledged: the platform resends; some were stored before the kill
          const r = await post(server.url, b);
          const body = await r.text();
          assert.equal(r.status, 200, body);
          duplicates += JSON.parse(body).duplicates;
        }
        // A replay of an acknowledged batch is accepted and ignored.
        const replay = await (await post(server.url, [...acked][0]!)).json();
        assert.equal(replay.duplicates, BATCH);

        // Correctness, not speed: a loaded CI machine may take minutes to drain 10,000 events on PostgreSQL.
        const deadline = Date.now() + 600_000;
        let c = await counts(t);
        while (c.processed < TOTAL && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
          c = await counts(t);
        }
        server.child.kill('SIGTERM');
        await waitExit(server.child);

        assert.equal(c.events, TOTAL, 'no event lost, none stored twice');
        assert.equal(c.processed, TOTAL, 'every event processed');
        assert.equal(c.effects, TOTAL, 'every event applied exactly once (sum of per-account counters)');
        assert.equal(c.jobs, TOTAL, 'one job per event');
        assert.equal(c.jobsDone, TOTAL);
        assert.equal(c.dead, 0);
        // Informative: how many resent events had already been stored before the kill.
        assert.ok(duplicates >= 0);
      } finally {
        await t.cleanup();
      }
    });
  });
}

async function counts(t: Awaited<ReturnType<typeof openTestDb>>) {
  const one = async (q: ReturnType<typeof sql<{ n: number | null }>>) =>
    Number((await q.execute(t.db.kysely)).rows[0]?.n ?? 0);
  return {
    events: await one(sql`SELECT COUNT(*) AS n FROM events`),
    processed: await one(sql`SELECT COUNT(*) AS n FROM events WHERE processed_at IS NOT NULL`),
    effects: await one(sql`SELECT SUM(event_count) AS n FROM accounts`),
    jobs: await one(sql`SELECT COUNT(*) AS n FROM jobs WHERE kind = 'event.apply'`),
    jobsDone: await one(sql`SELECT COUNT(*) AS n FROM jobs WHERE kind = 'event.apply' AND status = 'done'`),
    dead: await one(sql`SELECT COUNT(*) AS n FROM jobs WHERE status = 'dead'`),
  };
}
