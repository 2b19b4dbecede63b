// Fixed-window counters in the database (shared by every process): login attempts, public reports.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { addMs, iso, type Clock } from '../util/time.ts';

/** Counts one hit for `key` and returns the count in the current window. */
export async function hit(db: Kysely<Database>, key: string, windowMs: number, clock: Clock): Promise<number> {
  const now = clock.now();
  const windowStart = iso(addMs(now, -windowMs));
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('login_attempts')
      .values({ key, window_start: iso(now), count: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          // A new window starts once the old one is over.
          count: sql`CASE WHEN login_attempts.window_start < ${windowStart} THEN 1 ELSE login_attempts.count + 1 END`,
          window_start: sql`CASE WHEN login_attempts.window_start < ${windowStart} THEN ${iso(now)} ELSE login_attempts.window_start END`,
        }),
      )
      .execute();
    const row = await trx.selectFrom('login_attempts').select('count').where('key', '=', key).executeTakeFirstOrThrow();
    return Number(row.count);
  });
}
