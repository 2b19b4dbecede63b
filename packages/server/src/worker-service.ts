// `vigil worker`: a process that only runs job workers (no HTTP API), against the shared database.
// Stateless: everything it needs is in the database (and the stream, when configured), so more
// processes on more machines add throughput. An optional metrics port serves /metrics and /readyz.
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { openDb, jobHandlers, openStream, streamEventHandlers } from './service.ts';
import { StreamWorker } from './queue/stream/consumer.ts';
import type { EventStream } from './queue/stream/event-stream.ts';
import { migrateToLatest } from './db/migrate.ts';
import { Worker } from './queue/worker.ts';
import { BankIndex } from './media/index.ts';
import { systemClock, type Clock } from './util/time.ts';
import type { Db } from './db/connect.ts';
import { METRICS_CONTENT_TYPE, metricsAllowed, scrape } from './metrics/metrics.ts';
import { readiness } from './metrics/ready.ts';
import { loadKeyring } from './keys/keyring.ts';

export interface WorkerService {
  db: Db;
  /** The metrics port's URL, when one was asked for. */
  metricsUrl?: string;
  workers: Worker[];
  /** The JetStream consumer, when `--stream` is configured. */
  streamWorker?: StreamWorker;
  stop(): Promise<void>;
}

export interface WorkerServiceOptions {
  log?: Logger;
  clock?: Clock;
  /** Serve /metrics, /readyz and /healthz on this port (0: any free port). */
  metricsPort?: number;
}

export async function startWorkerService(cfg: Config, o: WorkerServiceOptions = {}): Promise<WorkerService> {
  const log = o.log ?? pino({ level: cfg.logLevel });
  const clock = o.clock ?? systemClock;
  const db = openDb(cfg);
  let streamed: Awaited<ReturnType<typeof openStream>>;
  try {
    // The same migrations a server runs (Kysely's migrator takes a lock), so workers may start first.
    await migrateToLatest(db);
    await loadKeyring(db, cfg, { log, clock, who: `${hostname()}:${process.pid}` });
    const bankIndex = new BankIndex();
    // With a stream: the partitions' events come from JetStream; the database queue's loops still run the other jobs
    // and publish accepted events (the outbox), so events get published even when every server is down.
    streamed = await openStream(cfg, `vigil worker ${hostname()}:${process.pid}`);
    const stream = streamed?.stream;
    const workers: Worker[] = [];
    for (let i = 0; i < Math.max(1, cfg.workers); i++) {
      workers.push(
        new Worker({
          db,
          handlers: jobHandlers(cfg, bankIndex, log, stream),
          clock,
          log,
          workerId: `${hostname()}:${process.pid}:w${i}`,
          leaseMs: cfg.jobLeaseMs,
        }),
      );
    }
    const streamWorker = stream
      ? new StreamWorker({
          db,
          stream,
          handlers: streamEventHandlers(cfg, bankIndex),
          clock,
          log,
          workerId: `${hostname()}:${process.pid}:stream`,
        })
      : undefined;
    let server: Server | undefined;
    let metricsUrl: string | undefined;
    if (o.metricsPort !== undefined) {
      server = metricsServer(cfg, db, stream);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(o.metricsPort, cfg.host, () => resolve());
      });
      const addr = server.address();
      metricsUrl = `http://${cfg.host}:${typeof addr === 'object' && addr ? addr.port : o.metricsPort}`;
    }
    workers.forEach((w) => w.start());
    await streamWorker?.start();
    const streamName = stream ? `${stream.url} ${stream.cfg.name}` : undefined;
    log.info({ workers: workers.length, stream: streamName, metricsUrl }, 'vigil worker started');
    return {
      db,
      metricsUrl,
      workers,
      streamWorker,
      async stop() {
        await streamWorker?.stop();
        await Promise.all(workers.map((w) => w.stop()));
        if (server) await new Promise<void>((r) => server!.close(() => r()));
        await streamed?.close();
        await db.close();
      },
    };
  } catch (e) {
    await streamed?.close().catch(() => {});
    await db.close().catch(() => {});
    throw e;
  }
}

/** A bare HTTP server for a worker: /metrics (with the configured access rule), /readyz and /healthz. */
function metricsServer(cfg: Config, db: Db, stream?: EventStream): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const json = (status: number, body: unknown) => send(status, 'application/json', JSON.stringify(body));
    if (req.method !== 'GET') return json(405, { error: { code: 'method_not_allowed', message: 'GET only' } });
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz') {
      readiness(db, stream).then(
        (r) =>
          json(
            r.ready ? 200 : 503,
            r.ready
              ? { status: 'ready', database: r.database, stream: r.stream }
              : { status: 'unavailable', error: r.error, database: r.database, stream: r.stream },
          ),
        (e) => json(503, { status: 'unavailable', error: String(e) }),
      );
      return;
    }
    if (path === '/metrics') {
      const verdict = metricsAllowed(cfg.metrics, req.socket.remoteAddress, req.headers.authorization);
      if (verdict === 'off')
        return json(404, { error: { code: 'not_found', message: 'metrics are turned off (metrics.access)' } });
      if (verdict === 'forbidden')
        return json(403, {
          error: { code: 'forbidden', message: 'metrics are not readable from here (metrics.access)' },
        });
      scrape(db).then(
        (text) => send(200, METRICS_CONTENT_TYPE, text),
        (e) => json(500, { error: { code: 'internal', message: String(e) } }),
      );
      return;
    }
    json(404, { error: { code: 'not_found', message: `no route GET ${path}` } });
  });
}
