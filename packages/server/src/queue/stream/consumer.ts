// `vigil worker --stream`: consumes the event partitions from JetStream. Each partition's consumer hands out one event
// at a time (event-stream.ts), so a partition is worked by one worker at a time and in order; this process pulls from
// every partition and runs what it holds (at most one event per partition) together in one database transaction,
// then acknowledges. Effects are idempotent by event id (`events.processed_at`, `event_analyses`), so an event
// redelivered after a crash (committed, not yet acknowledged) changes nothing. An event that keeps failing is retried
// with backoff, holding up only its own partition, and then parked as a dead letter with the reason.
import type { Logger } from 'pino';
import { sql, type Kysely } from 'kysely';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Database, Job } from '../../db/schema.ts';
import type { Db } from '../../db/connect.ts';
import type { Clock } from '../../util/time.ts';
import type { JobHandler } from '../worker.ts';
import { backoffMs } from '../jobs.ts';
import { DEFAULT_PARTITIONS } from '../partition.ts';
import { metrics } from '../../metrics/metrics.ts';
import { consumerOf, type EventStream } from './event-stream.ts';
import { deadLetter } from './dead-letter.ts';

export interface EventHandlers {
  /** Folds the event into the current-state tables (skips an applied event). */
  apply: JobHandler;
  /** Analysers → signals → rules → verdicts (skips an analysed event). */
  analyze: JobHandler;
}

export interface StreamWorkerOptions {
  db: Db;
  stream: EventStream;
  handlers: EventHandlers;
  clock: Clock;
  log: Logger;
  workerId: string;
  /** The partitions this worker pulls from (default: all). */
  partitions?: number[];
  /** Most events run in one transaction. */
  maxBatch?: number;
}

interface Item {
  msg: JsMsg;
  partition: number;
  eventId: number;
  job: Job;
  prepared?: unknown;
}

const STREAM_LOCK_SPACE = 76696771;

export class StreamWorker {
  private stopped = false;
  private loops: Promise<void>[] = [];
  private subs: ConsumerMessages[] = [];
  private waiting: { item: Item; resolve: (err: unknown) => void }[] = [];
  private flushing = false;
  private readonly inFlight = new Set<JsMsg>();
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly sleepers = new Set<() => void>();
  processed = 0;
  deadLettered = 0;

  constructor(private readonly o: StreamWorkerOptions) {}

  async start(): Promise<void> {
    const { stream } = this.o;
    const parts = this.o.partitions ?? Array.from({ length: stream.cfg.partitions }, (_, p) => p);
    // Held events are kept alive while they run or wait for a retry (a slow batch is not redelivered elsewhere).
    this.heartbeat = setInterval(() => this.inFlight.forEach((m) => m.working()), Math.max(200, stream.cfg.ackWaitMs / 3));
    for (const p of parts) {
      const consumer = await stream.js.consumers.get(stream.cfg.name, consumerOf(p));
      const messages = await consumer.consume({ max_messages: 1, expires: 30_000 });
      this.subs.push(messages);
      this.loops.push(this.partitionLoop(p, messages));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleepers.forEach((wake) => wake());
    for (const s of this.subs) await s.close().catch(() => {});
    await Promise.all(this.loops);
    clearInterval(this.heartbeat);
  }

  private async partitionLoop(p: number, messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        if (this.stopped) {
          msg.nak(); // not started: give it back at once
          break;
        }
        this.inFlight.add(msg);
        try {
          await this.handle(msg, p);
        } catch (err) {
          this.o.log.error({ err, partition: p }, 'stream event not settled; it is redelivered after the ack wait');
        } finally {
          this.inFlight.delete(msg);
        }
      }
    } catch (err) {
      if (!this.stopped) this.o.log.error({ err, partition: p }, 'stream consumer stopped');
    }
  }

  private async handle(msg: JsMsg, p: number): Promise<void> {
    const { cfg } = this.o.stream;
    const parked = (reason: string, attempts: number, payload: unknown) => this.park(msg, p, payload, reason, attempts);
    let eventId: number;
    try {
      eventId = (JSON.parse(msg.string()) as { eventId: unknown }).eventId as number;
      if (!Number.isSafeInteger(eventId) || eventId <= 0) throw new Error('no positive integer eventId');
    } catch (e) {
      return parked(`malformed stream message: ${(e as Error).message}`, 1, { raw: msg.string().slice(0, 1000) });
    }
    if (msg.info.deliveryCount > cfg.maxDeliver) {
      return parked(`delivered ${msg.info.deliveryCount} times without being acknowledged (a worker stopped on it each time)`, msg.info.deliveryCount, { eventId });
    }
    const item = this.item(msg, p, eventId);
    let err = await new Promise<unknown>((resolve) => {
      this.waiting.push({ item, resolve });
      this.kick();
    });
    for (let attempt = 1; err; attempt++) {
      this.o.log.warn({ err, eventId, partition: p, attempt }, 'stream event failed');
      if (attempt >= cfg.maxAttempts) {
        return parked(err instanceof Error ? `${err.name}: ${err.message}` : String(err), attempt, { eventId });
      }
      await this.sleep(backoffMs(attempt, cfg.retryBaseMs, 60_000));
      if (this.stopped) {
        msg.nak();
        return;
      }
      err = await this.runAlone(this.item(msg, p, eventId));
    }
    msg.ack();
    this.processed++;
  }

  /** Dead letter first, then acknowledge: if the process dies in between, the event is only parked again. */
  private async park(msg: JsMsg, p: number, payload: unknown, reason: string, attempts: number): Promise<void> {
    const { db, clock, workerId, stream } = this.o;
    await deadLetter(db.kysely, { payload, reason, attempts, partition: stream.cfg.partitions === DEFAULT_PARTITIONS ? p : null, clock, worker: workerId });
    this.o.log.error({ partition: p, payload, reason }, 'stream event parked as a dead letter');
    msg.ack(); // settled for the stream: the dead letter holds it now (a TERM with a reason needs NATS 2.10+)
    this.deadLettered++;
  }

  private item(msg: JsMsg, partition: number, eventId: number): Item {
    const now = this.o.clock.now().toISOString();
    const job: Job = {
      id: msg.seq, kind: 'event.analyze', payload: JSON.stringify({ eventId }), status: 'running', attempts: msg.info.deliveryCount,
      max_attempts: this.o.stream.cfg.maxAttempts, run_at: now, locked_until: null, locked_by: this.o.workerId, last_error: null,
      created_at: now, finished_at: null, partition,
    };
    return { msg, partition, eventId, job };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.sleepers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** Runs whatever the partitions handed over together; events that arrive meanwhile form the next batch. */
  private kick(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flush()
        .catch((err) => this.o.log.error({ err }, 'stream batch error'))
        .finally(() => {
          this.flushing = false;
          if (this.waiting.length) this.kick();
        });
    });
  }

  private async flush(): Promise<void> {
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, this.o.maxBatch ?? 256);
      const errors = await this.runBatch(batch.map((b) => b.item)).catch((e) => batch.map(() => e));
      batch.forEach((b, i) => b.resolve(errors[i]));
    }
  }

  /** One transaction for the batch; if it fails, each event runs alone so one bad event cannot hold up the others. */
  private async runBatch(items: Item[]): Promise<unknown[]> {
    const errors: unknown[] = items.map(() => undefined);
    const ready: number[] = [];
    for (let i = 0; i < items.length; i++) {
      try {
        await this.prepare(items[i]!);
        ready.push(i);
      } catch (e) {
        errors[i] = e;
      }
    }
    metrics.jobBatchSize.observe(ready.length);
    if (ready.length > 1) {
      const t0 = performance.now();
      try {
        await this.transaction(ready.map((i) => items[i]!));
        const s = (performance.now() - t0) / 1000 / ready.length;
        for (let k = 0; k < ready.length; k++) metrics.jobDuration.observe({ kind: 'stream.event', outcome: 'done' }, s);
        return errors;
      } catch {
        /* run each alone below */
      }
    }
    for (const i of ready) errors[i] = await this.runAlone(items[i]!, true);
    return errors;
  }

  /** Runs one event in its own transaction; the error, if it failed. */
  private async runAlone(item: Item, prepared = false): Promise<unknown> {
    const t0 = performance.now();
    try {
      if (!prepared) await this.prepare(item);
      await this.transaction([item]);
      metrics.jobDuration.observe({ kind: 'stream.event', outcome: 'done' }, (performance.now() - t0) / 1000);
      return undefined;
    } catch (e) {
      metrics.jobDuration.observe({ kind: 'stream.event', outcome: 'failed' }, (performance.now() - t0) / 1000);
      return e ?? new Error('failed');
    }
  }

  /** Network and CPU work that writes nothing (fetching and hashing remote media) runs before the transaction. */
  private async prepare(item: Item): Promise<void> {
    const { db, clock, handlers } = this.o;
    if (handlers.analyze.prepare) item.prepared = await handlers.analyze.prepare({ eventId: item.eventId }, { db: db.kysely, job: item.job, clock });
  }

  private async transaction(items: Item[]): Promise<void> {
    const { db, clock, handlers } = this.o;
    await db.kysely.transaction().execute(async (trx) => {
      // Normally one worker holds a partition; while a redelivery overlaps a slow first delivery, this lock makes the
      // second wait and then find the event done (PostgreSQL; SQLite has one writer).
      if (db.dialect === 'postgres') await lockPartitions(trx, items.map((i) => i.partition));
      for (const it of items) {
        const payload = { eventId: it.eventId };
        await handlers.apply(payload, { trx, job: { ...it.job, kind: 'event.apply' }, clock });
        await handlers.analyze(payload, { trx, job: it.job, clock, prepared: it.prepared });
      }
    });
  }
}

async function lockPartitions(trx: Kysely<Database>, partitions: number[]): Promise<void> {
  for (const p of [...new Set(partitions)].sort((a, b) => a - b)) await sql`SELECT pg_advisory_xact_lock(${STREAM_LOCK_SPACE}, ${p})`.execute(trx);
}
