// The `event.apply` job: folds one stored event into the current-state tables. Idempotent:
// the event's processed_at is set in the same transaction, and an applied event is skipped.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { isolateFailures, itemFailed, type ItemOutcome, type JobHandler } from '../queue/worker.ts';
import { fromJson, toJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';
import { enqueue } from '../queue/jobs.ts';
import { subjectOf, type PlatformEvent } from './events.ts';
import { partitionOf } from '../queue/partition.ts';

/** Other capabilities (text scan, media match, rules) hook in here: they enqueue follow-up jobs. */
export type EventFollowUp = ((
  trx: Kysely<Database>,
  platform: string,
  e: PlatformEvent,
  eventId: number,
  clock: Clock,
) => Promise<void>) & {
  /** The same for many events at once (a batch of applies), in order. */
  many?: (
    trx: Kysely<Database>,
    events: { platform: string; event: PlatformEvent; eventId: number }[],
    clock: Clock,
  ) => Promise<void>;
};

const analysisJob = (platform: string, e: PlatformEvent, eventId: number) => {
  const s = subjectOf(e);
  return { kind: 'event.analyze', payload: { eventId }, partition: partitionOf(platform, s.type, s.id) };
};

/** Follow-up: analyse the event once its state is applied (a separate job, retried on its own). */
export const enqueueAnalysis: EventFollowUp = async (trx, platform, e, eventId, clock) => {
  await enqueue(trx, [analysisJob(platform, e, eventId)], clock);
};
enqueueAnalysis.many = (trx, events, clock) =>
  enqueue(
    trx,
    events.map((x) => analysisJob(x.platform, x.event, x.eventId)),
    clock,
  );

const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export function applyEventHandler(followUps: EventFollowUp[] = []): JobHandler {
  const handler: JobHandler = async ({ eventId }: { eventId: number }, { trx, clock }) => {
    const row = await trx.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirst();
    if (!row) throw new Error(`event ${eventId} not found`);
    if (row.processed_at) return; // applied by an earlier attempt that committed
    const e = fromJson<PlatformEvent>(row.payload);
    const now = iso(clock.now());
    await applyToState(trx, row.platform, e, row.occurred_at, now);
    for (const f of followUps) await f(trx, row.platform, e, eventId, clock);
    await trx.updateTable('events').set({ processed_at: now }).where('id', '=', eventId).execute();
  };
  handler.batch = (jobs, { trx, clock }) =>
    applyBatch(
      trx,
      jobs.map((j) => ({ eventId: Number(j.payload?.eventId), key: j.job.partition ?? `job:${j.job.id}` })),
      followUps,
      clock,
    );
  return handler;
}

/**
 * `event.apply` for many events in one transaction: events read in one statement, profile, group and membership
 * upserts written as multi-row statements (StateWaves), follow-ups once for the batch, processed_at in one statement.
 * Other event types (rare) are applied one by one, in order. Follow-ups run after the batch's state is applied.
 */
export async function applyBatch(
  trx: Kysely<Database>,
  items: { eventId: number; key?: unknown }[],
  followUps: EventFollowUp[],
  clock: Clock,
): Promise<ItemOutcome[]> {
  return isolateFailures(
    trx,
    items,
    (i) => i.key ?? `event:${i.eventId}`,
    async (live) => {
      const rows = new Map<
        number,
        { platform: string; payload: string; occurred_at: string; processed_at: string | null }
      >();
      for (let i = 0; i < live.length; i += 500) {
        const part = live.slice(i, i + 500).map((x) => x.eventId);
        for (const r of await trx
          .selectFrom('events')
          .select(['id', 'platform', 'payload', 'occurred_at', 'processed_at'])
          .where('id', 'in', part)
          .execute())
          rows.set(Number(r.id), r);
      }
      const now = iso(clock.now());
      const waves = new StateWaves();
      const applied: { platform: string; event: PlatformEvent; eventId: number }[] = [];
      for (const [index, item] of live.entries()) {
        const row = rows.get(item.eventId);
        if (!row) throw itemFailed(index, new Error(`event ${item.eventId} not found`));
        if (row.processed_at) continue; // applied by an earlier attempt that committed
        let e: PlatformEvent;
        try {
          e = fromJson<PlatformEvent>(row.payload);
        } catch (err) {
          throw itemFailed(index, err);
        }
        if (!waves.add(row.platform, e, row.occurred_at, now)) {
          await waves.flush(trx);
          await applyToState(trx, row.platform, e, row.occurred_at, now);
        }
        applied.push({ platform: row.platform, event: e, eventId: item.eventId });
      }
      await waves.flush(trx);
      for (const f of followUps) {
        if (f.many) await f.many(trx, applied, clock);
        else for (const a of applied) await f(trx, a.platform, a.event, a.eventId, clock);
      }
      for (let i = 0; i < applied.length; i += 500) {
        await trx
          .updateTable('events')
          .set({ processed_at: now })
          .where(
            'id',
            'in',
            applied.slice(i, i + 500).map((a) => a.eventId),
          )
          .execute();
      }
    },
  );
}

type WaveTable = 'accounts' | 'groups' | 'group_members';
interface Wave {
  table: WaveTable;
  /** The columns an upsert sets (a field an event leaves out is kept), so rows of one wave share them. */
  columns: string;
  rows: Map<string, Record<string, unknown>>;
}

/**
 * Multi-row upserts that give the same result as the events' upserts one by one. A row goes to the first wave of
 * its table and columns after the last wave that holds its key, so a key's rows are written in order, one per
 * statement (PostgreSQL refuses one upsert touching a row twice); waves are written in the order they were opened.
 */
class StateWaves {
  private waves: Wave[] = [];

  /** Queues the event's state change; false for event types applied one by one. */
  add(platform: string, e: PlatformEvent, at: string, now: string): boolean {
    switch (e.type) {
      case 'account.created':
      case 'account.updated': {
        const fields = accountFields(e.account);
        this.put(
          'accounts',
          `${platform}\u0000${e.account.id}`,
          { platform, id: e.account.id, ...fields, first_seen_at: at, updated_at: now, event_count: 1 },
          Object.keys(fields),
        );
        return true;
      }
      case 'group.created':
      case 'group.updated': {
        const fields = groupFields(e.group);
        this.put(
          'groups',
          `${platform}\u0000${e.group.id}`,
          { platform, id: e.group.id, ...fields, first_seen_at: at, updated_at: now, event_count: 1 },
          Object.keys(fields),
        );
        return true;
      }
      case 'group.member_joined':
        this.put(
          'groups',
          `${platform}\u0000${e.group_id}`,
          { platform, id: e.group_id, first_seen_at: at, updated_at: now, event_count: 1 },
          [],
        );
        this.put(
          'group_members',
          `${platform}\u0000${e.group_id}\u0000${e.account_id}`,
          {
            platform,
            group_id: e.group_id,
            account_id: e.account_id,
            joined_at: at,
            left_at: null,
            via_invite: e.invite_link ?? null,
          },
          ['joined_at', 'left_at', 'via_invite'],
        );
        return true;
      default:
        return false;
    }
  }

  private put(table: WaveTable, key: string, row: Record<string, unknown>, updated: string[]) {
    const columns = [...updated].sort().join(',');
    let after = -1;
    this.waves.forEach((w, i) => {
      if (w.table === table && w.rows.has(key)) after = i;
    });
    let wave = this.waves.find((w, i) => i > after && w.table === table && w.columns === columns);
    if (!wave) this.waves.push((wave = { table, columns, rows: new Map() }));
    wave.rows.set(key, row);
  }

  async flush(trx: Kysely<Database>): Promise<void> {
    for (const w of this.waves) {
      const rows = [...w.rows.values()];
      const cols = w.columns ? w.columns.split(',') : [];
      const set = Object.fromEntries(cols.map((c) => [c, sql.ref(`excluded.${c}`)]));
      for (let i = 0; i < rows.length; i += 200) {
        const part = rows.slice(i, i + 200) as never[];
        if (w.table === 'group_members') {
          await trx
            .insertInto('group_members')
            .values(part)
            .onConflict((oc) => oc.columns(['platform', 'group_id', 'account_id']).doUpdateSet(set as never))
            .execute();
        } else {
          const table = w.table;
          await trx
            .insertInto(table)
            .values(part)
            .onConflict((oc) =>
              oc.columns(['platform', 'id']).doUpdateSet({
                ...set,
                updated_at: sql.ref('excluded.updated_at'),
                event_count: sql`${sql.ref(`${table}.event_count`)} + 1`,
              } as never),
            )
            .execute();
        }
      }
    }
    this.waves = [];
  }
}

function accountFields(a: Extract<PlatformEvent, { type: 'account.created' }>['account']) {
  return defined({
    username: a.username,
    display_name: a.display_name,
    bio: a.bio,
    avatar: a.avatar === undefined ? undefined : a.avatar === null ? null : toJson(a.avatar),
    created_at: a.created_at ? new Date(a.created_at).toISOString() : undefined,
  });
}

function groupFields(g: Extract<PlatformEvent, { type: 'group.created' }>['group']) {
  return defined({
    name: g.name,
    description: g.description,
    avatar: g.avatar === undefined ? undefined : g.avatar === null ? null : toJson(g.avatar),
    member_count: g.member_count,
    invite_link: g.invite_link,
    created_at: g.created_at ? new Date(g.created_at).toISOString() : undefined,
  });
}

async function applyToState(trx: Kysely<Database>, platform: string, e: PlatformEvent, at: string, now: string) {
  switch (e.type) {
    case 'account.created':
    case 'account.updated': {
      const a = e.account;
      const fields = accountFields(a);
      await trx
        .insertInto('accounts')
        .values({ platform, id: a.id, ...fields, first_seen_at: at, updated_at: now, event_count: 1 })
        .onConflict((oc) =>
          oc
            .columns(['platform', 'id'])
            .doUpdateSet({ ...fields, updated_at: now, event_count: sql`accounts.event_count + 1` }),
        )
        .execute();
      return;
    }
    case 'group.created':
    case 'group.updated': {
      const g = e.group;
      const fields = groupFields(g);
      await upsertGroup(trx, platform, g.id, fields, at, now);
      return;
    }
    case 'group.member_joined': {
      await upsertGroup(trx, platform, e.group_id, {}, at, now);
      await trx
        .insertInto('group_members')
        .values({
          platform,
          group_id: e.group_id,
          account_id: e.account_id,
          joined_at: at,
          left_at: null,
          via_invite: e.invite_link ?? null,
        })
        .onConflict((oc) =>
          oc
            .columns(['platform', 'group_id', 'account_id'])
            .doUpdateSet({ joined_at: at, left_at: null, via_invite: e.invite_link ?? null }),
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
        .values({
          platform,
          link: inv.link,
          group_id: inv.group_id ?? null,
          created_by: 'created_by' in inv ? (inv.created_by ?? null) : null,
          created_at: at,
          uses: used,
        })
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
          platform,
          id: m.id,
          account_id: e.account_id ?? null,
          group_id: e.group_id ?? null,
          surface: e.surface,
          sha256: m.sha256?.toLowerCase() ?? null,
          md5: m.md5?.toLowerCase() ?? null,
          pdq: m.pdq?.toLowerCase() ?? null,
          url: m.url ?? null,
          mime: m.mime ?? null,
          size: m.size ?? null,
          shared_at: at,
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
          platform,
          id: r.id,
          reporter_id: r.reporter_id,
          subject_type: r.subject.type,
          subject_id: r.subject.id,
          reason: r.reason ?? null,
          payload: toJson({ comment: r.comment, evidence: r.evidence }),
          filed_at: at,
        })
        .onConflict((oc) => oc.columns(['platform', 'id']).doNothing())
        .execute();
      return;
    }
  }
}

async function upsertGroup(
  trx: Kysely<Database>,
  platform: string,
  id: string,
  fields: Record<string, unknown>,
  at: string,
  now: string,
) {
  await trx
    .insertInto('groups')
    .values({ platform, id, ...fields, first_seen_at: at, updated_at: now, event_count: 1 })
    .onConflict((oc) =>
      oc
        .columns(['platform', 'id'])
        .doUpdateSet({ ...fields, updated_at: now, event_count: sql`groups.event_count + 1` }),
    )
    .execute();
}
