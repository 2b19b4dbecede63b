// A signal is one finding about one subject, with the evidence that explains it.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { PlatformEvent } from '../ingest/index.ts';
import type { Clock } from '../util/time.ts';
import { fromJson, toJson } from '../util/json.ts';
import { iso } from '../util/time.ts';

export const SEVERITY = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

export interface Finding {
  subjectType: string;
  subjectId: string;
  kind: string; // text.term | media.match | behaviour.invite_spread | behaviour.join_velocity | account.reports | external.match …
  severity: number;
  summary: string;
  evidence: Record<string, unknown>;
  /** Distinguishes findings of one kind on one event (e.g. the matched term and surface). */
  key: string;
  /** The finding is about a period, not an event (e.g. a day's growth): stored once per subject and key. */
  perPeriod?: boolean;
}

export interface AnalyserInput {
  trx: Kysely<Database>;
  platform: string;
  event: PlatformEvent;
  eventId: number;
  occurredAt: string;
  clock: Clock;
  /** Set when the event is analysed as part of a batch (detect/analyse-batch.ts). */
  batch?: AnalysisBatch;
}

/** What a batch offers its analysers: every event of it, one set-based load per analyser, and a way to write first. */
export interface AnalysisBatch {
  /** Every event of the batch, in order (an analyser loads what it needs for all of them at once). */
  inputs: AnalyserInput[];
  /** Runs `load` once per batch and key, and shares its result. */
  once<T>(key: string, load: () => Promise<T>): Promise<T>;
  /**
   * Writes the effects of the batch's earlier events (signals, verdicts, cases) now. An analyser calls it before it
   * writes something rules or cases read (flags moving to a subject), so every event sees what it would have seen alone.
   */
  settle(): Promise<void>;
}

export type Analyser = (input: AnalyserInput) => Promise<Finding[]>;

/** A finding is stored once per kind, event (or period), subject and key. */
export function dedupeKey(f: Finding, eventId: number): string {
  return f.perPeriod
    ? `${f.kind}:${f.subjectType}:${f.subjectId}:${f.key}`
    : `${f.kind}:${eventId}:${f.subjectType}:${f.subjectId}:${f.key}`;
}

/** A signal no event raised (an outside flag about a subject), stored once by its dedupe key. */
export async function recordSignal(
  trx: Kysely<Database>,
  platform: string,
  s: {
    subjectType: string;
    subjectId: string;
    kind: string;
    severity: number;
    summary: string;
    evidence: unknown;
    dedupeKey: string;
  },
  clock: Clock,
): Promise<void> {
  await trx
    .insertInto('signals')
    .values({
      platform,
      subject_type: s.subjectType,
      subject_id: s.subjectId,
      kind: s.kind,
      severity: s.severity,
      summary: s.summary,
      evidence: toJson(s.evidence),
      event_id: null,
      dedupe_key: s.dedupeKey,
      created_at: iso(clock.now()),
    })
    .onConflict((oc) => oc.columns(['platform', 'dedupe_key']).doNothing())
    .execute();
}

export interface SignalView {
  id: number;
  kind: string;
  severity: number;
  summary: string;
  event_id: number | null;
  evidence: Record<string, unknown>;
}

/** A subject's signals (up to `uptoEventId` when replaying history). */
export async function subjectSignals(
  db: Kysely<Database>,
  platform: string,
  type: string,
  id: string,
  uptoEventId?: number,
): Promise<SignalView[]> {
  let q = db
    .selectFrom('signals')
    .select(['id', 'kind', 'severity', 'summary', 'event_id', 'evidence'])
    .where('platform', '=', platform)
    .where('subject_type', '=', type)
    .where('subject_id', '=', id)
    .orderBy('id')
    .limit(1000);
  if (uptoEventId !== undefined) q = q.where('event_id', '<=', uptoEventId);
  const rows = await q.execute();
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    event_id: r.event_id == null ? null : Number(r.event_id),
    evidence: fromJson(r.evidence) ?? {},
  }));
}
