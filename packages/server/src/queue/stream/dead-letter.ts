// An event the stream workers could not process goes to the same dead letters as the database queue's jobs: a `jobs`
// row with status `dead`, kind `event.apply` and the reason (GET /v1/jobs/dead). Retrying it (POST /v1/jobs/:id/retry)
// runs it through the queue again, which with a stream publishes it anew under the new job's message id.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { toJson } from '../../util/json.ts';
import { iso, type Clock } from '../../util/time.ts';

export async function deadLetter(
  db: Kysely<Database>,
  o: { payload: unknown; reason: string; attempts: number; partition: number | null; clock: Clock; worker: string },
): Promise<number> {
  const now = iso(o.clock.now());
  const r = await db
    .insertInto('jobs')
    .values({
      kind: 'event.apply',
      payload: toJson(o.payload),
      status: 'dead',
      attempts: o.attempts,
      max_attempts: o.attempts,
      run_at: now,
      created_at: now,
      finished_at: now,
      locked_by: o.worker,
      locked_until: null,
      last_error: o.reason.slice(0, 2000),
      partition: o.partition,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}
