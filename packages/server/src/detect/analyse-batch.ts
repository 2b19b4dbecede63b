// Batched analysis: events → analysers → signals → rules → verdicts → review cases for many events in one
// transaction, with set-based reads and bulk writes instead of a dozen statements per event. Both the database
// queue's worker and a stream consumer call analyseBatch; a single event is a batch of one.
//
// Events are analysed in the order given, and each sees what it would have seen analysed alone after the ones before
// it: the rules of an event see the signals of the earlier events of the batch, and its verdicts add to the cases
// their verdicts opened (CaseBook). Analysers read only state that analysis does not write (current-state tables,
// lists, banks); one that must write something rules or cases read first calls `batch.settle()`, which writes the
// earlier events' effects. One event that fails (a poison event) does not sink the batch: see isolateFailures.
import type { Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';
import type { CelInput } from '@bufbuild/cel';
import { mayFire, type RuleFacts } from './rule-language.ts';
import type { Database } from '../db/schema.ts';
import type { PlatformEvent } from '../ingest/index.ts';
import { subjectOf } from '../ingest/index.ts';
import { isolateFailures, itemFailed, type ItemOutcome } from '../queue/worker.ts';
import { fromJson, toJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';
import { emitWebhook } from '../webhooks/outbox.ts';
import { metrics } from '../metrics/metrics.ts';
import { withRemoteHashes, type RemoteHashes } from '../media/index.ts';
import { CaseBook } from '../review/index.ts';
import { chunks } from '../util/chunks.ts';
import { celSafe, celSignal, evaluateBindings, loadRules, type LoadedRule } from './engine.ts';
import {
  existingVerdicts,
  loadSubjectContexts,
  loadSubjectSignals,
  subjectKey,
  type RuleSignal,
  type Subject,
} from './batch-load.ts';
import { dedupeKey, SEVERITY, type Analyser, type AnalyserInput, type AnalysisBatch, type Finding } from './signals.ts';

export interface AnalysisItem {
  eventId: number;
  /** What the job's prepare phase returned (hashes of media fetched by URL). */
  prepared?: unknown;
  /**
   * Items with the same key keep their order: when one fails, the later ones are not run (outcome `blocked`).
   * Default: the event's subject. The queue worker passes the job's partition.
   */
  key?: unknown;
  /** Who analysed it (event_analyses.worker). */
  worker?: string;
}

export interface AnalysisContext {
  analysers: Analyser[];
  clock: Clock;
}

/**
 * Analyses the events inside `trx` (the caller commits). One outcome per item, in order: `done` (analysed now, or
 * already analysed before: effects are idempotent by event id), `failed` with the error (no effects; the caller
 * retries it or parks it as a dead letter), or `blocked` (not run: an earlier item with its key failed).
 */
export async function analyseBatch(
  trx: Kysely<Database>,
  items: AnalysisItem[],
  ctx: AnalysisContext,
): Promise<ItemOutcome[]> {
  if (!items.length) return [];
  const own = items.map((i) => ({ ...i }));
  return isolateFailures(
    trx,
    own,
    (i) => i.key ?? `event:${i.eventId}`,
    (live) => analyseAll(trx, live, ctx),
  );
}

interface Pending {
  index: number;
  item: AnalysisItem;
  input: AnalyserInput;
  findings: Finding[];
}

async function analyseAll(trx: Kysely<Database>, items: AnalysisItem[], ctx: AnalysisContext): Promise<void> {
  const started = performance.now();
  const ids = items.map((i) => i.eventId);
  const analysed = new Set<number>();
  const rows = new Map<number, { platform: string; payload: string; occurred_at: string; received_at: string }>();
  for (const part of chunks(ids, 500)) {
    // The events, and whether an earlier run analysed them, in one statement.
    const found = await trx
      .selectFrom('events')
      .select(['id', 'platform', 'payload', 'occurred_at', 'received_at'])
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('event_analyses')
              .select('event_analyses.event_id')
              .whereRef('event_analyses.event_id', '=', 'events.id'),
          )
          .as('analysed'),
      )
      .where('id', 'in', part)
      .execute();
    for (const r of found) {
      rows.set(Number(r.id), r);
      if (Number(r.analysed)) analysed.add(Number(r.id)); // a boolean on PostgreSQL, 0 or 1 on SQLite
    }
  }
  const todo: Pending[] = [];
  const inputs: AnalyserInput[] = [];
  const memo = new Map<string, Promise<unknown>>();
  let segment: Pending[] = [];
  let writing: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const rules = await loadRules(trx);
  const postgres = trx.getExecutor().adapter instanceof PostgresAdapter;
  const write = (seg: Pending[]) =>
    writeSegment(trx, seg, rules, ctx.clock, postgres).catch((e) => {
      writeError ??= e;
      throw e;
    });
  const batch: AnalysisBatch = {
    inputs,
    once: <T>(key: string, load: () => Promise<T>) => {
      if (!memo.has(key)) memo.set(key, load());
      return memo.get(key) as Promise<T>;
    },
    settle: () => {
      if (segment.length) {
        const seg = segment;
        segment = [];
        writing = writing.then(() => write(seg));
      }
      return writing;
    },
  };
  items.forEach((item, index) => {
    const row = rows.get(item.eventId);
    if (!row) throw itemFailed(index, new Error(`event ${item.eventId} not found`));
    let event: PlatformEvent;
    try {
      event = withRemoteHashes(fromJson<PlatformEvent>(row.payload), (item.prepared ?? {}) as RemoteHashes);
    } catch (e) {
      throw itemFailed(index, e);
    }
    if (item.key === undefined) {
      const s = subjectOf(event);
      item.key = subjectKey(row.platform, s.type, s.id);
    }
    if (analysed.has(item.eventId)) return; // analysed by an earlier run that committed
    const input: AnalyserInput = {
      trx,
      platform: row.platform,
      event,
      eventId: item.eventId,
      occurredAt: row.occurred_at,
      clock: ctx.clock,
      batch,
    };
    inputs.push(input);
    todo.push({ index, item, input, findings: [] });
  });

  for (const p of todo) {
    try {
      const remote = await recordRemoteHashes(trx, p.input, (p.item.prepared ?? {}) as RemoteHashes);
      p.findings = [...remote, ...(await Promise.all(ctx.analysers.map((a) => a(p.input)))).flat()];
    } catch (e) {
      if (writeError) throw writeError; // the earlier events' writes failed, not this event
      throw itemFailed(p.index, e);
    }
    await writing;
    segment.push(p);
  }
  await batch.settle();

  const now = new Date().toISOString();
  for (const part of chunks(todo, 300)) {
    await trx
      .insertInto('event_analyses')
      .values(part.map((p) => ({ event_id: p.item.eventId, worker: p.item.worker ?? '', analysed_at: now })))
      .execute();
  }
  const each = (performance.now() - started) / 1000 / Math.max(1, todo.length);
  for (const p of todo) {
    metrics.analysisDuration.observe(each);
    const accepted = Date.parse(rows.get(p.item.eventId)!.received_at);
    if (Date.now() >= accepted) metrics.acceptedToAnalysed.observe((Date.now() - accepted) / 1000);
  }
}

/** Fetched hashes land on the media row; a fetch that failed becomes an explained low finding. */
async function recordRemoteHashes(
  trx: Kysely<Database>,
  input: AnalyserInput,
  remote: RemoteHashes,
): Promise<Finding[]> {
  const { event, platform } = input;
  if (
    event.type === 'media.shared' &&
    event.media.url &&
    remote[event.media.url] &&
    !('error' in remote[event.media.url]!)
  ) {
    const h = remote[event.media.url] as { pdq?: string; md5: string; sha256: string };
    await trx
      .updateTable('media')
      .set({ pdq: h.pdq ?? null, md5: h.md5, sha256: h.sha256 })
      .where('platform', '=', platform)
      .where('id', '=', event.media.id)
      .where('sha256', 'is', null)
      .execute();
  }
  const own = subjectOf(event);
  return Object.entries(remote)
    .filter(([, h]) => 'error' in h)
    .map(([url, h]) => ({
      subjectType: own.type,
      subjectId: own.id,
      kind: 'media.unhashable',
      severity: SEVERITY.low,
      summary: `media at ${url.slice(0, 200)} could not be fetched or hashed`,
      evidence: { url, error: (h as { error: string }).error },
      key: url,
    }));
}

const NO_KINDS: ReadonlySet<string> = new Set();

interface Verdict {
  platform: string;
  subject: Subject;
  rule: LoadedRule;
  eventId: number;
  signalIds: number[];
  task: number | null;
}

/** Signals, then rules, verdicts and cases, for events whose analysers have run; all in bulk. */
async function writeSegment(
  trx: Kysely<Database>,
  seg: Pending[],
  rules: LoadedRule[],
  clock: Clock,
  postgres: boolean,
): Promise<void> {
  if (!seg.length) return;
  const now = clock.now();
  // The subjects each event's rules look at: its own, then those its findings are about.
  const subjectsOf = new Map<Pending, Subject[]>();
  const touched = new Map<string, Subject>();
  for (const p of seg) {
    const own = subjectOf(p.input.event);
    const list = new Map<string, Subject>();
    for (const s of [
      { type: own.type, id: own.id },
      ...p.findings.map((f) => ({ type: f.subjectType, id: f.subjectId })),
    ]) {
      const subject = { platform: p.input.platform, type: s.type, id: s.id };
      list.set(subjectKey(subject.platform, s.type, s.id), subject);
    }
    subjectsOf.set(p, [...list.values()]);
    for (const [k, s] of list) touched.set(k, s);
  }
  const subjects = [...touched.values()];
  // What the subjects had before this segment (read before its signals are written).
  const signalsOf = rules.length ? await loadSubjectSignals(trx, subjects) : new Map<string, RuleSignal[]>();

  // Signals: stored once per (platform, dedupe key); the first finding of a key in the segment is the fresh one.
  const signalIds = new Map<string, number>();
  const fresh = new Set<string>();
  const rows: { key: string; values: Parameters<ReturnType<Kysely<Database>['insertInto']>['values']>[0] & object }[] =
    [];
  const seen = new Set<string>();
  const keysOf = new Map<Pending, string[]>();
  const stamp = iso(now);
  // Each stored finding's evidence is serialised once: the row stores it, and rules see it parsed back (as read).
  const evidenceText = new Map<Finding, string>();
  const evidenceJson = (f: Finding) => {
    let text = evidenceText.get(f);
    if (text === undefined) evidenceText.set(f, (text = toJson(f.evidence)));
    return text;
  };
  for (const p of seg) {
    keysOf.set(
      p,
      p.findings.map((f) => {
        const dk = dedupeKey(f, p.item.eventId);
        const k = `${p.input.platform}\u0000${dk}`;
        if (!seen.has(k)) {
          seen.add(k);
          rows.push({
            key: k,
            values: {
              platform: p.input.platform,
              subject_type: f.subjectType,
              subject_id: f.subjectId,
              kind: f.kind,
              severity: f.severity,
              summary: f.summary,
              evidence: evidenceJson(f),
              event_id: p.item.eventId,
              dedupe_key: dk,
              created_at: stamp,
            },
          });
        }
        return k;
      }),
    );
  }
  for (const part of chunks(rows, 300)) {
    const ins = await trx
      .insertInto('signals')
      .values(part.map((r) => r.values as never))
      .onConflict((oc) => oc.columns(['platform', 'dedupe_key']).doNothing())
      .returning(['id', 'platform', 'dedupe_key'])
      .execute();
    for (const r of ins) {
      const k = `${r.platform}\u0000${r.dedupe_key}`;
      signalIds.set(k, Number(r.id));
      fresh.add(k);
    }
  }
  const missing = rows
    .filter((r) => !signalIds.has(r.key))
    .map((r) => r.values as { platform: string; dedupe_key: string });
  const missingByPlatform = new Map<string, string[]>();
  for (const m of missing)
    missingByPlatform.set(m.platform, [...(missingByPlatform.get(m.platform) ?? []), m.dedupe_key]);
  for (const [platform, keys] of missingByPlatform) {
    for (const part of chunks(keys, 500)) {
      for (const r of await trx
        .selectFrom('signals')
        .select(['id', 'dedupe_key'])
        .where('platform', '=', platform)
        .where('dedupe_key', 'in', part)
        .execute())
        signalIds.set(`${platform}\u0000${r.dedupe_key}`, Number(r.id));
    }
  }

  const book = await CaseBook.load(trx, subjects, postgres);
  // Subjects as rules see them, read only for the subjects some rule may fire on: a rule whose needs (its event
  // types, subject types, signal kinds) fail for every event about a subject, even with all of this segment's new
  // signals added, is never evaluated on it.
  const kindsOf = new Map<string, Set<string>>();
  for (const [sk, list] of signalsOf) kindsOf.set(sk, new Set(list.map((x) => x.view.kind)));
  const kindsAfter = new Map<string, Set<string>>();
  for (const p of seg) {
    for (const f of p.findings) {
      const sk = subjectKey(p.input.platform, f.subjectType, f.subjectId);
      let after = kindsAfter.get(sk);
      if (!after) kindsAfter.set(sk, (after = new Set(kindsOf.get(sk))));
      after.add(f.kind);
    }
  }
  const wanted = new Map<string, Subject>();
  for (const p of seg) {
    for (const s of subjectsOf.get(p)!) {
      const sk = subjectKey(s.platform, s.type, s.id);
      if (wanted.has(sk)) continue;
      const facts: RuleFacts = {
        eventType: p.input.event.type,
        subjectType: s.type,
        signalKinds: kindsAfter.get(sk) ?? kindsOf.get(sk) ?? NO_KINDS,
      };
      if (rules.some((r) => mayFire(r.run.needs, facts))) wanted.set(sk, s);
    }
  }
  const contexts = wanted.size
    ? await loadSubjectContexts(trx, [...wanted.values()], now)
    : new Map<string, Record<string, CelInput>>();
  const known = rules.length
    ? await existingVerdicts(
        trx,
        seg.map((p) => p.item.eventId),
      )
    : new Set<string>();
  const verdicts: Verdict[] = [];
  const logged = new Set<string>();
  for (const p of seg) {
    const platform = p.input.platform;
    // New signals: counted, added to what later rules see, and logged in their subject's open case.
    p.findings.forEach((f, i) => {
      const k = keysOf.get(p)![i]!;
      if (!fresh.has(k) || logged.has(k)) return;
      logged.add(k);
      const id = signalIds.get(k)!;
      metrics.signals.inc({ kind: f.kind });
      const sk = subjectKey(platform, f.subjectType, f.subjectId);
      if (rules.length) {
        const view = {
          id,
          kind: f.kind,
          severity: f.severity,
          summary: f.summary,
          event_id: p.item.eventId,
          evidence: JSON.parse(evidenceJson(f)) as Record<string, unknown>,
        };
        const list = signalsOf.get(sk) ?? [];
        if (list.length < 1000) {
          list.push({ view, cel: celSignal(view) });
          let kinds = kindsOf.get(sk);
          if (!kinds) kindsOf.set(sk, (kinds = new Set()));
          kinds.add(f.kind);
        }
        signalsOf.set(sk, list);
      }
      const open = book.openCase({ platform, type: f.subjectType, id: f.subjectId });
      if (open !== undefined)
        book.log(open, 'signal', {
          signal_id: id,
          kind: f.kind,
          severity: f.severity,
          summary: f.summary,
          event_id: p.item.eventId,
        });
    });
    if (!rules.length) continue;
    let event: Record<string, CelInput> | undefined; // the event as rules see it, converted once if a rule runs
    for (const s of subjectsOf.get(p)!) {
      const sk = subjectKey(s.platform, s.type, s.id);
      // Only the rules whose needs hold for this event and subject run; the others cannot yield true.
      const facts: RuleFacts = {
        eventType: p.input.event.type,
        subjectType: s.type,
        signalKinds: kindsOf.get(sk) ?? NO_KINDS,
      };
      const candidates = rules.filter((r) => mayFire(r.run.needs, facts));
      if (!candidates.length) continue;
      const signals = signalsOf.get(sk) ?? [];
      const subject = contexts.get(sk)!;
      event ??= celSafe(p.input.event as unknown as Record<string, unknown>);
      for (const ev of evaluateBindings(candidates, { event, subject, signals: signals.map((x) => x.cel), now })) {
        if (!ev.matched) continue;
        const once = `${ev.rule.id}@${ev.rule.version}@${p.item.eventId}`;
        if (known.has(once)) continue;
        known.add(once);
        const v: Verdict = {
          platform,
          subject: s,
          rule: ev.rule,
          eventId: p.item.eventId,
          signalIds: signals.map((x) => x.view.id),
          task: null,
        };
        const out = ev.rule.outcome;
        if (ev.rule.mode !== 'shadow' && (out.type === 'review' || out.type === 'action')) {
          v.task = book.verdict(
            s,
            { queue: out.queue, priority: out.priority, reason: out.reason },
            {
              rule: ev.rule.name,
              rule_id: ev.rule.id,
              rule_version: ev.rule.version,
              event_id: p.item.eventId,
              signal_ids: v.signalIds,
              reason: out.reason,
            },
          );
        }
        verdicts.push(v);
        metrics.verdicts.inc({ outcome: out.type, mode: ev.rule.mode });
      }
    }
  }

  const resolve = await book.write(trx, clock);
  const outcomeText = new Map<LoadedRule, string>();
  const outcomeJson = (r: LoadedRule) => {
    let text = outcomeText.get(r);
    if (text === undefined) outcomeText.set(r, (text = toJson(r.outcome)));
    return text;
  };
  for (const part of chunks(verdicts, 200)) {
    await trx
      .insertInto('verdicts')
      .values(
        part.map((v) => ({
          platform: v.platform,
          subject_type: v.subject.type,
          subject_id: v.subject.id,
          rule_id: v.rule.id,
          rule_version: v.rule.version,
          event_id: v.eventId,
          outcome: outcomeJson(v.rule),
          shadow: v.rule.mode === 'shadow' ? 1 : 0,
          signal_ids: toJson(v.signalIds),
          task_id: v.task == null ? null : resolve(v.task),
          created_at: stamp,
        })),
      )
      .execute();
  }
  for (const v of verdicts) {
    const out = v.rule.outcome;
    if (v.rule.mode === 'shadow' || out.type !== 'action') continue;
    const taskId = v.task == null ? null : resolve(v.task);
    await emitWebhook(
      trx,
      'action.requested',
      {
        action: out.action,
        reason: out.reason,
        subject: { type: v.subject.type, id: v.subject.id, platform: v.platform },
        rule: { id: v.rule.id, name: v.rule.name, version: v.rule.version },
        task_id: taskId,
      },
      clock,
    );
  }
}
