// Running an exchange: take its lock, pull pages, commit each page with its checkpoint, record the
// outcome; push confirmed entries back to a peer when asked. The fetch loop is a plain loop.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import { fromJson } from '../util/json.ts';
import { appendAudit } from '../audit/log.ts';
import { iso, addMs, type Clock } from '../util/time.ts';
import type { Fetcher, FetchEnv } from './fetcher.ts';
import { VigilError } from '../errors.ts';
import { applyUpdates, sweepUnseen } from './apply.ts';
import { fileFetcher } from './file.ts';
import { peerFetcher, type PeerConfig } from './peer.ts';
import { ncmecFetcher } from './ncmec.ts';
import { threatExchangeFetcher } from './threatexchange.ts';
import { writeBack } from './write-back.ts';
import { parseConfig, type ExchangeType } from './store.ts';

export interface RunResult {
  status: 'ok' | 'error' | 'busy';
  pages: number;
  added: number;
  removed: number;
  invalid: number;
  written_back: number;
  error?: string;
}

function fetcherFor(type: ExchangeType, config: Record<string, unknown>, env: FetchEnv): Fetcher {
  const c = parseConfig(type, config) as never;
  if (type === 'file') return fileFetcher(c, env);
  if (type === 'peer') return peerFetcher(c, env);
  if (type === 'ncmec') return ncmecFetcher(c, env);
  return threatExchangeFetcher(c, env);
}

function fetchEnv(cfg: Config, clock: Clock): FetchEnv {
  return {
    allowPrivate: cfg.exchanges.allowPrivateTargets,
    maxBytes: cfg.exchanges.maxResponseBytes,
    timeoutMs: cfg.exchanges.requestTimeoutMs,
    now: () => clock.now(),
  };
}

/**
 * How long a checkpoint may rest before resuming from it is unsafe. ThreatExchange keeps deletion
 * records for 90 days: a checkpoint older than that would miss withdrawals, so refetch from scratch.
 */
const DEFAULT_STALE_S: Partial<Record<ExchangeType, number>> = { threatexchange: 85 * 86400 };

export async function runExchange(
  db: Kysely<Database>,
  name: string,
  o: { cfg: Config; clock: Clock; log?: Logger; owner: string },
): Promise<RunResult> {
  const { clock, cfg } = o;
  const maxMs = cfg.exchanges.maxFetchMs;
  // One token per run: two runs in one process (the loop and an HTTP request) are still two holders.
  const token = `${o.owner}:${randomUUID().slice(0, 8)}`;
  const lease = () => iso(addMs(clock.now(), maxMs + 60_000));
  const now = iso(clock.now());
  // The lock is a lease: a crashed fetcher's lock expires and another process takes over.
  const got = await db
    .updateTable('exchanges')
    .set({ locked_by: token, locked_until: lease(), last_status: 'running', last_fetch_at: now })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  const result: RunResult = { status: 'ok', pages: 0, added: 0, removed: 0, invalid: 0, written_back: 0 };
  if (Number(got.numUpdatedRows) !== 1) {
    if (!(await db.selectFrom('exchanges').select('id').where('name', '=', name).executeTakeFirst()))
      throw new VigilError('not_found', `exchange "${name}" not found`);
    return { ...result, status: 'busy' };
  }
  const mine = (trx: Kysely<Database>) =>
    trx.updateTable('exchanges').where('name', '=', name).where('locked_by', '=', token);
  /** Fencing: only the lock holder commits; a fetch that outlived its lease stops here. */
  const holdLock = async (trx: Kysely<Database>, set: Record<string, unknown> = {}) => {
    const r = await mine(trx)
      .set({ ...set, locked_until: lease() })
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new VigilError('conflict', 'lost the exchange lock to another fetch');
  };
  const deadline = AbortSignal.timeout(maxMs);
  try {
    let ex = await db.selectFrom('exchanges').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
    const bank = await db.selectFrom('banks').select(['id', 'name']).where('name', '=', ex.bank).executeTakeFirst();
    if (!bank) throw new VigilError('conflict', `the exchange's bank "${ex.bank}" no longer exists`);
    const env = fetchEnv(cfg, clock);
    const config = fromJson<Record<string, unknown>>(ex.config);
    const fetcher = fetcherFor(ex.type, config, env);
    // Whole-list sources (file) replace by hash; the others are tracked by item and can be swept.
    const itemized = ex.type !== 'file';
    const staleAfter = ex.stale_after_s ?? DEFAULT_STALE_S[ex.type];
    const stale =
      !!ex.checkpoint &&
      !!staleAfter &&
      !!ex.complete_at &&
      Date.parse(ex.complete_at) + staleAfter * 1000 < clock.now().getTime();
    if (itemized && ((!ex.checkpoint && !ex.full_sync) || stale)) {
      // A fetch from scratch: a new generation of items, and a sweep of the older ones at its end.
      await db.transaction().execute(async (trx) => {
        await holdLock(trx, { checkpoint: null, full_sync: 1, sync_gen: sql`sync_gen + 1` });
        if (stale)
          await appendAudit(
            trx,
            {
              actor: `exchange:${name}`,
              action: 'exchange.refetch',
              subjectType: 'exchange',
              subjectId: name,
              data: { reason: 'stale checkpoint', complete_at: ex.complete_at },
            },
            clock,
          );
      });
      ex = await db.selectFrom('exchanges').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
    }
    const target = {
      exchangeId: Number(ex.id),
      exchange: name,
      bankId: Number(bank.id),
      bankName: bank.name,
      gen: Number(ex.sync_gen),
      clock,
    };
    let checkpoint: unknown = ex.checkpoint ? fromJson(ex.checkpoint) : null;
    for await (const page of fetcher.fetch(checkpoint, deadline)) {
      if (deadline.aborted)
        throw new VigilError('exchange_error', `fetch took longer than ${maxMs} ms (resumes from the last page)`);
      // A page and its checkpoint commit together: a crash after this point never refetches it.
      const r = await db.transaction().execute(async (trx) => {
        await holdLock(trx, { checkpoint: JSON.stringify(page.checkpoint) });
        return applyUpdates(trx, { ...target, updates: page.updates, replaceAll: page.replaceAll });
      });
      checkpoint = page.checkpoint;
      result.pages++;
      result.added += r.added;
      result.removed += r.removed;
      result.invalid += r.invalid;
    }
    if (itemized && ex.full_sync) {
      result.removed += await db.transaction().execute(async (trx) => {
        await holdLock(trx, { full_sync: 0 });
        return sweepUnseen(trx, target);
      });
    }
    await mine(db)
      .set({ complete_at: iso(clock.now()) })
      .execute();
    if (ex.type === 'peer' && (config as PeerConfig).write_back) {
      const wb = await writeBack(db, {
        bankId: target.bankId,
        config: config as PeerConfig,
        checkpoint,
        env,
        save: (cp) => db.transaction().execute((trx) => holdLock(trx, { checkpoint: JSON.stringify(cp) })),
      });
      result.written_back = wb;
    }
    await mine(db)
      .set({
        last_status: 'ok',
        last_error: null,
        last_success_at: iso(clock.now()),
        locked_by: null,
        locked_until: null,
      })
      .execute();
    o.log?.info({ exchange: name, ...result }, 'exchange fetched');
    return result;
  } catch (e) {
    const msg = (e as Error).message;
    await mine(db)
      .set({ last_status: 'error', last_error: msg.slice(0, 2000), locked_by: null, locked_until: null })
      .execute();
    o.log?.warn({ exchange: name, err: msg }, 'exchange fetch failed');
    return { ...result, status: 'error', error: msg };
  }
}

/** Fetches every enabled exchange that is due, one at a time; stops when `stop()` is called. */
export function startExchangeLoop(
  db: Kysely<Database>,
  cfg: Config,
  clock: Clock,
  log: Logger,
  owner: string,
): () => Promise<void> {
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      try {
        const now = clock.now();
        const due = (
          await db
            .selectFrom('exchanges')
            .select(['name', 'interval_s', 'last_fetch_at'])
            .where('enabled', '=', 1)
            .execute()
        ).filter((e) => !e.last_fetch_at || Date.parse(e.last_fetch_at) + Number(e.interval_s) * 1000 <= now.getTime());
        for (const e of due) {
          if (stopping) break;
          await runExchange(db, e.name, { cfg, clock, log, owner });
        }
      } catch (err) {
        log.error({ err }, 'exchange loop error');
      }
      for (let i = 0; i < 10 && !stopping; i++) await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return async () => {
    stopping = true;
    await loop;
  };
}
