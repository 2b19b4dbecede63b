// `vigil worker --stream`: consumes the event partitions from JetStream. A worker works the partitions whose lease it
// holds (partition-lease.ts; its fair share of them), so it is the only one pulling from those partitions' consumers
// and may hold many of a partition's events at once: each partition hands over what it has received (up to
// CHUNK events, in order), and what the partitions handed over runs together, as one batch in one database
// transaction (the database queue's batch handlers: apply, then analyseBatch), then is acknowledged. A partition
// hands over its next chunk only once the last one is settled, so a subject's events run in order.
//
// A worker that dies stops renewing its leases; once they run out, the others take its partitions, and a new holder
// recreates the partition's consumer first, so what the dead worker held comes back at once and before anything later.
// Effects are idempotent by event id (`events.processed_at`, `event_analyses`), so an event redelivered after a crash
// (committed, not yet acknowledged) changes nothing. An event that keeps failing is retried with backoff, holding up
// only its own partition, and then parked as a dead letter with the reason.
import type { Logger } from 'pino';
import { sql, type Kysely } from 'kysely';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Database, Job } from '../../db/schema.ts';
import type { Db } from '../../db/connect.ts';
import type { Clock } from '../../util/time.ts';
import { DEFAULT_BATCH, type BatchJob, type ItemOutcome, type JobHandler } from '../worker.ts';
import { backoffMs } from '../jobs.ts';
import { DEFAULT_PARTITIONS, partitionOf } from '../partition.ts';
import { metrics } from '../../metrics/metrics.ts';
import { consumerAckWaitMs, consumerOf, eventIdsOf, PARTITION_IN_FLIGHT, type EventStream } from './event-stream.ts';
import { PartitionLeases, type Lease } from './partition-lease.ts';
import { deadLetter } from './dead-letter.ts';
import { isVigilError, VigilError } from '../../errors.ts';

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
  /** Most events run in one transaction (default: the database queue's batch). */
  maxBatch?: number;
  /** How long a partition stays with a worker that stopped renewing it (default: the stream's ack wait). */
  leaseMs?: number;
}

/** A stream message and how many of the events it carries are not yet settled (it is acknowledged at zero). */
interface Carrier {
  msg: JsMsg;
  open: number;
}

interface Item {
  carrier: Carrier;
  partition: number;
  eventId: number;
  job: Job;
  prepared?: unknown;
}

/** One partition this worker holds. */
interface Held {
  p: number;
  /** Released, lost or stopping: start nothing more. */
  stopping: boolean;
  buffer: JsMsg[];
  signal: Signal;
  done: Promise<void>;
}

/** Most events (and messages) of one partition handed to a batch at once; a single larger message goes alone. */
const CHUNK = PARTITION_IN_FLIGHT / 2;

/** How many of the buffered messages, from the first, make a chunk. */
function chunkLength(buffer: JsMsg[]): number {
  let events = 0;
  let n = 0;
  while (n < buffer.length && n < CHUNK) {
    let k = 1;
    try {
      k = eventIdsOf(buffer[n]!.string()).length;
    } catch {
      /* malformed: parked as one */
    }
    if (n > 0 && events + k > CHUNK) break;
    events += k;
    n++;
  }
  return n;
}
const STREAM_LOCK_SPACE = 76696771;
const PULL_EXPIRES_MS = 5000;
/** Not run: an earlier event of its partition failed in the same batch (it runs once that one is settled). */
const notRun = () => new VigilError('not_run', 'an earlier event of its partition failed');

export class StreamWorker {
  private stopped = false;
  private readonly held = new Map<number, Held>();
  private leases!: PartitionLeases;
  private balancing: Promise<void> = Promise.resolve();
  private balanceTimer: NodeJS.Timeout | undefined;
  private waiting: { items: Item[]; resolve: (errors: unknown[]) => void }[] = [];
  private flushing = false;
  private readonly inFlight = new Set<JsMsg>();
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly sleepers = new Set<() => void>();
  processed = 0;
  deadLettered = 0;

  constructor(private readonly o: StreamWorkerOptions) {}

  private get leaseMs(): number {
    return this.o.leaseMs ?? this.o.stream.cfg.ackWaitMs;
  }

  /** Announces this worker; it takes its partitions in the background (after one lease tick, so workers starting
   *  together see each other and share the partitions from the start). */
  async start(): Promise<void> {
    const { stream } = this.o;
    this.leases = await PartitionLeases.open(stream, this.o.workerId, this.leaseMs);
    // Not fatal: every tick heartbeats again (a lease stream another worker is creating this instant may not take
    // publishes yet: "no responders").
    await this.leases
      .heartbeat()
      .catch((err) => this.o.log.warn({ err }, 'stream worker heartbeat failed; retried at the next tick'));
    // Held events are kept alive while they wait, run or wait for a retry (a slow batch is not redelivered).
    this.heartbeat = setInterval(
      () => this.inFlight.forEach((m) => m.working()),
      Math.max(200, consumerAckWaitMs(stream.cfg) / 3),
    );
    const tick = Math.max(100, this.leaseMs / 4);
    const loop = () => {
      this.balanceTimer = setTimeout(() => {
        this.balancing = this.balance()
          .catch((err) => this.o.log.warn({ err }, 'stream partition leases: tick failed'))
          .finally(() => {
            if (!this.stopped) loop();
          });
      }, tick);
    };
    loop();
  }

  /** Settles what it is running, gives its partitions back and leaves; a retry waiting for its backoff is dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.balanceTimer);
    await this.balancing;
    this.sleepers.forEach((wake) => wake());
    await Promise.all([...this.held.keys()].map((p) => this.release(p)));
    await this.leases?.leave();
    clearInterval(this.heartbeat);
  }

  /** The partitions this worker works now. */
  partitions(): number[] {
    return [...this.held.values()].filter((h) => !h.stopping).map((h) => h.p);
  }

  /**
   * One lease tick: heartbeat, renew what it holds (dropping what another worker took), then move towards its fair
   * share: give back the excess (after settling what it holds of them) or take free and run-out partitions.
   */
  private async balance(): Promise<void> {
    const { leases } = this;
    // Renewals first and each on its own: a failed heartbeat or renewal must not hold up the others.
    await Promise.all(
      leases.owned().map(async (p) => {
        if (!(await leases.renew(p).catch(() => true))) this.lose(p); // not answered: tried again next tick
      }),
    );
    await leases.heartbeat();
    if (this.stopped) return;
    const view = await leases.read();
    const total = this.o.stream.cfg.partitions;
    const fair = Math.ceil(total / view.workers);
    const mine = this.partitions();
    if (mine.length > fair) {
      for (const p of mine.sort((a, b) => b - a).slice(0, mine.length - fair)) void this.release(p);
      return;
    }
    const now = Date.now();
    const free: number[] = [];
    // Start from a place of its own, so workers looking at the same free partitions mostly try different ones.
    const offset = partitionOf(this.o.workerId, 'worker', '', total);
    for (let k = 0; k < total; k++) {
      const p = (offset + k) % total;
      const seen = view.partitions.get(p)?.lease;
      if (!this.held.has(p) && (!seen || seen.owner === null || seen.until < now)) free.push(p);
    }
    await Promise.all(free.slice(0, fair - mine.length).map((p) => this.take(p, view.partitions.get(p))));
  }

  /**
   * Takes a partition: the lease (compare-and-set), then a fresh consumer, so delivery starts at the partition's first
   * unacknowledged event. Taken over from a worker that stopped holding it, the partition's first event is counted: an
   * event found first at `maxDeliver` takeovers in a row (it brings its worker down each time) is parked.
   */
  private async take(p: number, seen: { seq: number; lease: Lease } | undefined): Promise<void> {
    const { stream } = this.o;
    let stuck: Lease['stuck'];
    const takeover = !!seen && seen.lease.owner !== null;
    if (takeover) {
      const head = await stream.head(p);
      if (head)
        stuck = { seq: head.seq, takeovers: head.seq === seen.lease.stuck?.seq ? seen.lease.stuck.takeovers + 1 : 1 };
    }
    if (!(await this.leases.acquire(p, seen?.seq ?? 0, stuck))) return;
    try {
      if (stuck && stuck.takeovers >= stream.cfg.maxDeliver) {
        const head = await stream.head(p);
        if (head?.seq === stuck.seq) {
          let payloads: unknown[];
          try {
            payloads = eventIdsOf(head.body).map((eventId) => ({ eventId }));
          } catch {
            payloads = [{ raw: head.body.slice(0, 1000) }];
          }
          const reason = `its worker stopped while holding it ${stuck.takeovers} times in a row (taken over each time)`;
          for (const payload of payloads) await this.deadLetterOf(p, payload, reason, stuck.takeovers);
          await stream.remove(head.seq);
        }
        this.leases.setStuck(p, undefined);
      }
      await stream.resetConsumer(p);
    } catch (err) {
      this.o.log.warn({ err, partition: p }, 'stream partition not taken; it is tried again at the next tick');
      await this.leases.release(p).catch(() => {});
      return;
    }
    if (this.stopped) {
      await this.leases.release(p).catch(() => {});
      return;
    }
    const h: Held = { p, stopping: false, buffer: [], signal: new Signal(), done: Promise.resolve() };
    this.held.set(p, h);
    h.done = this.work(h)
      .catch((err) => this.o.log.error({ err, partition: p }, 'stream partition loop failed'))
      .then(async () => {
        if (h.stopping || this.stopped) return;
        // The consumer went away under a valid lease (deleted by hand, or the broker lost it) or could not be read:
        // give the partition back, to be taken again (perhaps by this worker) with a fresh consumer.
        h.stopping = true;
        this.held.delete(p);
        await this.leases.release(p).catch(() => {});
      });
    this.o.log.debug({ partition: p, takeover }, 'stream partition taken');
  }

  /** Gives a partition back once what it holds of it is settled. */
  private async release(p: number): Promise<void> {
    const h = this.held.get(p);
    if (h) {
      h.stopping = true;
      h.signal.notify();
      await h.done;
      this.held.delete(p);
    }
    await this.leases.release(p);
  }

  /** Another worker took the partition: stop at once; what this one holds unacknowledged comes back to the new holder. */
  private lose(p: number): void {
    this.leases.forget(p);
    const h = this.held.get(p);
    if (!h || h.stopping) return;
    this.o.log.warn({ partition: p }, 'stream partition lease lost; another worker has it now');
    h.stopping = true;
    h.signal.notify();
    void h.done.then(() => {
      if (this.held.get(p) === h) this.held.delete(p);
    });
  }

  /** One partition: receives its events in order and hands them over chunk by chunk, each once the last is settled. */
  private async work(h: Held): Promise<void> {
    const { stream } = this.o;
    const consumer = await stream.js.consumers.get(stream.cfg.name, consumerOf(h.p));
    const msgs: ConsumerMessages = await consumer.consume({
      max_messages: CHUNK,
      expires: PULL_EXPIRES_MS,
      abort_on_missing_resource: true, // the consumer was recreated by a new holder: stop instead of pulling from it
    });
    let ended = false;
    const reader = (async () => {
      try {
        for await (const m of msgs) {
          this.inFlight.add(m);
          h.buffer.push(m);
          h.signal.notify();
        }
      } catch (err) {
        if (!h.stopping) this.o.log.warn({ err, partition: h.p }, 'stream partition consumer ended');
      } finally {
        ended = true;
        h.signal.notify();
      }
    })();
    try {
      while (!h.stopping) {
        if (!h.buffer.length) {
          if (ended) break;
          await h.signal.wait();
          // Let the reader take in what already arrived, so it goes out as one chunk.
          await new Promise((r) => setImmediate(r));
          continue;
        }
        if (!this.leases.valid(h.p)) {
          // The lease is near its end without a renewal (the broker is slow to answer): wait for the next tick.
          await this.sleep(this.leaseMs / 8);
          continue;
        }
        await this.settle(h, h.buffer.splice(0, chunkLength(h.buffer)));
      }
    } finally {
      msgs.stop();
      await reader;
      // Not acknowledged: the partition's next holder recreates the consumer and gets them again, in order.
      for (const m of h.buffer.splice(0)) this.inFlight.delete(m);
    }
  }

  /**
   * Runs a chunk of one partition's messages: malformed or too often delivered ones are parked, the events of the rest
   * run as (part of) a batch; a message is acknowledged once every event it carries is settled.
   */
  private async settle(h: Held, msgs: JsMsg[]): Promise<void> {
    const { cfg } = this.o.stream;
    const items: Item[] = [];
    for (const msg of msgs) {
      let ids: number[];
      try {
        ids = eventIdsOf(msg.string());
      } catch (e) {
        const reason = `malformed stream message: ${(e as Error).message}`;
        await this.park({ msg, open: 1 }, h.p, { raw: msg.string().slice(0, 1000) }, reason, 1);
        continue;
      }
      const carrier: Carrier = { msg, open: ids.length };
      if (msg.info.deliveryCount > cfg.maxDeliver) {
        const reason = `delivered ${msg.info.deliveryCount} times without being acknowledged (a worker stopped on it each time)`;
        for (const eventId of ids) await this.park(carrier, h.p, { eventId }, reason, msg.info.deliveryCount);
        continue;
      }
      items.push(...ids.map((eventId) => this.item(carrier, h.p, eventId)));
    }
    if (!items.length) return;
    const errors = await new Promise<unknown[]>((resolve) => {
      this.waiting.push({ items, resolve });
      this.kick();
    });
    const failed: { item: Item; err: unknown }[] = [];
    items.forEach((item, i) => (errors[i] === undefined ? this.done(item) : failed.push({ item, err: errors[i] })));
    // In order: an event that failed is retried until it succeeds or is parked, then the ones it held up run.
    for (const [k, { item, err }] of failed.entries()) {
      if (await this.retry(h, item, err)) continue;
      // Given up unsettled (stopping, or the lease is gone): the next holder gets these messages again.
      for (const f of failed.slice(k)) this.inFlight.delete(f.item.carrier.msg);
      return;
    }
  }

  /** Retries one event with backoff until it is done or parked; false when the partition is being given up first. */
  private async retry(h: Held, item: Item, first: unknown): Promise<boolean> {
    const { cfg } = this.o.stream;
    let err = isVigilError(first, 'not_run') ? await this.runAlone(item) : first;
    for (let attempt = 1; err; attempt++) {
      this.o.log.warn({ err, eventId: item.eventId, partition: item.partition, attempt }, 'stream event failed');
      if (attempt >= cfg.maxAttempts) {
        // A database that does not answer is not the event's fault: it stays held (kept alive) until the database is back.
        if (await this.databaseAnswers()) {
          const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
          await this.park(item.carrier, item.partition, { eventId: item.eventId }, reason, attempt);
          return true;
        }
        attempt = cfg.maxAttempts - 1;
      }
      await this.sleep(backoffMs(attempt, cfg.retryBaseMs, 60_000));
      if (this.stopped || h.stopping) return false;
      err = await this.runAlone(this.item(item.carrier, item.partition, item.eventId));
    }
    this.done(item);
    return true;
  }

  private done(item: Item): void {
    this.processed++;
    this.settled(item.carrier);
  }

  /** One more of the message's events settled; the message is acknowledged with its last one. */
  private settled(c: Carrier): void {
    if (--c.open > 0) return;
    c.msg.ack();
    this.inFlight.delete(c.msg);
  }

  /** Dead letter first, then settled: if the process dies in between, the event is only parked again. */
  private async park(c: Carrier, p: number, payload: unknown, reason: string, attempts: number): Promise<void> {
    await this.deadLetterOf(p, payload, reason, attempts);
    this.settled(c); // for the stream: the dead letter holds it now (a TERM with a reason needs NATS 2.10+)
  }

  private async deadLetterOf(p: number, payload: unknown, reason: string, attempts: number): Promise<void> {
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

  private item(carrier: Carrier, partition: number, eventId: number): Item {
    const { msg } = carrier;
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
    return { carrier, partition, eventId, job };
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

  /** Runs whatever the partitions handed over together; chunks that arrive meanwhile form the next batch. */
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
    const max = this.o.maxBatch ?? DEFAULT_BATCH;
    while (this.waiting.length) {
      // Whole chunks, up to the batch size (a chunk is never split: its partition's order is kept inside the batch).
      let n = 0;
      let k = 0;
      while (k < this.waiting.length && (k === 0 || n + this.waiting[k]!.items.length <= max))
        n += this.waiting[k++]!.items.length;
      const groups = this.waiting.splice(0, k);
      const items = groups.flatMap((g) => g.items);
      const errors = await this.runBatch(items).catch((e) => items.map(() => e));
      let at = 0;
      for (const g of groups) {
        g.resolve(errors.slice(at, at + g.items.length));
        at += g.items.length;
      }
      // Let the partitions just settled hand over their next chunks first, so they join the next batch instead of
      // waiting for the one after it.
      await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * One transaction for the batch: the events applied together, then analysed together (the database queue's batch
   * handlers: set-based reads, bulk writes; a poison event is failed alone, the later events of its partition are not
   * run, the rest commit). If the transaction itself fails, each event runs alone, in order, a partition stopping at its
   * first failure.
   */
  private async runBatch(items: Item[]): Promise<unknown[]> {
    // An event delivered twice (a publish repeated under another message id, a redelivery) may sit twice in one batch:
    // it runs once, and the copy takes the first one's outcome (the set-based reads would see neither copy done).
    const first = new Map<number, number>();
    const distinct: Item[] = [];
    const slot = items.map((it) => {
      const k = first.get(it.eventId);
      if (k !== undefined) return k;
      first.set(it.eventId, distinct.length);
      distinct.push(it);
      return distinct.length - 1;
    });
    const errors = await this.runDistinct(distinct);
    return slot.map((k) => errors[k]);
  }

  private async runDistinct(items: Item[]): Promise<unknown[]> {
    const errors = await this.prepare(items);
    const blocked = new Set<number>();
    items.forEach((it, i) => {
      if (blocked.has(it.partition)) errors[i] = notRun();
      else if (errors[i] !== undefined) blocked.add(it.partition);
    });
    const ready = items.map((_, i) => i).filter((i) => errors[i] === undefined);
    if (!ready.length) return errors;
    metrics.jobBatchSize.observe(ready.length);
    const t0 = performance.now();
    try {
      const out = await this.transaction(ready.map((i) => items[i]!));
      const s = (performance.now() - t0) / 1000 / ready.length;
      ready.forEach((i, k) => {
        errors[i] = out[k];
        metrics.jobDuration.observe({ kind: 'stream.event', outcome: out[k] === undefined ? 'done' : 'failed' }, s);
      });
      return errors;
    } catch (err) {
      if (ready.length === 1) {
        errors[ready[0]!] = err ?? new Error('failed');
        return errors;
      }
    }
    for (const i of ready) {
      const it = items[i]!;
      errors[i] = blocked.has(it.partition) ? notRun() : await this.runAlone(it, true);
      if (errors[i] !== undefined) blocked.add(it.partition);
    }
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
    metrics.jobDuration.observe(
      { kind: 'stream.event', outcome: err === undefined ? 'done' : 'failed' },
      (performance.now() - t0) / 1000,
    );
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
      res.forEach((r, i) =>
        'error' in r ? (errors[i] = r.error ?? new Error('prepare failed')) : (items[i]!.prepared = r.value),
      );
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

  /**
   * Applies and analyses the events in one transaction; per event, the error (an event whose analysis failed still
   * has its state applied; one whose apply failed is not analysed).
   */
  private async transaction(items: Item[]): Promise<unknown[]> {
    const { db, clock, handlers, workerId } = this.o;
    return db.kysely.transaction().execute(async (trx) => {
      // One holder per partition normally; while a new holder redoes what a stalled one still commits, this lock makes
      // the later transaction wait and then find those events done (PostgreSQL; SQLite has one writer).
      if (db.dialect === 'postgres')
        await lockPartitions(
          trx,
          items.map((i) => i.partition),
        );
      const jobs = (kind: string, its: Item[]): BatchJob[] =>
        its.map((it) => ({ job: { ...it.job, kind }, payload: { eventId: it.eventId }, prepared: it.prepared }));
      const ctx = { trx, clock, workerId };
      const errors: unknown[] = items.map(() => undefined);
      const applied = await runKind(handlers.apply, jobs('event.apply', items), ctx);
      applied.forEach((o, i) => (errors[i] = errorOf(o)));
      const ok = items.map((_, i) => i).filter((i) => errors[i] === undefined);
      const analysed = await runKind(
        handlers.analyze,
        jobs(
          'event.analyze',
          ok.map((i) => items[i]!),
        ),
        ctx,
      );
      analysed.forEach((o, k) => (errors[ok[k]!] = errorOf(o)));
      return errors;
    });
  }
}

/** A handler over many jobs: its batch form when it has one, else job by job (a throw fails the transaction). */
async function runKind(
  h: JobHandler,
  jobs: BatchJob[],
  ctx: { trx: Kysely<Database>; clock: Clock; workerId: string },
): Promise<ItemOutcome[]> {
  if (!jobs.length) return [];
  if (h.batch) return h.batch(jobs, ctx);
  for (const j of jobs) await h(j.payload, { trx: ctx.trx, job: j.job, clock: ctx.clock, prepared: j.prepared });
  return jobs.map(() => ({ status: 'done' }));
}

const errorOf = (o: ItemOutcome | undefined): unknown =>
  o === undefined
    ? new Error('no outcome for the event')
    : o.status === 'done'
      ? undefined
      : o.status === 'failed'
        ? (o.error ?? new Error('failed'))
        : notRun();

/** One statement, locks taken in ascending order (two batches cannot deadlock). */
async function lockPartitions(trx: Kysely<Database>, partitions: number[]): Promise<void> {
  const ps = [...new Set(partitions)].sort((a, b) => a - b);
  await sql`SELECT pg_advisory_xact_lock(${STREAM_LOCK_SPACE}, s.p) FROM (SELECT unnest(${ps}::int[]) AS p ORDER BY 1) s`.execute(
    trx,
  );
}

/** Wakes one waiter (or the next one to wait) when something changed. */
class Signal {
  private pending = false;
  private waker: (() => void) | null = null;
  notify(): void {
    if (this.waker) {
      const w = this.waker;
      this.waker = null;
      w();
    } else this.pending = true;
  }
  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.waker = resolve));
  }
}
