// Flags' part of review (subscribers of review/effects.ts): a claimed case puts its flags under review, and a
// decision closes them with a statement of reasons the flagger can read. Each runs in its own transaction after
// review's commits.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { CaseClaimed, DecisionRecorded } from '../review/index.ts';
import { iso, type Clock } from '../util/time.ts';

export async function flagsOnClaim(trx: Kysely<Database>, e: CaseClaimed, clock: Clock): Promise<void> {
  await trx
    .updateTable('flags')
    .set({ status: 'under_review', updated_at: iso(clock.now()) })
    .where('task_id', 'in', e.item_ids)
    .where('status', '=', 'received')
    .execute();
}

/** Closes the decided items' flags: actioned or no violation found, with the reviewer's reasons as the statement. */
export async function flagsOnDecision(trx: Kysely<Database>, e: DecisionRecorded, clock: Clock): Promise<void> {
  const status = e.decision === 'not_violating' ? 'no_violation' : 'actioned';
  const now = iso(clock.now());
  const statement = status === 'actioned' ? `Action was taken: ${e.reason}` : `No violation was found: ${e.reason}`;
  await trx
    .updateTable('flags')
    .set({ status, statement, closed_at: now, updated_at: now })
    .where('task_id', 'in', e.item_ids)
    .where('closed_at', 'is', null)
    .execute();
}
