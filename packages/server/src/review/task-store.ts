// Opening review tasks: one place for the row every queue shares.
import type { Kysely } from 'kysely';
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
  /** What the task is about beyond its subject ({appeal_id}, {action_id}, {case_key} …). */
  ref?: Record<string, unknown>;
}

/** Queues only the legal role works (and reviewers never see). */
export const LEGAL_QUEUES: readonly string[] = ['legal-reports', 'legal-requests'];

export async function openTask(trx: Kysely<Database>, t: NewTask, clock: Clock): Promise<number> {
  const now = iso(clock.now());
  const row = await trx
    .insertInto('review_tasks')
    .values({
      platform: t.platform, subject_type: t.subjectType, subject_id: t.subjectId, queue: t.queue, priority: t.priority, reason: t.reason,
      status: 'open', claimed_by: null, claim_expires_at: null, created_at: now, updated_at: now, closed_at: null, ref: t.ref ? toJson(t.ref) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
