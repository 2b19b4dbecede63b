// Enforcement actions decided by reviewers. Actions reach the platform as signed webhooks from the
// outbox; the heaviest (taking down a group, banning all its members) wait for a second reviewer.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { emitWebhook } from '../webhooks/outbox.ts';
import { openTask } from './task-store.ts';
import { fromJson, toJson } from '../util/json.ts';
import { addMs, iso, type Clock } from '../util/time.ts';

export const ACTIONS = ['ban', 'suspend', 'restrict', 'remove_avatar', 'reset_name', 'revoke_invites', 'takedown_group', 'ban_members', 'strike'] as const;
export type ActionName = (typeof ACTIONS)[number];

/** Group-wide actions need a second person (four-eyes principle). */
export const NEEDS_APPROVAL: ReadonlySet<ActionName> = new Set(['takedown_group', 'ban_members']);
const ACCOUNT_ACTIONS: ReadonlySet<ActionName> = new Set(['ban', 'suspend', 'restrict', 'remove_avatar', 'reset_name', 'strike']);
const GROUP_ACTIONS: ReadonlySet<ActionName> = new Set(['remove_avatar', 'reset_name', 'revoke_invites', 'takedown_group', 'ban_members']);

export const actionRequest = z
  .object({
    action: z.enum(ACTIONS),
    /** suspend: days; ban_members: the reviewed list of member account ids. */
    days: z.number().int().min(1).max(3650).optional(),
    member_ids: z.array(z.string().min(1).max(200)).max(100_000).optional(),
    /** restrict: what to switch off. */
    restrictions: z.array(z.enum(['forwarding', 'group_creation', 'invites'])).optional(),
  })
  .strict();
export type ActionRequest = z.infer<typeof actionRequest>;

export class EnforcementError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 409, message: string) {
    super(message);
  }
}

export interface Subject {
  platform: string;
  type: string;
  id: string;
}

function checkApplicable(a: ActionRequest, s: Subject) {
  const ok = s.type === 'account' ? ACCOUNT_ACTIONS.has(a.action) : s.type === 'group' ? GROUP_ACTIONS.has(a.action) : false;
  if (!ok) throw new EnforcementError(400, `action ${a.action} does not apply to a ${s.type}`);
  if (a.action === 'suspend' && !a.days) throw new EnforcementError(400, 'suspend needs days');
  if (a.action === 'ban_members' && !a.member_ids?.length) throw new EnforcementError(400, 'ban_members needs the reviewed list of member_ids');
}

async function announce(trx: Kysely<Database>, type: 'enforcement.action' | 'enforcement.reversed', id: number, clock: Clock) {
  const a = await trx.selectFrom('enforcement_actions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await emitWebhook(trx, type, {
    action_id: id, action: a.action, params: fromJson(a.params), reason: a.reason, expires_at: a.expires_at,
    subject: { platform: a.platform, type: a.subject_type, id: a.subject_id },
  }, clock);
}

/** Records the actions of a decision. Returns their ids; heavy ones open an approval task instead. */
export async function applyActions(trx: Kysely<Database>, s: Subject, actions: ActionRequest[], o: { staffId: number; reason: string; taskId: number | null; clock: Clock }): Promise<number[]> {
  const now = o.clock.now();
  const ids: number[] = [];
  for (const a of actions) {
    checkApplicable(a, s);
    const pending = NEEDS_APPROVAL.has(a.action);
    const { action, ...params } = a;
    const row = await trx
      .insertInto('enforcement_actions')
      .values({
        platform: s.platform, subject_type: s.type, subject_id: s.id, action, params: toJson(params), status: pending ? 'pending_approval' : 'active',
        reason: o.reason, task_id: o.taskId, decided_by: o.staffId, approved_by: null, created_at: iso(now),
        expires_at: a.action === 'suspend' ? iso(addMs(now, a.days! * 86_400_000)) : null, reversed_at: null, reversed_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    ids.push(id);
    await appendAudit(trx, { actor: `staff:${o.staffId}`, action: pending ? 'enforcement.propose' : 'enforcement.apply', subjectType: s.type, subjectId: s.id, reason: o.reason, data: { action_id: id, action, params } }, o.clock);
    if (pending) {
      await openTask(trx, { platform: s.platform, subjectType: s.type, subjectId: s.id, queue: 'approvals', priority: 90, reason: `second approval needed: ${action}`, ref: { action_id: id } }, o.clock);
      continue;
    }
    if (s.type === 'account' && ['ban', 'suspend', 'restrict', 'strike'].includes(action)) {
      await trx.insertInto('strikes').values({ platform: s.platform, account_id: s.id, action_id: id, reason: o.reason, created_at: iso(now) }).execute();
    }
    if (action !== 'strike') await announce(trx, 'enforcement.action', id, o.clock);
  }
  return ids;
}

/** The second reviewer's word on a group-wide action: it becomes active, or is rejected. */
export async function approveAction(db: Kysely<Database>, actionId: number, staffId: number, approve: boolean, reason: string, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    const a = await trx.selectFrom('enforcement_actions').selectAll().where('id', '=', actionId).executeTakeFirst();
    if (!a) throw new EnforcementError(404, `action ${actionId} not found`);
    if (a.status !== 'pending_approval') throw new EnforcementError(409, `action ${actionId} is ${a.status}, not awaiting approval`);
    if (Number(a.decided_by) === staffId) throw new EnforcementError(403, 'the second approval must come from a different reviewer');
    const now = iso(clock.now());
    await trx.updateTable('enforcement_actions').set({ status: approve ? 'active' : 'rejected', approved_by: staffId }).where('id', '=', actionId).execute();
    await trx.updateTable('review_tasks').set({ status: 'closed', closed_at: now, updated_at: now, claimed_by: null, claim_expires_at: null }).where('queue', '=', 'approvals').where('ref', '=', toJson({ action_id: actionId })).where('status', '=', 'open').execute();
    await appendAudit(trx, { actor: `staff:${staffId}`, action: approve ? 'enforcement.approve' : 'enforcement.reject', subjectType: a.subject_type, subjectId: a.subject_id, reason, data: { action_id: actionId } }, clock);
    if (approve) await announce(trx, 'enforcement.action', actionId, clock);
  });
}

/** An account appeals an active action once, through the platform; it lands in the appeals queue. */
export async function fileAppeal(db: Kysely<Database>, platform: string, actionId: number, statement: string, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    const a = await trx.selectFrom('enforcement_actions').selectAll().where('id', '=', actionId).where('platform', '=', platform).executeTakeFirst();
    if (!a) throw new EnforcementError(404, `action ${actionId} not found`);
    if (a.status !== 'active') throw new EnforcementError(409, `action ${actionId} is ${a.status}; only active actions can be appealed`);
    if (await trx.selectFrom('appeals').select('id').where('action_id', '=', actionId).executeTakeFirst()) throw new EnforcementError(409, `action ${actionId} has already been appealed`);
    const now = iso(clock.now());
    const appeal = await trx.insertInto('appeals').values({ action_id: actionId, platform, statement, status: 'open', task_id: null, decided_by: null, reason: null, created_at: now, decided_at: null }).returning('id').executeTakeFirstOrThrow();
    const appealId = Number(appeal.id);
    const taskId = await openTask(trx, { platform, subjectType: a.subject_type, subjectId: a.subject_id, queue: 'appeals', priority: 60, reason: `appeal against ${a.action}`, ref: { appeal_id: appealId, action_id: actionId } }, clock);
    await trx.updateTable('appeals').set({ task_id: taskId }).where('id', '=', appealId).execute();
    await appendAudit(trx, { actor: `platform:${platform}`, action: 'appeal.file', subjectType: a.subject_type, subjectId: a.subject_id, data: { appeal_id: appealId, action_id: actionId } }, clock);
    return { appeal_id: appealId, status: 'open' as const };
  });
}

/** Uphold or reverse, by someone other than whoever decided the action; a reversal undoes it. */
export async function decideAppeal(db: Kysely<Database>, appealId: number, staffId: number, outcome: 'uphold' | 'reverse', reason: string, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    const ap = await trx.selectFrom('appeals').selectAll().where('id', '=', appealId).executeTakeFirst();
    if (!ap) throw new EnforcementError(404, `appeal ${appealId} not found`);
    if (ap.status !== 'open') throw new EnforcementError(409, `appeal ${appealId} is already ${ap.status}`);
    const a = await trx.selectFrom('enforcement_actions').selectAll().where('id', '=', Number(ap.action_id)).executeTakeFirstOrThrow();
    if (Number(a.decided_by) === staffId || Number(a.approved_by) === staffId) throw new EnforcementError(403, 'an appeal must be decided by a reviewer who did not decide the action');
    const now = iso(clock.now());
    await trx.updateTable('appeals').set({ status: outcome === 'reverse' ? 'reversed' : 'upheld', decided_by: staffId, reason, decided_at: now }).where('id', '=', appealId).execute();
    if (ap.task_id) await trx.updateTable('review_tasks').set({ status: 'closed', closed_at: now, updated_at: now, claimed_by: null, claim_expires_at: null }).where('id', '=', Number(ap.task_id)).execute();
    if (outcome === 'reverse') {
      await trx.updateTable('enforcement_actions').set({ status: 'reversed', reversed_at: now, reversed_by: staffId }).where('id', '=', Number(a.id)).execute();
      await trx.deleteFrom('strikes').where('action_id', '=', Number(a.id)).execute();
      await announce(trx, 'enforcement.reversed', Number(a.id), clock);
    }
    await appendAudit(trx, { actor: `staff:${staffId}`, action: `appeal.${outcome}`, subjectType: a.subject_type, subjectId: a.subject_id, reason, data: { appeal_id: appealId, action_id: Number(a.id) } }, clock);
  });
}

/** A lead reverses an action directly (the same path an appeal takes, without one). */
export async function reverseAction(db: Kysely<Database>, actionId: number, staffId: number, reason: string, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    const a = await trx.selectFrom('enforcement_actions').selectAll().where('id', '=', actionId).executeTakeFirst();
    if (!a) throw new EnforcementError(404, `action ${actionId} not found`);
    if (a.status !== 'active') throw new EnforcementError(409, `action ${actionId} is ${a.status}; only active actions can be reversed`);
    await trx.updateTable('enforcement_actions').set({ status: 'reversed', reversed_at: iso(clock.now()), reversed_by: staffId }).where('id', '=', actionId).execute();
    await trx.deleteFrom('strikes').where('action_id', '=', actionId).execute();
    await appendAudit(trx, { actor: `staff:${staffId}`, action: 'enforcement.reverse', subjectType: a.subject_type, subjectId: a.subject_id, reason, data: { action_id: actionId } }, clock);
    await announce(trx, 'enforcement.reversed', actionId, clock);
  });
}
