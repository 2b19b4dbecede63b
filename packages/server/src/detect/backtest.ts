// Replays stored events through a candidate rule without changing anything, and reports what it
// would have done. It sees each subject's signals as they stood at each event (signals recorded up to
// that event) and the subject's current profile.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { PlatformEvent } from '../ingest/index.ts';
import { subjectOf } from '../ingest/index.ts';
import { fromJson } from '../util/json.ts';
import { compileRule, outcomeSchema } from './rule-language.ts';
import { evaluateRules, type LoadedRule } from './engine.ts';
import { subjectSignals } from './signals.ts';
import { subjectContext } from './subject.ts';

export interface BacktestReport {
  events: number;
  matchedEvents: number;
  subjects: { type: string; id: string; platform: string; firstEventId: number; matches: number }[];
  errors: { eventId: number; error: string }[];
}

export async function backtestRule(
  db: Kysely<Database>,
  rule: { expression: string; outcome: unknown },
  o: { since: Date; until?: Date; onProgress?: (done: number, total: number) => void },
): Promise<BacktestReport> {
  const loaded: LoadedRule = {
    id: 0,
    name: 'backtest',
    version: 0,
    mode: 'shadow',
    outcome: outcomeSchema.parse(rule.outcome),
    run: compileRule(rule.expression),
  };
  let q = db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('occurred_at', '>=', o.since.toISOString());
  if (o.until) q = q.where('occurred_at', '<', o.until.toISOString());
  const total = Number((await q.executeTakeFirstOrThrow()).n);
  const report: BacktestReport = { events: 0, matchedEvents: 0, subjects: [], errors: [] };
  const bySubject = new Map<string, BacktestReport['subjects'][number]>();
  let after = 0;
  for (;;) {
    let page = db
      .selectFrom('events')
      .selectAll()
      .where('id', '>', after)
      .where('occurred_at', '>=', o.since.toISOString())
      .orderBy('id')
      .limit(500);
    if (o.until) page = page.where('occurred_at', '<', o.until.toISOString());
    const rows = await page.execute();
    if (!rows.length) break;
    for (const row of rows) {
      after = Number(row.id);
      report.events++;
      const event = fromJson<PlatformEvent>(row.payload);
      const s = subjectOf(event);
      const signals = await subjectSignals(db, row.platform, s.type, s.id, Number(row.id));
      const subject = await subjectContext(db, row.platform, s.type, s.id, new Date(row.occurred_at));
      const [ev] = evaluateRules([loaded], { event, subject, signals, now: new Date(row.occurred_at) });
      if (ev!.error) report.errors.push({ eventId: Number(row.id), error: ev!.error });
      if (!ev!.matched) continue;
      report.matchedEvents++;
      const key = `${row.platform}:${s.type}:${s.id}`;
      const entry = bySubject.get(key) ?? {
        type: s.type,
        id: s.id,
        platform: row.platform,
        firstEventId: Number(row.id),
        matches: 0,
      };
      entry.matches++;
      bySubject.set(key, entry);
    }
    o.onProgress?.(report.events, total);
  }
  report.subjects = [...bySubject.values()];
  return report;
}
