// The workers alone: how fast the database queue and the JetStream transport drain a backlog of stored events
// (apply → analysers → rules → verdicts → cases), with 1 and 2 workers, on PostgreSQL. Ingest and HTTP are left out
// (pipeline.bench.ts measures end to end), so this compares the two transports' worker side on equal terms: workers
// in this process, against the same database. JetStream: the workers start first and hold their partition leases;
// the timed part is publishing the backlog (the outbox) and consuming it. Every run is audited from the database
// (lost, duplicated, out-of-order analyses), not from counters.
//
//   npm run bench transport-drain -- [--events N] [--json]
import { cpus } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { testApp, silentLog, type TestApp } from '../packages/server/test/helpers.ts';
import { analysisAudit } from '../packages/server/test/analysis-audit.ts';
import { ingestEvents, validateEvents } from '../packages/server/src/ingest/ingest.ts';
import { Worker } from '../packages/server/src/queue/worker.ts';
import { jobHandlers, streamEventHandlers } from '../packages/server/src/service.ts';
import { EventStream } from '../packages/server/src/queue/stream/event-stream.ts';
import { StreamWorker } from '../packages/server/src/queue/stream/consumer.ts';
import { event } from './pipeline-events.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
};
const EVENTS = Number(arg('events') ?? 5000);
const JSON_OUT = process.argv.includes('--json');
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const log = (...a: unknown[]) => (JSON_OUT ? console.error(...a) : console.log(...a));
if (!(EVENTS > 0)) throw new Error('--events must be a positive number');

async function backlog(ta: TestApp): Promise<void> {
  for (let b = 0; b * 100 < EVENTS; b++) {
    const evs = Array.from({ length: Math.min(100, EVENTS - b * 100) }, (_, k) => event('drain', b * 100 + k));
    await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(evs), ta.clock);
  }
}

const analysed = async (ta: TestApp) =>
  Number(
    (await sql<{ n: number }>`SELECT COUNT(DISTINCT event_id) AS n FROM event_analyses`.execute(ta.ctx.db.kysely))
      .rows[0]!.n,
  );

async function untilAnalysed(ta: TestApp): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  while ((await analysed(ta)) < EVENTS) {
    if (Date.now() > deadline) throw new Error('not drained within 15 minutes');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function databaseQueue(ta: TestApp, workers: number): Promise<number> {
  const handlers = jobHandlers(ta.ctx.cfg);
  const ws = Array.from(
    { length: workers },
    (_, i) => new Worker({ db: ta.ctx.db, handlers, clock: ta.clock, log: silentLog, workerId: `db-${i}` }),
  );
  const t0 = performance.now();
  ws.forEach((w) => w.start());
  try {
    await untilAnalysed(ta);
    return performance.now() - t0;
  } finally {
    await Promise.all(ws.map((w) => w.stop()));
  }
}

async function jetStream(ta: TestApp, workers: number): Promise<number> {
  const cfg = {
    ...ta.ctx.cfg.stream,
    url: NATS_URL,
    name: `VIGIL_DRAIN_${randomBytes(5).toString('hex')}`,
    ackWaitMs: 5000,
  };
  const admin = await EventStream.open(cfg);
  const streams = await Promise.all(Array.from({ length: workers }, () => EventStream.open(cfg)));
  const ws = streams.map(
    (stream, i) =>
      new StreamWorker({
        db: ta.ctx.db,
        stream,
        handlers: streamEventHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: `js-${i}`,
      }),
  );
  try {
    await Promise.all(ws.map((w) => w.start()));
    const held = () => ws.map((w) => w.partitions().length);
    const fair = Math.ceil(cfg.partitions / workers);
    while (!(held().reduce((a, b) => a + b, 0) === cfg.partitions && held().every((n) => n <= fair)))
      await new Promise((r) => setTimeout(r, 50));
    // The outbox: the `event.apply` jobs publish the events (as `vigil serve --stream` does); consumed meanwhile.
    const publisher = new Worker({
      db: ta.ctx.db,
      handlers: jobHandlers(ta.ctx.cfg, undefined, undefined, admin),
      clock: ta.clock,
      log: silentLog,
      workerId: 'outbox',
    });
    const t0 = performance.now();
    publisher.start();
    try {
      await untilAnalysed(ta);
      return performance.now() - t0;
    } finally {
      await publisher.stop();
    }
  } finally {
    await Promise.all(ws.map((w) => w.stop()));
    await Promise.all(streams.map((s) => s.close()));
    await admin.destroy();
    await admin.close();
  }
}

const results: {
  transport: string;
  workers: number;
  events: number;
  events_per_s: number;
  lost: number;
  duplicates: number;
  out_of_order: number;
}[] = [];
log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${EVENTS} stored events drained on PostgreSQL`,
);
for (const [transport, run] of [
  ['database queue', databaseQueue],
  ['jetstream', jetStream],
] as const) {
  for (const workers of [1, 2]) {
    const ta = await testApp('postgres');
    try {
      await backlog(ta);
      const ms = await run(ta, workers);
      const a = await analysisAudit(ta.ctx.db.kysely, 'drain-');
      const r = {
        transport,
        workers,
        events: EVENTS,
        events_per_s: Math.round(EVENTS / (ms / 1000)),
        lost: a.lost,
        duplicates: a.duplicates,
        out_of_order: a.outOfOrder,
      };
      results.push(r);
      log(
        `${transport.padEnd(14)} ${workers} worker(s)  ${r.events_per_s.toLocaleString('en')} events/s (${(ms / 1000).toFixed(1)} s)  lost ${r.lost}  duplicates ${r.duplicates}  out of order ${r.out_of_order}`,
      );
    } finally {
      await ta.close();
    }
  }
}
if (JSON_OUT) console.log(JSON.stringify({ results }));
