// The `subject` a rule sees: the current state of the account, group or media the event is about.
import type { Kysely } from 'kysely';
import type { CelInput } from '@bufbuild/cel';
import type { Database } from '../db/schema.ts';
import { fromJson } from '../util/json.ts';
import { emptySubject } from './rule-language.ts';

export async function subjectContext(db: Kysely<Database>, platform: string, type: string, id: string, now: Date): Promise<Record<string, CelInput>> {
  const s = emptySubject(type, id);
  const ageDays = (created: string | null) => (created ? Math.floor((now.getTime() - Date.parse(created)) / 86_400_000) : -1);
  if (type === 'account') {
    const a = await db.selectFrom('accounts').selectAll().where('platform', '=', platform).where('id', '=', id).executeTakeFirst();
    if (a) {
      const avatar = fromJson<{ pdq?: string; sha256?: string } | null>(a.avatar);
      Object.assign(s, {
        username: a.username ?? '', display_name: a.display_name ?? '', bio: a.bio ?? '', age_days: ageDays(a.created_at ?? a.first_seen_at),
        event_count: Number(a.event_count), avatar_pdq: avatar?.pdq ?? '', avatar_sha256: avatar?.sha256 ?? '',
      });
    }
  } else if (type === 'group') {
    const g = await db.selectFrom('groups').selectAll().where('platform', '=', platform).where('id', '=', id).executeTakeFirst();
    if (g) {
      const avatar = fromJson<{ pdq?: string; sha256?: string } | null>(g.avatar);
      Object.assign(s, {
        name: g.name ?? '', description: g.description ?? '', invite_link: g.invite_link ?? '', member_count: Number(g.member_count ?? 0),
        age_days: ageDays(g.created_at ?? g.first_seen_at), event_count: Number(g.event_count), avatar_pdq: avatar?.pdq ?? '', avatar_sha256: avatar?.sha256 ?? '',
      });
    }
  }
  // Prior enforcement: rules can weigh an account's or group's history.
  const actions = await db.selectFrom('enforcement_actions').select(['status']).where('platform', '=', platform).where('subject_type', '=', type).where('subject_id', '=', id).execute();
  s.prior_actions = actions.filter((a) => a.status === 'active' || a.status === 'reversed').length;
  s.active_actions = actions.filter((a) => a.status === 'active').length;
  if (type === 'account') {
    s.strikes = (await db.selectFrom('strikes').select('id').where('platform', '=', platform).where('account_id', '=', id).execute()).length;
  }
  return s;
}
