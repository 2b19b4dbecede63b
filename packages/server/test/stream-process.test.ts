// Scale-out on NATS JetStream with real processes, on PostgreSQL: one `vigil serve --stream` storing events and
// publishing them, two `vigil worker --stream` consuming the partitions; one worker is killed with SIGKILL mid-run and
// restarted. Every event is analysed exactly once, in order per subject, counted from the database. The stream is
// this run's own (VIGIL_STREAM_NAME) and is deleted at the end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openTestDb, TestClock } from './helpers.ts';
import { createApiKey } from '../src/auth/api-keys.ts';
import { freePort, startServerProcess, startWorkerProcess, waitExit } from './process.ts';
import { analysisAudit } from './analysis-audit.ts';
import { loadConfig } from '../src/config.ts';
import { EventStream } from '../src/queue/stream/event-stream.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const TOTAL = 10_000;
const BATCH = 100;

/** 400 accounts, each created and then updated many times, and groups with joins: order per subject is visible. */
function batch(b: number) {
  return Array.from({ length: BATCH }, (_, k) => {
    const i = b * BATCH + k;
    if (i % 5 === 0)
      return {
        id: `s-${i}`,
        type: i < 500 ? 'group.created' : 'group.updated',
        occurred_at: '2026-11-20T10:00:00Z',
        group: { id: `grp-${i % 100}`, name: `group ${i}` },
      };
    return {
      id: `s-${i}`,
      type: i < 500 ? 'account.created' : 'account.updated',
      occurred_at: '2026-11-20T10:00:00Z',
      account: { id: `acc-${i % 400}`, display_name: `name ${i}` },
    };
  });
}

describe('vigil serve --stream + two vigil worker --stream processes on PostgreSQL and JetStream', () => {
  it(
    'analyses 10,000 events exactly once, in order per subject, across a SIGKILL of one worker',
    { timeout: 1_500_000 },
    async () => {
      const t = await openTestDb('postgres');
      const name = `VIGIL_TEST_${randomBytes(5).toString('hex')}`;
      // A short ack wait, so the killed worker's events come back soon (and a slow batch is kept alive by heartbeats).
      const config = join(t.dataDir, 'stream.json');
      writeFileSync(config, JSON.stringify({ stream: { ackWaitMs: 5000 } }));
      const admin = await EventStream.open({ ...loadConfig({ env: {} }).stream, url: NATS_URL, name });
      try {
        const key = (
          await createApiKey(
            t.db.kysely,
            { name: 'scale', platform: 'default', scopes: ['ingest'], createdBy: null, actor: 'test' },
            new TestClock(),
          )
        ).key;
        const env = { ...t.env, VIGIL_STREAM: NATS_URL, VIGIL_STREAM_NAME: name, VIGIL_CONFIG: config };
        const server = await startServerProcess({ ...env, VIGIL_WORKERS: '1' }, await freePort());
        const ready = await (await fetch(`${server.url}/readyz`)).json();
        assert.deepEqual(ready, { status: 'ready', database: 'postgres', stream: 'ok' });
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
          // Killed with work in hand: once a third is posted and the workers have analysed some events.
          if (killedAt < 0 && b >= TOTAL / BATCH / 3 && (await analysed()) > 0) {
            killedAt = await analysed();
            workers[0]!.child.kill('SIGKILL');
            await waitExit(workers[0]!.child);
          }
        }
        assert.ok(killedAt >= 0 && killedAt < TOTAL, 'a worker was killed while work remained');
        workers[0] = await startWorkerProcess(env, ports[0]!);
        // The worker's metrics port reports the stream and its consumer lag.
        const metrics = await (await fetch(`${workers[0]!.url}/metrics`)).text();
        assert.match(metrics, /^vigil_stream_consumer_lag\{partition="0"\} \d+$/m);
        assert.match(metrics, /^vigil_stream_ack_pending\{partition="63"\} \d+$/m);

        // Until all are analysed, or nothing moved for two minutes (a stall; what is left counts as lost below).
        for (let last = -1, since = Date.now(); ;) {
          const n = await analysed();
          if (n >= TOTAL || Date.now() - since > 120_000) break;
          if (n !== last) [last, since] = [n, Date.now()];
          await new Promise((r) => setTimeout(r, 250));
        }
        for (const p of [server, ...workers]) {
          p.child.kill('SIGTERM');
          await waitExit(p.child);
        }
        const audit = await analysisAudit(t.db.kysely, 's-');
        assert.deepEqual(audit, { events: TOTAL, lost: 0, duplicates: 0, outOfOrder: 0 });
        const dead = await t.db.kysely
          .selectFrom('jobs')
          .select(['kind', 'last_error'])
          .where('status', '=', 'dead')
          .execute();
        assert.deepEqual(dead, []);
        // Every event was published once and consumed: the partitions are empty.
        const lag = await admin.lag();
        assert.equal(lag.length, 64);
        assert.deepEqual(
          lag.filter((l) => l.pending || l.ackPending),
          [],
        );
        // Both worker processes analysed events.
        const by = await t.db.kysely.selectFrom('event_analyses').select('worker').distinct().execute();
        assert.ok(
          new Set(by.map((w) => w.worker.split(':')[1])).size >= 2,
          `analyses by several processes: ${by.map((w) => w.worker)}`,
        );
      } finally {
        await admin.destroy();
        await admin.close();
        await t.cleanup();
      }
    },
  );
});
