// Destroys vault items whose retention has ended (legal holds extend it): a plain loop, once a minute.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../util/time.ts';
import { destroyExpired } from './vault.ts';

export function startRetentionLoop(db: Kysely<Database>, clock: Clock, log: Logger, everyMs = 60_000): () => Promise<void> {
  let stopping = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopping) {
      try {
        const n = await destroyExpired(db, clock);
        if (n) log.info({ destroyed: n }, 'vault items destroyed at the end of retention');
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
