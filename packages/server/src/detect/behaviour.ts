// Behaviour signals: how groups fill up through invite links, and what an account's reports say.
// Thresholds are configuration (config.detection.behaviour).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Analyser, AnalyserInput, Finding } from './signals.ts';
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

const HOUR = 3600_000;

type Joiner = { account_id: string; via_invite: string | null; joined_at: string; created_at: string | null };
type Report = { verification: string; verification_detail: string | null };

/** What a batch's events need, read once for all of them (per platform): the reads below, widened to the batch. */
interface BatchState {
  joiners: Map<string, Joiner[]>; // by invite link: joins in the widest window any event of the batch looks at
  members: Map<string, string[]>; // by group: joined_at of current members
  accountJoins: Map<string, string[]>; // by account: joined_at of joins in the last day of the earliest event
  reports: Map<string, Report>; // by report id
  reporters: Map<string, Set<string>>; // by subject: distinct reporters of reports not forged
}

async function loadForBatch(trx: Kysely<Database>, inputs: AnalyserInput[]): Promise<Map<string, BatchState>> {
  const out = new Map<string, BatchState>();
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const platform of new Set(inputs.map((i) => i.platform))) {
    const mine = inputs.filter((i) => i.platform === platform);
    const st: BatchState = {
      joiners: new Map(),
      members: new Map(),
      accountJoins: new Map(),
      reports: new Map(),
      reporters: new Map(),
    };
    out.set(platform, st);
    const joins = mine.filter((i) => i.event.type === 'group.member_joined');
    if (joins.length) {
      const times = joins.map((i) => Date.parse(i.occurredAt));
      const earliest = Math.min(...times);
      const latest = new Date(Math.max(...times)).toISOString();
      const links = [
        ...new Set(
          joins.flatMap((i) =>
            i.event.type === 'group.member_joined' && i.event.invite_link ? [i.event.invite_link] : [],
          ),
        ),
      ];
      const groups = [...new Set(joins.map((i) => (i.event as { group_id: string }).group_id))];
      const accounts = [...new Set(joins.map((i) => (i.event as { account_id: string }).account_id))];
      for (let k = 0; k < links.length; k += 500) {
        const rows = await trx
          .selectFrom('group_members')
          .leftJoin('accounts', (j) =>
            j
              .onRef('accounts.platform', '=', 'group_members.platform')
              .onRef('accounts.id', '=', 'group_members.account_id'),
          )
          .select([
            'group_members.account_id',
            'group_members.via_invite',
            'group_members.joined_at',
            'accounts.created_at',
          ])
          .where('group_members.platform', '=', platform)
          .where('group_members.via_invite', 'in', links.slice(k, k + 500))
          .where('group_members.joined_at', '>', new Date(earliest - HOUR).toISOString())
          .where('group_members.joined_at', '<=', latest)
          .execute();
        for (const r of rows) push(st.joiners, r.via_invite!, r);
      }
      for (let k = 0; k < groups.length; k += 500) {
        const rows = await trx
          .selectFrom('group_members')
          .select(['group_id', 'joined_at'])
          .where('platform', '=', platform)
          .where('group_id', 'in', groups.slice(k, k + 500))
          .where('left_at', 'is', null)
          .where('joined_at', '<=', latest)
          .execute();
        for (const r of rows) push(st.members, r.group_id, r.joined_at);
      }
      for (let k = 0; k < accounts.length; k += 500) {
        const rows = await trx
          .selectFrom('group_members')
          .select(['account_id', 'joined_at'])
          .where('platform', '=', platform)
          .where('account_id', 'in', accounts.slice(k, k + 500))
          .where('joined_at', '>', new Date(earliest - 24 * HOUR).toISOString())
          .execute();
        for (const r of rows) push(st.accountJoins, r.account_id, r.joined_at);
      }
    }
    const reports = mine.flatMap((i) => (i.event.type === 'report.filed' ? [i.event.report] : []));
    if (reports.length) {
      const ids = [...new Set(reports.map((r) => r.id))];
      for (let k = 0; k < ids.length; k += 500) {
        for (const r of await trx
          .selectFrom('user_reports')
          .select(['id', 'verification', 'verification_detail'])
          .where('platform', '=', platform)
          .where('id', 'in', ids.slice(k, k + 500))
          .execute())
          st.reports.set(r.id, r);
      }
      const byType = new Map<string, Set<string>>();
      for (const r of reports)
        (byType.get(r.subject.type) ?? byType.set(r.subject.type, new Set()).get(r.subject.type)!).add(r.subject.id);
      for (const [type, set] of byType) {
        const subjectIds = [...set];
        for (let k = 0; k < subjectIds.length; k += 500) {
          const rows = await trx
            .selectFrom('user_reports')
            .select(['subject_id', 'reporter_id'])
            .where('platform', '=', platform)
            .where('subject_type', '=', type)
            .where('subject_id', 'in', subjectIds.slice(k, k + 500))
            .where('verification', '<>', 'forged')
            .execute();
          for (const r of rows) {
            const key = `${type}\u0000${r.subject_id}`;
            (st.reporters.get(key) ?? st.reporters.set(key, new Set()).get(key)!).add(r.reporter_id);
          }
        }
      }
    }
  }
  return out;
}

export function behaviourAnalyser(th: BehaviourThresholds): Analyser {
  return async ({ trx, platform, event, occurredAt, batch }) => {
    const out: Finding[] = [];
    const st =
      batch && (event.type === 'group.member_joined' || event.type === 'report.filed')
        ? (await batch.once('behaviour', () => loadForBatch(trx, batch.inputs))).get(platform)
        : undefined;
    if (event.type === 'group.member_joined') {
      const since = new Date(Date.parse(occurredAt) - HOUR).toISOString();
      if (event.invite_link) {
        const joiners = st
          ? (st.joiners.get(event.invite_link) ?? []).filter((j) => j.joined_at > since && j.joined_at <= occurredAt)
          : await trx
              .selectFrom('group_members')
              .leftJoin('accounts', (j) =>
                j
                  .onRef('accounts.platform', '=', 'group_members.platform')
                  .onRef('accounts.id', '=', 'group_members.account_id'),
              )
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
            subjectType: 'group',
            subjectId: event.group_id,
            kind: 'behaviour.invite_spread',
            severity: severe ? SEVERITY.high : SEVERITY.medium,
            summary: `${distinct} accounts joined through one invite link within an hour; ${Math.round(share * 100)}% of them are under ${th.newAccountDays} days old`,
            evidence: {
              invite_link: event.invite_link,
              joins_last_hour: distinct,
              new_account_share: share,
              thresholds: { joins: th.inviteJoinsPerHour, share: th.newAccountShare },
            },
            // One signal per link per hour bucket, however many joins cross the threshold.
            key: `${event.invite_link}:${Math.floor(Date.parse(occurredAt) / HOUR)}`,
            perPeriod: true,
          });
        }
      }
      const day = new Date(Date.parse(occurredAt) - 24 * HOUR).toISOString();
      // Group growth: joins in the last day against the members it had before them.
      const members = st
        ? (st.members.get(event.group_id) ?? []).filter((j) => j <= occurredAt).map((joined_at) => ({ joined_at }))
        : await trx
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
          subjectType: 'group',
          subjectId: event.group_id,
          kind: 'behaviour.group_growth',
          severity: SEVERITY.medium,
          summary: `${recent} members joined within 24 hours (it had ${before} before)`,
          evidence: {
            joins_24h: recent,
            members_before: before,
            thresholds: { joins: th.groupGrowthJoinsPerDay, ratio: th.groupGrowthRatio },
          },
          key: String(Math.floor(Date.parse(occurredAt) / (24 * HOUR))),
          perPeriod: true,
        });
      }
      const joined = st
        ? { n: (st.accountJoins.get(event.account_id) ?? []).filter((j) => j > day).length }
        : await trx
            .selectFrom('group_members')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('platform', '=', platform)
            .where('account_id', '=', event.account_id)
            .where('joined_at', '>', day)
            .executeTakeFirstOrThrow();
      if (Number(joined.n) >= th.groupsJoinedPerDay) {
        out.push({
          subjectType: 'account',
          subjectId: event.account_id,
          kind: 'behaviour.join_velocity',
          severity: SEVERITY.medium,
          summary: `joined ${Number(joined.n)} groups within 24 hours`,
          evidence: { groups_joined_24h: Number(joined.n), threshold: th.groupsJoinedPerDay },
          key: String(Math.floor(Date.parse(occurredAt) / (24 * HOUR))),
          perPeriod: true,
        });
      }
    }
    if (event.type === 'report.filed') {
      const s = event.report.subject;
      const mine = st
        ? st.reports.get(event.report.id)
        : await trx
            .selectFrom('user_reports')
            .select(['verification', 'verification_detail'])
            .where('platform', '=', platform)
            .where('id', '=', event.report.id)
            .executeTakeFirst();
      if (mine?.verification === 'forged') {
        // A report whose messages the relay never delivered: counted against the reporter, never reviewed.
        out.push({
          subjectType: 'account',
          subjectId: event.report.reporter_id,
          kind: 'report.forged',
          severity: SEVERITY.low,
          summary: `filed a report with messages that fail franking verification (report ${event.report.id})`,
          evidence: { report_id: event.report.id, subject: s, detail: JSON.parse(mine.verification_detail ?? '{}') },
          key: event.report.id,
        });
        return out;
      }
      const n = st
        ? (st.reporters.get(`${s.type}\u0000${s.id}`)?.size ?? 0)
        : Number(
            (
              await sql<{ n: number }>`SELECT COUNT(DISTINCT reporter_id) AS n FROM user_reports
        WHERE platform = ${platform} AND subject_type = ${s.type} AND subject_id = ${s.id} AND verification <> 'forged'`.execute(
                trx,
              )
            ).rows[0]?.n ?? 0,
          );
      const detail = mine?.verification_detail
        ? (JSON.parse(mine.verification_detail) as { source?: { user_id: string } })
        : {};
      out.push({
        subjectType: s.type,
        subjectId: s.id,
        kind: 'report.user',
        severity: n >= th.distinctReporters ? SEVERITY.high : SEVERITY.medium,
        summary: `reported by ${n} distinct user${n === 1 ? '' : 's'} (${event.report.reason ?? 'no reason given'})${mine?.verification === 'verified' ? ', messages verified' : ''}`,
        evidence: {
          report_id: event.report.id,
          reason: event.report.reason ?? null,
          distinct_reporters: n,
          verification: mine?.verification ?? 'unverifiable',
          ...(detail.source ? { original_author: detail.source.user_id } : {}),
        },
        key: event.report.id,
      });
    }
    return out;
  };
}
