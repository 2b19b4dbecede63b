// Applies a page of exchange updates to the exchange's bank inside the caller's transaction.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { bump, normaliseHash } from '../media/banks.ts';
import { appendAudit } from '../audit/log.ts';
import { iso, type Clock } from '../util/time.ts';
import type { Update } from './fetcher.ts';

export async function applyUpdates(trx: Kysely<Database>, o: { bankId: number; bankName: string; exchange: string; updates: Update[]; replaceAll?: boolean; clock: Clock }): Promise<{ added: number; removed: number; invalid: number }> {
  await bump(trx); // first, as every bank writer (see media/banks.ts)
  const source = `exchange:${o.exchange}`;
  const now = iso(o.clock.now());
  let invalid = 0;
  const valid: Update[] = [];
  for (const u of o.updates) {
    try {
      valid.push({ ...u, value: normaliseHash(u.signal_type, u.value) });
    } catch {
      invalid++; // a bad hash from a source is counted and skipped, never half-applied
    }
  }
  // Within a page, the last word on a hash wins (an add then a delete of it = deleted).
  const last = new Map<string, Update>();
  for (const u of valid) last.set(`${u.signal_type}:${u.value}`, u);
  const adds = [...last.values()].filter((u) => !u.deleted);
  let deletes = [...last.values()].filter((u) => u.deleted);
  if (o.replaceAll) {
    const existing = await trx.selectFrom('bank_entries').select(['signal_type', 'value']).where('bank_id', '=', o.bankId).where('source', '=', source).execute();
    deletes = existing.filter((e) => !last.has(`${e.signal_type}:${e.value}`)).map((e) => ({ signal_type: e.signal_type, value: e.value, deleted: true }));
  }
  let added = 0;
  for (let i = 0; i < adds.length; i += 500) {
    const rows = adds.slice(i, i + 500).map((u) => ({ bank_id: o.bankId, signal_type: u.signal_type, value: u.value, source, external_id: u.external_id ?? null, tags: u.tags?.join(',') || null, note: u.note ?? null, confirmed: 0, added_at: now }));
    added += (await trx.insertInto('bank_entries').values(rows).onConflict((oc) => oc.columns(['bank_id', 'signal_type', 'value']).doNothing()).returning('id').execute()).length;
  }
  let removed = 0;
  for (const d of deletes) {
    const r = await trx.deleteFrom('bank_entries').where('bank_id', '=', o.bankId).where('signal_type', '=', d.signal_type).where('value', '=', d.value).executeTakeFirst();
    removed += Number(r.numDeletedRows);
  }
  if (added || removed || invalid) {
    await appendAudit(trx, { actor: `exchange:${o.exchange}`, action: 'bank.exchange.apply', subjectType: 'bank', subjectId: o.bankName, data: { added, removed, invalid, received: o.updates.length } }, o.clock);
  }
  await trx.updateTable('exchanges').set({ fetched_total: sql`fetched_total + ${o.updates.length}` }).where('name', '=', o.exchange).execute();
  return { added, removed, invalid };
}
