// Hash banks: named lists of known images (block) and known-benign images (allow, to suppress false
// positives). Every change is audited and bumps the bank generation so indexes reload.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { iso, type Clock } from '../util/time.ts';
import { VigilError } from '../errors.ts';

export type SignalType = 'pdq' | 'md5' | 'sha256';
const HEX_LENGTH: Record<SignalType, number> = { pdq: 64, md5: 32, sha256: 64 };

export interface EntryInput {
  signal_type: SignalType;
  value: string;
  source?: string;
  external_id?: string;
  tags?: string[];
  note?: string;
}

export function normaliseHash(type: SignalType, value: string): string {
  const v = value.trim().toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${HEX_LENGTH[type]}}$`).test(v))
    throw new VigilError('bank_error', `not a ${type} hash (${HEX_LENGTH[type]} hex digits): ${value.slice(0, 80)}`);
  return v;
}

/**
 * Taken FIRST in every bank-writing transaction: the row lock serialises bank writers, so entry ids
 * become visible in increasing order and an index can read "everything above the last id it saw".
 */
export async function bump(trx: Kysely<Database>) {
  await trx
    .updateTable('bank_generation')
    .set({ generation: sql`generation + 1` })
    .where('id', '=', 1)
    .execute();
}

export async function bankByName(db: Kysely<Database>, name: string) {
  const b = await db.selectFrom('banks').selectAll().where('name', '=', name).executeTakeFirst();
  if (!b) throw new VigilError('not_found', `bank "${name}" not found`);
  return { ...b, id: Number(b.id) };
}

export async function createBank(
  db: Kysely<Database>,
  o: { name: string; kind: 'block' | 'allow'; description?: string },
  actor: string,
  clock: Clock,
) {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(o.name))
    throw new VigilError('bank_error', 'bank names: letters, digits, dot, dash, underscore (at most 100)');
  return db.transaction().execute(async (trx) => {
    await bump(trx);
    if (await trx.selectFrom('banks').select('id').where('name', '=', o.name).executeTakeFirst())
      throw new VigilError('conflict', `bank "${o.name}" already exists`);
    const now = iso(clock.now());
    const row = await trx
      .insertInto('banks')
      .values({
        name: o.name,
        kind: o.kind,
        description: o.description ?? null,
        enabled: 1,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, { actor, action: 'bank.create', subjectType: 'bank', subjectId: o.name, data: o }, clock);
    return { id: Number(row.id), name: o.name, kind: o.kind };
  });
}

export async function updateBank(
  db: Kysely<Database>,
  name: string,
  change: { name?: string; enabled?: boolean; description?: string; shared?: boolean },
  actor: string,
  clock: Clock,
) {
  return db.transaction().execute(async (trx) => {
    await bump(trx);
    const b = await bankByName(trx, name);
    if (change.name && change.name !== name) {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(change.name))
        throw new VigilError('bank_error', 'invalid new bank name');
      if (await trx.selectFrom('banks').select('id').where('name', '=', change.name).executeTakeFirst())
        throw new VigilError('conflict', `bank "${change.name}" already exists`);
    }
    const set: Record<string, unknown> = { updated_at: iso(clock.now()) };
    if (change.name) set.name = change.name;
    if (change.enabled !== undefined) set.enabled = change.enabled ? 1 : 0;
    if (change.description !== undefined) set.description = change.description;
    if (change.shared !== undefined) set.shared = change.shared ? 1 : 0;
    await trx.updateTable('banks').set(set).where('id', '=', b.id).execute();
    await appendAudit(trx, { actor, action: 'bank.update', subjectType: 'bank', subjectId: name, data: change }, clock);
  });
}

export async function deleteBank(db: Kysely<Database>, name: string, actor: string, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    await bump(trx);
    const b = await bankByName(trx, name);
    const n = await trx.deleteFrom('bank_entries').where('bank_id', '=', b.id).executeTakeFirst();
    await trx.deleteFrom('banks').where('id', '=', b.id).execute();
    await appendAudit(
      trx,
      {
        actor,
        action: 'bank.delete',
        subjectType: 'bank',
        subjectId: name,
        data: { entries: Number(n.numDeletedRows) },
      },
      clock,
    );
  });
}

/** Adds entries in one transaction: a bad hash anywhere rejects the whole import (nothing half-imported). */
export async function addEntries(
  db: Kysely<Database>,
  bankName: string,
  entries: EntryInput[],
  actor: string,
  clock: Clock,
  onProgress?: (done: number, total: number) => void,
): Promise<{ added: number; duplicates: number }> {
  const rows = entries.map((e, i) => {
    try {
      return {
        signal_type: e.signal_type,
        value: normaliseHash(e.signal_type, e.value),
        source: e.source ?? null,
        external_id: e.external_id ?? null,
        tags: e.tags?.join(',') ?? null,
        note: e.note ?? null,
      };
    } catch (err) {
      throw new VigilError('bank_error', `entry ${i + 1}: ${(err as Error).message}`);
    }
  });
  return db.transaction().execute(async (trx) => {
    await bump(trx);
    const b = await bankByName(trx, bankName);
    const now = iso(clock.now());
    let added = 0;
    for (let i = 0; i < rows.length; i += 500) {
      const r = await trx
        .insertInto('bank_entries')
        .values(rows.slice(i, i + 500).map((x) => ({ ...x, bank_id: b.id, confirmed: 0, added_at: now })))
        .onConflict((oc) => oc.columns(['bank_id', 'signal_type', 'value']).doNothing())
        .returning('id')
        .execute();
      added += r.length;
      onProgress?.(Math.min(i + 500, rows.length), rows.length);
    }
    await appendAudit(
      trx,
      {
        actor,
        action: 'bank.entries.add',
        subjectType: 'bank',
        subjectId: bankName,
        data: { submitted: rows.length, added },
      },
      clock,
    );
    return { added, duplicates: rows.length - added };
  });
}

export async function removeEntry(
  db: Kysely<Database>,
  bankName: string,
  entryId: number,
  actor: string,
  clock: Clock,
) {
  return db.transaction().execute(async (trx) => {
    await bump(trx);
    const b = await bankByName(trx, bankName);
    const r = await trx
      .deleteFrom('bank_entries')
      .where('id', '=', entryId)
      .where('bank_id', '=', b.id)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1)
      throw new VigilError('not_found', `entry ${entryId} not found in bank "${bankName}"`);
    await appendAudit(
      trx,
      { actor, action: 'bank.entries.remove', subjectType: 'bank', subjectId: bankName, data: { entry_id: entryId } },
      clock,
    );
  });
}

/** Marks entries as confirmed by a review decision (idempotent; audited per bank). */
export async function confirmEntries(
  trx: Kysely<Database>,
  entryIds: number[],
  actor: string,
  because: string,
  clock: Clock,
) {
  if (!entryIds.length) return;
  const now = iso(clock.now());
  const rows = await trx
    .selectFrom('bank_entries')
    .innerJoin('banks', 'banks.id', 'bank_entries.bank_id')
    .select(['bank_entries.id', 'banks.name'])
    .where('bank_entries.id', 'in', entryIds)
    .where('bank_entries.confirmed', '=', 0)
    .execute();
  if (!rows.length) return;
  await trx
    .updateTable('bank_entries')
    .set({ confirmed: 1, confirmed_at: now, confirmed_by: actor })
    .where(
      'id',
      'in',
      rows.map((r) => Number(r.id)),
    )
    .execute();
  const byBank = new Map<string, number[]>();
  for (const r of rows) byBank.set(r.name, [...(byBank.get(r.name) ?? []), Number(r.id)]);
  for (const [bank, ids] of byBank)
    await appendAudit(
      trx,
      {
        actor,
        action: 'bank.entries.confirm',
        subjectType: 'bank',
        subjectId: bank,
        data: { entry_ids: ids, because },
      },
      clock,
    );
}

/**
 * Confirm or deconfirm one entry by hand. Deconfirming disables the entry: it stays on record (and
 * is exported with `disabled`) but no longer matches — the answer to a third-party hash that keeps
 * matching benign content. Re-confirming enables it again.
 */
export async function setEntryConfirmation(
  db: Kysely<Database>,
  bankName: string,
  entryId: number,
  confirmed: boolean,
  reason: string,
  actor: string,
  clock: Clock,
) {
  return db.transaction().execute(async (trx) => {
    await bump(trx);
    const b = await bankByName(trx, bankName);
    const e = await trx
      .selectFrom('bank_entries')
      .select(['id'])
      .where('id', '=', entryId)
      .where('bank_id', '=', b.id)
      .executeTakeFirst();
    if (!e) throw new VigilError('not_found', `entry ${entryId} not found in bank "${bankName}"`);
    const now = iso(clock.now());
    await trx
      .updateTable('bank_entries')
      .set(
        confirmed
          ? { confirmed: 1, disabled: 0, confirmed_at: now, confirmed_by: actor }
          : { confirmed: 0, disabled: 1, confirmed_at: null, confirmed_by: null },
      )
      .where('id', '=', entryId)
      .execute();
    await appendAudit(
      trx,
      {
        actor,
        action: confirmed ? 'bank.entries.confirm' : 'bank.entries.deconfirm',
        subjectType: 'bank',
        subjectId: bankName,
        reason,
        data: { entry_id: entryId },
      },
      clock,
    );
  });
}

/** Plain lists: one hash per line (blank lines and # comments ignored). */
export function parsePlainList(text: string, type: SignalType): EntryInput[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((value) => ({ signal_type: type, value: value.split(/[\s,]/)[0]! }));
}
