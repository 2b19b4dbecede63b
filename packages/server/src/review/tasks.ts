// Review tasks: a reviewer claims a task (a lock that expires), then decides it. Decisions are
// appended to the moderation event log beside the task's current state, as Ozone does.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { emitWebhook } from '../webhooks/outbox.ts';
import { addMs, iso, type Clock } from '../util/time.ts';

export const CLAIM_MINUTES = 15;
export const DECISIONS = ['apparent_csam', 'not_violating', 'policy_violation', 'escalate'] as const;
export type Decision = (typeof DECISIONS)[number];

export class TaskError extends Error {
  constructor(readonly status: 404 | 409, message: string) {
    super(message);
  }
}

async function openTask(trx: Kysely<Database>, id: number) {
  const t = await trx.selectFrom('review_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!t) throw new TaskError(404, `task ${id} not found`);
  if (t.status !== 'open') throw new TaskError(409, `task ${id} is already closed`);
  return t;
}

/** Locks a task for one reviewer; another reviewer's live claim is refused, an expired one is taken over. */
export async function claimTask(db: Kysely<Database>, id: number, staffId: number, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    const now = clock.now();
    // Claim with a conditional update, so two reviewers racing for the same task cannot both win.
    const r = await trx
      .updateTable('review_tasks')
      .set({ claimed_by: staffId, claim_expires_at: iso(addMs(now, CLAIM_MINUTES * 60_000)), updated_at: iso(now) })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', staffId), eb('claim_expires_at', '<', iso(now))]))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      const t = await openTask(trx, id);
      throw new TaskError(409, `task ${id} is claimed by staff ${t.claimed_by} until ${t.claim_expires_at}`);
    }
    await appendAudit(trx, { actor: `staff:${staffId}`, action: 'task.claim', subjectType: 'task', subjectId: String(id) }, clock);
    return { claimed_until: iso(addMs(now, CLAIM_MINUTES * 60_000)) };
  });
}

export async function releaseTask(db: Kysely<Database>, id: number, staffId: number, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    const t = await openTask(trx, id);
    if (t.claimed_by !== null && Number(t.claimed_by) !== staffId) throw new TaskError(409, `task ${id} is claimed by someone else`);
    await trx.updateTable('review_tasks').set({ claimed_by: null, claim_expires_at: null, updated_at: iso(clock.now()) }).where('id', '=', id).execute();
    await appendAudit(trx, { actor: `staff:${staffId}`, action: 'task.release', subjectType: 'task', subjectId: String(id) }, clock);
  });
}

/** Closes a task the reviewer holds, records the decision and tells the platform (webhook). */
export async function decideTask(
  db: Kysely<Database>,
  id: number,
  staffId: number,
  d: { decision: Decision; reason: string; note?: string },
  clock: Clock,
) {
  return db.transaction().execute(async (trx) => {
    const t = await openTask(trx, id);
    const now = iso(clock.now());
    if (Number(t.claimed_by) !== staffId || !t.claim_expires_at || t.claim_expires_at < now) {
      throw new TaskError(409, `claim task ${id} before deciding it`);
    }
    await trx.updateTable('review_tasks').set({ status: 'closed', closed_at: now, updated_at: now, claimed_by: null, claim_expires_at: null }).where('id', '=', id).execute();
    await appendAudit(trx, { actor: `staff:${staffId}`, action: 'task.decide', subjectType: t.subject_type, subjectId: t.subject_id, reason: d.reason, data: { task_id: id, decision: d.decision, note: d.note ?? null, queue: t.queue } }, clock);
    await emitWebhook(trx, 'decision.made', { task_id: id, decision: d.decision, reason: d.reason, subject: { type: t.subject_type, id: t.subject_id, platform: t.platform } }, clock);
  });
}
