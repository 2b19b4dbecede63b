// The one way other modules ask for review: detection's verdicts, flags from outside, legal's requests and
// filings all call requestReview. Review decides where the work goes (the subject's open case, reopened or new;
// legal work only linked), so no other module writes the case tables.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../util/time.ts';
import { attachToCase, closeItems, logCase, openItemIn, raiseItem, type NewTask, type Subject } from './task-store.ts';

export interface ReviewRequest extends NewTask {
  /**
   * Merge into the subject's open item in the same queue (raising it and, when given, taking the new reason)
   * instead of adding another: a rule's repeated verdicts, a subject's flags. Appeals, approvals and legal work
   * always add an item of their own.
   */
  merge?: boolean;
  /** When merging, the open item takes this request's reason (flags: the reporter count changed). */
  replaceReason?: boolean;
  /** Written to the case log with the item (e.g. the verdict that asked). */
  log?: { kind: string; data: Record<string, unknown> };
  actor?: string;
}

/** Asks for review of a subject; returns the item that carries the request and its case (null for unlinked legal work). */
export async function requestReview(
  trx: Kysely<Database>,
  r: ReviewRequest,
  clock: Clock,
): Promise<{ caseId: number | null; itemId: number }> {
  const { merge, replaceReason, log, actor = 'system', ...task } = r;
  let caseId: number | null;
  let itemId: number;
  const open = merge
    ? await openItemIn(trx, { platform: task.platform, type: task.subjectType, id: task.subjectId }, task.queue)
    : undefined;
  if (open) {
    itemId = Number(open.id);
    await raiseItem(trx, itemId, task.priority, clock, replaceReason ? task.reason : undefined);
    caseId = open.case_id == null ? null : Number(open.case_id);
  } else {
    ({ caseId, itemId } = await attachToCase(trx, task, clock, actor));
  }
  if (caseId != null && log) await logCase(trx, caseId, { actor, kind: log.kind, itemId, data: log.data }, clock);
  return { caseId, itemId };
}

/** Raises an item if it is still open (an overdue flag's case goes to the top); returns whether it was. */
export async function raiseIfOpen(
  trx: Kysely<Database>,
  itemId: number,
  priority: number,
  clock: Clock,
): Promise<boolean> {
  const open = await trx
    .selectFrom('case_items')
    .select('id')
    .where('id', '=', itemId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (open) await raiseItem(trx, itemId, priority, clock);
  return !!open;
}

/** Closes a subject's open review work (a placeholder subject whose work moved to a real one). */
export async function closeSubjectWork(
  trx: Kysely<Database>,
  s: Subject,
  clock: Clock,
  resolution: string,
): Promise<void> {
  const open = await trx
    .selectFrom('case_items')
    .select('id')
    .where('platform', '=', s.platform)
    .where('subject_type', '=', s.type)
    .where('subject_id', '=', s.id)
    .where('status', '=', 'open')
    .execute();
  await closeItems(
    trx,
    open.map((t) => Number(t.id)),
    clock,
    { resolution },
  );
}

/** Closes work that is done elsewhere (a filed report's legal-reports item); a case with nothing left open closes. */
export async function completeWork(
  trx: Kysely<Database>,
  itemIds: number[],
  clock: Clock,
  resolution: string,
): Promise<void> {
  await closeItems(trx, itemIds, clock, { resolution });
}
