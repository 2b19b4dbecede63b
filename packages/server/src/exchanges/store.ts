// Exchanges: configuration (secrets never leave the server), the target bank, and fetch status.
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { Database, ExchangesTable } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { createBank } from '../media/index.ts';
import { iso, type Clock } from '../util/time.ts';
import { fromJson } from '../util/json.ts';
import { VigilError } from '../errors.ts';
import { fileConfig } from './file.ts';
import { peerConfig } from './peer.ts';
import { ncmecConfig } from './ncmec.ts';
import { threatExchangeConfig } from './threatexchange.ts';

export const EXCHANGE_TYPES = ['file', 'peer', 'ncmec', 'threatexchange'] as const;
export type ExchangeType = (typeof EXCHANGE_TYPES)[number];
const CONFIG_SCHEMAS = {
  file: fileConfig,
  peer: peerConfig,
  ncmec: ncmecConfig,
  threatexchange: threatExchangeConfig,
} as const;
const SECRET_KEYS = new Set(['api_key', 'password', 'access_token']);

export function parseConfig(type: ExchangeType, config: unknown): Record<string, unknown> {
  const r = CONFIG_SCHEMAS[type].safeParse(config);
  if (!r.success)
    throw new VigilError(
      'invalid_request',
      `invalid ${type} exchange config: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return r.data as Record<string, unknown>;
}

function redact(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, SECRET_KEYS.has(k) ? '(set)' : v]));
}

export function exchangeJson(row: Selectable<ExchangesTable>) {
  return {
    name: row.name,
    type: row.type,
    bank: row.bank,
    enabled: !!row.enabled,
    interval_s: Number(row.interval_s),
    config: redact(fromJson(row.config)),
    checkpoint: row.checkpoint ? fromJson<unknown>(row.checkpoint) : null,
    last_fetch_at: row.last_fetch_at,
    last_success_at: row.last_success_at,
    last_status: row.last_status,
    last_error: row.last_error,
    fetched_total: Number(row.fetched_total ?? 0),
    /** The last fetch that reached the end of the source; a full refetch runs when it is older than stale_after_days. */
    complete_at: row.complete_at,
    full_sync_running: !!row.full_sync,
    stale_after_days: row.stale_after_s === null ? null : Number(row.stale_after_s) / 86400,
  };
}

export async function createExchange(
  db: Kysely<Database>,
  o: {
    name: string;
    type: ExchangeType;
    config: unknown;
    interval_s?: number;
    enabled?: boolean;
    bank_kind?: 'block' | 'allow';
    stale_after_days?: number;
  },
  actor: string,
  clock: Clock,
) {
  const config = parseConfig(o.type, o.config);
  if (await db.selectFrom('exchanges').select('id').where('name', '=', o.name).executeTakeFirst())
    throw new VigilError('conflict', `exchange "${o.name}" already exists`);
  // Each exchange fills a bank of its own name (created here unless it exists).
  if (!(await db.selectFrom('banks').select('id').where('name', '=', o.name).executeTakeFirst()))
    await createBank(
      db,
      { name: o.name, kind: o.bank_kind ?? 'block', description: `filled by the ${o.type} exchange "${o.name}"` },
      actor,
      clock,
    );
  const now = iso(clock.now());
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('exchanges')
      .values({
        name: o.name,
        type: o.type,
        config: JSON.stringify(config),
        bank: o.name,
        enabled: o.enabled === false ? 0 : 1,
        interval_s: o.interval_s ?? 3600,
        checkpoint: null,
        last_fetch_at: null,
        last_success_at: null,
        last_status: null,
        last_error: null,
        locked_by: null,
        locked_until: null,
        created_at: now,
        updated_at: now,
        complete_at: null,
        stale_after_s: o.stale_after_days === undefined ? null : Math.round(o.stale_after_days * 86400),
      })
      .execute();
    await appendAudit(
      trx,
      {
        actor,
        action: 'exchange.create',
        subjectType: 'exchange',
        subjectId: o.name,
        data: { type: o.type, config: redact(config) },
      },
      clock,
    );
  });
  return getExchange(db, o.name);
}

export async function getExchange(db: Kysely<Database>, name: string) {
  const row = await db.selectFrom('exchanges').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw new VigilError('not_found', `exchange "${name}" not found`);
  return row;
}

export const staleAfterDays = z
  .number()
  .min(1)
  .max(3650)
  .describe(
    'refetch from scratch (removing what the source no longer lists) when the last complete fetch is older than this; ThreatExchange defaults to 85',
  );
export const exchangeUpdate = z
  .object({
    enabled: z.boolean().optional(),
    interval_s: z
      .number()
      .int()
      .min(60)
      .max(7 * 86400)
      .optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    /** Forget the checkpoint: the next fetch starts from scratch and removes what the source no longer lists. */
    reset_checkpoint: z.boolean().optional(),
    stale_after_days: staleAfterDays.nullable().optional(),
  })
  .strict();

export async function updateExchange(
  db: Kysely<Database>,
  name: string,
  change: z.infer<typeof exchangeUpdate>,
  actor: string,
  clock: Clock,
) {
  const row = await getExchange(db, name);
  const set: Record<string, unknown> = { updated_at: iso(clock.now()) };
  if (change.enabled !== undefined) set.enabled = change.enabled ? 1 : 0;
  if (change.interval_s !== undefined) set.interval_s = change.interval_s;
  // A config change merges over the old one, so secrets need not be sent again.
  if (change.config)
    set.config = JSON.stringify(
      parseConfig(row.type, { ...fromJson<Record<string, unknown>>(row.config), ...change.config }),
    );
  if (change.reset_checkpoint) Object.assign(set, { checkpoint: null, full_sync: 0 });
  if (change.stale_after_days !== undefined)
    set.stale_after_s = change.stale_after_days === null ? null : Math.round(change.stale_after_days * 86400);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('exchanges').set(set).where('name', '=', name).execute();
    await appendAudit(
      trx,
      {
        actor,
        action: 'exchange.update',
        subjectType: 'exchange',
        subjectId: name,
        data: { ...change, config: change.config ? redact(change.config) : undefined },
      },
      clock,
    );
  });
  return getExchange(db, name);
}

export async function deleteExchange(db: Kysely<Database>, name: string, actor: string, clock: Clock) {
  const row = await getExchange(db, name);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('exchange_items').where('exchange_id', '=', Number(row.id)).execute();
    await trx.deleteFrom('exchanges').where('name', '=', name).execute();
    await appendAudit(
      trx,
      { actor, action: 'exchange.delete', subjectType: 'exchange', subjectId: name, data: { bank_kept: name } },
      clock,
    );
  });
}
