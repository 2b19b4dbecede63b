// The legal daemon, a plain loop once a minute: destroys vault items whose retention has ended (legal
// holds extend it), reminds of law-enforcement deadlines, ends preservation periods.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../util/time.ts';
import { destroyExpired } from './vault.ts';
import { leHousekeeping } from './le-requests.ts';

export function startRetentionLoop(
  db: Kysely<Database>,
  clock: Clock,
  log: Logger,
  everyMs = 60_000,
): () => Promise<void> {
  let stopping = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopping) {
      try {
        const n = await destroyExpired(db, clock);
        if (n) log.info({ destroyed: n }, 'vault items destroyed at the end of retention');
        const le = await leHousekeeping(db, clock);
        if (le.reminded || le.expired) log.info(le, 'law-enforcement deadlines');
      } catch (err) {
        log.error({ err }, 'retention loop error');
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, everyMs);
        wake = () => (clearTimeout(t), r());
      });
    }
  })();
  return async () => {
    stopping = true;
    wake?.();
    await loop;
  };
}
