// Behaviour signals: how groups fill up through invite links, and what an account's reports say.
// Thresholds are configuration (config.detection.behaviour).
import { sql } from 'kysely';
import type { Analyser, Finding } from './signals.ts';
import { SEVERITY } from './signals.ts';

export interface BehaviourThresholds {
  /** Joins through one invite link within an hour, from distinct accounts. */
  inviteJoinsPerHour: number;
  /** Share of joiners (through that link, in that hour) whose account is younger than newAccountDays. */
  newAccountShare: number;
  newAccountDays: number;
  /** Distinct reporters of one subject. */
  distinctReporters: number;
  /** Groups an account joins within 24 hours. */
  groupsJoinedPerDay: number;
  /** Group growth: at least this many joins within 24 hours… */
  groupGrowthJoinsPerDay: number;
  /** …that at least multiply the group's earlier membership by this factor (1 = doubled). */
  groupGrowthRatio: number;
}

export const DEFAULT_BEHAVIOUR: BehaviourThresholds = {
  inviteJoinsPerHour: 20,
  newAccountShare: 0.5,
  newAccountDays: 7,
  distinctReporters: 3,
  groupsJoinedPerDay: 20,
  groupGrowthJoinsPerDay: 50,
  groupGrowthRatio: 1,
};

const HOUR = 3600_000;

export function behaviourAnalyser(th: BehaviourThresholds): Analyser {
  return async ({ trx, platform, event, occurredAt }) => {
    const out: Finding[] = [];
    if (event.type === 'group.member_joined') {
      const since = new Date(Date.parse(occurredAt) - HOUR).toISOString();
      if (event.invite_link) {
        const joiners = await trx
          .selectFrom('group_members')
          .leftJoin('accounts', (j) => j.onRef('accounts.platform', '=', 'group_members.platform').onRef('accounts.id', '=', 'group_members.account_id'))
          .select(['group_members.account_id', 'accounts.created_at'])
          .where('group_members.platform', '=', platform)
          .where('group_members.via_invite', '=', event.invite_link)
          .where('group_members.joined_at', '>', since)
          .where('group_members.joined_at', '<=', occurredAt)
          .execute();
        const distinct = new Set(joiners.map((j) => j.account_id)).size;
        const cutoff = Date.parse(occurredAt) - th.newAccountDays * 24 * HOUR;
        const newOnes = joiners.filter((j) => j.created_at && Date.parse(j.created_at) > cutoff).length;
        const share = joiners.length ? newOnes / joiners.length : 0;
        if (distinct >= th.inviteJoinsPerHour) {
          const severe = share >= th.newAccountShare;
          out.push({
            subjectType: 'group', subjectId: event.group_id, kind: 'behaviour.invite_spread',
            severity: severe ? SEVERITY.high : SEVERITY.medium,
            summary: `${distinct} accounts joined through one invite link within an hour; ${Math.round(share * 100)}% of them are under ${th.newAccountDays} days old`,
            evidence: { invite_link: event.invite_link, joins_last_hour: distinct, new_account_share: share, thresholds: { joins: th.inviteJoinsPerHour, share: th.newAccountShare } },
            // One signal per link per hour bucket, however many joins cross the threshold.
            key: `${event.invite_link}:${Math.floor(Date.parse(occurredAt) / HOUR)}`,
            perPeriod: true,
          });
        }
      }
      const day = new Date(Date.parse(occurredAt) - 24 * HOUR).toISOString();
      // Group growth: joins in the last day against the members it had before them.
      const members = await trx
        .selectFrom('group_members')
        .select(['joined_at'])
        .where('platform', '=', platform)
        .where('group_id', '=', event.group_id)
        .where('left_at', 'is', null)
        .where('joined_at', '<=', occurredAt)
        .execute();
      const recent = members.filter((m) => m.joined_at > day).length;
      const before = members.length - recent;
      if (recent >= th.groupGrowthJoinsPerDay && recent >= th.groupGrowthRatio * Math.max(1, before)) {
        out.push({
          subjectType: 'group', subjectId: event.group_id, kind: 'behaviour.group_growth', severity: SEVERITY.medium,
          summary: `${recent} members joined within 24 hours (it had ${before} before)`,
          evidence: { joins_24h: recent, members_before: before, thresholds: { joins: th.groupGrowthJoinsPerDay, ratio: th.groupGrowthRatio } },
          key: String(Math.floor(Date.parse(occurredAt) / (24 * HOUR))),
          perPeriod: true,
        });
      }
      const joined = await trx
        .selectFrom('group_members')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('platform', '=', platform)
        .where('account_id', '=', event.account_id)
        .where('joined_at', '>', day)
        .executeTakeFirstOrThrow();
      if (Number(joined.n) >= th.groupsJoinedPerDay) {
        out.push({
          subjectType: 'account', subjectId: event.account_id, kind: 'behaviour.join_velocity', severity: SEVERITY.medium,
          summary: `joined ${Number(joined.n)} groups within 24 hours`,
          evidence: { groups_joined_24h: Number(joined.n), threshold: th.groupsJoinedPerDay },
          key: String(Math.floor(Date.parse(occurredAt) / (24 * HOUR))),
          perPeriod: true,
        });
      }
    }
    if (event.type === 'report.filed') {
      const s = event.report.subject;
      const mine = await trx.selectFrom('user_reports').select(['verification', 'verification_detail']).where('platform', '=', platform).where('id', '=', event.report.id).executeTakeFirst();
      if (mine?.verification === 'forged') {
        // A report whose messages the relay never delivered: counted against the reporter, never reviewed.
        out.push({
          subjectType: 'account', subjectId: event.report.reporter_id, kind: 'report.forged', severity: SEVERITY.low,
          summary: `filed a report with messages that fail franking verification (report ${event.report.id})`,
          evidence: { report_id: event.report.id, subject: s, detail: JSON.parse(mine.verification_detail ?? '{}') },
          key: event.report.id,
        });
        return out;
      }
      const r = await sql<{ n: number }>`SELECT COUNT(DISTINCT reporter_id) AS n FROM user_reports
        WHERE platform = ${platform} AND subject_type = ${s.type} AND subject_id = ${s.id} AND verification <> 'forged'`.execute(trx);
      const n = Number(r.rows[0]?.n ?? 0);
      const detail = mine?.verification_detail ? (JSON.parse(mine.verification_detail) as { source?: { user_id: string } }) : {};
      out.push({
        subjectType: s.type, subjectId: s.id, kind: 'report.user',
        severity: n >= th.distinctReporters ? SEVERITY.high : SEVERITY.medium,
        summary: `reported by ${n} distinct user${n === 1 ? '' : 's'} (${event.report.reason ?? 'no reason given'})${mine?.verification === 'verified' ? ', messages verified' : ''}`,
        evidence: { report_id: event.report.id, reason: event.report.reason ?? null, distinct_reporters: n, verification: mine?.verification ?? 'unverifiable', ...(detail.source ? { original_author: detail.source.user_id } : {}) },
        key: event.report.id,
      });
    }
    return out;
  };
}
