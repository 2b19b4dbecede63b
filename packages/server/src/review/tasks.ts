// Review tasks: a reviewer claims a task (a lock that expires), then decides it. Decisions are
// appended to the moderation event log beside the task's current state, as Ozone does.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { emitWebhook } from '../webhooks/outbox.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { fromJson, toJson } from '../util/json.ts';
import { bump, confirmEntries, type SignalType } from '../media/banks.ts';
import { createReportDraft } from '../legal/reports.ts';
import type { Config } from '../config.ts';
import { applyActions, type ActionRequest } from './enforcement.ts';
import { openTask } from './task-store.ts';
import { closeFlags, flagsUnderReview } from '../flags/lifecycle.ts';

export const CLAIM_MINUTES = 15;
export const DECISIONS = ['apparent_csam', 'not_violating', 'policy_violation', 'escalate'] as const;
export type Decision = (typeof DECISIONS)[number];

export class TaskError extends Error {
  constructor(readonly status: 404 | 409, message: string) {
    super(message);
  }
}

async function loadOpenTask(trx: Kysely<Database>, id: number) {
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
      const t = await loadOpenTask(trx, id);
      throw new TaskError(409, `task ${id} is claimed by staff ${t.claimed_by} until ${t.claim_expires_at}`);
    }
    await appendAudit(trx, { actor: `staff:${staffId}`, action: 'task.claim', subjectType: 'task', subjectId: String(id) }, clock);
    await flagsUnderReview(trx, id, clock);
    return { claimed_until: iso(addMs(now, CLAIM_MINUTES * 60_000)) };
  });
}

export async function releaseTask(db: Kysely<Database>, id: number, staffId: number, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    const t = await loadOpenTask(trx, id);
    if (t.claimed_by !== null && Number(t.claimed_by) !== staffId) throw new TaskError(409, `task ${id} is claimed by someone else`);
    await trx.updateTable('review_tasks').set({ claimed_by: null, claim_expires_at: null, updated_at: iso(clock.now()) }).where('id', '=', id).execute();
    await appendAudit(trx, { actor: `staff:${staffId}`, action: 'task.release', subjectType: 'task', subjectId: String(id) }, clock);
  });
}

export interface DecisionInput {
  decision: Decision;
  reason: string;
  note?: string;
  actions?: ActionRequest[];
  /** not_violating: add the subject's matched hashes to the allow bank (a known false positive). */
  allowlist?: boolean;
}

/** Hashes of the subject that matched a bank (from its media.match signals). */
async function matchedHashes(trx: Kysely<Database>, t: { platform: string; subject_type: string; subject_id: string }) {
  const rows = await trx.selectFrom('signals').select('evidence').where('platform', '=', t.platform).where('subject_type', '=', t.subject_type).where('subject_id', '=', t.subject_id).where('kind', '=', 'media.match').execute();
  const out = new Map<string, { signal_type: SignalType; value: string }>();
  for (const r of rows) {
    const h = (fromJson<{ subject_hashes?: Record<string, string | null> }>(r.evidence).subject_hashes ?? {}) as Record<string, string | null>;
    for (const t of ['pdq', 'md5', 'sha256'] as const) if (h[t]) out.set(`${t}:${h[t]}`, { signal_type: t, value: h[t]! });
  }
  return [...out.values()];
}

/** Bank entries the subject's media matched (from its media.match signals). */
async function matchedEntryIds(trx: Kysely<Database>, t: { platform: string; subject_type: string; subject_id: string }) {
  const rows = await trx.selectFrom('signals').select('evidence').where('platform', '=', t.platform).where('subject_type', '=', t.subject_type).where('subject_id', '=', t.subject_id).where('kind', '=', 'media.match').execute();
  return [...new Set(rows.map((r) => Number(fromJson<{ entry_id?: number }>(r.evidence).entry_id)).filter((n) => Number.isInteger(n) && n > 0))];
}

async function addToBank(trx: Kysely<Database>, name: string, kind: 'block' | 'allow', hashes: { signal_type: SignalType; value: string }[], o: { staffId: number; taskId: number; clock: Clock }) {
  if (!hashes.length) return;
  await bump(trx); // first: serialises bank writers (see media/banks.ts)
  const now = iso(o.clock.now());
  let bank = await trx.selectFrom('banks').select('id').where('name', '=', name).executeTakeFirst();
  if (!bank) {
    bank = await trx.insertInto('banks').values({ name, kind, description: kind === 'block' ? 'Confirmed by review decisions' : 'Known false positives from review decisions', enabled: 1, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  }
  for (const h of hashes) {
    await trx.insertInto('bank_entries').values({ bank_id: Number(bank.id), signal_type: h.signal_type, value: h.value, source: 'review', external_id: `task:${o.taskId}`, tags: null, note: null, confirmed: 1, added_at: now })
      .onConflict((oc) => oc.columns(['bank_id', 'signal_type', 'value']).doNothing()).execute();
  }
  await appendAudit(trx, { actor: `staff:${o.staffId}`, action: 'bank.entries.add', subjectType: 'bank', subjectId: name, data: { from_task: o.taskId, hashes } }, o.clock);
}

export const CONFIRMED_BANK = 'CONFIRMED';
export const FALSE_POSITIVE_BANK = 'FALSE_POSITIVES';
export const PRESERVATION_DAYS = 365;

/**
 * Decides a task the reviewer holds. Apparent CSAM: enforcement (ban / take down by default), the matched
 * hashes into the confirmed bank, a one-year legal hold and a task for the legal team to file the report.
 */
export async function decideTask(db: Kysely<Database>, id: number, staffId: number, d: DecisionInput, clock: Clock, cfg?: Config) {
  return db.transaction().execute(async (trx) => {
    const t = await loadOpenTask(trx, id);
    const now = iso(clock.now());
    if (Number(t.claimed_by) !== staffId || !t.claim_expires_at || t.claim_expires_at < now) {
      throw new TaskError(409, `claim task ${id} before deciding it`);
    }
    const subject = { platform: t.platform, type: t.subject_type, id: t.subject_id };
    const o = { staffId, taskId: id, clock };
    if (d.decision === 'escalate') {
      await trx.updateTable('review_tasks').set({ queue: 'escalated', priority: Math.min(100, t.priority + 10), claimed_by: null, claim_expires_at: null, updated_at: now }).where('id', '=', id).execute();
      await appendAudit(trx, { actor: `staff:${staffId}`, action: 'task.escalate', subjectType: t.subject_type, subjectId: t.subject_id, reason: d.reason, data: { task_id: id, note: d.note ?? null } }, clock);
      return { action_ids: [] as number[] };
    }
    let actions = d.actions ?? [];
    if (d.decision === 'apparent_csam' && !actions.length) {
      actions = t.subject_type === 'group' ? [{ action: 'takedown_group' }] : t.subject_type === 'account' ? [{ action: 'ban' }] : [];
    }
    if (d.decision === 'not_violating' && actions.length) throw new TaskError(409, 'a "not violating" decision cannot carry enforcement actions');
    await trx.updateTable('review_tasks').set({ status: 'closed', closed_at: now, updated_at: now, claimed_by: null, claim_expires_at: null }).where('id', '=', id).execute();
    await appendAudit(trx, { actor: `staff:${staffId}`, action: 'task.decide', subjectType: t.subject_type, subjectId: t.subject_id, reason: d.reason, data: { task_id: id, decision: d.decision, note: d.note ?? null, queue: t.queue, actions } }, clock);
    const actionIds = await applyActions(trx, subject, actions, { staffId, reason: d.reason, taskId: id, clock });
    if (d.decision === 'apparent_csam') {
      await addToBank(trx, CONFIRMED_BANK, 'block', await matchedHashes(trx, t), o);
      // The entries that matched are now confirmed by a person (shared back to peers, trusted more).
      await confirmEntries(trx, await matchedEntryIds(trx, t), `staff:${staffId}`, `task:${id}`, clock);
      await trx.insertInto('legal_holds').values({ platform: t.platform, subject_type: t.subject_type, subject_id: t.subject_id, reason: 'apparent CSAM confirmed by review', task_id: id, created_at: now, expires_at: iso(addMs(clock.now(), PRESERVATION_DAYS * 86_400_000)) }).execute();
      const legalTaskId = await openTask(trx, { platform: t.platform, subjectType: t.subject_type, subjectId: t.subject_id, queue: 'legal-reports', priority: 100, reason: 'file a CyberTipline report', ref: { decision_task_id: id } }, clock);
      // The report is drafted now, from what the service knows at the decision; legal reviews and sends it.
      if (cfg) await createReportDraft(trx, { platform: t.platform, subjectType: t.subject_type, subjectId: t.subject_id, decisionTaskId: id, legalTaskId }, cfg, clock);
    }
    if (d.decision === 'not_violating' && d.allowlist) await addToBank(trx, FALSE_POSITIVE_BANK, 'allow', await matchedHashes(trx, t), o);
    await closeFlags(trx, id, d.decision, d.reason, clock);
    await emitWebhook(trx, 'decision.made', { task_id: id, decision: d.decision, reason: d.reason, action_ids: actionIds, subject: { type: t.subject_type, id: t.subject_id, platform: t.platform } }, clock);
    return { action_ids: actionIds };
  });
}
