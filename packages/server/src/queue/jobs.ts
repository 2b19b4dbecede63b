// A durable job queue in the service's own database. Jobs are enqueued in the same transaction
// as the change that caused them; workers claim them with a lease (PostgreSQL: SKIP LOCKED),
// retry with exponential backoff and park jobs that keep failing as dead letters.
import { sql, type Kysely } from 'kysely';
import type { Database, Job } from '../db/schema.ts';
import type { DialectName } from '../db/connect.ts';
import { toJson } from '../util/json.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { VigilError } from '../errors.ts';

export interface EnqueueInput {
  kind: string;
  payload: unknown;
  runAt?: Date;
  maxAttempts?: number;
  /** Jobs with a partition run one at a time per partition, in id order (queue/partition.ts). */
  partition?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

export async function enqueue(trx: Kysely<Database>, jobs: EnqueueInput[], clock: Clock): Promise<void> {
  if (!jobs.length) return;
  const now = iso(clock.now());
  // Chunked: SQLite caps bound parameters per statement.
  for (let i = 0; i < jobs.length; i += 500) {
    await trx
      .insertInto('jobs')
      .values(
        jobs.slice(i, i + 500).map((j) => ({
          kind: j.kind,
          payload: toJson(j.payload),
          status: 'pending' as const,
          attempts: 0,
          max_attempts: j.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
          run_at: j.runAt ? iso(j.runAt) : now,
          created_at: now,
          partition: j.partition ?? null,
        })),
      )
      .execute();
  }
}

/** Half the default 64 partitions: a second worker under a backlog finds the other half free. */
export const DEFAULT_CLAIM_PARTITIONS = 32;

export interface ClaimOptions {
  workerId: string;
  limit: number;
  /** Most partitions one claim takes (default DEFAULT_CLAIM_PARTITIONS). */
  maxPartitions?: number;
  leaseMs: number;
  clock: Clock;
}

/**
 * Takes up to `limit` due jobs under a lease. Safe with many workers on PostgreSQL. A job with a partition is
 * taken only when no job of its partition is running elsewhere and no earlier job of it is waiting for a retry,
 * so a partition's jobs run one at a time in id order (a worker may take several of them, and runs them in order).
 */
export async function claimJobs(db: Kysely<Database>, dialect: DialectName, o: ClaimOptions): Promise<Job[]> {
  const now = o.clock.now();
  // Busy partitions (a job running) and, per partition, the first job waiting for a retry are computed once, not
  // per candidate: checked per row, the claim cost grew with the square of a partition's backlog.
  // A claim takes at most `maxPartitions` partitions (those whose first due job is oldest), so a worker taking a large
  // batch leaves the other partitions to other workers instead of holding every partition at once.
  const due = sql`
      WITH busy AS (SELECT DISTINCT partition FROM jobs WHERE status = 'running' AND partition IS NOT NULL),
        retry AS (SELECT partition, MIN(id) AS first FROM jobs WHERE status = 'pending' AND run_at > ${iso(now)} AND partition IS NOT NULL GROUP BY partition),
        cand AS (
          SELECT j.id, j.partition FROM jobs j ${dialect === 'sqlite' ? sql`INDEXED BY jobs_pending` : sql``} LEFT JOIN retry w ON w.partition = j.partition
          WHERE j.status = 'pending' AND j.run_at <= ${iso(now)}
            AND (j.partition IS NULL OR (j.partition NOT IN (SELECT partition FROM busy) AND (w.first IS NULL OR j.id < w.first)))
          ORDER BY j.id LIMIT ${o.limit * 4}),
        parts AS (SELECT partition FROM cand WHERE partition IS NOT NULL GROUP BY partition ORDER BY MIN(id) LIMIT ${o.maxPartitions ?? DEFAULT_CLAIM_PARTITIONS})
      SELECT id FROM cand WHERE partition IS NULL OR partition IN (SELECT partition FROM parts) ORDER BY id LIMIT ${o.limit}`;
  // SQLite: jobs_pending walks pending jobs in id order and stops at the limit (the planner preferred reading every
  // due job through another index and sorting them).
  // PostgreSQL: the ids as an array computed first, then fetched by primary key (with IN (…) it planned a hash join
  // over the whole table, done jobs included: a claim took 200 ms once the table held 10^4 jobs).
  const which = dialect === 'postgres' ? sql`id = ANY(ARRAY(${due}))` : sql`id IN (${due})`;
  const claim = (q: Kysely<Database>) =>
    sql<Job>`
    UPDATE jobs SET status = 'running', attempts = attempts + 1,
      locked_until = ${iso(addMs(now, o.leaseMs))}, locked_by = ${o.workerId}
    WHERE ${which}
    RETURNING *`.execute(q);
  // PostgreSQL: claims are serialised (a transaction-scoped advisory lock), or two workers could each see a
  // partition idle and take different jobs of it. SQLite has one writer, so the statement alone is atomic.
  const res =
    dialect === 'postgres'
      ? await db.transaction().execute(async (trx) => {
          await sql`SELECT pg_advisory_xact_lock(7669676902)`.execute(trx);
          return claim(trx);
        })
      : await claim(db);
  return res.rows
    .map((r) => ({ ...r, id: Number(r.id), partition: r.partition == null ? null : Number(r.partition) }))
    .sort((a, b) => a.id - b.id);
}

/** Keeps a worker's leases on jobs it is still working on (a batch may take longer than one lease). */
export async function extendLeases(
  db: Kysely<Database>,
  ids: number[],
  workerId: string,
  leaseMs: number,
  clock: Clock,
): Promise<void> {
  if (!ids.length) return;
  await db
    .updateTable('jobs')
    .set({ locked_until: iso(addMs(clock.now(), leaseMs)) })
    .where('id', 'in', ids)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .execute();
}

/** Gives back claimed jobs that were not run (an earlier job of their partition failed): no attempt is used up. */
export async function releaseJobs(db: Kysely<Database>, jobs: Job[], workerId: string): Promise<void> {
  if (!jobs.length) return;
  await db
    .updateTable('jobs')
    .set({ status: 'pending', attempts: sql`attempts - 1`, locked_by: null, locked_until: null })
    .where(
      'id',
      'in',
      jobs.map((j) => j.id),
    )
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .execute();
}

/**
 * Marks a job done inside the transaction that applied its effects. Throws when the lease was lost
 * (another worker took the job over), which rolls the effects back: no double effect.
 */
export async function completeJob(trx: Kysely<Database>, job: Job, workerId: string, clock: Clock): Promise<void> {
  const r = await trx
    .updateTable('jobs')
    .set({ status: 'done', finished_at: iso(clock.now()), locked_until: null, last_error: null })
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw leaseLost(job.id);
}

/** completeJob for many jobs in one statement per 500; throws (rolling the batch back) when any lease was lost. */
export async function completeJobs(trx: Kysely<Database>, jobs: Job[], workerId: string, clock: Clock): Promise<void> {
  for (let i = 0; i < jobs.length; i += 500) {
    const ids = jobs.slice(i, i + 500).map((j) => j.id);
    const r = await trx
      .updateTable('jobs')
      .set({ status: 'done', finished_at: iso(clock.now()), locked_until: null, last_error: null })
      .where('id', 'in', ids)
      .where('status', '=', 'running')
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== ids.length) throw leaseLost(ids[0]!);
  }
}

const leaseLost = (id: number) => new VigilError('lease_lost', `job ${id}: lease lost before completion`, { job: id });

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s … capped at 10 minutes. */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 600_000, rand = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (rand() * ceiling) / 2);
}

export async function failJob(
  db: Kysely<Database>,
  job: Job,
  workerId: string,
  error: unknown,
  clock: Clock,
): Promise<'retry' | 'dead'> {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const dead = job.attempts >= job.max_attempts;
  await db
    .updateTable('jobs')
    .set({
      status: dead ? 'dead' : 'pending',
      run_at: iso(addMs(clock.now(), dead ? 0 : backoffMs(job.attempts))),
      locked_until: null,
      locked_by: null,
      last_error: message.slice(0, 2000),
      finished_at: dead ? iso(clock.now()) : null,
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
  return dead ? 'dead' : 'retry';
}

/** Jobs whose worker died keep their lease until it expires; then they go back to the queue. */
export async function releaseExpiredLeases(db: Kysely<Database>, clock: Clock): Promise<number> {
  const now = iso(clock.now());
  const r = await db
    .updateTable('jobs')
    .set({ status: 'pending', locked_by: null, locked_until: null, run_at: now })
    .where('status', '=', 'running')
    .where('locked_until', '<', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function retryDeadJob(db: Kysely<Database>, id: number, clock: Clock): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ status: 'pending', attempts: 0, run_at: iso(clock.now()), finished_at: null })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
