// End to end: events → apply → analysers → rules → verdicts → review cases, through real `vigil` processes.
//   sqlite    one `vigil serve` with its embedded SQLite database (workers in the server process)
//   postgres  one `vigil serve --workers 0` and one `vigil worker`, on PostgreSQL
//   jetstream one `vigil serve --stream` and two `vigil worker --stream`, on PostgreSQL and NATS JetStream
//             (NATS_URL, default nats://127.0.0.1:4222; a stream of the run's own, deleted at the end); in each run
//             one worker is killed with SIGKILL a third of the way through sending and started again (the restart
//             runs beside the sending; the killed worker's partitions are taken over once their 5 s leases run out)
// Two runs per store: as fast as accepted (N events POSTed in batches of 100, throughput until every event is
// analysed), and open loop (a steady R events/s for D seconds, sent on schedule whatever the responses).
// Latency is per event, accepted (events.received_at) → analysed (event_analyses.analysed_at). Lost, duplicated
// and out-of-order analyses are counted from the database after each run (test/analysis-audit.ts).
//
//   npm run bench pipeline -- [--events N] [--rate R] [--duration S] [--store sqlite|postgres[,…]] [--loops L] [--json]
// (--loops: worker loops in the PostgreSQL worker process, default 1)
// Without --rate: both runs, the open loop at 1,000 events/s for 60 s. With --rate: only the open loop at R.
// --json makes the last line {"results":[…],"open_loop":[…]}.
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { openTestDb, TestClock, type TestDb } from '../packages/server/test/helpers.ts';
import {
  freePort,
  startServerProcess,
  startWorkerProcess,
  waitExit,
  type ServerProcess,
} from '../packages/server/test/process.ts';
import { analysisAudit } from '../packages/server/test/analysis-audit.ts';
import { createApiKey } from '../packages/server/src/auth/api-keys.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { EventStream } from '../packages/server/src/queue/stream/event-stream.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { event } from './pipeline-events.ts';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}
const JSON_OUT = process.argv.includes('--json');
// Interrupted: exit normally, so the process helpers stop the vigil processes this run started.
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));
const EVENTS = Number(flag('events') ?? process.env.BENCH_PIPELINE_EVENTS ?? 5000);
const RATE = flag('rate') === undefined ? undefined : Number(flag('rate'));
const DURATION = Number(flag('duration') ?? 60);
const STORES = (flag('store') ?? 'sqlite,postgres,jetstream').split(',').map((s) => s.trim());
const BATCH = 100;
/** Worker loops in the worker process (PostgreSQL; SQLite has one writer, so its server runs one). */
const LOOPS = Number(flag('loops') ?? 1);
const log = (...a: unknown[]) => (JSON_OUT ? console.error(...a) : console.log(...a));

for (const s of STORES)
  if (!['sqlite', 'postgres', 'jetstream'].includes(s))
    throw new Error(`--store: unknown store "${s}" (sqlite, postgres, jetstream)`);
if (!(EVENTS > 0) || (RATE !== undefined && !(RATE > 0)) || !(DURATION > 0))
  throw new Error('--events, --rate and --duration must be positive numbers');

interface Deployment {
  t: TestDb;
  key: string;
  server: ServerProcess;
  processes: ServerProcess[];
  /** jetstream: SIGKILLs a worker and starts it again. */
  killWorker?(): Promise<void>;
  stop(): Promise<void>;
}

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

async function deploy(store: string): Promise<Deployment> {
  const t = await openTestDb(store === 'sqlite' ? 'sqlite' : 'postgres');
  const key = (
    await createApiKey(
      t.db.kysely,
      { name: 'bench', platform: 'default', scopes: ['ingest'], createdBy: null, actor: 'bench' },
      new TestClock(),
    )
  ).key;
  const processes: ServerProcess[] = [];
  if (store === 'jetstream') {
    const name = `VIGIL_BENCH_${randomBytes(5).toString('hex')}`;
    const config = join(t.dataDir, 'stream.json');
    // The killed worker's partitions (leases) and events come back after 5 s, and so do the outbox jobs its database
    // queue loop held (publishing) when it was killed. BENCH_STREAM_PARTITIONS: another partition count than the default.
    const partitions = process.env.BENCH_STREAM_PARTITIONS
      ? { partitions: Number(process.env.BENCH_STREAM_PARTITIONS) }
      : {};
    writeFileSync(config, JSON.stringify({ jobLeaseMs: 5000, stream: { ackWaitMs: 5000, ...partitions } }));
    const admin = await EventStream.open({ ...loadConfig({ env: {} }).stream, url: NATS_URL, name, ...partitions });
    const env = { ...t.env, VIGIL_STREAM: NATS_URL, VIGIL_STREAM_NAME: name, VIGIL_CONFIG: config };
    // The server's queue loop publishes accepted events (the outbox); the workers consume the partitions.
    processes.push(await startServerProcess({ ...env, VIGIL_WORKERS: '1' }, await freePort()));
    const ports = [await freePort(), await freePort()];
    for (const port of ports) processes.push(await startWorkerProcess({ ...env, VIGIL_WORKERS: String(LOOPS) }, port));
    let restarting: Promise<void> = Promise.resolve();
    return {
      t,
      key,
      server: processes[0]!,
      processes,
      // The restart runs beside the sending (a worker starting elsewhere does not hold up the platform's requests).
      async killWorker() {
        processes[1]!.child.kill('SIGKILL');
        await waitExit(processes[1]!.child);
        restarting = startWorkerProcess({ ...env, VIGIL_WORKERS: String(LOOPS) }, ports[0]!).then(
          (p) => void (processes[1] = p),
          (e) => log(`restarting the killed worker failed: ${e}`),
        );
      },
      async stop() {
        await restarting;
        for (const p of processes) {
          p.child.kill('SIGTERM');
          await waitExit(p.child);
        }
        await admin.destroy();
        await admin.close();
        await t.cleanup();
      },
    };
  }
  if (store === 'sqlite') {
    processes.push(await startServerProcess({ ...t.env, VIGIL_WORKERS: '1' }, await freePort()));
  } else {
    processes.push(await startServerProcess({ ...t.env, VIGIL_WORKERS: '0' }, await freePort()));
    processes.push(await startWorkerProcess({ ...t.env, VIGIL_WORKERS: String(LOOPS) }, await freePort()));
  }
  return {
    t,
    key,
    server: processes[0]!,
    processes,
    async stop() {
      for (const p of processes) {
        p.child.kill('SIGTERM');
        await waitExit(p.child);
      }
      await t.cleanup();
    },
  };
}

const post = async (d: Deployment, events: unknown[]) => {
  const r = await fetch(`${d.server.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${d.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  if (r.status !== 200) throw new Error(`ingest: ${r.status} ${await r.text()}`);
};

/**
 * Waits until every event of the run is analysed, or nothing has moved for 60 s (what is left is lost), or
 * 15 minutes have passed (an overloaded run; what is left is reported as still queued, not lost).
 */
async function settle(d: Deployment, run: string, total: number): Promise<boolean> {
  let last = -1;
  let since = Date.now();
  const cap = Date.now() + 15 * 60_000;
  for (;;) {
    if (Date.now() > cap) return false;
    const n = Number(
      (
        await sql<{
          n: number;
        }>`SELECT COUNT(DISTINCT a.event_id) AS n FROM event_analyses a JOIN events e ON e.id = a.event_id WHERE e.external_id LIKE ${`${run}-%`}`.execute(
          d.t.db.kysely,
        )
      ).rows[0]!.n,
    );
    if (n >= total) return true;
    if (n !== last) [last, since] = [n, Date.now()];
    if (Date.now() - since > 60_000) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function latencies(d: Deployment, run: string): Promise<number[]> {
  const rows = await sql<{ received_at: string; analysed_at: string }>`
    SELECT e.received_at, MIN(a.analysed_at) AS analysed_at FROM events e JOIN event_analyses a ON a.event_id = e.id
    WHERE e.external_id LIKE ${`${run}-%`} GROUP BY e.id, e.received_at`.execute(d.t.db.kysely);
  return rows.rows.map((r) => Date.parse(r.analysed_at) - Date.parse(r.received_at)).sort((a, b) => a - b);
}

const pct = (xs: number[], p: number) =>
  xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN;

const results: {
  store: string;
  processes: number;
  events: number;
  events_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  lost: number;
  duplicates: number;
  out_of_order: number;
}[] = [];
const openLoop: {
  store: string;
  rate: number;
  p50_ms: number;
  p99_ms: number;
  lost: number;
  duplicates: number;
  out_of_order: number;
}[] = [];

log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; stores ${STORES.join(', ')}; ${RATE === undefined ? `${EVENTS} events as fast as accepted, then ` : ''}open loop ${RATE ?? 1000} events/s for ${DURATION} s`,
);
for (const store of STORES) {
  const d = await deploy(store);
  try {
    if (RATE === undefined) {
      const run = 'fast';
      const t0 = performance.now();
      const batches = Math.ceil(EVENTS / BATCH);
      for (let b = 0; b < batches; b++) {
        if (d.killWorker && b === Math.floor(batches / 3)) await d.killWorker();
        await post(
          d,
          Array.from({ length: Math.min(BATCH, EVENTS - b * BATCH) }, (_, k) => event(run, b * BATCH + k)),
        );
      }
      await settle(d, run, EVENTS);
      const secs = (performance.now() - t0) / 1000;
      const lat = await latencies(d, run);
      const a = await analysisAudit(d.t.db.kysely, `${run}-`);
      const r = {
        store,
        processes: d.processes.length,
        events: EVENTS,
        events_per_s: Math.round((EVENTS - a.lost) / secs),
        p50_ms: pct(lat, 50),
        p99_ms: pct(lat, 99),
        max_ms: lat.at(-1) ?? NaN,
        lost: a.lost,
        duplicates: a.duplicates,
        out_of_order: a.outOfOrder,
      };
      results.push(r);
      log(
        `${store.padEnd(9)} ${r.processes} process(es)  ${r.events_per_s.toLocaleString('en')} events/s end to end (${secs.toFixed(1)} s)  latency p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms  max ${r.max_ms} ms  lost ${r.lost}  duplicates ${r.duplicates}  out of order ${r.out_of_order}`,
      );
    }
    // Open loop: a batch every 50 ms on a fixed schedule; requests are not awaited before the next is due.
    const rate = RATE ?? 1000;
    const run = 'open';
    const perTick = Math.max(1, Math.round(rate / 20));
    const ticks = Math.round((DURATION * rate) / perTick);
    const start = performance.now();
    const pending: Promise<void>[] = [];
    const kill = d.killWorker
      ? setTimeout(() => void d.killWorker!().catch((e) => log(`killing a worker failed: ${e}`)), (DURATION * 1000) / 3)
      : undefined;
    let refused = 0; // batches the server did not accept (overload): never accepted, so not counted as lost
    for (let k = 0; k < ticks; k++) {
      const due = start + k * 50;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(
        post(
          d,
          Array.from({ length: perTick }, (_, j) => event(run, k * perTick + j)),
        ).catch(() => void refused++),
      );
    }
    await Promise.all(pending);
    clearTimeout(kill);
    const accepted = Number(
      (
        await sql<{ n: number }>`SELECT COUNT(*) AS n FROM events WHERE external_id LIKE ${`${run}-%`}`.execute(
          d.t.db.kysely,
        )
      ).rows[0]!.n,
    );
    const finished = await settle(d, run, accepted);
    const lat = await latencies(d, run);
    const a = await analysisAudit(d.t.db.kysely, `${run}-`);
    if (refused)
      log(
        `${store}: ${refused} open-loop batches were not accepted (connection refused or timed out: the server was overloaded)`,
      );
    if (!finished)
      log(`${store}: ${a.lost} accepted events were still queued after 15 minutes (reported as lost below)`);
    const o = {
      store,
      rate,
      p50_ms: pct(lat, 50),
      p99_ms: pct(lat, 99),
      lost: a.lost,
      duplicates: a.duplicates,
      out_of_order: a.outOfOrder,
    };
    openLoop.push(o);
    log(
      `${store.padEnd(9)} open loop ${rate.toLocaleString('en')} events/s for ${DURATION} s: latency p50 ${o.p50_ms} ms  p99 ${o.p99_ms} ms  lost ${o.lost}  duplicates ${o.duplicates}  out of order ${o.out_of_order}`,
    );
  } finally {
    await d.stop();
  }
}
if (JSON_OUT) {
  console.log(
    JSON.stringify({
      results,
      open_loop: openLoop.map(({ store, rate, p50_ms, p99_ms }) => ({ store, rate, p50_ms, p99_ms })),
    }),
  );
}
