// The worker daemon: a plain loop that claims due jobs and runs each in its own transaction.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, Job } from '../db/schema.ts';
import type { Db } from '../db/connect.ts';
import { fromJson } from '../util/json.ts';
import type { Clock } from '../util/time.ts';
import { claimJobs, completeJob, extendLeases, failJob, releaseExpiredLeases, releaseJobs } from './jobs.ts';
import { metrics } from '../metrics/metrics.ts';

export interface JobContext {
  trx: Kysely<Database>;
  job: Job;
  clock: Clock;
  /** What the handler's `prepare` returned, if it has one. */
  prepared?: unknown;
}

/**
 * A handler applies its effects through `trx` only; they commit together with the job's completion.
 * Slow I/O that writes nothing (fetching and hashing remote media) goes in `prepare`, which runs
 * before the transaction opens so it never holds a write lock (SQLite has one writer).
 */
export type JobHandler = ((payload: any, ctx: JobContext) => Promise<void>) & {
  prepare?: (payload: any, o: { db: Kysely<Database>; job: Job; clock: Clock }) => Promise<unknown>;
};

export interface WorkerOptions {
  db: Db;
  handlers: Record<string, JobHandler>;
  clock: Clock;
  log: Logger;
  workerId: string;
  batch?: number;
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
      limit: this.o.batch ?? 50,
      leaseMs: this.o.leaseMs ?? 30_000,
      clock,
    });
    if (!jobs.length) return 0;
    metrics.jobBatchSize.observe(jobs.length);
    // Leases are renewed while the batch runs, so a slow batch (remote fetches, a loaded machine) is not taken
    // over by another worker halfway; only a worker that stops (crash, kill) lets its leases run out.
    const leaseMs = this.o.leaseMs ?? 30_000;
    const heartbeat = setInterval(() => {
      extendLeases(db.kysely, jobs.map((j) => j.id), this.o.workerId, leaseMs, clock).catch(() => {});
    }, Math.max(100, leaseMs / 3));
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
    const blocked = new Set<number>();
    const unrun: Job[] = [];
    const ready: { job: Job; prepared: unknown }[] = [];
    for (const job of jobs) {
      if (job.partition != null && blocked.has(job.partition)) {
        unrun.push(job);
        continue;
      }
      try {
        ready.push({ job, prepared: await this.o.handlers[job.kind]?.prepare?.(fromJson(job.payload), { db: db.kysely, job, clock }) });
      } catch (err) {
        await this.failed(job, err);
        if (job.partition != null) blocked.add(job.partition);
      }
    }
    if (!(ready.length > 1 && (await this.runBatch(ready)))) {
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

  private async failed(job: Job, err: unknown) {
    const { db, clock, log, workerId } = this.o;
    const outcome = await failJob(db.kysely, job, workerId, err, clock).catch(() => 'unknown');
    log.warn({ err, jobId: job.id, kind: job.kind, attempt: job.attempts, outcome }, 'job failed');
  }

  /**
   * Runs a whole claimed batch in one transaction (one commit instead of one per job). If any job
   * fails, the batch rolls back and each job runs alone, so one bad job cannot hold up the others.
   */
  private async runBatch(jobs: { job: Job; prepared: unknown }[]): Promise<boolean> {
    const { db, clock, workerId } = this.o;
    if (jobs.some((j) => !this.o.handlers[j.job.kind])) return false;
    const took: { kind: string; s: number }[] = [];
    try {
      await db.kysely.transaction().execute(async (trx) => {
        for (const { job, prepared } of jobs) {
          const t0 = performance.now();
          await this.o.handlers[job.kind]!(fromJson(job.payload), { trx, job, clock, prepared });
          await completeJob(trx, job, workerId, clock);
          took.push({ kind: job.kind, s: (performance.now() - t0) / 1000 });
        }
      });
      for (const t of took) metrics.jobDuration.observe({ kind: t.kind, outcome: 'done' }, t.s);
      this.processed += jobs.length;
      return true;
    } catch {
      return false;
    }
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
          const t = setTimeout(resolve, this.o.idleMs ?? 500);
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
