// The `event.analyze` job: analysers → signals → rules → verdicts, in one transaction.
import type { JobHandler } from '../queue/worker.ts';
import type { PlatformEvent } from '../ingest/events.ts';
import { subjectOf } from '../ingest/events.ts';
import { fromJson } from '../util/json.ts';
import { storeFindings, subjectSignals, type Analyser } from './signals.ts';
import { evaluateRules, loadRules, recordVerdict } from './engine.ts';
import { subjectContext } from './subject.ts';
import { SEVERITY } from './signals.ts';
import { hashRemoteRefs, withRemoteHashes, type RemoteHashes } from '../media/remote-hash.ts';
import type { Config } from '../config.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../util/time.ts';
import { metrics } from '../metrics/metrics.ts';

export function analyzeEventHandler(analysers: Analyser[], media?: Config['media']): JobHandler {
  const handler: JobHandler = async ({ eventId }: { eventId: number }, { trx, clock, prepared, job }) => {
    const started = performance.now();
    // Effects are idempotent by event id: an event analysed by a run that committed is not analysed again.
    if (await trx.selectFrom('event_analyses').select('id').where('event_id', '=', eventId).executeTakeFirst()) return;
    const row = await trx.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirst();
    if (!row) throw new Error(`event ${eventId} not found`);
    const remote = (prepared ?? {}) as RemoteHashes;
    const event = withRemoteHashes(fromJson<PlatformEvent>(row.payload), remote);
    await recordRemoteHashes(trx, row.platform, event, remote, eventId, clock);
    const input = { trx, platform: row.platform, event, eventId, occurredAt: row.occurred_at, clock };
    const findings = (await Promise.all(analysers.map((a) => a(input)))).flat();
    await storeFindings(trx, row.platform, eventId, findings, clock);

    // Rules look at every subject this event produced findings about, and at the event's own subject.
    const subjects = new Map<string, { type: string; id: string }>();
    const own = subjectOf(event);
    subjects.set(`${own.type}:${own.id}`, own);
    for (const f of findings) subjects.set(`${f.subjectType}:${f.subjectId}`, { type: f.subjectType, id: f.subjectId });
    const rules = await loadRules(trx);
    for (const s of rules.length ? subjects.values() : []) {
      const signals = await subjectSignals(trx, row.platform, s.type, s.id);
      const subject = await subjectContext(trx, row.platform, s.type, s.id, clock.now());
      for (const ev of evaluateRules(rules, { event, subject, signals, now: clock.now() })) {
        if (!ev.matched) continue;
        await recordVerdict(trx, { platform: row.platform, subjectType: s.type, subjectId: s.id, eventId, rule: ev.rule, signalIds: signals.map((x) => x.id), clock });
        metrics.verdicts.inc({ outcome: ev.rule.outcome.type, mode: ev.rule.mode });
      }
    }
    await trx.insertInto('event_analyses').values({ event_id: eventId, worker: job.locked_by ?? '', analysed_at: new Date().toISOString() }).execute();
    metrics.analysisDuration.observe((performance.now() - started) / 1000);
    const accepted = Date.parse(row.received_at);
    if (Date.now() >= accepted) metrics.acceptedToAnalysed.observe((Date.now() - accepted) / 1000);
  };
  if (media?.hashRemote) {
    handler.prepare = async ({ eventId }: { eventId: number }, { db }) => {
      const row = await db.selectFrom('events').select('payload').where('id', '=', eventId).executeTakeFirst();
      return row ? hashRemoteRefs(fromJson<PlatformEvent>(row.payload), media) : {};
    };
  }
  return handler;
}

/** Fetched hashes land on the media row; a fetch that failed becomes an explained low signal. */
async function recordRemoteHashes(trx: Kysely<Database>, platform: string, event: PlatformEvent, remote: RemoteHashes, eventId: number, clock: Clock) {
  if (event.type === 'media.shared' && event.media.url && remote[event.media.url] && !('error' in remote[event.media.url]!)) {
    const h = remote[event.media.url] as { pdq?: string; md5: string; sha256: string };
    await trx.updateTable('media').set({ pdq: h.pdq ?? null, md5: h.md5, sha256: h.sha256 }).where('platform', '=', platform).where('id', '=', event.media.id).where('sha256', 'is', null).execute();
  }
  const failed = Object.entries(remote).filter(([, h]) => 'error' in h);
  if (!failed.length) return;
  const own = subjectOf(event);
  await storeFindings(trx, platform, eventId, failed.map(([url, h]) => ({
    subjectType: own.type, subjectId: own.id, kind: 'media.unhashable', severity: SEVERITY.low,
    summary: `media at ${url.slice(0, 200)} could not be fetched or hashed`, evidence: { url, error: (h as { error: string }).error }, key: url,
  })), clock);
}
