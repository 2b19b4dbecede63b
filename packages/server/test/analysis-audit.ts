// What the database says about analyses (event_analyses, in commit order): events never analysed, analysed
// more than once, and analysed out of order within their subject. Shared by the queue tests and the pipeline
// benchmark, which both count from the database rather than trust a process's counters.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/schema.ts';

export interface AnalysisAudit {
  events: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
}

/** Over the events whose external id starts with `prefix` (all events without one). */
export async function analysisAudit(db: Kysely<Database>, prefix = ''): Promise<AnalysisAudit> {
  const like = `${prefix}%`;
  const one = async (q: ReturnType<typeof sql<{ n: number | string }>>) => Number((await q.execute(db)).rows[0]!.n);
  const events = await one(sql<{ n: number }>`SELECT COUNT(*) AS n FROM events WHERE external_id LIKE ${like}`);
  const analysed = await one(
    sql<{
      n: number;
    }>`SELECT COUNT(DISTINCT a.event_id) AS n FROM event_analyses a JOIN events e ON e.id = a.event_id WHERE e.external_id LIKE ${like}`,
  );
  const rows = await one(
    sql<{
      n: number;
    }>`SELECT COUNT(*) AS n FROM event_analyses a JOIN events e ON e.id = a.event_id WHERE e.external_id LIKE ${like}`,
  );
  // An event analysed (first) before an earlier-accepted event of the same subject.
  const outOfOrder = await one(sql<{ n: number }>`SELECT COUNT(*) AS n FROM (
      SELECT a.aid, LAG(a.aid) OVER (PARTITION BY e.platform, e.subject_type, e.subject_id ORDER BY e.id) AS prev
      FROM events e JOIN (SELECT event_id, MIN(id) AS aid FROM event_analyses GROUP BY event_id) a ON a.event_id = e.id
      WHERE e.external_id LIKE ${like}) x
    WHERE x.prev IS NOT NULL AND x.aid < x.prev`);
  return { events, lost: events - analysed, duplicates: rows - analysed, outOfOrder };
}
