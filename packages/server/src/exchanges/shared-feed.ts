// The source side of peer exchange: a shared bank's change feed, and confirmations written back.
// The feed cursor is "<entry id>.<change id>": additions are live entries above the first,
// removals are change-log rows above the second, so a peer learns about deletions too.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { bump, normaliseHash, type SignalType } from '../media/index.ts';
import { iso, type Clock } from '../util/time.ts';
import { VigilError } from '../errors.ts';
import type { PeerFeedPage } from './peer.ts';

async function sharedBank(db: Kysely<Database>, name: string) {
  const b = await db
    .selectFrom('banks')
    .select(['id', 'name', 'shared', 'enabled'])
    .where('name', '=', name)
    .executeTakeFirst();
  // Not shared and absent look the same to a peer.
  if (!b || !b.shared) throw new VigilError('not_found', `no shared bank "${name}"`);
  return { id: Number(b.id), name: b.name };
}

export async function sharedFeed(
  db: Kysely<Database>,
  bankName: string,
  after: string,
  limit: number,
): Promise<PeerFeedPage> {
  const m = /^(\d+)\.(\d+)$/.exec(after);
  if (!m) throw new VigilError('invalid_request', 'after must look like <entry>.<change>, e.g. 0.0');
  const [e0, c0] = [Number(m[1]), Number(m[2])];
  return db.transaction().execute(async (trx) => {
    const b = await sharedBank(trx, bankName);
    const entries = await trx
      .selectFrom('bank_entries')
      .select(['id', 'signal_type', 'value', 'external_id', 'tags', 'note', 'disabled'])
      .where('bank_id', '=', b.id)
      .where('id', '>', e0)
      .orderBy('id')
      .limit(limit)
      .execute();
    const changes = await trx
      .selectFrom('bank_entry_changes')
      .select(['id', 'entry_id', 'op', 'signal_type', 'value'])
      .where('bank_id', '=', b.id)
      .where('id', '>', c0)
      .orderBy('id')
      .limit(limit)
      .execute();
    const live = async (t: SignalType, v: string) =>
      trx
        .selectFrom('bank_entries')
        .select(['id', 'signal_type', 'value', 'external_id', 'tags', 'note', 'disabled'])
        .where('bank_id', '=', b.id)
        .where('signal_type', '=', t)
        .where('value', '=', v)
        .executeTakeFirst();
    const out: PeerFeedPage = {
      entries: [],
      removed: [],
      next: '',
      more: entries.length === limit || changes.length === limit,
    };
    const asEntry = (r: NonNullable<Awaited<ReturnType<typeof live>>>) => ({
      id: Number(r.id),
      signal_type: r.signal_type,
      value: r.value,
      external_id: r.external_id,
      tags: r.tags ? r.tags.split(',') : [],
      note: r.note,
    });
    for (const r of entries) if (!r.disabled) out.entries.push(asEntry(r));
    for (const c of changes) {
      const now = await live(c.signal_type, c.value);
      // A hash removed and added again, or disabled and enabled again, is live: send it, never its removal.
      if (now && !now.disabled) {
        if (c.op === 'update' && Number(now.id) <= e0) out.entries.push(asEntry(now));
      } else out.removed.push({ signal_type: c.signal_type, value: c.value });
    }
    out.next = `${entries.length ? Number(entries.at(-1)!.id) : e0}.${changes.length ? Number(changes.at(-1)!.id) : c0}`;
    return out;
  });
}

/**
 * A peer's write-back: hashes its review confirmed. An entry already in the bank is marked confirmed;
 * a new one is added confirmed, with the peer's external id. Sending the same batch again changes
 * nothing (idempotent by hash within the bank).
 */
export async function receiveConfirmations(
  db: Kysely<Database>,
  bankName: string,
  entries: { signal_type: SignalType; value: string; external_id?: string }[],
  actor: string,
  clock: Clock,
) {
  const rows = entries.map((e, i) => {
    try {
      return {
        signal_type: e.signal_type,
        value: normaliseHash(e.signal_type, e.value),
        external_id: e.external_id ?? null,
      };
    } catch (err) {
      throw new VigilError('invalid_request', `entry ${i + 1}: ${(err as Error).message}`);
    }
  });
  return db.transaction().execute(async (trx) => {
    await bump(trx);
    const b = await sharedBank(trx, bankName);
    const now = iso(clock.now());
    let confirmed = 0,
      added = 0;
    for (const r of rows) {
      const u = await trx
        .updateTable('bank_entries')
        .set({ confirmed: 1, confirmed_at: now, confirmed_by: actor })
        .where('bank_id', '=', b.id)
        .where('signal_type', '=', r.signal_type)
        .where('value', '=', r.value)
        .where('confirmed', '=', 0)
        .where('disabled', '=', 0)
        .executeTakeFirst();
      if (Number(u.numUpdatedRows)) {
        confirmed++;
        continue;
      }
      const ins = await trx
        .insertInto('bank_entries')
        .values({
          bank_id: b.id,
          signal_type: r.signal_type,
          value: r.value,
          source: 'peer-writeback',
          external_id: r.external_id,
          tags: null,
          note: null,
          confirmed: 1,
          added_at: now,
          confirmed_at: now,
          confirmed_by: actor,
        })
        .onConflict((oc) => oc.columns(['bank_id', 'signal_type', 'value']).doNothing())
        .returning('id')
        .execute();
      added += ins.length;
    }
    if (confirmed || added)
      await appendAudit(
        trx,
        {
          actor,
          action: 'bank.exchange.writeback',
          subjectType: 'bank',
          subjectId: b.name,
          data: { received: rows.length, confirmed, added },
        },
        clock,
      );
    return { received: rows.length, confirmed, added };
  });
}
