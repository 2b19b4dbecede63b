// Legal holds keep a subject's preserved items past their retention (vault.ts's retention loop honours them).
// Decisions and preservation requests place them; legal can also place one by hand and release one early,
// each with a reason on the record. A released hold keeps its row (its end moved to the release time).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { VigilError, notFound } from '../errors.ts';

export interface Subject {
  platform: string;
  type: string;
  id: string;
}

export function holdJson(
  r: {
    id: unknown;
    platform: string;
    subject_type: string;
    subject_id: string;
    reason: string;
    task_id: number | null;
    created_at: string;
    expires_at: string;
  },
  now: Date,
) {
  return {
    id: Number(r.id),
    subject: { platform: r.platform, type: r.subject_type, id: r.subject_id },
    reason: r.reason,
    task_id: r.task_id === null ? null : Number(r.task_id),
    placed_at: r.created_at,
    until: r.expires_at,
    active: Date.parse(r.expires_at) > now.getTime(),
  };
}

/** The latest end of a live hold per subject (`platform|type|id`). */
export async function liveHolds(db: Kysely<Database>, subjects: Subject[], clock: Clock): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ids = [...new Set(subjects.map((s) => s.id))];
  if (!ids.length) return out;
  const rows = await db
    .selectFrom('legal_holds')
    .select(['platform', 'subject_type', 'subject_id', 'expires_at'])
    .where('subject_id', 'in', ids)
    .where('expires_at', '>', iso(clock.now()))
    .execute();
  for (const r of rows) {
    const k = `${r.platform}|${r.subject_type}|${r.subject_id}`;
    if (!out.has(k) || out.get(k)! < r.expires_at) out.set(k, r.expires_at);
  }
  return out;
}

export async function placeHold(
  db: Kysely<Database>,
  s: Subject,
  days: number,
  reason: string,
  actor: string,
  clock: Clock,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const now = clock.now();
    const row = await trx
      .insertInto('legal_holds')
      .values({
        platform: s.platform,
        subject_type: s.type,
        subject_id: s.id,
        reason,
        task_id: null,
        created_at: iso(now),
        expires_at: iso(addMs(now, days * 86_400_000)),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(
      trx,
      {
        actor,
        action: 'legal.hold.place',
        subjectType: s.type,
        subjectId: s.id,
        reason,
        data: { hold_id: Number(row.id), platform: s.platform, days },
      },
      clock,
    );
    return Number(row.id);
  });
}

export async function releaseHold(
  db: Kysely<Database>,
  id: number,
  reason: string,
  actor: string,
  clock: Clock,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const h = await trx.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirst();
    if (!h) throw notFound(`legal hold ${id}`);
    const now = iso(clock.now());
    if (h.expires_at <= now) throw new VigilError('conflict', `legal hold ${id} already ended on ${h.expires_at}`);
    const n = await trx
      .updateTable('legal_holds')
      .set({ expires_at: now })
      .where('id', '=', id)
      .where('expires_at', '=', h.expires_at)
      .executeTakeFirst();
    if (Number(n.numUpdatedRows) !== 1) throw new VigilError('conflict', `legal hold ${id} changed meanwhile; reload`);
    await appendAudit(
      trx,
      {
        actor,
        action: 'legal.hold.release',
        subjectType: h.subject_type,
        subjectId: h.subject_id,
        reason,
        data: { hold_id: id, platform: h.platform, was_until: h.expires_at, hold_reason: h.reason },
      },
      clock,
    );
  });
}
