// Applies a page of exchange updates to the exchange's bank inside the caller's transaction.
// Hashes brought by a source item with an id are recorded in exchange_items: a hash leaves the bank
// only when no item of this exchange still holds it (two NCMEC entries may share an MD5, and NCMEC
// withdraws an entry by id alone). Only entries this exchange added (source `exchange:<name>`) are
// ever removed: a hash staff added to the bank by hand stays.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { bump, normaliseHash, type SignalType } from '../media/index.ts';
import { appendAudit } from '../audit/log.ts';
import { iso, type Clock } from '../util/time.ts';
import type { Update } from './fetcher.ts';

export interface ApplyTarget {
  exchangeId: number;
  exchange: string;
  bankId: number;
  bankName: string;
  /** The full-sync generation items are stamped with (see sweepUnseen). */
  gen: number;
  clock: Clock;
}

export interface Applied {
  added: number;
  removed: number;
  invalid: number;
}

type HashUpdate = Extract<Update, { value: string }>;
const CHUNK = 500;
const hashKey = (t: string, v: string) => `${t}:${v}`;

/** The net effect of a page: later updates win over earlier ones about the same item and hash. */
function collapse(updates: Update[]): { ops: Update[]; invalid: number } {
  const ops = new Map<string, Update>();
  const byItem = new Map<string, Set<string>>();
  let invalid = 0;
  for (const u of updates) {
    if (u.value === undefined) {
      // Withdrawing an item cancels what the page said about it before.
      for (const k of byItem.get(u.external_id) ?? []) ops.delete(k);
      byItem.delete(u.external_id);
      ops.set(`id|${u.external_id}`, u);
      continue;
    }
    let value: string;
    try {
      value = normaliseHash(u.signal_type, u.value);
    } catch {
      invalid++; // a bad hash from a source is counted and skipped, never half-applied
      continue;
    }
    const k = `${u.external_id ?? ''}|${hashKey(u.signal_type, value)}`;
    ops.delete(k);
    ops.set(k, { ...u, value });
    if (u.external_id) byItem.set(u.external_id, (byItem.get(u.external_id) ?? new Set()).add(k));
  }
  return { ops: [...ops.values()], invalid };
}

export async function applyUpdates(
  trx: Kysely<Database>,
  o: ApplyTarget & { updates: Update[]; replaceAll?: boolean },
): Promise<Applied> {
  await bump(trx); // first, as every bank writer (see media/banks.ts)
  const source = `exchange:${o.exchange}`;
  const now = iso(o.clock.now());
  const { ops, invalid } = collapse(o.updates);
  // A whole-list page (file) replaces by hash; every other source is tracked item by item.
  const itemized = !o.replaceAll;
  const adds = ops.filter((u): u is HashUpdate => !u.deleted && u.value !== undefined);
  const candidates = new Map<string, { signal_type: SignalType; value: string }>();
  const items = () => trx.deleteFrom('exchange_items').where('exchange_id', '=', o.exchangeId);

  for (const u of ops) {
    if (!u.deleted) continue;
    if (u.value === undefined) {
      const held = await trx
        .selectFrom('exchange_items')
        .select(['signal_type', 'value'])
        .where('exchange_id', '=', o.exchangeId)
        .where('item', '=', u.external_id)
        .execute();
      for (const h of held) candidates.set(hashKey(h.signal_type, h.value), h);
      await items().where('item', '=', u.external_id).execute();
      continue;
    }
    candidates.set(hashKey(u.signal_type, u.value), { signal_type: u.signal_type, value: u.value });
    // Without an item id the source withdrew the hash itself (a peer's removal): every item lets go.
    let q = items().where('signal_type', '=', u.signal_type).where('value', '=', u.value);
    if (u.external_id) q = q.where('item', '=', u.external_id);
    await q.execute();
  }
  if (o.replaceAll) {
    const listed = new Set(adds.map((u) => hashKey(u.signal_type, u.value)));
    const existing = await trx
      .selectFrom('bank_entries')
      .select(['signal_type', 'value'])
      .where('bank_id', '=', o.bankId)
      .where('source', '=', source)
      .execute();
    for (const e of existing)
      if (!listed.has(hashKey(e.signal_type, e.value))) candidates.set(hashKey(e.signal_type, e.value), e);
  }

  const withItem = itemized ? adds.filter((u) => u.external_id) : [];
  for (let i = 0; i < withItem.length; i += CHUNK) {
    const rows = withItem.slice(i, i + CHUNK).map((u) => ({
      exchange_id: o.exchangeId,
      item: u.external_id!,
      signal_type: u.signal_type,
      value: u.value,
      gen: o.gen,
    }));
    await trx
      .insertInto('exchange_items')
      .values(rows)
      .onConflict((oc) => oc.columns(['exchange_id', 'item', 'signal_type', 'value']).doUpdateSet({ gen: o.gen }))
      .execute();
  }
  // One bank row per hash: the first item to bring it sets its metadata.
  const seen = new Set<string>();
  const entries = adds.filter(
    (u) => !seen.has(hashKey(u.signal_type, u.value)) && !!seen.add(hashKey(u.signal_type, u.value)),
  );
  let added = 0;
  for (let i = 0; i < entries.length; i += CHUNK) {
    const rows = entries.slice(i, i + CHUNK).map((u) => ({
      bank_id: o.bankId,
      signal_type: u.signal_type,
      value: u.value,
      source,
      external_id: u.external_id ?? null,
      tags: u.tags?.join(',') || null,
      note: u.note ?? null,
      confirmed: 0,
      added_at: now,
    }));
    added += (
      await trx
        .insertInto('bank_entries')
        .values(rows)
        .onConflict((oc) => oc.columns(['bank_id', 'signal_type', 'value']).doNothing())
        .returning('id')
        .execute()
    ).length;
  }

  let removed = 0;
  for (const [k, h] of candidates) {
    if (seen.has(k)) continue;
    if (
      itemized &&
      (await trx
        .selectFrom('exchange_items')
        .select('id')
        .where('exchange_id', '=', o.exchangeId)
        .where('signal_type', '=', h.signal_type)
        .where('value', '=', h.value)
        .executeTakeFirst())
    )
      continue;
    const r = await trx
      .deleteFrom('bank_entries')
      .where('bank_id', '=', o.bankId)
      .where('signal_type', '=', h.signal_type)
      .where('value', '=', h.value)
      .where('source', '=', source)
      .executeTakeFirst();
    removed += Number(r.numDeletedRows);
  }
  if (added || removed || invalid) {
    await appendAudit(
      trx,
      {
        actor: source,
        action: 'bank.exchange.apply',
        subjectType: 'bank',
        subjectId: o.bankName,
        data: { added, removed, invalid, received: o.updates.length },
      },
      o.clock,
    );
  }
  await trx
    .updateTable('exchanges')
    .set({ fetched_total: sql`fetched_total + ${o.updates.length}` })
    .where('id', '=', o.exchangeId)
    .execute();
  return { added, removed, invalid };
}

/**
 * The end of a fetch from scratch (first fetch, reset or stale checkpoint): items the source did
 * not send again are gone, and so is every entry this exchange added that no item holds any more.
 */
export async function sweepUnseen(trx: Kysely<Database>, o: ApplyTarget): Promise<number> {
  await bump(trx);
  const source = `exchange:${o.exchange}`;
  await trx.deleteFrom('exchange_items').where('exchange_id', '=', o.exchangeId).where('gen', '<', o.gen).execute();
  const r = await trx
    .deleteFrom('bank_entries')
    .where('bank_id', '=', o.bankId)
    .where('source', '=', source)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('exchange_items')
            .select('exchange_items.id')
            .where('exchange_items.exchange_id', '=', o.exchangeId)
            .whereRef('exchange_items.signal_type', '=', 'bank_entries.signal_type')
            .whereRef('exchange_items.value', '=', 'bank_entries.value'),
        ),
      ),
    )
    .executeTakeFirst();
  const removed = Number(r.numDeletedRows);
  if (removed)
    await appendAudit(
      trx,
      {
        actor: source,
        action: 'bank.exchange.sweep',
        subjectType: 'bank',
        subjectId: o.bankName,
        data: { removed, gen: o.gen },
      },
      o.clock,
    );
  return removed;
}
