// The team dashboard's figures, each one set-based query (GROUP BY, window functions) that runs the same on
// SQLite and PostgreSQL; only the JSON and time arithmetic differ between the dialects.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { DialectName } from '../../db/connect.ts';
import { LEGAL_QUEUES } from '../../review/index.ts';
import { iso, type Clock } from '../../util/time.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Age buckets of open cases, youngest first: [key, label, lower bound of age in ms]. */
export const AGE_BUCKETS = [
  ['under_1h', 'Under 1 hour', 0],
  ['under_1d', '1 to 24 hours', HOUR],
  ['under_3d', '1 to 3 days', DAY],
  ['under_7d', '3 to 7 days', 3 * DAY],
  ['over_7d', 'Over 7 days', 7 * DAY],
] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number][0];

const seconds = (d: DialectName, from: string, to: string): RawBuilder<number> =>
  d === 'postgres'
    ? sql<number>`EXTRACT(EPOCH FROM (${sql.ref(to)}::timestamptz - ${sql.ref(from)}::timestamptz))::float8`
    : sql<number>`(julianday(${sql.ref(to)}) - julianday(${sql.ref(from)})) * 86400.0`;
const jsonText = (d: DialectName, col: string, key: string): RawBuilder<string> =>
  d === 'postgres'
    ? sql<string>`(${sql.ref(col)}::json ->> ${sql.lit(key)})`
    : sql<string>`json_extract(${sql.ref(col)}, ${sql.lit(`$.${key}`)})`;

export interface TeamFigures {
  generated_at: string;
  days: number;
  since: string;
  open_cases: { queue: string; total: number; by_age: Record<AgeBucket, number> }[];
  decisions_per_day: { day: string; total: number; by_decision: Record<string, number> }[];
  appeals: { status: string; count: number }[];
  time_to_decision: { queue: string; closed: number; p50_seconds: number; p90_seconds: number }[];
}

export async function teamFigures(
  db: Kysely<Database>,
  dialect: DialectName,
  clock: Clock,
  days: number,
): Promise<TeamFigures> {
  const now = clock.now();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY);
  const since = iso(start);
  const bound = (ms: number) => iso(new Date(now.getTime() - ms));

  // Open cases by queue and age: one pass over the open cases, bucketed by when they opened.
  const [, , h1] = AGE_BUCKETS[1],
    [, , d1] = AGE_BUCKETS[2],
    [, , d3] = AGE_BUCKETS[3],
    [, , d7] = AGE_BUCKETS[4];
  const age = sql<string>`CASE WHEN opened_at > ${bound(h1)} THEN 'under_1h' WHEN opened_at > ${bound(d1)} THEN 'under_1d'
    WHEN opened_at > ${bound(d3)} THEN 'under_3d' WHEN opened_at > ${bound(d7)} THEN 'under_7d' ELSE 'over_7d' END`;
  const open = await sql<{ queue: string; age: AgeBucket; n: number }>`
    SELECT queue, ${age} AS age, COUNT(*) AS n FROM cases WHERE status = 'open' GROUP BY queue, age`.execute(db);
  const byQueue = new Map<string, TeamFigures['open_cases'][number]>();
  for (const r of open.rows) {
    const q = byQueue.get(r.queue) ?? {
      queue: r.queue,
      total: 0,
      by_age: Object.fromEntries(AGE_BUCKETS.map(([k]) => [k, 0])) as Record<AgeBucket, number>,
    };
    q.by_age[r.age] += Number(r.n);
    q.total += Number(r.n);
    byQueue.set(r.queue, q);
  }

  // Decisions per day (UTC), by decision, from the cases' own logs.
  const decision = jsonText(dialect, 'data', 'decision');
  const dec = await sql<{ day: string; decision: string | null; n: number }>`
    SELECT substr(at, 1, 10) AS day, ${decision} AS decision, COUNT(*) AS n FROM case_log
    WHERE kind = 'decision' AND at >= ${since} GROUP BY day, decision`.execute(db);
  const perDay = new Map<string, TeamFigures['decisions_per_day'][number]>();
  for (let i = 0; i < days; i++) {
    const day = iso(new Date(start.getTime() + i * DAY)).slice(0, 10);
    perDay.set(day, { day, total: 0, by_decision: {} });
  }
  for (const r of dec.rows) {
    const d = perDay.get(r.day);
    if (!d) continue;
    const k = r.decision ?? 'unknown';
    d.by_decision[k] = (d.by_decision[k] ?? 0) + Number(r.n);
    d.total += Number(r.n);
  }

  const appeals = await db
    .selectFrom('appeals')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', since)
    .groupBy('status')
    .execute();

  // Time from an item entering its queue to its closing, per queue: nearest-rank p50 and p90 by window functions.
  const legal = sql.join(LEGAL_QUEUES.map((q) => sql.lit(q)));
  const ttd = await sql<{ queue: string; n: number; p50: number; p90: number }>`
    WITH d AS (
      SELECT queue, ${seconds(dialect, 'created_at', 'closed_at')} AS s FROM case_items
      WHERE status = 'closed' AND closed_at >= ${since} AND queue NOT IN (${legal})
    ), r AS (
      SELECT queue, s, ROW_NUMBER() OVER (PARTITION BY queue ORDER BY s) AS rn, COUNT(*) OVER (PARTITION BY queue) AS n FROM d
    )
    SELECT queue, MAX(n) AS n, MAX(CASE WHEN rn = (n + 1) / 2 THEN s END) AS p50, MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN s END) AS p90
    FROM r GROUP BY queue ORDER BY queue`.execute(db);

  return {
    generated_at: iso(now),
    days,
    since,
    open_cases: [...byQueue.values()].sort((a, b) => b.total - a.total || a.queue.localeCompare(b.queue)),
    decisions_per_day: [...perDay.values()],
    appeals: appeals
      .map((a) => ({ status: a.status, count: Number(a.n) }))
      .sort((a, b) => a.status.localeCompare(b.status)),
    time_to_decision: ttd.rows.map((r) => ({
      queue: r.queue,
      closed: Number(r.n),
      p50_seconds: Math.round(Number(r.p50)),
      p90_seconds: Math.round(Number(r.p90)),
    })),
  };
}
