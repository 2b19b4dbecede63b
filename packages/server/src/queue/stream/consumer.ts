// `vigil worker --stream`: consumes the event partitions from JetStream. Each partition's consumer hands out one event
// at a time (event-stream.ts), so a partition is worked by one worker at a time and in order; this process pulls from
// every partition and runs what it holds (at most one event per partition) together in one database transaction,
// then acknowledges. Effects are idempotent by event id (`events.processed_at`, `event_analyses`), so an event
// redelivered after a crash (committed, not yet acknowledged) changes nothing. An event that keeps failing is retried
// with backoff, holding up only its own partition, and then parked as a dead letter with the reason.
import type { Logger } from 'pino';
import { sql, type Kysely } from 'kysely';
import type { Consumer, JsMsg } from '@nats-io/jetstream';
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
const PULL_EXPIRES_MS = 3000;

export class StreamWorker {
  private stopped = false;
  private loops: Promise<void>[] = [];
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
      this.loops.push(this.partitionLoop(p, consumer));
    }
  }

  /** Finishes what it holds; a pull still waiting ends within its expiry (a few seconds). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sleepers.forEach((wake) => wake());
    await Promise.all(this.loops);
    clearInterval(this.heartbeat);
  }

  /**
   * One pull of one event at a time, issued after the previous one was acknowledged. (A standing `consume()` was
   * measured to stall when two processes share a consumer that allows one unacknowledged event: the client waits for
   * missed heartbeats before pulling again.)
   */
  private async partitionLoop(p: number, consumer: Consumer): Promise<void> {
    while (!this.stopped) {
      let msg: JsMsg | null;
      try {
        msg = await consumer.next({ expires: PULL_EXPIRES_MS });
      } catch (err) {
        if (this.stopped) break;
        this.o.log.warn({ err, partition: p }, 'stream pull failed; retrying');
        await this.sleep(1000);
        continue;
      }
      if (!msg) continue;
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
      return parked(
        `delivered ${msg.info.deliveryCount} times without being acknowledged (a worker stopped on it each time)`,
        msg.info.deliveryCount,
        { eventId },
      );
    }
    const item = this.item(msg, p, eventId);
    let err = await new Promise<unknown>((resolve) => {
      this.waiting.push({ item, resolve });
      this.kick();
    });
    for (let attempt = 1; err; attempt++) {
      this.o.log.warn({ err, eventId, partition: p, attempt }, 'stream event failed');
      if (attempt >= cfg.maxAttempts) {
        // A database that does not answer is not the event's fault: it stays held (kept alive) until the database is back.
        if (await this.databaseAnswers())
          return parked(err instanceof Error ? `${err.name}: ${err.message}` : String(err), attempt, { eventId });
        attempt = cfg.maxAttempts - 1;
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
    await deadLetter(db.kysely, {
      payload,
      reason,
      attempts,
      partition: stream.cfg.partitions === DEFAULT_PARTITIONS ? p : null,
      clock,
      worker: workerId,
    });
    this.o.log.error({ partition: p, payload, reason }, 'stream event parked as a dead letter');
    msg.ack(); // settled for the stream: the dead letter holds it now (a TERM with a reason needs NATS 2.10+)
    this.deadLettered++;
  }

  private async databaseAnswers(): Promise<boolean> {
    try {
      await sql`SELECT 1`.execute(this.o.db.kysely);
      return true;
    } catch {
      return false;
    }
  }

  private item(msg: JsMsg, partition: number, eventId: number): Item {
    const now = this.o.clock.now().toISOString();
    const job: Job = {
      id: msg.seq,
      kind: 'event.analyze',
      payload: JSON.stringify({ eventId }),
      status: 'running',
      attempts: msg.info.deliveryCount,
      max_attempts: this.o.stream.cfg.maxAttempts,
      run_at: now,
      locked_until: null,
      locked_by: this.o.workerId,
      last_error: null,
      created_at: now,
      finished_at: null,
      partition,
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

  /**
   * One transaction for the batch: each event applied, then all analysed together (analyseBatch: set-based reads, bulk
   * writes; a poison event is failed alone and the rest commit). If the transaction itself fails, each event runs alone.
   */
  private async runBatch(items: Item[]): Promise<unknown[]> {
    const errors = await this.prepare(items);
    const ready = items.map((_, i) => i).filter((i) => errors[i] === undefined);
    metrics.jobBatchSize.observe(ready.length);
    if (ready.length > 1) {
      const t0 = performance.now();
      try {
        const out = await this.transaction(ready.map((i) => items[i]!));
        const s = (performance.now() - t0) / 1000 / ready.length;
        ready.forEach((i, k) => {
          errors[i] = out[k];
          metrics.jobDuration.observe({ kind: 'stream.event', outcome: out[k] === undefined ? 'done' : 'failed' }, s);
        });
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
    let err: unknown;
    try {
      if (!prepared) err = (await this.prepare([item]))[0];
      if (err === undefined) err = (await this.transaction([item]))[0];
    } catch (e) {
      err = e ?? new Error('failed');
    }
    metrics.jobDuration.observe({ kind: 'stream.event', outcome: err === undefined ? 'done' : 'failed' }, (performance.now() - t0) / 1000);
    return err;
  }

  /** Network and CPU work that writes nothing (fetching and hashing remote media) runs before the transaction. */
  private async prepare(items: Item[]): Promise<unknown[]> {
    const { db, clock, handlers } = this.o;
    const errors: unknown[] = items.map(() => undefined);
    const { prepare, prepareBatch } = handlers.analyze;
    if (prepareBatch) {
      const res = await prepareBatch(
        items.map((it) => ({ payload: { eventId: it.eventId }, job: it.job })),
        { db: db.kysely, clock },
      ).catch((e) => items.map(() => ({ error: e })));
      res.forEach((r, i) => ('error' in r ? (errors[i] = r.error ?? new Error('prepare failed')) : (items[i]!.prepared = r.value)));
    } else if (prepare) {
      for (const [i, it] of items.entries()) {
        try {
          it.prepared = await prepare({ eventId: it.eventId }, { db: db.kysely, job: it.job, clock });
        } catch (e) {
          errors[i] = e ?? new Error('prepare failed');
        }
      }
    }
    return errors;
  }

  /** Applies and analyses the events in one transaction; per event, the analysis error (its state is still applied). */
  private async transaction(items: Item[]): Promise<unknown[]> {
    const { db, clock, handlers, workerId } = this.o;
    return db.kysely.transaction().execute(async (trx) => {
      // Normally one worker holds a partition; while a redelivery overlaps a slow first delivery, this lock makes the
      // second wait and then find the event done (PostgreSQL; SQLite has one writer).
      if (db.dialect === 'postgres')
        await lockPartitions(
          trx,
          items.map((i) => i.partition),
        );
      for (const it of items) await handlers.apply({ eventId: it.eventId }, { trx, job: { ...it.job, kind: 'event.apply' }, clock });
      const analyze = handlers.analyze;
      if (analyze.batch) {
        const outcomes = await analyze.batch(
          items.map((it) => ({ job: it.job, payload: { eventId: it.eventId }, prepared: it.prepared })),
          { trx, clock, workerId },
        );
        return outcomes.map((o) =>
          o.status === 'done'
            ? undefined
            : o.status === 'failed'
              ? (o.error ?? new Error('analysis failed'))
              : new Error('not run: an earlier event of its partition failed'),
        );
      }
      for (const it of items) await analyze({ eventId: it.eventId }, { trx, job: it.job, clock, prepared: it.prepared });
      return items.map(() => undefined);
    });
  }
}

/** One statement, locks taken in ascending order (two batches cannot deadlock). */
async function lockPartitions(trx: Kysely<Database>, partitions: number[]): Promise<void> {
  const ps = [...new Set(partitions)].sort((a, b) => a - b);
  await sql`SELECT pg_advisory_xact_lock(${STREAM_LOCK_SPACE}, s.p) FROM (SELECT unnest(${ps}::int[]) AS p ORDER BY 1) s`.execute(trx);
}
