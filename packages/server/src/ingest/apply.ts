// The `event.apply` job: folds one stored event into the current-state tables. Idempotent:
// the event's processed_at is set in the same transaction, and an applied event is skipped.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { JobHandler } from '../queue/worker.ts';
import { fromJson, toJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';
import { enqueue } from '../queue/jobs.ts';
import { subjectOf, type PlatformEvent } from './events.ts';
import { partitionOf } from '../queue/partition.ts';

/** Other capabilities (text scan, media match, rules) hook in here: they enqueue follow-up jobs. */
export type EventFollowUp = (trx: Kysely<Database>, platform: string, e: PlatformEvent, eventId: number, clock: Clock) => Promise<void>;

/** Follow-up: analyse the event once its state is applied (a separate job, retried on its own). */
export const enqueueAnalysis: EventFollowUp = async (trx, platform, e, eventId, clock) => {
  const s = subjectOf(e);
  await enqueue(trx, [{ kind: 'event.analyze', payload: { eventId }, partition: partitionOf(platform, s.type, s.id) }], clock);
};

const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export function applyEventHandler(followUps: EventFollowUp[] = []): JobHandler {
  return async ({ eventId }: { eventId: number }, { trx, clock }) => {
    const row = await trx.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirst();
    if (!row) throw new Error(`event ${eventId} not found`);
    if (row.processed_at) return; // applied by an earlier attempt that committed
    const e = fromJson<PlatformEvent>(row.payload);
    const now = iso(clock.now());
    await applyToState(trx, row.platform, e, row.occurred_at, now);
    for (const f of followUps) await f(trx, row.platform, e, eventId, clock);
    await trx.updateTable('events').set({ processed_at: now }).where('id', '=', eventId).execute();
  };
}

async function applyToState(trx: Kysely<Database>, platform: string, e: PlatformEvent, at: string, now: string) {
  switch (e.type) {
    case 'account.created':
    case 'account.updated': {
      const a = e.account;
      const fields = defined({
        username: a.username,
        display_name: a.display_name,
        bio: a.bio,
        avatar: a.avatar === undefined ? undefined : a.avatar === null ? null : toJson(a.avatar),
        created_at: a.created_at ? new Date(a.created_at).toISOString() : undefined,
      });
      await trx
        .insertInto('accounts')
        .values({ platform, id: a.id, ...fields, first_seen_at: at, updated_at: now, event_count: 1 })
        .onConflict((oc) =>
          oc.columns(['platform', 'id']).doUpdateSet({ ...fields, updated_at: now, event_count: sql`accounts.event_count + 1` }),
        )
        .execute();
      return;
    }
    case 'group.created':
    case 'group.updated': {
      const g = e.group;
      const fields = defined({
        name: g.name,
        description: g.description,
        avatar: g.avatar === undefined ? undefined : g.avatar === null ? null : toJson(g.avatar),
        member_count: g.member_count,
        invite_link: g.invite_link,
        created_at: g.created_at ? new Date(g.created_at).toISOString() : undefined,
      });
      await upsertGroup(trx, platform, g.id, fields, at, now);
      return;
    }
    case 'group.member_joined': {
      await upsertGroup(trx, platform, e.group_id, {}, at, now);
      await trx
        .insertInto('group_members')
        .values({ platform, group_id: e.group_id, account_id: e.account_id, joined_at: at, left_at: null, via_invite: e.invite_link ?? null })
        .onConflict((oc) =>
          oc.columns(['platform', 'group_id', 'account_id']).doUpdateSet({ joined_at: at, left_at: null, via_invite: e.invite_link ?? null }),
        )
        .execute();
      return;
    }
    case 'group.member_left': {
      await upsertGroup(trx, platform, e.group_id, {}, at, now);
      await trx
        .updateTable('group_members')
        .set({ left_at: at })
        .where('platform', '=', platform)
        .where('group_id', '=', e.group_id)
        .where('account_id', '=', e.account_id)
        .execute();
      return;
    }
    case 'invite.created':
    case 'invite.used': {
      const inv = e.invite;
      const used = e.type === 'invite.used' ? 1 : 0;
      await trx
        .insertInto('invites')
        .values({ platform, link: inv.link, group_id: inv.group_id ?? null, created_by: 'created_by' in inv ? inv.created_by ?? null : null, created_at: at, uses: used })
        .onConflict((oc) =>
          oc.columns(['platform', 'link']).doUpdateSet({
            uses: sql`invites.uses + ${used}`,
            ...(inv.group_id ? { group_id: inv.group_id } : {}),
          }),
        )
        .execute();
      return;
    }
    case 'media.shared': {
      const m = e.media;
      await trx
        .insertInto('media')
        .values({
          platform, id: m.id, account_id: e.account_id ?? null, group_id: e.group_id ?? null, surface: e.surface,
          sha256: m.sha256?.toLowerCase() ?? null, md5: m.md5?.toLowerCase() ?? null, pdq: m.pdq?.toLowerCase() ?? null,
          url: m.url ?? null, mime: m.mime ?? null, size: m.size ?? null, shared_at: at,
        })
        .onConflict((oc) => oc.columns(['platform', 'id']).doNothing())
        .execute();
      return;
    }
    case 'voucher.submitted':
      return; // no current state: the voucher analyser evaluates it (psi/voucher-analyser.ts)
    case 'report.filed': {
      const r = e.report;
      await trx
        .insertInto('user_reports')
        .values({
          platform, id: r.id, reporter_id: r.reporter_id, subject_type: r.subject.type, subject_id: r.subject.id,
          reason: r.reason ?? null, payload: toJson({ comment: r.comment, evidence: r.evidence }), filed_at: at,
        })
        .onConflict((oc) => oc.columns(['platform', 'id']).doNothing())
        .execute();
      return;
    }
  }
}

async function upsertGroup(trx: Kysely<Database>, platform: string, id: string, fields: Record<string, unknown>, at: string, now: string) {
  await trx
    .insertInto('groups')
    .values({ platform, id, ...fields, first_seen_at: at, updated_at: now, event_count: 1 })
    .onConflict((oc) => oc.columns(['platform', 'id']).doUpdateSet({ ...fields, updated_at: now, event_count: sql`groups.event_count + 1` }))
    .execute();
}
