// Running an exchange: take its lock, pull pages, commit each page with its checkpoint, record the
// outcome; push confirmed entries back to a peer when asked. The fetch loop is a plain loop.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import { fromJson } from '../util/json.ts';
import { iso, addMs, type Clock } from '../util/time.ts';
import type { Fetcher, FetchEnv } from './fetcher.ts';
import { ExchangeError } from './fetcher.ts';
import { applyUpdates } from './apply.ts';
import { fileFetcher } from './file.ts';
import { peerFetcher, type peerConfig } from './peer.ts';
import { ncmecFetcher } from './ncmec.ts';
import { threatExchangeFetcher } from './threatexchange.ts';
import { failIfNotOk, httpGet } from './http.ts';
import { parseConfig, type ExchangeType } from './store.ts';
import type { z } from 'zod';

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

export function fetchEnv(cfg: Config, clock: Clock): FetchEnv {
  return { allowPrivate: cfg.exchanges.allowPrivateTargets, maxBytes: cfg.exchanges.maxResponseBytes, timeoutMs: cfg.exchanges.requestTimeoutMs, now: () => clock.now() };
}

export async function runExchange(db: Kysely<Database>, name: string, o: { cfg: Config; clock: Clock; log?: Logger; owner: string }): Promise<RunResult> {
  const { clock, cfg } = o;
  const maxMs = cfg.exchanges.maxFetchMs;
  const now = iso(clock.now());
  // The lock is a lease: a crashed fetcher's lock expires and another process takes over.
  const got = await db
    .updateTable('exchanges')
    .set({ locked_by: o.owner, locked_until: iso(addMs(clock.now(), maxMs + 60_000)), last_status: 'running', last_fetch_at: now })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  const result: RunResult = { status: 'ok', pages: 0, added: 0, removed: 0, invalid: 0, written_back: 0 };
  if (Number(got.numUpdatedRows) !== 1) {
    if (!(await db.selectFrom('exchanges').select('id').where('name', '=', name).executeTakeFirst())) throw new ExchangeError(404, `exchange "${name}" not found`);
    return { ...result, status: 'busy' };
  }
  try {
    const ex = await db.selectFrom('exchanges').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
    const bank = await db.selectFrom('banks').select(['id', 'name']).where('name', '=', ex.bank).executeTakeFirst();
    if (!bank) throw new ExchangeError(409, `the exchange's bank "${ex.bank}" no longer exists`);
    const env = fetchEnv(cfg, clock);
    const config = fromJson<Record<string, unknown>>(ex.config);
    const fetcher = fetcherFor(ex.type, config, env);
    let checkpoint: unknown = ex.checkpoint ? fromJson(ex.checkpoint) : null;
    for await (const page of fetcher.fetch(checkpoint, AbortSignal.timeout(maxMs))) {
      // A page and its checkpoint commit together: a crash after this point never refetches it.
      const r = await db.transaction().execute(async (trx) => {
        const applied = await applyUpdates(trx, { bankId: Number(bank.id), bankName: bank.name, exchange: name, updates: page.updates, replaceAll: page.replaceAll, clock });
        await trx.updateTable('exchanges').set({ checkpoint: JSON.stringify(page.checkpoint) }).where('name', '=', name).execute();
        return applied;
      });
      checkpoint = page.checkpoint;
      result.pages++;
      result.added += r.added;
      result.removed += r.removed;
      result.invalid += r.invalid;
    }
    if (ex.type === 'peer' && (config as z.infer<typeof peerConfig>).write_back) result.written_back = await writeBack(db, name, Number(bank.id), config as z.infer<typeof peerConfig>, checkpoint, env);
    await db.updateTable('exchanges').set({ last_status: 'ok', last_error: null, last_success_at: iso(clock.now()), locked_by: null, locked_until: null }).where('name', '=', name).execute();
    o.log?.info({ exchange: name, ...result }, 'exchange fetched');
    return result;
  } catch (e) {
    const msg = (e as Error).message;
    await db.updateTable('exchanges').set({ last_status: 'error', last_error: msg.slice(0, 2000), locked_by: null, locked_until: null }).where('name', '=', name).execute();
    o.log?.warn({ exchange: name, err: msg }, 'exchange fetch failed');
    return { ...result, status: 'error', error: msg };
  }
}

/** Confirmed entries of this bank not yet pushed go to the peer's bank as confirmations. */
async function writeBack(db: Kysely<Database>, name: string, bankId: number, config: z.infer<typeof peerConfig>, checkpoint: unknown, env: FetchEnv): Promise<number> {
  const after = (checkpoint as { written_back_after?: string } | null)?.written_back_after ?? '';
  const rows = await db.selectFrom('bank_entries').select(['signal_type', 'value', 'confirmed_at']).where('bank_id', '=', bankId).where('confirmed', '=', 1).where('confirmed_at', '>', after).orderBy('confirmed_at').limit(5000).execute();
  if (!rows.length) return 0;
  const base = config.url.replace(/\/+$/, '');
  const r = await httpGet(`${base}/v1/exchange/shared/${encodeURIComponent(config.bank)}/confirmations`, env, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.api_key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ entries: rows.map((x) => ({ signal_type: x.signal_type, value: x.value })) }),
  });
  failIfNotOk(r, `write-back to ${new URL(base).host}`);
  const cp = { ...(checkpoint as object | null), written_back_after: rows.at(-1)!.confirmed_at };
  await db.updateTable('exchanges').set({ checkpoint: JSON.stringify(cp) }).where('name', '=', name).execute();
  return rows.length;
}

/** Fetches every enabled exchange that is due, one at a time; stops when `stop()` is called. */
export function startExchangeLoop(db: Kysely<Database>, cfg: Config, clock: Clock, log: Logger, owner: string): () => Promise<void> {
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      try {
        const now = clock.now();
        const due = (await db.selectFrom('exchanges').select(['name', 'interval_s', 'last_fetch_at']).where('enabled', '=', 1).execute()).filter(
          (e) => !e.last_fetch_at || Date.parse(e.last_fetch_at) + Number(e.interval_s) * 1000 <= now.getTime(),
        );
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
