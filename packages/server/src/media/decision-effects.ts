// The banks' part of a review decision (a `decision.recorded` subscriber, review/effects.ts): apparent CSAM puts the
// subject's matched hashes into the confirmed block bank and confirms the listed entries that matched; a known false
// positive puts them into the allow bank. Runs once per decision, in its own transaction, after the decision commits.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DecisionRecorded } from '../review/index.ts';
import { appendAudit } from '../audit/log.ts';
import { iso, type Clock } from '../util/time.ts';
import { fromJson } from '../util/json.ts';
import { bump, confirmEntries, type SignalType } from './banks.ts';

export async function banksOnDecision(trx: Kysely<Database>, e: DecisionRecorded, clock: Clock): Promise<void> {
  const t = { platform: e.subject.platform, subject_type: e.subject.type, subject_id: e.subject.id };
  const o = { staffId: e.decided_by, taskId: e.item_ids[0]!, clock };
  if (e.decision === 'apparent_csam') {
    await addToBank(trx, CONFIRMED_BANK, 'block', await matchedHashes(trx, t), o);
    // The entries that matched are now confirmed by a person (shared back to peers, trusted more).
    await confirmEntries(trx, await matchedEntryIds(trx, t), `staff:${e.decided_by}`, `task:${o.taskId}`, clock);
  }
  if (e.decision === 'not_violating' && e.allowlist)
    await addToBank(trx, FALSE_POSITIVE_BANK, 'allow', await matchedHashes(trx, t), o);
}

/** Hashes of the subject that matched a bank (from its media.match signals). */
async function matchedHashes(trx: Kysely<Database>, t: { platform: string; subject_type: string; subject_id: string }) {
  const rows = await trx
    .selectFrom('signals')
    .select('evidence')
    .where('platform', '=', t.platform)
    .where('subject_type', '=', t.subject_type)
    .where('subject_id', '=', t.subject_id)
    .where('kind', '=', 'media.match')
    .execute();
  const out = new Map<string, { signal_type: SignalType; value: string }>();
  for (const r of rows) {
    const h = (fromJson<{ subject_hashes?: Record<string, string | null> }>(r.evidence).subject_hashes ?? {}) as Record<
      string,
      string | null
    >;
    for (const t of ['pdq', 'md5', 'sha256'] as const)
      if (h[t]) out.set(`${t}:${h[t]}`, { signal_type: t, value: h[t]! });
  }
  return [...out.values()];
}

/** Bank entries the subject's media matched (from its media.match signals). */
async function matchedEntryIds(
  trx: Kysely<Database>,
  t: { platform: string; subject_type: string; subject_id: string },
) {
  const rows = await trx
    .selectFrom('signals')
    .select('evidence')
    .where('platform', '=', t.platform)
    .where('subject_type', '=', t.subject_type)
    .where('subject_id', '=', t.subject_id)
    .where('kind', '=', 'media.match')
    .execute();
  return [
    ...new Set(
      rows
        .map((r) => Number(fromJson<{ entry_id?: number }>(r.evidence).entry_id))
        .filter((n) => Number.isInteger(n) && n > 0),
    ),
  ];
}

async function addToBank(
  trx: Kysely<Database>,
  name: string,
  kind: 'block' | 'allow',
  hashes: { signal_type: SignalType; value: string }[],
  o: { staffId: number; taskId: number; clock: Clock },
) {
  if (!hashes.length) return;
  await bump(trx); // first: serialises bank writers (see media/banks.ts)
  const now = iso(o.clock.now());
  let bank = await trx.selectFrom('banks').select('id').where('name', '=', name).executeTakeFirst();
  if (!bank) {
    bank = await trx
      .insertInto('banks')
      .values({
        name,
        kind,
        description: kind === 'block' ? 'Confirmed by review decisions' : 'Known false positives from review decisions',
        enabled: 1,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  }
  for (const h of hashes) {
    await trx
      .insertInto('bank_entries')
      .values({
        bank_id: Number(bank.id),
        signal_type: h.signal_type,
        value: h.value,
        source: 'review',
        external_id: `task:${o.taskId}`,
        tags: null,
        note: null,
        confirmed: 1,
        added_at: now,
      })
      .onConflict((oc) => oc.columns(['bank_id', 'signal_type', 'value']).doNothing())
      .execute();
  }
  await appendAudit(
    trx,
    {
      actor: `staff:${o.staffId}`,
      action: 'bank.entries.add',
      subjectType: 'bank',
      subjectId: name,
      data: { from_task: o.taskId, hashes },
    },
    o.clock,
  );
}

const CONFIRMED_BANK = 'CONFIRMED';
const FALSE_POSITIVE_BANK = 'FALSE_POSITIVES';
