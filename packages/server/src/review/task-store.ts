// Attaching review work to cases: every writer (detection, flags, appeals, approvals, legal) calls
// attachToCase (or openTask, its older name), which finds, reopens or opens the subject's one open case
// and adds an item to it. The case's queue and priority follow its highest open item.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { toJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';

export interface NewTask {
  platform: string;
  subjectType: string;
  subjectId: string;
  queue: string;
  priority: number;
  reason: string;
  /** What the item is about beyond its subject ({appeal_id}, {action_id}, {case_key} …). */
  ref?: Record<string, unknown>;
}

/** Queues only the legal role works (and reviewers never see). Their items link to a case but never open or route it. */
export const LEGAL_QUEUES: readonly string[] = ['legal-reports', 'legal-requests'];
/** Items decided by someone other than the original decider (uphold/reverse, approve/reject). */
export const FOUR_EYES_QUEUES: readonly string[] = ['appeals', 'approvals'];

export interface Subject {
  platform: string;
  type: string;
  id: string;
}

/** Appends to a case's log (the table refuses updates and deletes). */
export async function logCase(
  trx: Kysely<Database>,
  caseId: number,
  e: { actor: string; kind: string; itemId?: number | null; data?: Record<string, unknown> },
  clock: Clock,
) {
  await trx
    .insertInto('case_log')
    .values({
      case_id: caseId,
      at: iso(clock.now()),
      actor: e.actor,
      kind: e.kind,
      item_id: e.itemId ?? null,
      data: toJson(e.data ?? {}),
    })
    .execute();
}

/**
 * Serialises writers of one case until commit (a row lock on PostgreSQL; SQLite writers are serial anyway), so
 * routing after a change sees every item committed before it: no case is left routed by a stale item.
 */
export async function lockCase(trx: Kysely<Database>, caseId: number) {
  await trx
    .updateTable('cases')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('id', '=', caseId)
    .execute();
}

const openCaseId = async (trx: Kysely<Database>, s: Subject) =>
  (
    await trx
      .selectFrom('cases')
      .select('id')
      .where('platform', '=', s.platform)
      .where('subject_type', '=', s.type)
      .where('subject_id', '=', s.id)
      .where('status', '=', 'open')
      .executeTakeFirst()
  )?.id;

/**
 * The subject's open case: the existing one, its latest closed case reopened, or a new one. Safe under
 * concurrent writers: the partial unique index admits one open case, a losing insert does nothing and
 * reads the winner's case, and a losing reopen finds the case already open.
 */
async function openCaseFor(trx: Kysely<Database>, s: Subject, actor: string, clock: Clock): Promise<number> {
  const open = await openCaseId(trx, s);
  if (open != null) return Number(open);
  const now = iso(clock.now());
  const last = await trx
    .selectFrom('cases')
    .select('id')
    .where('platform', '=', s.platform)
    .where('subject_type', '=', s.type)
    .where('subject_id', '=', s.id)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (last) {
    const r = await trx
      .updateTable('cases')
      .set({
        status: 'open',
        resolution: null,
        closed_at: null,
        claimed_by: null,
        claim_expires_at: null,
        updated_at: now,
      })
      .where('id', '=', Number(last.id))
      .where('status', '=', 'closed')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) {
      await logCase(trx, Number(last.id), { actor, kind: 'reopened' }, clock);
      return Number(last.id);
    }
  } else {
    const row = await trx
      .insertInto('cases')
      .values({
        platform: s.platform,
        subject_type: s.type,
        subject_id: s.id,
        status: 'open',
        queue: 'new',
        priority: 0,
        claimed_by: null,
        claim_expires_at: null,
        resolution: null,
        opened_at: now,
        updated_at: now,
        closed_at: null,
      })
      .onConflict((oc) =>
        oc
          .columns(['platform', 'subject_type', 'subject_id'])
          .where(sql<boolean>`status = 'open'`)
          .doNothing(),
      )
      .returning('id')
      .executeTakeFirst();
    if (row) {
      await logCase(trx, Number(row.id), { actor, kind: 'opened' }, clock);
      return Number(row.id);
    }
  }
  const winner = await openCaseId(trx, s);
  if (winner == null) throw new Error(`no open case for ${s.type} ${s.id} after a concurrent open`);
  return Number(winner);
}

/** The case legal work links to: the open one, else the latest; null when the subject never had one. */
async function linkedCaseFor(trx: Kysely<Database>, s: Subject): Promise<number | null> {
  const c = await trx
    .selectFrom('cases')
    .select('id')
    .where('platform', '=', s.platform)
    .where('subject_type', '=', s.type)
    .where('subject_id', '=', s.id)
    .orderBy('status', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return c ? Number(c.id) : null; // 'open' sorts after 'closed', so desc puts an open case first
}

/** Adds review work to the subject's case (opening or reopening it); legal work only links to it. */
export async function attachToCase(
  trx: Kysely<Database>,
  t: NewTask,
  clock: Clock,
  actor = 'system',
): Promise<{ caseId: number | null; itemId: number }> {
  const s = { platform: t.platform, type: t.subjectType, id: t.subjectId };
  const legal = LEGAL_QUEUES.includes(t.queue);
  const caseId = legal ? await linkedCaseFor(trx, s) : await openCaseFor(trx, s, actor, clock);
  if (caseId != null && !legal) await lockCase(trx, caseId);
  const now = iso(clock.now());
  const row = await trx
    .insertInto('case_items')
    .values({
      case_id: caseId,
      platform: t.platform,
      subject_type: t.subjectType,
      subject_id: t.subjectId,
      queue: t.queue,
      priority: t.priority,
      reason: t.reason,
      status: 'open',
      claimed_by: null,
      claim_expires_at: null,
      created_at: now,
      updated_at: now,
      closed_at: null,
      ref: t.ref ? toJson(t.ref) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const itemId = Number(row.id);
  if (caseId != null) {
    await logCase(
      trx,
      caseId,
      {
        actor,
        kind: legal ? 'legal.linked' : 'item.added',
        itemId,
        data: { queue: t.queue, priority: t.priority, reason: t.reason, ...(t.ref ? { ref: t.ref } : {}) },
      },
      clock,
    );
    if (!legal) await routeCase(trx, caseId, clock);
  }
  return { caseId, itemId };
}

/** Older name for attachToCase: returns the item's id. */
export async function openTask(trx: Kysely<Database>, t: NewTask, clock: Clock): Promise<number> {
  return (await attachToCase(trx, t, clock)).itemId;
}

/** The subject's open item in one queue (work that merges, like a rule's verdicts or a subject's flags). */
export async function openItemIn(trx: Kysely<Database>, s: Subject, queue: string) {
  const caseId = await openCaseId(trx, s);
  if (caseId == null) return undefined;
  return trx
    .selectFrom('case_items')
    .select(['id', 'priority', 'case_id'])
    .where('case_id', '=', Number(caseId))
    .where('queue', '=', queue)
    .where('status', '=', 'open')
    .orderBy('id')
    .executeTakeFirst();
}

/** Raises an open item (and so perhaps its case). */
export async function raiseItem(
  trx: Kysely<Database>,
  itemId: number,
  priority: number,
  clock: Clock,
  reason?: string,
) {
  const now = iso(clock.now());
  const first = await trx.selectFrom('case_items').select('case_id').where('id', '=', itemId).executeTakeFirstOrThrow();
  if (first.case_id != null) await lockCase(trx, Number(first.case_id));
  const it = await trx
    .selectFrom('case_items')
    .select(['case_id', 'priority'])
    .where('id', '=', itemId)
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('case_items')
    .set({ priority: Math.max(it.priority, priority), ...(reason ? { reason } : {}), updated_at: now })
    .where('id', '=', itemId)
    .execute();
  if (it.case_id != null) await routeCase(trx, Number(it.case_id), clock);
}

/** Closes items; a case left with no open review work closes too. */
export async function closeItems(
  trx: Kysely<Database>,
  itemIds: number[],
  clock: Clock,
  o: { actor?: string; resolution?: string } = {},
) {
  if (!itemIds.length) return;
  const now = iso(clock.now());
  const touched = await trx
    .selectFrom('case_items')
    .select('case_id')
    .distinct()
    .where('id', 'in', itemIds)
    .where('case_id', 'is not', null)
    .orderBy('case_id')
    .execute();
  for (const c of touched) await lockCase(trx, Number(c.case_id));
  await trx
    .updateTable('case_items')
    .set({ status: 'closed', closed_at: now, updated_at: now, claimed_by: null, claim_expires_at: null })
    .where('id', 'in', itemIds)
    .where('status', '=', 'open')
    .execute();
  const cases = await trx
    .selectFrom('case_items')
    .select('case_id')
    .distinct()
    .where('id', 'in', itemIds)
    .where('case_id', 'is not', null)
    .execute();
  for (const c of cases) await routeCase(trx, Number(c.case_id), clock, o);
}

/** Open items that route the case (everything but legal work). */
export async function openItems(trx: Kysely<Database>, caseId: number) {
  return trx
    .selectFrom('case_items')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('status', '=', 'open')
    .where('queue', 'not in', [...LEGAL_QUEUES])
    .orderBy('priority', 'desc')
    .orderBy('id')
    .execute();
}

/** Queue and priority from the highest open item; no open work left closes the case. */
export async function routeCase(
  trx: Kysely<Database>,
  caseId: number,
  clock: Clock,
  o: { actor?: string; resolution?: string } = {},
) {
  const now = iso(clock.now());
  const c = await trx
    .selectFrom('cases')
    .select(['status', 'queue', 'priority'])
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
  const items = await openItems(trx, caseId);
  const top = items[0];
  if (top) {
    if (c.status !== 'open' || c.queue !== top.queue || c.priority !== top.priority) {
      await trx
        .updateTable('cases')
        .set({ queue: top.queue, priority: top.priority, updated_at: now })
        .where('id', '=', caseId)
        .execute();
    }
    return;
  }
  if (c.status === 'open') {
    await trx
      .updateTable('cases')
      .set({
        status: 'closed',
        resolution: o.resolution ?? 'resolved',
        closed_at: now,
        updated_at: now,
        claimed_by: null,
        claim_expires_at: null,
      })
      .where('id', '=', caseId)
      .execute();
    await logCase(
      trx,
      caseId,
      { actor: o.actor ?? 'system', kind: 'closed', data: { resolution: o.resolution ?? 'resolved' } },
      clock,
    );
  }
}
