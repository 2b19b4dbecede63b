// The worker daemon: a plain loop that claims due jobs and runs each in its own transaction.
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, Job } from '../db/schema.ts';
import type { Db } from '../db/connect.ts';
import { fromJson } from '../util/json.ts';
import type { Clock } from '../util/time.ts';
import {
  claimJobs,
  completeJob,
  completeJobs,
  extendLeases,
  failJob,
  releaseExpiredLeases,
  releaseJobs,
} from './jobs.ts';
import { metrics } from '../metrics/metrics.ts';
import { isVigilError, VigilError } from '../errors.ts';

export interface JobContext {
  trx: Kysely<Database>;
  job: Job;
  clock: Clock;
  /** What the handler's `prepare` returned, if it has one. */
  prepared?: unknown;
}

// Payloads are each job kind's own JSON; the registry holds handlers of every kind, so it cannot name one type.
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A handler applies its effects through `trx` only; they commit together with the job's completion.
 * Slow I/O that writes nothing (fetching and hashing remote media) goes in `prepare`, which runs
 * before the transaction opens so it never holds a write lock (SQLite has one writer).
 */
export type JobHandler = ((payload: any, ctx: JobContext) => Promise<void>) & {
  prepare?: (payload: any, o: { db: Kysely<Database>; job: Job; clock: Clock }) => Promise<unknown>;
  /** `prepare` for many jobs at once (set-based reads); one result per job, in order. */
  prepareBatch?: (
    jobs: { payload: any; job: Job }[],
    o: { db: Kysely<Database>; clock: Clock },
  ) => Promise<PrepareResult[]>;
  /**
   * Runs many jobs of this kind, in order, inside the batch's transaction; one outcome per job. A job that failed
   * left no effects; a blocked one was not run (an earlier job with its order key failed).
   */
  batch?: (jobs: BatchJob[], ctx: { trx: Kysely<Database>; clock: Clock; workerId: string }) => Promise<ItemOutcome[]>;
};

export type PrepareResult = { value: unknown } | { error: unknown };

export interface BatchJob {
  job: Job;
  payload: any;
  prepared?: unknown;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export type ItemOutcome = { status: 'done' } | { status: 'failed'; error: unknown } | { status: 'blocked' };

/** Thrown inside a batch to name the item (by index) whose own work failed; see isolateFailures. */
export const itemFailed = (index: number, reason: unknown) =>
  new VigilError('item_failed', reason instanceof Error ? reason.message : String(reason), {
    index,
    reason,
  } satisfies ItemFailed);
interface ItemFailed {
  index: number;
  reason: unknown;
}

/**
 * Runs `run` over the items inside a savepoint, so one poison item cannot sink its batch. An item_failed error rolls
 * the batch back and runs it again without that item and without the later items of its order key (blocked, so
 * a subject's order holds); any other error (a write that failed for the batch) rolls back and runs each item
 * alone, in order. The items left commit with the caller's transaction.
 */
export async function isolateFailures<T>(
  trx: Kysely<Database>,
  items: T[],
  keyOf: (t: T) => unknown,
  run: (items: T[]) => Promise<void>,
  depth = 0,
): Promise<ItemOutcome[]> {
  const out: ItemOutcome[] = items.map(() => ({ status: 'done' }));
  const blockedKeys = new Set<unknown>();
  let live = items.map((_, i) => i);
  const fail = (i: number, error: unknown) => {
    out[i] = { status: 'failed', error };
    blockedKeys.add(keyOf(items[i]!));
    live = live.filter((j) => {
      if (j === i) return false;
      if (j > i && keyOf(items[j]!) === keyOf(items[i]!)) {
        out[j] = { status: 'blocked' };
        return false;
      }
      return true;
    });
  };
  const sp = sql.raw(`vigil_batch_${depth}`);
  while (live.length) {
    await sql`SAVEPOINT ${sp}`.execute(trx);
    try {
      await run(live.map((i) => items[i]!));
      await sql`RELEASE SAVEPOINT ${sp}`.execute(trx);
      return out;
    } catch (e) {
      await sql`ROLLBACK TO SAVEPOINT ${sp}`.execute(trx);
      await sql`RELEASE SAVEPOINT ${sp}`.execute(trx);
      const failed = isVigilError(e, 'item_failed') ? (e.details as ItemFailed) : undefined;
      if (failed && live[failed.index] !== undefined) {
        fail(live[failed.index]!, failed.reason);
        continue;
      }
      if (live.length === 1) {
        fail(live[0]!, e);
        return out;
      }
      for (const i of live) {
        if (blockedKeys.has(keyOf(items[i]!))) {
          out[i] = { status: 'blocked' };
          continue;
        }
        out[i] = (await isolateFailures(trx, [items[i]!], keyOf, run, depth + 1))[0]!;
        if (out[i]!.status === 'failed') blockedKeys.add(keyOf(items[i]!));
      }
      return out;
    }
  }
  return out;
}

/** Jobs claimed at once: enough that set-based analysis pays off, small enough to stay well inside a lease. */
export const DEFAULT_BATCH = 512;
/**
 * How long an idle worker waits before claiming again (a server nudges its own workers at once; `vigil worker`
 * processes poll). Short, so an idle process gets its share of partitions while another one loops on a backlog.
 */
const DEFAULT_IDLE_MS = 100;

export interface WorkerOptions {
  db: Db;
  handlers: Record<string, JobHandler>;
  clock: Clock;
  log: Logger;
  workerId: string;
  batch?: number;
  /** Most partitions one claim takes (queue/jobs.ts DEFAULT_CLAIM_PARTITIONS). */
  maxPartitions?: number;
  leaseMs?: number;
  idleMs?: number;
}

export class Worker {
  private stopped = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private lastReap = 0;
  processed = 0;

  constructor(private readonly o: WorkerOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Wakes an idle worker at once (called after ingest commits new jobs). */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.nudge();
    await this.loop;
  }

  /** Claims and runs one batch; returns how many jobs it ran. */
  async runOnce(): Promise<number> {
    const { db, clock } = this.o;
    if (Date.now() - this.lastReap > Math.min(5000, (this.o.leaseMs ?? 30_000) / 2)) {
      this.lastReap = Date.now();
      await releaseExpiredLeases(db.kysely, clock);
    }
    const jobs = await claimJobs(db.kysely, db.dialect, {
      workerId: this.o.workerId,
      limit: this.o.batch ?? DEFAULT_BATCH,
      maxPartitions: this.o.maxPartitions,
      leaseMs: this.o.leaseMs ?? 30_000,
      clock,
    });
    if (!jobs.length) return 0;
    metrics.jobBatchSize.observe(jobs.length);
    // Leases are renewed while the batch runs, so a slow batch (remote fetches, a loaded machine) is not taken
    // over by another worker halfway; only a worker that stops (crash, kill) lets its leases run out.
    const leaseMs = this.o.leaseMs ?? 30_000;
    const heartbeat = setInterval(
      () => {
        extendLeases(
          db.kysely,
          jobs.map((j) => j.id),
          this.o.workerId,
          leaseMs,
          clock,
        ).catch(() => {});
      },
      Math.max(100, leaseMs / 3),
    );
    try {
      await this.runClaimed(jobs);
    } finally {
      clearInterval(heartbeat);
    }
    return jobs.length;
  }

  private async runClaimed(jobs: Job[]): Promise<void> {
    const { db, clock } = this.o;
    // Prepare phases (network, CPU) run once per job, outside any transaction; a job whose prepare
    // fails is failed (and retried later) without holding up the rest of the batch, except the later
    // jobs of its partition, which go back to the queue unrun so their subject's order is kept.
    const preparedOf = await this.prepareBatches(jobs);
    const blocked = new Set<number>();
    const unrun: Job[] = [];
    const ready: { job: Job; prepared: unknown }[] = [];
    for (const job of jobs) {
      if (job.partition != null && blocked.has(job.partition)) {
        unrun.push(job);
        continue;
      }
      try {
        const batched = preparedOf.get(job.id);
        if (batched && 'error' in batched) throw batched.error;
        ready.push({
          job,
          prepared: batched
            ? batched.value
            : await this.o.handlers[job.kind]?.prepare?.(fromJson(job.payload), { db: db.kysely, job, clock }),
        });
      } catch (err) {
        await this.failed(job, err);
        if (job.partition != null) blocked.add(job.partition);
      }
    }
    if (!(ready.length > 1 && (await this.runBatch(ready, unrun)))) {
      for (const r of ready) {
        if (r.job.partition != null && blocked.has(r.job.partition)) {
          unrun.push(r.job);
          continue;
        }
        if (!(await this.runJob(r.job, r.prepared)) && r.job.partition != null) blocked.add(r.job.partition);
      }
    }
    await releaseJobs(db.kysely, unrun, this.o.workerId);
  }

  /** Set-based prepare for the kinds that have one (the rest prepare job by job). */
  private async prepareBatches(jobs: Job[]): Promise<Map<number, PrepareResult>> {
    const out = new Map<number, PrepareResult>();
    for (const kind of new Set(jobs.map((j) => j.kind))) {
      const prep = this.o.handlers[kind]?.prepareBatch;
      if (!prep) continue;
      const mine = jobs.filter((j) => j.kind === kind);
      const results = await prep(
        mine.map((job) => ({ job, payload: fromJson(job.payload) })),
        { db: this.o.db.kysely, clock: this.o.clock },
      ).catch((error) => mine.map(() => ({ error })));
      mine.forEach((j, i) => out.set(j.id, results[i] ?? { error: new Error('no prepare result') }));
    }
    return out;
  }

  private async failed(job: Job, err: unknown) {
    const { db, clock, log, workerId } = this.o;
    const outcome = await failJob(db.kysely, job, workerId, err, clock).catch(() => 'unknown');
    log.warn({ err, jobId: job.id, kind: job.kind, attempt: job.attempts, outcome }, 'job failed');
  }

  /**
   * Runs a whole claimed batch in one transaction (one commit instead of one per job). The jobs of a kind with a
   * batch handler run together (set-based reads and bulk writes); a job that fails there is failed alone
   * and the later jobs of its partition are given back unrun. If anything else fails, the batch rolls back and each
   * job runs alone, so one bad job cannot hold up the others.
   */
  private async runBatch(jobs: { job: Job; prepared: unknown }[], unrun: Job[]): Promise<boolean> {
    const { db, clock, workerId } = this.o;
    if (jobs.some((j) => !this.o.handlers[j.job.kind])) return false;
    const t0 = performance.now();
    let done: Job[] = [];
    let failed: { job: Job; error: unknown }[] = [];
    let skipped: Job[] = [];
    try {
      await db.kysely.transaction().execute(async (trx) => {
        [done, failed, skipped] = [[], [], []];
        const blocked = new Set<number>();
        for (const run of runsOfKind(jobs)) {
          const handler = this.o.handlers[run[0]!.job.kind]!;
          const todo = run.filter((r) => !(r.job.partition != null && blocked.has(r.job.partition)));
          skipped.push(...run.filter((r) => !todo.includes(r)).map((r) => r.job));
          if (handler.batch) {
            const outcomes = await handler.batch(
              todo.map((r) => ({ job: r.job, payload: fromJson(r.job.payload), prepared: r.prepared })),
              { trx, clock, workerId },
            );
            todo.forEach((r, i) => {
              const o = outcomes[i] ?? { status: 'failed', error: new Error('no outcome for the job') };
              if (o.status === 'done') done.push(r.job);
              else if (o.status === 'blocked') skipped.push(r.job);
              else {
                failed.push({ job: r.job, error: o.error });
                if (r.job.partition != null) blocked.add(r.job.partition);
              }
            });
          } else {
            for (const r of todo) {
              await handler(fromJson(r.job.payload), { trx, job: r.job, clock, prepared: r.prepared });
              done.push(r.job);
            }
          }
        }
        await completeJobs(trx, done, workerId, clock);
      });
    } catch {
      return false;
    }
    const each = (performance.now() - t0) / 1000 / Math.max(1, done.length + failed.length);
    for (const j of done) metrics.jobDuration.observe({ kind: j.kind, outcome: 'done' }, each);
    for (const f of failed) {
      metrics.jobDuration.observe({ kind: f.job.kind, outcome: 'failed' }, each);
      await this.failed(f.job, f.error);
    }
    unrun.push(...skipped);
    this.processed += done.length;
    return true;
  }

  /** Runs one job in its own transaction; false when it failed. */
  private async runJob(job: Job, prepared: unknown): Promise<boolean> {
    const { db, clock, workerId } = this.o;
    const handler = this.o.handlers[job.kind];
    const t0 = performance.now();
    try {
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      await db.kysely.transaction().execute(async (trx) => {
        await handler(fromJson(job.payload), { trx, job, clock, prepared });
        await completeJob(trx, job, workerId, clock);
      });
      metrics.jobDuration.observe({ kind: job.kind, outcome: 'done' }, (performance.now() - t0) / 1000);
      this.processed++;
      return true;
    } catch (err) {
      metrics.jobDuration.observe({ kind: job.kind, outcome: 'failed' }, (performance.now() - t0) / 1000);
      await this.failed(job, err);
      return false;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let n = 0;
      try {
        n = await this.runOnce();
      } catch (err) {
        this.o.log.error({ err }, 'worker loop error');
      }
      if (n === 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.o.idleMs ?? DEFAULT_IDLE_MS);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}

/**
 * The batch's jobs by kind (kinds in order of first appearance, each kind's jobs in id order), so each batch handler
 * runs once per batch. Claimed apply and analysis jobs interleave by id; running the applies first only means an
 * analysis may see a later event of its subject already applied, as it does whenever ingest outpaces analysis
 * (analysis reads current state); each kind keeps its own order per partition.
 */
function runsOfKind<T extends { job: Job }>(jobs: T[]): T[][] {
  const runs = new Map<string, T[]>();
  for (const j of jobs) (runs.get(j.job.kind) ?? runs.set(j.job.kind, []).get(j.job.kind)!).push(j);
  return [...runs.values()];
}
