// The older task routes act on an item's case: claiming a task claims its case, deciding a task decides
// the case (every open review item in it). Legal work, which has no case of its own, keeps its own lock.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { CLAIM_MINUTES, claimCase, decideCase, releaseCase, type CaseDecisionInput } from './cases.ts';
import { LEGAL_QUEUES } from './task-store.ts';
import { VigilError } from '../errors.ts';

async function loadItem(db: Kysely<Database>, id: number) {
  const t = await db.selectFrom('case_items').selectAll().where('id', '=', id).executeTakeFirst();
  if (!t) throw new VigilError('not_found', `task ${id} not found`);
  if (t.status !== 'open') throw new VigilError('conflict', `task ${id} is already closed`);
  return t;
}

/** A task with a case is the case; legal work is locked on its own. */
const caseOf = (t: { case_id: number | null; queue: string }) =>
  t.case_id != null && !LEGAL_QUEUES.includes(t.queue) ? Number(t.case_id) : null;

export async function claimTask(db: Kysely<Database>, id: number, staffId: number, clock: Clock) {
  const t = await loadItem(db, id);
  const c = caseOf(t);
  if (c != null) return claimCase(db, c, staffId, clock);
  return db.transaction().execute(async (trx) => {
    const now = clock.now();
    const r = await trx
      .updateTable('case_items')
      .set({ claimed_by: staffId, claim_expires_at: iso(addMs(now, CLAIM_MINUTES * 60_000)), updated_at: iso(now) })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .where((eb) =>
        eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', staffId), eb('claim_expires_at', '<', iso(now))]),
      )
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      throw new VigilError('conflict', `task ${id} is claimed by staff ${t.claimed_by} until ${t.claim_expires_at}`);
    await appendAudit(
      trx,
      { actor: `staff:${staffId}`, action: 'task.claim', subjectType: 'task', subjectId: String(id) },
      clock,
    );
    return { claimed_until: iso(addMs(now, CLAIM_MINUTES * 60_000)) };
  });
}

export async function releaseTask(db: Kysely<Database>, id: number, staffId: number, clock: Clock) {
  const t = await loadItem(db, id);
  const c = caseOf(t);
  if (c != null) return releaseCase(db, c, staffId, clock);
  if (t.claimed_by !== null && Number(t.claimed_by) !== staffId)
    throw new VigilError('conflict', `task ${id} is claimed by someone else`);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('case_items')
      .set({ claimed_by: null, claim_expires_at: null, updated_at: iso(clock.now()) })
      .where('id', '=', id)
      .execute();
    await appendAudit(
      trx,
      { actor: `staff:${staffId}`, action: 'task.release', subjectType: 'task', subjectId: String(id) },
      clock,
    );
  });
}

/** Decides the task's case. */
export async function decideTask(
  db: Kysely<Database>,
  id: number,
  staffId: number,
  d: CaseDecisionInput,
  clock: Clock,
  role?: string,
) {
  const t = await loadItem(db, id);
  const c = caseOf(t);
  if (c == null) throw new VigilError('conflict', `task ${id} is legal work; it is completed from the legal pages`);
  return decideCase(db, c, staffId, d, clock, role);
}
