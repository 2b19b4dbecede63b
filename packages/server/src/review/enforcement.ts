// Enforcement actions decided by reviewers. Actions reach the platform as signed webhooks from the
// outbox; the heaviest (taking down a group, banning all its members) wait for a second reviewer.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { emitWebhook } from '../webhooks/outbox.ts';
import { attachToCase, closeItems, logCase, openItems, FOUR_EYES_QUEUES, LEGAL_QUEUES } from './task-store.ts';
import { fromJson, toJson } from '../util/json.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { VigilError } from '../errors.ts';

export const ACTIONS = [
  'ban',
  'suspend',
  'restrict',
  'remove_avatar',
  'reset_name',
  'revoke_invites',
  'takedown_group',
  'ban_members',
  'strike',
] as const;
export type ActionName = (typeof ACTIONS)[number];

/** Group-wide actions need a second person (four-eyes principle). */
const NEEDS_APPROVAL: ReadonlySet<ActionName> = new Set(['takedown_group', 'ban_members']);
const ACCOUNT_ACTIONS: ReadonlySet<ActionName> = new Set([
  'ban',
  'suspend',
  'restrict',
  'remove_avatar',
  'reset_name',
  'strike',
]);
const GROUP_ACTIONS: ReadonlySet<ActionName> = new Set([
  'remove_avatar',
  'reset_name',
  'revoke_invites',
  'takedown_group',
  'ban_members',
]);

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

export interface Subject {
  platform: string;
  type: string;
  id: string;
}

function checkApplicable(a: ActionRequest, s: Subject) {
  const ok =
    s.type === 'account' ? ACCOUNT_ACTIONS.has(a.action) : s.type === 'group' ? GROUP_ACTIONS.has(a.action) : false;
  if (!ok) throw new VigilError('enforcement_error', `action ${a.action} does not apply to a ${s.type}`);
  if (a.action === 'suspend' && !a.days) throw new VigilError('enforcement_error', 'suspend needs days');
  if (a.action === 'ban_members' && !a.member_ids?.length)
    throw new VigilError('enforcement_error', 'ban_members needs the reviewed list of member_ids');
}

async function announce(
  trx: Kysely<Database>,
  type: 'enforcement.action' | 'enforcement.reversed',
  id: number,
  clock: Clock,
) {
  const a = await trx.selectFrom('enforcement_actions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await emitWebhook(
    trx,
    type,
    {
      action_id: id,
      action: a.action,
      params: fromJson(a.params),
      reason: a.reason,
      expires_at: a.expires_at,
      subject: { platform: a.platform, type: a.subject_type, id: a.subject_id },
    },
    clock,
  );
}

/** Records the actions of a decision. Returns their ids; heavy ones open an approval task instead. */
export async function applyActions(
  trx: Kysely<Database>,
  s: Subject,
  actions: ActionRequest[],
  o: { staffId: number; reason: string; taskId: number | null; caseId?: number | null; clock: Clock },
): Promise<number[]> {
  const now = o.clock.now();
  const ids: number[] = [];
  for (const a of actions) {
    checkApplicable(a, s);
    // A subject banned (directly or with its group's members) or a group already taken down is not acted on twice.
    if (a.action === 'ban' || a.action === 'takedown_group') {
      const prior = await standingAction(trx, s, a.action);
      if (prior)
        throw new VigilError(
          'conflict',
          `${s.type} ${s.id} is already ${a.action === 'ban' ? 'banned' : 'taken down'} (action ${prior.id}${prior.via_action_id ? `, through group action ${prior.via_action_id}` : ''}${prior.status === 'pending_approval' ? ', awaiting approval' : ''})`,
        );
    }
    const pending = NEEDS_APPROVAL.has(a.action);
    const { action, ...params } = a;
    const row = await trx
      .insertInto('enforcement_actions')
      .values({
        platform: s.platform,
        subject_type: s.type,
        subject_id: s.id,
        action,
        params: toJson(params),
        status: pending ? 'pending_approval' : 'active',
        reason: o.reason,
        task_id: o.taskId,
        case_id: o.caseId ?? null,
        via_action_id: null,
        decided_by: o.staffId,
        approved_by: null,
        created_at: iso(now),
        expires_at: a.action === 'suspend' ? iso(addMs(now, a.days! * 86_400_000)) : null,
        reversed_at: null,
        reversed_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    ids.push(id);
    await appendAudit(
      trx,
      {
        actor: `staff:${o.staffId}`,
        action: pending ? 'enforcement.propose' : 'enforcement.apply',
        subjectType: s.type,
        subjectId: s.id,
        reason: o.reason,
        data: { action_id: id, action, params },
      },
      o.clock,
    );
    if (pending) {
      await attachToCase(
        trx,
        {
          platform: s.platform,
          subjectType: s.type,
          subjectId: s.id,
          queue: 'approvals',
          priority: 90,
          reason: `second approval needed: ${action}`,
          ref: { action_id: id },
        },
        o.clock,
        `staff:${o.staffId}`,
      );
      continue;
    }
    if (s.type === 'account' && ['ban', 'suspend', 'restrict', 'strike'].includes(action)) {
      await trx
        .insertInto('strikes')
        .values({ platform: s.platform, account_id: s.id, action_id: id, reason: o.reason, created_at: iso(now) })
        .execute();
    }
    if (action !== 'strike') await announce(trx, 'enforcement.action', id, o.clock);
  }
  return ids;
}

/** An active (or pending) ban or take-down of the subject, if any. */
export async function standingAction(trx: Kysely<Database>, s: Subject, action: 'ban' | 'takedown_group') {
  return trx
    .selectFrom('enforcement_actions')
    .select(['id', 'status', 'via_action_id'])
    .where('platform', '=', s.platform)
    .where('subject_type', '=', s.type)
    .where('subject_id', '=', s.id)
    .where('action', '=', action)
    .where('status', 'in', ['active', 'pending_approval'])
    .orderBy('id')
    .executeTakeFirst();
}

/** The second reviewer's word on a group-wide action: it becomes active, or is rejected. */
export async function approveAction(
  db: Kysely<Database>,
  actionId: number,
  staffId: number,
  approve: boolean,
  reason: string,
  clock: Clock,
) {
  return db.transaction().execute((trx) => approveActionTx(trx, actionId, staffId, approve, reason, clock));
}

export async function approveActionTx(
  trx: Kysely<Database>,
  actionId: number,
  staffId: number,
  approve: boolean,
  reason: string,
  clock: Clock,
) {
  const a = await trx.selectFrom('enforcement_actions').selectAll().where('id', '=', actionId).executeTakeFirst();
  if (!a) throw new VigilError('not_found', `action ${actionId} not found`);
  if (a.status !== 'pending_approval')
    throw new VigilError('conflict', `action ${actionId} is ${a.status}, not awaiting approval`);
  if (Number(a.decided_by) === staffId)
    throw new VigilError('forbidden', 'the second approval must come from a different reviewer');
  await trx
    .updateTable('enforcement_actions')
    .set({ status: approve ? 'active' : 'rejected', approved_by: staffId })
    .where('id', '=', actionId)
    .execute();
  const items = await trx
    .selectFrom('case_items')
    .select(['id', 'case_id'])
    .where('queue', '=', 'approvals')
    .where('ref', '=', toJson({ action_id: actionId }))
    .where('status', '=', 'open')
    .execute();
  for (const it of items)
    if (it.case_id != null)
      await logCase(
        trx,
        Number(it.case_id),
        {
          actor: `staff:${staffId}`,
          kind: approve ? 'action.approved' : 'action.rejected',
          itemId: Number(it.id),
          data: { action_id: actionId, action: a.action, reason },
        },
        clock,
      );
  await closeItems(
    trx,
    items.map((t) => Number(t.id)),
    clock,
    { actor: `staff:${staffId}`, resolution: approve ? `${a.action} approved` : `${a.action} rejected` },
  );
  await appendAudit(
    trx,
    {
      actor: `staff:${staffId}`,
      action: approve ? 'enforcement.approve' : 'enforcement.reject',
      subjectType: a.subject_type,
      subjectId: a.subject_id,
      reason,
      data: { action_id: actionId },
    },
    clock,
  );
  if (approve) {
    await announce(trx, 'enforcement.action', actionId, clock);
    await memberEffects(trx, { ...a, id: actionId, approved_by: staffId }, clock);
  }
}

/** Reversing a group-wide ban lifts the member bans recorded under it. */
async function reverseMemberBans(trx: Kysely<Database>, actionId: number, staffId: number, now: string) {
  const ids = (
    await trx
      .selectFrom('enforcement_actions')
      .select('id')
      .where('via_action_id', '=', actionId)
      .where('status', '=', 'active')
      .execute()
  ).map((r) => Number(r.id));
  if (!ids.length) return;
  await trx
    .updateTable('enforcement_actions')
    .set({ status: 'reversed', reversed_at: now, reversed_by: staffId })
    .where('id', 'in', ids)
    .execute();
  await trx.deleteFrom('strikes').where('action_id', 'in', ids).execute();
}

/** The latest case of a subject (open first), if it ever had one. */
async function latestCase(trx: Kysely<Database>, s: Subject) {
  return trx
    .selectFrom('cases')
    .select(['id', 'status'])
    .where('platform', '=', s.platform)
    .where('subject_type', '=', s.type)
    .where('subject_id', '=', s.id)
    .orderBy('status', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/**
 * A group-wide action reaches the members: banning all members records each member's ban (so their history
 * shows it and nobody bans them twice) and resolves their open review work; a take-down is noted in each
 * member's case. The platform learns of the bans from the group action's own webhook.
 */
async function memberEffects(
  trx: Kysely<Database>,
  a: {
    id: number;
    platform: string;
    subject_id: string;
    action: string;
    params: string;
    reason: string;
    decided_by: number;
    approved_by: number | null;
    task_id: number | null;
  },
  clock: Clock,
) {
  if (a.action !== 'ban_members' && a.action !== 'takedown_group') return;
  const now = iso(clock.now());
  const members =
    a.action === 'ban_members'
      ? (fromJson<{ member_ids?: string[] }>(a.params).member_ids ?? [])
      : (
          await trx
            .selectFrom('group_members')
            .select('account_id')
            .where('platform', '=', a.platform)
            .where('group_id', '=', a.subject_id)
            .where('left_at', 'is', null)
            .execute()
        ).map((m) => m.account_id);
  const actor = `staff:${a.approved_by ?? a.decided_by}`;
  for (const m of new Set(members)) {
    const s = { platform: a.platform, type: 'account', id: m };
    if (a.action === 'ban_members' && !(await standingAction(trx, s, 'ban'))) {
      const row = await trx
        .insertInto('enforcement_actions')
        .values({
          platform: a.platform,
          subject_type: 'account',
          subject_id: m,
          action: 'ban',
          params: toJson({ group_id: a.subject_id }),
          status: 'active',
          reason: `banned with every member of group ${a.subject_id}: ${a.reason}`,
          task_id: a.task_id,
          case_id: null,
          via_action_id: a.id,
          decided_by: a.decided_by,
          approved_by: a.approved_by,
          created_at: now,
          expires_at: null,
          reversed_at: null,
          reversed_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('strikes')
        .values({ platform: a.platform, account_id: m, action_id: Number(row.id), reason: a.reason, created_at: now })
        .execute();
    }
    const c = await latestCase(trx, s);
    if (!c) continue;
    const caseId = Number(c.id);
    await logCase(
      trx,
      caseId,
      {
        actor,
        kind: 'group.action',
        data: { action_id: a.id, action: a.action, group_id: a.subject_id, reason: a.reason },
      },
      clock,
    );
    if (a.action === 'ban_members' && c.status === 'open') {
      // The member's own review work is answered by the ban; appeals and approvals stay for their deciders.
      const open = (await openItems(trx, caseId)).filter(
        (i) => !FOUR_EYES_QUEUES.includes(i.queue) && !LEGAL_QUEUES.includes(i.queue),
      );
      await closeItems(
        trx,
        open.map((i) => Number(i.id)),
        clock,
        { actor, resolution: `banned with the members of group ${a.subject_id} (action ${a.id})` },
      );
    }
  }
}

/** An account appeals an active action once, through the platform; it lands in the appeals queue. */
export async function fileAppeal(
  db: Kysely<Database>,
  platform: string,
  actionId: number,
  statement: string,
  clock: Clock,
) {
  return db.transaction().execute(async (trx) => {
    const a = await trx
      .selectFrom('enforcement_actions')
      .selectAll()
      .where('id', '=', actionId)
      .where('platform', '=', platform)
      .executeTakeFirst();
    if (!a) throw new VigilError('not_found', `action ${actionId} not found`);
    if (a.status !== 'active')
      throw new VigilError('conflict', `action ${actionId} is ${a.status}; only active actions can be appealed`);
    if (await trx.selectFrom('appeals').select('id').where('action_id', '=', actionId).executeTakeFirst())
      throw new VigilError('conflict', `action ${actionId} has already been appealed`);
    const now = iso(clock.now());
    const appeal = await trx
      .insertInto('appeals')
      .values({
        action_id: actionId,
        platform,
        statement,
        status: 'open',
        task_id: null,
        decided_by: null,
        reason: null,
        created_at: now,
        decided_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const appealId = Number(appeal.id);
    const { itemId: taskId } = await attachToCase(
      trx,
      {
        platform,
        subjectType: a.subject_type,
        subjectId: a.subject_id,
        queue: 'appeals',
        priority: 60,
        reason: `appeal against ${a.action}`,
        ref: { appeal_id: appealId, action_id: actionId },
      },
      clock,
      `platform:${platform}`,
    );
    await trx.updateTable('appeals').set({ task_id: taskId }).where('id', '=', appealId).execute();
    await appendAudit(
      trx,
      {
        actor: `platform:${platform}`,
        action: 'appeal.file',
        subjectType: a.subject_type,
        subjectId: a.subject_id,
        data: { appeal_id: appealId, action_id: actionId },
      },
      clock,
    );
    return { appeal_id: appealId, status: 'open' as const };
  });
}

/** Uphold or reverse, by someone other than whoever decided the action; a reversal undoes it. */
export async function decideAppeal(
  db: Kysely<Database>,
  appealId: number,
  staffId: number,
  outcome: 'uphold' | 'reverse',
  reason: string,
  clock: Clock,
) {
  return db.transaction().execute((trx) => decideAppealTx(trx, appealId, staffId, outcome, reason, clock));
}

/** Whether this reviewer may decide the appeal (nobody judges their own decision). */
export async function mayDecideAppeal(trx: Kysely<Database>, appealId: number, staffId: number): Promise<boolean> {
  const ap = await trx.selectFrom('appeals').select('action_id').where('id', '=', appealId).executeTakeFirst();
  if (!ap) return false;
  const a = await trx
    .selectFrom('enforcement_actions')
    .select(['decided_by', 'approved_by'])
    .where('id', '=', Number(ap.action_id))
    .executeTakeFirst();
  return !!a && Number(a.decided_by) !== staffId && Number(a.approved_by) !== staffId;
}

export async function decideAppealTx(
  trx: Kysely<Database>,
  appealId: number,
  staffId: number,
  outcome: 'uphold' | 'reverse',
  reason: string,
  clock: Clock,
) {
  const ap = await trx.selectFrom('appeals').selectAll().where('id', '=', appealId).executeTakeFirst();
  if (!ap) throw new VigilError('not_found', `appeal ${appealId} not found`);
  if (ap.status !== 'open') throw new VigilError('conflict', `appeal ${appealId} is already ${ap.status}`);
  const a = await trx
    .selectFrom('enforcement_actions')
    .selectAll()
    .where('id', '=', Number(ap.action_id))
    .executeTakeFirstOrThrow();
  if (Number(a.decided_by) === staffId || Number(a.approved_by) === staffId)
    throw new VigilError('forbidden', 'an appeal must be decided by a reviewer who did not decide the action');
  const now = iso(clock.now());
  await trx
    .updateTable('appeals')
    .set({ status: outcome === 'reverse' ? 'reversed' : 'upheld', decided_by: staffId, reason, decided_at: now })
    .where('id', '=', appealId)
    .execute();
  if (outcome === 'reverse') {
    await trx
      .updateTable('enforcement_actions')
      .set({ status: 'reversed', reversed_at: now, reversed_by: staffId })
      .where('id', '=', Number(a.id))
      .execute();
    await trx.deleteFrom('strikes').where('action_id', '=', Number(a.id)).execute();
    await reverseMemberBans(trx, Number(a.id), staffId, now);
    await announce(trx, 'enforcement.reversed', Number(a.id), clock);
  }
  if (ap.task_id) {
    const it = await trx
      .selectFrom('case_items')
      .select('case_id')
      .where('id', '=', Number(ap.task_id))
      .executeTakeFirst();
    if (it?.case_id != null)
      await logCase(
        trx,
        Number(it.case_id),
        {
          actor: `staff:${staffId}`,
          kind: `appeal.${outcome}`,
          itemId: Number(ap.task_id),
          data: { appeal_id: appealId, action_id: Number(a.id), reason },
        },
        clock,
      );
    await closeItems(trx, [Number(ap.task_id)], clock, {
      actor: `staff:${staffId}`,
      resolution: `appeal ${outcome === 'reverse' ? 'granted: action reversed' : 'refused: action upheld'}`,
    });
  }
  await appendAudit(
    trx,
    {
      actor: `staff:${staffId}`,
      action: `appeal.${outcome}`,
      subjectType: a.subject_type,
      subjectId: a.subject_id,
      reason,
      data: { appeal_id: appealId, action_id: Number(a.id) },
    },
    clock,
  );
}

/** A lead reverses an action directly (the same path an appeal takes, without one). */
export async function reverseAction(
  db: Kysely<Database>,
  actionId: number,
  staffId: number,
  reason: string,
  clock: Clock,
) {
  return db.transaction().execute(async (trx) => {
    const a = await trx.selectFrom('enforcement_actions').selectAll().where('id', '=', actionId).executeTakeFirst();
    if (!a) throw new VigilError('not_found', `action ${actionId} not found`);
    if (a.status !== 'active')
      throw new VigilError('conflict', `action ${actionId} is ${a.status}; only active actions can be reversed`);
    await trx
      .updateTable('enforcement_actions')
      .set({ status: 'reversed', reversed_at: iso(clock.now()), reversed_by: staffId })
      .where('id', '=', actionId)
      .execute();
    await trx.deleteFrom('strikes').where('action_id', '=', actionId).execute();
    await reverseMemberBans(trx, actionId, staffId, iso(clock.now()));
    await appendAudit(
      trx,
      {
        actor: `staff:${staffId}`,
        action: 'enforcement.reverse',
        subjectType: a.subject_type,
        subjectId: a.subject_id,
        reason,
        data: { action_id: actionId },
      },
      clock,
    );
    await announce(trx, 'enforcement.reversed', actionId, clock);
  });
}
