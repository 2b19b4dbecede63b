// Reviewer wellness, enforced here rather than in the browser: every media reveal is counted per reviewer
// per UTC day. At the soft limit (counted since the last break) further reveals wait until the reviewer
// confirms a break; at the hard limit they are refused until the next day. Leads see the team's figures.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import { appendAudit } from '../audit/log.ts';
import { VigilError } from '../errors.ts';
import { iso, type Clock } from '../util/time.ts';

const dayOf = (clock: Clock) => iso(clock.now()).slice(0, 10);

export interface Exposure {
  day: string;
  reveals: number;
  since_break: number;
  soft_limit: number;
  hard_limit: number;
  break_due: boolean;
  limit_reached: boolean;
}

function view(row: { reveals: number; break_at: number } | undefined, day: string, cfg: Config): Exposure {
  const reveals = row?.reveals ?? 0;
  const since = reveals - (row?.break_at ?? 0);
  const { softRevealsPerDay: soft, hardRevealsPerDay: hard } = cfg.wellness;
  return {
    day,
    reveals,
    since_break: since,
    soft_limit: soft,
    hard_limit: hard,
    break_due: since >= soft && reveals < hard,
    limit_reached: reveals >= hard,
  };
}

export async function exposureOf(db: Kysely<Database>, staffId: number, cfg: Config, clock: Clock): Promise<Exposure> {
  const day = dayOf(clock);
  return view(
    await db
      .selectFrom('reviewer_exposure')
      .select(['reveals', 'break_at'])
      .where('staff_id', '=', staffId)
      .where('day', '=', day)
      .executeTakeFirst(),
    day,
    cfg,
  );
}

/**
 * Counts one reveal, or refuses it (the media is then not fetched). One conditional update, so concurrent
 * reveals cannot overshoot a limit.
 */
export async function recordReveal(
  db: Kysely<Database>,
  staffId: number,
  cfg: Config,
  clock: Clock,
): Promise<Exposure> {
  const day = dayOf(clock);
  const now = iso(clock.now());
  const { softRevealsPerDay: soft, hardRevealsPerDay: hard } = cfg.wellness;
  await db
    .insertInto('reviewer_exposure')
    .values({ staff_id: staffId, day, reveals: 0, break_at: 0, updated_at: now })
    .onConflict((oc) => oc.columns(['staff_id', 'day']).doNothing())
    .execute();
  const r = await db
    .updateTable('reviewer_exposure')
    .set((eb) => ({ reveals: eb('reveals', '+', 1), updated_at: now }))
    .where('staff_id', '=', staffId)
    .where('day', '=', day)
    .where('reveals', '<', hard)
    .where((eb) => eb(eb('reveals', '-', eb.ref('break_at')), '<', soft))
    .executeTakeFirst();
  const e = await exposureOf(db, staffId, cfg, clock);
  if (Number(r.numUpdatedRows) === 1) return e;
  if (e.limit_reached) {
    throw new VigilError(
      'exposure_limit',
      `You have revealed ${e.reveals} media items today, the daily limit. Media stays hidden for you until tomorrow (UTC); a lead can see the team's exposure.`,
    );
  }
  throw new VigilError(
    'break_due',
    `You have revealed ${e.since_break} media items since your last break. Take a break, then confirm it to continue.`,
  );
}

/** The reviewer confirms a break: the soft limit counts again from here. */
export async function takeBreak(db: Kysely<Database>, staffId: number, cfg: Config, clock: Clock): Promise<Exposure> {
  const day = dayOf(clock);
  const now = iso(clock.now());
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('reviewer_exposure')
      .values({ staff_id: staffId, day, reveals: 0, break_at: 0, updated_at: now })
      .onConflict((oc) => oc.columns(['staff_id', 'day']).doNothing())
      .execute();
    await trx
      .updateTable('reviewer_exposure')
      .set((eb) => ({ break_at: eb.ref('reveals'), updated_at: now }))
      .where('staff_id', '=', staffId)
      .where('day', '=', day)
      .execute();
    await appendAudit(
      trx,
      { actor: `staff:${staffId}`, action: 'wellness.break', subjectType: 'staff', subjectId: String(staffId) },
      clock,
    );
  });
  return exposureOf(db, staffId, cfg, clock);
}

/** Today's exposure for every staff member who revealed anything (for leads). */
export async function teamExposure(db: Kysely<Database>, cfg: Config, clock: Clock) {
  const day = dayOf(clock);
  const rows = await db
    .selectFrom('reviewer_exposure')
    .innerJoin('staff', 'staff.id', 'reviewer_exposure.staff_id')
    .select([
      'staff.id',
      'staff.username',
      'staff.role',
      'reviewer_exposure.reveals',
      'reviewer_exposure.break_at',
      'reviewer_exposure.updated_at',
    ])
    .where('day', '=', day)
    .orderBy('reveals', 'desc')
    .execute();
  return {
    day,
    soft_limit: cfg.wellness.softRevealsPerDay,
    hard_limit: cfg.wellness.hardRevealsPerDay,
    reviewers: rows.map((r) => ({
      id: Number(r.id),
      username: r.username,
      role: r.role,
      ...view(r, day, cfg),
      last_reveal_at: r.updated_at,
    })),
  };
}
