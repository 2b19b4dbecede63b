// Prometheus metrics for one process (server or worker). One registry per process: counters and
// histograms are updated where the work happens; queue gauges are read from the database at scrape
// time, so every process reports the same shared queue and no process needs to keep it in memory.
import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Config } from '../config.ts';

const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'vigil_' });

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const metrics = {
  eventsAccepted: new Counter({
    name: 'vigil_events_accepted_total',
    help: 'Events stored by POST /v1/events, by event type',
    labelNames: ['type'],
    registers: [registry],
  }),
  eventsDuplicate: new Counter({
    name: 'vigil_events_duplicate_total',
    help: 'Events ignored as replays of an already stored id, by event type',
    labelNames: ['type'],
    registers: [registry],
  }),
  eventsRefused: new Counter({
    name: 'vigil_events_refused_total',
    help: 'Events in batches refused by validation, by event type ("unknown" when the type itself is invalid)',
    labelNames: ['type'],
    registers: [registry],
  }),
  jobBatchSize: new Histogram({
    name: 'vigil_job_batch_size',
    help: 'Jobs claimed per worker batch',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  }),
  jobDuration: new Histogram({
    name: 'vigil_job_duration_seconds',
    help: 'Time to run one job (its share of a batch transaction), by kind and outcome',
    labelNames: ['kind', 'outcome'],
    buckets: latencyBuckets,
    registers: [registry],
  }),
  analysisDuration: new Histogram({
    name: 'vigil_analysis_duration_seconds',
    help: 'Time to analyse one event: analysers, rules and verdicts',
    buckets: latencyBuckets,
    registers: [registry],
  }),
  analyserDuration: new Histogram({
    name: 'vigil_analyser_duration_seconds',
    help: 'Time spent in one analyser for one event',
    labelNames: ['analyser'],
    buckets: latencyBuckets,
    registers: [registry],
  }),
  acceptedToAnalysed: new Histogram({
    name: 'vigil_event_accepted_to_analysed_seconds',
    help: 'From an event being accepted to the end of its analysis',
    buckets: [...latencyBuckets, 60, 300],
    registers: [registry],
  }),
  signals: new Counter({
    name: 'vigil_signals_total',
    help: 'Signals stored, by kind',
    labelNames: ['kind'],
    registers: [registry],
  }),
  verdicts: new Counter({
    name: 'vigil_verdicts_total',
    help: 'Rule verdicts, by outcome type and rule mode',
    labelNames: ['outcome', 'mode'],
    registers: [registry],
  }),
  matcherQueries: new Counter({
    name: 'vigil_matcher_queries_total',
    help: 'Hash-bank matcher queries made while analysing events',
    registers: [registry],
  }),
  matcherDuration: new Histogram({
    name: 'vigil_matcher_query_duration_seconds',
    help: 'Hash-bank matcher latency per analysed event',
    buckets: latencyBuckets,
    registers: [registry],
  }),
  webhookDeliveries: new Counter({
    name: 'vigil_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by outcome (delivered, retry, dead)',
    labelNames: ['outcome'],
    registers: [registry],
  }),
  httpDuration: new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request durations, by method, route and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: latencyBuckets,
    registers: [registry],
  }),
  queueDepth: new Gauge({
    name: 'vigil_queue_depth',
    help: 'Jobs waiting (pending or running), by kind',
    labelNames: ['kind'],
    registers: [registry],
  }),
  queueOldest: new Gauge({
    name: 'vigil_queue_oldest_age_seconds',
    help: 'Age of the oldest waiting job, by kind',
    labelNames: ['kind'],
    registers: [registry],
  }),
  queueDead: new Gauge({
    name: 'vigil_queue_dead',
    help: 'Jobs parked as dead letters, by kind',
    labelNames: ['kind'],
    registers: [registry],
  }),
  partitionDepth: new Gauge({
    name: 'vigil_partition_depth',
    help: 'Analysis jobs waiting, by subject partition',
    labelNames: ['partition'],
    registers: [registry],
  }),
  partitionOldest: new Gauge({
    name: 'vigil_partition_oldest_age_seconds',
    help: 'Age of the oldest waiting analysis job, by subject partition',
    labelNames: ['partition'],
    registers: [registry],
  }),
  streamLag: new Gauge({
    name: 'vigil_stream_consumer_lag',
    help: 'JetStream events not yet delivered to any worker, by partition consumer',
    labelNames: ['partition'],
    registers: [registry],
  }),
  streamAckPending: new Gauge({
    name: 'vigil_stream_ack_pending',
    help: 'JetStream events delivered but not yet acknowledged, by partition consumer',
    labelNames: ['partition'],
    registers: [registry],
  }),
};

/** Things a scrape refreshes before rendering (the stream transport adds its consumer lag here). */
const refreshers = new Set<() => Promise<void>>();
export function onScrape(f: () => Promise<void>): () => void {
  refreshers.add(f);
  return () => refreshers.delete(f);
}

/** Reads queue depth and oldest age per job kind (and per partition, where jobs carry one) from the shared database. */
async function refreshQueueGauges(db: Db, now = Date.now()): Promise<void> {
  const rows = (
    await sql<{ kind: string; status: string; n: number | string; oldest: string | null }>`
      SELECT kind, status, COUNT(*) AS n, MIN(created_at) AS oldest FROM jobs
      WHERE status IN ('pending', 'running', 'dead') GROUP BY kind, status`.execute(db.kysely)
  ).rows;
  metrics.queueDepth.reset();
  metrics.queueOldest.reset();
  metrics.queueDead.reset();
  const waiting = new Map<string, { n: number; oldest: number }>();
  for (const r of rows) {
    if (r.status === 'dead') {
      metrics.queueDead.set({ kind: r.kind }, Number(r.n));
      continue;
    }
    const w = waiting.get(r.kind) ?? { n: 0, oldest: Infinity };
    w.n += Number(r.n);
    if (r.oldest) w.oldest = Math.min(w.oldest, Date.parse(r.oldest));
    waiting.set(r.kind, w);
  }
  for (const [kind, w] of waiting) {
    metrics.queueDepth.set({ kind }, w.n);
    metrics.queueOldest.set({ kind }, Number.isFinite(w.oldest) ? Math.max(0, (now - w.oldest) / 1000) : 0);
  }
  await refreshPartitionGauges(db, now);
}

async function refreshPartitionGauges(db: Db, now: number): Promise<void> {
  let rows: { partition: number | string | null; n: number | string; oldest: string | null }[];
  try {
    rows = (
      await sql<{ partition: number | null; n: number; oldest: string | null }>`
        SELECT partition, COUNT(*) AS n, MIN(created_at) AS oldest FROM jobs
        WHERE status IN ('pending', 'running') AND partition IS NOT NULL GROUP BY partition`.execute(db.kysely)
    ).rows;
  } catch {
    return; // a database migrated before jobs had partitions
  }
  metrics.partitionDepth.reset();
  metrics.partitionOldest.reset();
  for (const r of rows) {
    const p = String(r.partition);
    metrics.partitionDepth.set({ partition: p }, Number(r.n));
    metrics.partitionOldest.set({ partition: p }, r.oldest ? Math.max(0, (now - Date.parse(r.oldest)) / 1000) : 0);
  }
}

/** The text a scrape returns, with database-derived gauges refreshed first. */
export async function scrape(db: Db): Promise<string> {
  await refreshQueueGauges(db).catch(() => {});
  await Promise.all([...refreshers].map((f) => f().catch(() => {})));
  return registry.metrics();
}

export const METRICS_CONTENT_TYPE = registry.contentType;

/** Who may read /metrics: nobody (404), only loopback callers, or callers with the configured bearer token. */
export function metricsAllowed(
  cfg: Config['metrics'],
  remoteAddress: string | undefined,
  authorization: string | undefined,
): 'ok' | 'off' | 'forbidden' {
  if (cfg.access === 'off') return 'off';
  if (cfg.access === 'loopback') return isLoopback(remoteAddress) ? 'ok' : 'forbidden';
  const want = Buffer.from(`Bearer ${cfg.token ?? ''}`);
  const got = Buffer.from(authorization ?? '');
  return cfg.token && want.length === got.length && timingSafeEqual(want, got) ? 'ok' : 'forbidden';
}

function isLoopback(addr: string | undefined): boolean {
  if (!addr) return false;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return a === '::1' || a.startsWith('127.');
}
