// Ingest throughput: events/s accepted through POST /v1/events (batches of 100, real HTTP on
// loopback, a real server process) into SQLite and PostgreSQL, and how fast the worker applies them.
// Run: npm run bench ingest   (BENCH_INGEST_EVENTS=20000 to change the size)
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { openTestDb, TestClock } from '../packages/server/test/helpers.ts';
import { freePort, startServerProcess, waitExit } from '../packages/server/test/process.ts';
import { createApiKey } from '../packages/server/src/auth/api-keys.ts';

const TOTAL = Number(process.env.BENCH_INGEST_EVENTS ?? 20_000);
const BATCH = 100;
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 4);

function batch(b: number) {
  return Array.from({ length: BATCH }, (_, k) => {
    const i = b * BATCH + k;
    return {
      id: `bench-${i}`,
      type: 'account.updated',
      occurred_at: '2026-11-01T10:00:00Z',
      account: {
        id: `acc-${i % 5000}`,
        username: `user_${i}`,
        display_name: `Name ${i}`,
        bio: 'Cycling, bread, photos of the sea.',
      },
    };
  });
}

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${TOTAL} events in batches of ${BATCH}, ${CONCURRENCY} concurrent clients`,
);
for (const dialect of ['sqlite', 'postgres'] as const) {
  const t = await openTestDb(dialect);
  const key = (
    await createApiKey(
      t.db.kysely,
      { name: 'bench', platform: 'default', scopes: ['ingest'], createdBy: null, actor: 'bench' },
      new TestClock(),
    )
  ).key;
  const server = await startServerProcess(t.env, await freePort());
  const bodies = Array.from({ length: TOTAL / BATCH }, (_, b) => JSON.stringify({ events: batch(b) }));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const r = await fetch(`${server.url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body,
        });
        if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
        await r.arrayBuffer();
      }
    }),
  );
  const ingestSec = (performance.now() - t0) / 1000;
  let processed = 0;
  while (processed < TOTAL) {
    processed = Number(
      (await sql<{ n: number }>`SELECT COUNT(*) AS n FROM events WHERE processed_at IS NOT NULL`.execute(t.db.kysely))
        .rows[0]!.n,
    );
    if (processed < TOTAL) await new Promise((r) => setTimeout(r, 100));
  }
  const allSec = (performance.now() - t0) / 1000;
  server.child.kill('SIGTERM');
  await waitExit(server.child);
  await t.cleanup();
  console.log(
    `${dialect.padEnd(8)}  ingest ${Math.round(TOTAL / ingestSec).toLocaleString('en')} events/s (${ingestSec.toFixed(1)} s)   ingest+applied ${Math.round(TOTAL / allSec).toLocaleString('en')} events/s (${allSec.toFixed(1)} s)`,
  );
}
