// Transparency figures for a period, computed from the records themselves (reports, the audit log's
// decisions, enforcement actions, signals, user reports, appeals, the law-enforcement ledger) — never
// from counters that could drift. JSON, CSV (section,key,value) or HTML with inline SVG charts. The JSON carries
// each figure's reader-facing label (transparency-labels.ts), so the console and the HTML say the same words.
import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import { BREAKDOWN_TITLES, codeLabel, type BreakdownSection } from './transparency-labels.ts';

export type Counts = Record<string, number>;

export interface Transparency {
  period: { from: string; to: string };
  cybertipline_reports_by_incident_type: Counts;
  decisions_by_outcome: Counts;
  actions_by_type: Counts;
  subjects_actioned: { accounts: number; groups: number };
  /** Distinct accounts banned in the period, including the members banned with their group (`with_their_group`). */
  accounts_banned: { total: number; with_their_group: number };
  groups_taken_down: number;
  hash_matches_by_bank: Counts;
  user_reports: { received: number; verified: number; rejected_as_forged: number; note: string };
  appeals: { filed: number; upheld: number; reversed: number; pending: number };
  reversals: number;
  law_enforcement_requests_by_type: Counts;
  law_enforcement_requests_by_outcome: Counts;
  /** The headline figures in reading order, labelled; `part_of` names the figure a sub-figure ("of which …") belongs to. */
  key_figures: KeyFigure[];
  /** Each `…_by_…` count above, titled and labelled, largest first. */
  breakdowns: Breakdown[];
}

interface KeyFigure {
  key: string;
  label: string;
  value: number;
  part_of: string | null;
}
interface Breakdown {
  section: BreakdownSection;
  title: string;
  rows: { code: string; label: string; value: number }[];
}
type Figures = Omit<Transparency, 'key_figures' | 'breakdowns'>;

const total = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);

function keyFigures(t: Figures): KeyFigure[] {
  const f = (key: string, label: string, value: number, part_of: string | null = null): KeyFigure => ({
    key,
    label,
    value,
    part_of,
  });
  return [
    f('accounts_banned.total', 'Accounts banned', t.accounts_banned.total),
    f(
      'accounts_banned.with_their_group',
      'of which banned with their group',
      t.accounts_banned.with_their_group,
      'accounts_banned.total',
    ),
    f('groups_taken_down', 'Groups taken down', t.groups_taken_down),
    f('cybertipline_reports', 'Reports sent to NCMEC', total(t.cybertipline_reports_by_incident_type)),
    f('subjects_actioned.accounts', 'Accounts with any enforcement action', t.subjects_actioned.accounts),
    f('subjects_actioned.groups', 'Groups with any enforcement action', t.subjects_actioned.groups),
    f('user_reports.received', 'User reports received', t.user_reports.received),
    f('user_reports.verified', 'verified from the reported messages', t.user_reports.verified, 'user_reports.received'),
    f(
      'user_reports.rejected_as_forged',
      'rejected as forged',
      t.user_reports.rejected_as_forged,
      'user_reports.received',
    ),
    f('appeals.filed', 'Appeals filed', t.appeals.filed),
    f('appeals.upheld', 'upheld (action stands)', t.appeals.upheld, 'appeals.filed'),
    f('appeals.reversed', 'granted (action reversed)', t.appeals.reversed, 'appeals.filed'),
    f('appeals.pending', 'waiting for a decision', t.appeals.pending, 'appeals.filed'),
    f('reversals', 'Actions reversed', t.reversals),
  ];
}

function breakdowns(t: Figures): Breakdown[] {
  return (Object.keys(BREAKDOWN_TITLES) as BreakdownSection[]).map((section) => ({
    section,
    title: BREAKDOWN_TITLES[section],
    rows: Object.entries(t[section])
      .sort((a, b) => b[1] - a[1])
      .map(([code, value]) => ({ code, label: codeLabel[section](code), value })),
  }));
}

/** `to` as a date (YYYY-MM-DD) includes that whole day. */
function periodOf(from: string, to: string): { from: string; to: string } {
  const f = new Date(from),
    t = new Date(to);
  if (Number.isNaN(f.getTime()) || Number.isNaN(t.getTime()))
    throw new RangeError('from and to must be dates (YYYY-MM-DD) or ISO times');
  if (/^\d{4}-\d{2}-\d{2}$/.test(to)) t.setUTCDate(t.getUTCDate() + 1);
  if (t <= f) throw new RangeError('to must be after from');
  return { from: f.toISOString(), to: t.toISOString() };
}

/** A text field inside a JSON column, in each dialect's words (JSON is stored as text on both). */
function jsonText(db: Kysely<Database>, col: string, path: string[]): RawBuilder<string> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? sql<string>`(${sql.ref(col)}::json #>> ${sql.lit(`{${path.join(',')}}`)})`
    : sql<string>`json_extract(${sql.ref(col)}, ${sql.lit(`$.${path.join('.')}`)})`;
}

/** `{ key: count }` from rows of (k, n), leaving out rows without a key. */
const counts = (rows: { k: string | null; n: number | string }[]): Counts =>
  Object.fromEntries(rows.filter((r) => r.k != null).map((r) => [r.k as string, Number(r.n)]));

/** Every figure is one aggregate query over the period (GROUP BY, COUNT DISTINCT), never rows counted in memory. */
export async function computeTransparency(db: Kysely<Database>, fromArg: string, toArg: string): Promise<Transparency> {
  const { from, to } = periodOf(fromArg, toArg);
  const n = sql<number>`count(*)`;
  const incident = jsonText(db, 'draft', ['report', 'incidentType']);
  const byIncident = counts(
    await db
      .selectFrom('ncmec_reports')
      .select([incident.as('k'), n.as('n')])
      .where('status', '=', 'filed')
      .where('filed_at', '>=', from)
      .where('filed_at', '<', to)
      .groupBy(incident)
      .execute(),
  );

  // Review decisions are audited as `case.decide` (`task.decide` before cases existed).
  const decision = jsonText(db, 'data', ['decision']);
  const byOutcome = counts(
    await db
      .selectFrom('audit_log')
      .select([decision.as('k'), n.as('n')])
      .where('action', 'in', ['case.decide', 'task.decide'])
      .where('at', '>=', from)
      .where('at', '<', to)
      .groupBy(decision)
      .execute(),
  );

  // Actions that took effect (a group-wide action awaiting its second approval, or rejected, did not). Members
  // banned with their group are rows of their own (`via_action_id`), so they count as banned accounts.
  const effective = db
    .selectFrom('enforcement_actions')
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .where('status', 'not in', ['rejected', 'pending_approval']);
  const byAction = counts(
    await effective
      .select(['action as k', n.as('n')])
      .groupBy('action')
      .execute(),
  );
  const subject = sql`platform || ${sql.lit(':')} || subject_id`;
  const distinct = (when: RawBuilder<unknown>) => sql<number>`count(distinct case when ${when} then ${subject} end)`;
  const s = await effective
    .select([
      distinct(sql`subject_type = 'account'`).as('accounts'),
      distinct(sql`subject_type = 'group'`).as('groups'),
      distinct(sql`subject_type = 'account' and action = 'ban'`).as('banned'),
      distinct(sql`subject_type = 'account' and action = 'ban' and via_action_id is not null`).as('banned_with_group'),
      distinct(sql`subject_type = 'group' and action = 'takedown_group'`).as('taken_down'),
    ])
    .executeTakeFirstOrThrow();

  const bank = jsonText(db, 'evidence', ['bank']);
  const byBank = counts(
    await db
      .selectFrom('signals')
      .select([bank.as('k'), n.as('n')])
      .where('kind', '=', 'media.match')
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy(bank)
      .execute(),
  );

  const reportsBy = counts(
    await db
      .selectFrom('user_reports')
      .select(['verification as k', n.as('n')])
      .where('filed_at', '>=', from)
      .where('filed_at', '<', to)
      .groupBy('verification')
      .execute(),
  );
  const appealsBy = counts(
    await db
      .selectFrom('appeals')
      .select(['status as k', n.as('n')])
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy('status')
      .execute(),
  );
  const reversals = Number(
    (
      await db
        .selectFrom('enforcement_actions')
        .select(n.as('n'))
        .where('reversed_at', '>=', from)
        .where('reversed_at', '<', to)
        .executeTakeFirst()
    )?.n ?? 0,
  );

  const le = db.selectFrom('le_requests').where('received_at', '>=', from).where('received_at', '<', to);
  const leKind = counts(
    await le
      .select(['kind as k', n.as('n')])
      .groupBy('kind')
      .execute(),
  );
  const leOutcome = counts(
    await le
      .select(['status as k', n.as('n')])
      .groupBy('status')
      .execute(),
  );
  const figures: Figures = {
    period: { from, to },
    cybertipline_reports_by_incident_type: byIncident,
    decisions_by_outcome: byOutcome,
    actions_by_type: byAction,
    subjects_actioned: { accounts: Number(s.accounts), groups: Number(s.groups) },
    accounts_banned: { total: Number(s.banned), with_their_group: Number(s.banned_with_group) },
    groups_taken_down: Number(s.taken_down),
    hash_matches_by_bank: byBank,
    user_reports: {
      received: total(reportsBy),
      verified: reportsBy.verified ?? 0,
      rejected_as_forged: reportsBy.forged ?? 0,
      note: 'verified: every reported message carried a franking opening that matches the relay’s tag; forged: a reported message did not; the rest came without franking data (platform-supplied)',
    },
    appeals: {
      filed: total(appealsBy),
      upheld: appealsBy.upheld ?? 0,
      reversed: appealsBy.reversed ?? 0,
      pending: appealsBy.open ?? 0,
    },
    reversals,
    law_enforcement_requests_by_type: leKind,
    law_enforcement_requests_by_outcome: leOutcome,
  };
  return { ...figures, key_figures: keyFigures(figures), breakdowns: breakdowns(figures) };
}

function rows(t: Transparency): [string, string, number | string][] {
  const out: [string, string, number | string][] = [
    ['period', 'from', t.period.from],
    ['period', 'to', t.period.to],
  ];
  for (const [section, v] of Object.entries(t)) {
    if (section === 'period' || section === 'key_figures' || section === 'breakdowns') continue; // the labelled views of the same figures
    if (typeof v === 'number') out.push([section, 'total', v]);
    else
      for (const [k, n] of Object.entries(v as Record<string, number | string | null>)) out.push([section, k, n ?? '']);
  }
  return out;
}

export function transparencyCsv(t: Transparency): string {
  const q = (s: string | number) => (/[",\n]/.test(String(s)) ? `"${String(s).replace(/"/g, '""')}"` : String(s));
  return ['section,key,value', ...rows(t).map((r) => r.map(q).join(','))].join('\n') + '\n';
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function bars(b: Breakdown): string {
  if (!b.rows.length) return `<section><h2>${esc(b.title)}</h2><p class="none">None in this period.</p></section>`;
  const max = Math.max(...b.rows.map((r) => r.value));
  const h = b.rows.length * 28 + 8;
  const svg = b.rows
    .map((r, i) => {
      const w = Math.max(2, Math.round((r.value / max) * 360));
      return `<text x="0" y="${i * 28 + 20}" class="k">${esc(r.label.length > 48 ? r.label.slice(0, 47) + '…' : r.label)}</text><rect x="330" y="${i * 28 + 6}" width="${w}" height="18" rx="3"/><text x="${336 + w}" y="${i * 28 + 20}" class="n">${r.value}</text>`;
    })
    .join('');
  return `<section><h2>${esc(b.title)}</h2><svg role="img" aria-label="${esc(b.title)}" viewBox="0 0 760 ${h}" width="760" height="${h}">${svg}</svg></section>`;
}

/** Plain text for a terminal, in the same words as the HTML and the console. */
export function transparencyText(t: Transparency): string {
  const to = new Date(Date.parse(t.period.to) - 1).toISOString().slice(0, 10);
  const width = Math.max(
    ...t.key_figures.map((f) => f.label.length + (f.part_of ? 4 : 0)),
    ...t.breakdowns.flatMap((b) => b.rows.map((r) => r.label.length + 2)),
  );
  const line = (label: string, value: number) => `${label.padEnd(width)}  ${String(value).padStart(7)}`;
  const out = [`Transparency report, ${t.period.from.slice(0, 10)} to ${to} (UTC, both days included)`, ''];
  for (const f of t.key_figures) out.push(line(f.part_of ? `  … ${f.label}` : f.label, f.value));
  for (const b of t.breakdowns) {
    out.push('', b.title);
    if (!b.rows.length) out.push('  None in this period.');
    for (const r of b.rows) out.push(line(`  ${r.label}`, r.value));
  }
  out.push('', `Members banned with their group are counted as banned accounts. User reports: ${t.user_reports.note}.`);
  return out.join('\n') + '\n';
}

export function transparencyHtml(t: Transparency): string {
  const day = (s: string) => s.slice(0, 10);
  const to = new Date(Date.parse(t.period.to) - 1).toISOString();
  const figures = t.key_figures
    .map(
      (f) =>
        `<tr${f.part_of ? ' class="sub"' : ''}><th>${f.part_of ? '… ' : ''}${esc(f.label)}</th><td>${f.value}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Transparency report ${day(t.period.from)} to ${day(to)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:820px;margin:2em auto;color:#222}h1{font-size:1.5em}h2{font-size:1.1em;margin-top:1.6em}
svg .k{font-size:13px;fill:#333}svg .n{font-size:13px;fill:#333}svg rect{fill:#3a6ea5}table{border-collapse:collapse}td,th{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}tr.sub th{font-weight:normal;padding-left:1.6em}.none,.note{color:#666}</style></head><body>
<h1>Transparency report</h1><p>${day(t.period.from)} to ${day(to)} (UTC, both days included). Every figure is counted from the service's records for the period.</p>
<table>
${figures}
</table><p class="note">Members banned with their group are counted as banned accounts. User reports: ${esc(t.user_reports.note)}.</p>
${t.breakdowns.map(bars).join('\n')}
</body></html>\n`;
}
