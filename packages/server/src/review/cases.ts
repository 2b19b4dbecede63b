// Cases: the one open unit of review work about a subject. A reviewer claims the case (a lock that
// expires), reads everything attached to it, and decides it once: the decision resolves every open review
// item in it. Appeals and approvals in a case are decided by someone other than the original decider.
// Every step is appended to the case log and to the audit log.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { IncidentType } from '@vigil/ncmec';
import { appendAudit } from '../audit/log.ts';
import { emitWebhook } from '../webhooks/outbox.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { fromJson } from '../util/json.ts';
import {
  applyActions,
  approveActionTx,
  decideAppealTx,
  mayDecideAppeal,
  standingAction,
  type ActionRequest,
} from './enforcement.ts';
import { FOUR_EYES_QUEUES, lockCase, logCase, openItems, routeCase } from './task-store.ts';
import { caseClaimed, decisionRecorded } from './effects.ts';
import { isVigilError, VigilError } from '../errors.ts';

export const CLAIM_MINUTES = 15;
/** Decisions on a case's review work. */
export const DECISIONS = ['apparent_csam', 'not_violating', 'policy_violation', 'escalate'] as const;
/** Every decision a case can take: review decisions, an appeal's outcome, a second approval. */
export const CASE_DECISIONS = [...DECISIONS, 'uphold', 'reverse', 'approve', 'reject'] as const;
export type CaseDecision = (typeof CASE_DECISIONS)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Severity bands over priority: critical ≥ 90, high 70–89, medium 40–69, low < 40. */
export const SEVERITY_BANDS: Record<Severity, [number, number]> = {
  critical: [90, 1_000_000],
  high: [70, 90],
  medium: [40, 70],
  low: [-1_000_000, 40],
};
export const severityOf = (priority: number): Severity =>
  priority >= 90 ? 'critical' : priority >= 70 ? 'high' : priority >= 40 ? 'medium' : 'low';

export interface CaseDecisionInput {
  decision: CaseDecision;
  reason: string;
  note?: string;
  actions?: ActionRequest[];
  /** not_violating: add the subject's matched hashes to the allow bank (a known false positive). */
  allowlist?: boolean;
  /** apparent_csam: the report's incident type when it is not CSAM itself (legal can still change it). */
  incident_type?: IncidentType;
}

export async function loadCase(trx: Kysely<Database>, id: number) {
  const c = await trx.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c) throw new VigilError('not_found', `case ${id} not found`);
  return c;
}

async function loadOpenCase(trx: Kysely<Database>, id: number) {
  const c = await loadCase(trx, id);
  if (c.status !== 'open') throw new VigilError('conflict', `case ${id} is already closed`);
  return c;
}

const liveClaim = (c: { claimed_by: number | null; claim_expires_at: string | null }, now: string) =>
  c.claimed_by != null && !!c.claim_expires_at && c.claim_expires_at >= now ? Number(c.claimed_by) : null;

/** Locks a case for one reviewer; another reviewer's live claim is refused, an expired one is taken over. */
async function claimCaseTx(trx: Kysely<Database>, id: number, staffId: number, clock: Clock) {
  const now = clock.now();
  const until = iso(addMs(now, CLAIM_MINUTES * 60_000));
  // A conditional update, so two reviewers racing for the same case cannot both win.
  const r = await trx
    .updateTable('cases')
    .set({ claimed_by: staffId, claim_expires_at: until, updated_at: iso(now) })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .where((eb) =>
      eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', staffId), eb('claim_expires_at', '<', iso(now))]),
    )
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) {
    const c = await loadOpenCase(trx, id);
    const who =
      c.claimed_by == null
        ? null
        : await trx.selectFrom('staff').select('username').where('id', '=', Number(c.claimed_by)).executeTakeFirst();
    throw new VigilError(
      'conflict',
      `case ${id} is being reviewed by ${who?.username ?? `staff ${c.claimed_by}`} until ${c.claim_expires_at}`,
    );
  }
  await appendAudit(
    trx,
    { actor: `staff:${staffId}`, action: 'case.claim', subjectType: 'case', subjectId: String(id) },
    clock,
  );
  await logCase(trx, id, { actor: `staff:${staffId}`, kind: 'claim', data: { until } }, clock);
  await caseClaimed(
    trx,
    { case_id: id, item_ids: (await openItems(trx, id)).map((it) => Number(it.id)), claimed_by: staffId },
    clock,
  );
  return { claimed_until: until };
}

export async function claimCase(db: Kysely<Database>, id: number, staffId: number, clock: Clock) {
  return db.transaction().execute((trx) => claimCaseTx(trx, id, staffId, clock));
}

async function releaseCaseTx(trx: Kysely<Database>, id: number, staffId: number, clock: Clock) {
  const c = await loadOpenCase(trx, id);
  const holder = liveClaim(c, iso(clock.now()));
  if (holder !== null && holder !== staffId)
    throw new VigilError('conflict', `case ${id} is being reviewed by someone else`);
  await trx
    .updateTable('cases')
    .set({ claimed_by: null, claim_expires_at: null, updated_at: iso(clock.now()) })
    .where('id', '=', id)
    .execute();
  await appendAudit(
    trx,
    { actor: `staff:${staffId}`, action: 'case.release', subjectType: 'case', subjectId: String(id) },
    clock,
  );
  await logCase(trx, id, { actor: `staff:${staffId}`, kind: 'release' }, clock);
}

export async function releaseCase(db: Kysely<Database>, id: number, staffId: number, clock: Clock) {
  return db.transaction().execute((trx) => releaseCaseTx(trx, id, staffId, clock));
}

export async function addNote(db: Kysely<Database>, id: number, staffId: number, text: string, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    await loadCase(trx, id);
    await logCase(trx, id, { actor: `staff:${staffId}`, kind: 'note', data: { text } }, clock);
    await appendAudit(
      trx,
      { actor: `staff:${staffId}`, action: 'case.note', subjectType: 'case', subjectId: String(id) },
      clock,
    );
  });
}

const reviewWork = <T extends { queue: string }>(items: T[]) =>
  items.filter((i) => !FOUR_EYES_QUEUES.includes(i.queue));

/** What this reviewer may decide on the case now (the console shows exactly these). An escalated case is a lead's. */
export async function allowedDecisions(
  trx: Kysely<Database>,
  caseId: number,
  staffId: number,
  role?: string,
): Promise<CaseDecision[]> {
  const c = await loadCase(trx, caseId);
  if (c.status !== 'open') return [];
  const items = await openItems(trx, caseId);
  const out = new Set<CaseDecision>();
  const work = reviewWork(items);
  const escalated = work.some((i) => i.queue === 'escalated');
  if (work.length && !(escalated && role === 'reviewer'))
    DECISIONS.filter((d) => !(escalated && d === 'escalate')).forEach((d) => out.add(d));
  for (const it of items) {
    const ref = fromJson<{ appeal_id?: number; action_id?: number }>(it.ref) ?? {};
    if (it.queue === 'appeals' && ref.appeal_id && (await mayDecideAppeal(trx, ref.appeal_id, staffId)))
      (['uphold', 'reverse'] as const).forEach((d) => out.add(d));
    if (it.queue === 'approvals' && ref.action_id) {
      const a = await trx
        .selectFrom('enforcement_actions')
        .select(['decided_by', 'status'])
        .where('id', '=', ref.action_id)
        .executeTakeFirst();
      if (a && a.status === 'pending_approval' && Number(a.decided_by) !== staffId)
        (['approve', 'reject'] as const).forEach((d) => out.add(d));
    }
  }
  return CASE_DECISIONS.filter((d) => out.has(d));
}

/** The actions an apparent-CSAM decision takes when the reviewer does not change them. */
export async function defaultActions(
  trx: Kysely<Database>,
  s: { platform: string; type: string; id: string },
): Promise<ActionRequest[]> {
  if (s.type === 'account') return (await standingAction(trx, s, 'ban')) ? [] : [{ action: 'ban' }];
  if (s.type === 'group') return (await standingAction(trx, s, 'takedown_group')) ? [] : [{ action: 'takedown_group' }];
  return [];
}

/**
 * Decides a case. Review decisions resolve every open review item and take their enforcement (apparent CSAM: ban /
 * take down by default). What follows elsewhere (the matched hashes into the confirmed bank, a legal hold and a
 * drafted CyberTipline report, the flaggers' statements of reasons) is each subscriber's, after this commits
 * (review/effects.ts).
 */
async function decideCaseTx(
  trx: Kysely<Database>,
  id: number,
  staffId: number,
  d: CaseDecisionInput,
  clock: Clock,
  role?: string,
): Promise<{ action_ids: number[] }> {
  await lockCase(trx, id); // work attached meanwhile waits, then reopens or re-routes the case
  const c = await loadOpenCase(trx, id);
  const now = iso(clock.now());
  if (liveClaim(c, now) !== staffId) throw new VigilError('conflict', `claim case ${id} before deciding it`);
  const allowed = await allowedDecisions(trx, id, staffId, role);
  const items = await openItems(trx, id);
  const actor = `staff:${staffId}`;
  if (!allowed.includes(d.decision)) {
    if (role === 'reviewer' && items.some((i) => i.queue === 'escalated'))
      throw new VigilError('forbidden', 'this case was escalated: a lead decides it');
    if ((d.decision === 'uphold' || d.decision === 'reverse') && items.some((i) => i.queue === 'appeals'))
      throw new VigilError('forbidden', 'an appeal must be decided by a reviewer who did not decide the action');
    if ((d.decision === 'approve' || d.decision === 'reject') && items.some((i) => i.queue === 'approvals'))
      throw new VigilError('forbidden', 'the second approval must come from a different reviewer');
    throw new VigilError('conflict', `case ${id} has nothing open that a "${d.decision}" decision answers`);
  }
  await logCase(
    trx,
    id,
    {
      actor,
      kind: 'decision',
      data: { decision: d.decision, reason: d.reason, note: d.note ?? null, actions: d.actions ?? null },
    },
    clock,
  );
  if (d.note) await logCase(trx, id, { actor, kind: 'note', data: { text: d.note } }, clock);
  if (d.decision === 'uphold' || d.decision === 'reverse') {
    for (const it of items.filter((i) => i.queue === 'appeals'))
      await decideAppealTx(
        trx,
        Number(fromJson<{ appeal_id: number }>(it.ref).appeal_id),
        staffId,
        d.decision,
        d.reason,
        clock,
      );
    await afterDecision(trx, id, clock);
    return { action_ids: [] };
  }
  if (d.decision === 'approve' || d.decision === 'reject') {
    for (const it of items.filter((i) => i.queue === 'approvals'))
      await approveActionTx(
        trx,
        Number(fromJson<{ action_id: number }>(it.ref).action_id),
        staffId,
        d.decision === 'approve',
        d.reason,
        clock,
      );
    await afterDecision(trx, id, clock);
    return { action_ids: [] };
  }
  const work = reviewWork(items);
  const itemIds = work.map((i) => Number(i.id)).sort((a, b) => a - b);
  const first = itemIds[0]!;
  const subject = { platform: c.platform, type: c.subject_type, id: c.subject_id };
  if (d.decision === 'escalate') {
    for (const it of work)
      await trx
        .updateTable('case_items')
        .set({ queue: 'escalated', priority: Math.min(100, it.priority + 10), updated_at: now })
        .where('id', '=', Number(it.id))
        .execute();
    await trx
      .updateTable('cases')
      .set({ claimed_by: null, claim_expires_at: null, updated_at: now })
      .where('id', '=', id)
      .execute();
    await routeCase(trx, id, clock);
    await appendAudit(
      trx,
      {
        actor,
        action: 'case.escalate',
        subjectType: c.subject_type,
        subjectId: c.subject_id,
        reason: d.reason,
        data: { case_id: id, task_ids: itemIds, note: d.note ?? null },
      },
      clock,
    );
    return { action_ids: [] };
  }
  let actions = d.actions ?? [];
  if (d.decision === 'apparent_csam' && !d.actions) actions = await defaultActions(trx, subject);
  if (d.decision === 'not_violating' && actions.length)
    throw new VigilError('conflict', 'a "not violating" decision cannot carry enforcement actions');
  await trx
    .updateTable('case_items')
    .set({ status: 'closed', closed_at: now, updated_at: now, claimed_by: null, claim_expires_at: null })
    .where('id', 'in', itemIds)
    .execute();
  await appendAudit(
    trx,
    {
      actor,
      action: 'case.decide',
      subjectType: c.subject_type,
      subjectId: c.subject_id,
      reason: d.reason,
      data: {
        case_id: id,
        task_ids: itemIds,
        decision: d.decision,
        note: d.note ?? null,
        queues: [...new Set(work.map((i) => i.queue))],
        actions,
      },
    },
    clock,
  );
  const actionIds = await applyActions(trx, subject, actions, {
    staffId,
    reason: d.reason,
    taskId: first,
    caseId: id,
    clock,
  });
  for (const [i, a] of actionIds.entries())
    await logCase(trx, id, { actor, kind: 'action', data: { action_id: a, action: actions[i]!.action } }, clock);
  await decisionRecorded(
    trx,
    {
      case_id: id,
      item_ids: itemIds,
      decision: d.decision,
      reason: d.reason,
      decided_by: staffId,
      decided_at: now,
      subject,
      allowlist: d.decision === 'not_violating' && !!d.allowlist,
      incident_type: d.incident_type ?? null,
    },
    clock,
  );
  await emitWebhook(
    trx,
    'decision.made',
    {
      task_id: first,
      case_id: id,
      decision: d.decision,
      reason: d.reason,
      action_ids: actionIds,
      subject: { type: c.subject_type, id: c.subject_id, platform: c.platform },
    },
    clock,
  );
  await trx
    .updateTable('cases')
    .set({ claimed_by: null, claim_expires_at: null, updated_at: now })
    .where('id', '=', id)
    .execute();
  await routeCase(trx, id, clock, { actor, resolution: d.decision });
  return { action_ids: actionIds };
}

/** After an appeal or approval: the claim ends; the case closes if nothing else is open. */
async function afterDecision(trx: Kysely<Database>, id: number, clock: Clock) {
  await trx
    .updateTable('cases')
    .set({ claimed_by: null, claim_expires_at: null, updated_at: iso(clock.now()) })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .execute();
  await routeCase(trx, id, clock);
}

export async function decideCase(
  db: Kysely<Database>,
  id: number,
  staffId: number,
  d: CaseDecisionInput,
  clock: Clock,
  role?: string,
) {
  return db.transaction().execute((trx) => decideCaseTx(trx, id, staffId, d, clock, role));
}

export interface BulkError {
  id: number;
  message: string;
}

/** A bulk change refused as a whole: 409 bulk_refused, each case that cannot be changed in details.errors. */
const bulkRefused = (errors: BulkError[]) =>
  new VigilError(
    'bulk_refused',
    `${errors.length} case${errors.length === 1 ? '' : 's'} could not be changed, so none were: ${errors
      .slice(0, 3)
      .map((e) => `case ${e.id}: ${e.message}`)
      .join('; ')}${errors.length > 3 ? '; …' : ''}`,
    { errors },
  );

export type BulkOp = { kind: 'claim' } | { kind: 'release' } | { kind: 'decision'; input: CaseDecisionInput };

/**
 * One operation on many cases, all or nothing: every case is checked first and a refusal lists each
 * case that cannot be changed; then all are changed in one transaction (any failure rolls back every one).
 * A bulk decision claims each case for the caller, so it cannot take a case from another reviewer.
 */
export async function bulkCases(
  db: Kysely<Database>,
  ids: number[],
  staffId: number,
  op: BulkOp,
  clock: Clock,
  role?: string,
) {
  const unique = [...new Set(ids)];
  return db.transaction().execute(async (trx) => {
    const now = iso(clock.now());
    const rows = await trx.selectFrom('cases').selectAll().where('id', 'in', unique).execute();
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    const errors: BulkError[] = [];
    for (const id of unique) {
      const c = byId.get(id);
      if (!c) {
        errors.push({ id, message: 'no such case' });
        continue;
      }
      if (c.status !== 'open') {
        errors.push({ id, message: 'the case is already closed' });
        continue;
      }
      const holder = liveClaim(c, now);
      if (holder !== null && holder !== staffId) {
        errors.push({ id, message: 'another reviewer is working on it' });
        continue;
      }
      if (op.kind === 'decision') {
        const allowed = await allowedDecisions(trx, id, staffId, role);
        if (!allowed.includes(op.input.decision))
          errors.push({ id, message: `a "${op.input.decision}" decision does not apply to it` });
      }
    }
    if (errors.length) throw bulkRefused(errors);
    const results: { id: number; action_ids: number[] }[] = [];
    for (const id of unique) {
      try {
        if (op.kind === 'claim') await claimCaseTx(trx, id, staffId, clock);
        else if (op.kind === 'release') await releaseCaseTx(trx, id, staffId, clock);
        else {
          await claimCaseTx(trx, id, staffId, clock);
          results.push({ id, ...(await decideCaseTx(trx, id, staffId, op.input, clock, role)) });
        }
      } catch (e) {
        if (isVigilError(e) && e.status < 500) throw bulkRefused([{ id, message: e.message }]);
        throw e;
      }
    }
    return { ids: unique, results };
  });
}
