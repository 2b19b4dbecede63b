// The `event.analyze` job: analysers → signals → rules → verdicts, in one transaction.
import type { JobHandler } from '../queue/worker.ts';
import type { PlatformEvent } from '../ingest/events.ts';
import { subjectOf } from '../ingest/events.ts';
import { fromJson } from '../util/json.ts';
import { storeFindings, subjectSignals, type Analyser } from './signals.ts';
import { evaluateRules, loadRules, recordVerdict } from './engine.ts';
import { subjectContext } from './subject.ts';

export function analyzeEventHandler(analysers: Analyser[]): JobHandler {
  return async ({ eventId }: { eventId: number }, { trx, clock }) => {
    const row = await trx.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirst();
    if (!row) throw new Error(`event ${eventId} not found`);
    const event = fromJson<PlatformEvent>(row.payload);
    const input = { trx, platform: row.platform, event, eventId, occurredAt: row.occurred_at, clock };
    const findings = (await Promise.all(analysers.map((a) => a(input)))).flat();
    await storeFindings(trx, row.platform, eventId, findings, clock);

    // Rules look at every subject this event produced findings about, and at the event's own subject.
    const subjects = new Map<string, { type: string; id: string }>();
    const own = subjectOf(event);
    subjects.set(`${own.type}:${own.id}`, own);
    for (const f of findings) subjects.set(`${f.subjectType}:${f.subjectId}`, { type: f.subjectType, id: f.subjectId });
    const rules = await loadRules(trx);
    if (!rules.length) return;
    for (const s of subjects.values()) {
      const signals = await subjectSignals(trx, row.platform, s.type, s.id);
      const subject = await subjectContext(trx, row.platform, s.type, s.id, clock.now());
      for (const ev of evaluateRules(rules, { event, subject, signals, now: clock.now() })) {
        if (!ev.matched) continue;
        await recordVerdict(trx, { platform: row.platform, subjectType: s.type, subjectId: s.id, eventId, rule: ev.rule, signalIds: signals.map((x) => x.id), clock });
      }
    }
  };
}
