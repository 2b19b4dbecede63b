// The `subject` a rule sees: the current state of the account, group or media the event is about.
import type { Kysely, Selectable } from 'kysely';
import type { CelInput } from '@bufbuild/cel';
import type { AccountsTable, Database, GroupsTable } from '../db/schema.ts';
import { fromJson } from '../util/json.ts';
import { emptySubject } from './rule-language.ts';

export interface SubjectRows {
  account?: Selectable<AccountsTable>;
  group?: Selectable<GroupsTable>;
  /** Statuses of the subject's enforcement actions. */
  actions: string[];
  strikes: number;
}

/** The subject from its rows (shared by the one-event and the batch paths, so both see the same fields). */
export function subjectFrom(type: string, id: string, rows: SubjectRows, now: Date): Record<string, CelInput> {
  const s = emptySubject(type, id);
  const ageDays = (created: string | null) =>
    created ? Math.floor((now.getTime() - Date.parse(created)) / 86_400_000) : -1;
  const a = type === 'account' ? rows.account : undefined;
  if (a) {
    const avatar = fromJson<{ pdq?: string; sha256?: string } | null>(a.avatar);
    Object.assign(s, {
      username: a.username ?? '',
      display_name: a.display_name ?? '',
      bio: a.bio ?? '',
      age_days: ageDays(a.created_at ?? a.first_seen_at),
      event_count: Number(a.event_count),
      avatar_pdq: avatar?.pdq ?? '',
      avatar_sha256: avatar?.sha256 ?? '',
    });
  }
  const g = type === 'group' ? rows.group : undefined;
  if (g) {
    const avatar = fromJson<{ pdq?: string; sha256?: string } | null>(g.avatar);
    Object.assign(s, {
      name: g.name ?? '',
      description: g.description ?? '',
      invite_link: g.invite_link ?? '',
      member_count: Number(g.member_count ?? 0),
      age_days: ageDays(g.created_at ?? g.first_seen_at),
      event_count: Number(g.event_count),
      avatar_pdq: avatar?.pdq ?? '',
      avatar_sha256: avatar?.sha256 ?? '',
    });
  }
  // Prior enforcement: rules can weigh an account's or group's history.
  s.prior_actions = rows.actions.filter((x) => x === 'active' || x === 'reversed').length;
  s.active_actions = rows.actions.filter((x) => x === 'active').length;
  if (type === 'account') s.strikes = rows.strikes;
  return s;
}

export async function subjectContext(
  db: Kysely<Database>,
  platform: string,
  type: string,
  id: string,
  now: Date,
): Promise<Record<string, CelInput>> {
  const rows: SubjectRows = { actions: [], strikes: 0 };
  if (type === 'account')
    rows.account = await db
      .selectFrom('accounts')
      .selectAll()
      .where('platform', '=', platform)
      .where('id', '=', id)
      .executeTakeFirst();
  else if (type === 'group')
    rows.group = await db
      .selectFrom('groups')
      .selectAll()
      .where('platform', '=', platform)
      .where('id', '=', id)
      .executeTakeFirst();
  rows.actions = (
    await db
      .selectFrom('enforcement_actions')
      .select(['status'])
      .where('platform', '=', platform)
      .where('subject_type', '=', type)
      .where('subject_id', '=', id)
      .execute()
  ).map((a) => a.status);
  if (type === 'account')
    rows.strikes = (
      await db
        .selectFrom('strikes')
        .select('id')
        .where('platform', '=', platform)
        .where('account_id', '=', id)
        .execute()
    ).length;
  return subjectFrom(type, id, rows, now);
}
