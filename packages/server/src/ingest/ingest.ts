// Accepts a batch of platform events: validates all of them first (a bad event rejects the batch
// with every problem listed), then stores events and their jobs in one transaction.
import type { Kysely } from 'kysely';
import type { ZodError } from 'zod';
import type { Database } from '../db/schema.ts';
import { enqueue } from '../queue/jobs.ts';
import { lockPartitions, partitionOf } from '../queue/partition.ts';
import { toJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';
import { platformEvent, subjectOf, type PlatformEvent } from './events.ts';
import { VigilError } from '../errors.ts';

export interface EventProblem {
  index: number;
  id?: string;
  path: string;
  message: string;
}

/** A refused batch: every problem, by event index (400 invalid_events). */
export const invalidBatch = (problems: EventProblem[]) =>
  new VigilError('invalid_events', `${problems.length} problem(s) in the batch; nothing was stored`, problems);

export interface IngestResult {
  accepted: number;
  duplicates: number;
  results: { id: string; status: 'accepted' | 'duplicate' }[];
}

/**
 * Strings that both storage dialects keep exactly: PostgreSQL refuses NUL in text and jsonb, and its UTF-8
 * encoding replaces lone UTF-16 surrogates (two different ids could collapse into one). Checked everywhere in
 * the event, keys and free-form evidence included, so both dialects accept and refuse the same batches.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storable = (s: string) => !s.includes('\0') && !LONE_SURROGATE.test(s);

function unicodeProblems(value: unknown, path: string, out: { path: string; message: string }[], depth = 0): void {
  if (out.length >= 20) return;
  if (depth > 64) {
    out.push({ path, message: 'nested more than 64 levels deep' });
    return;
  }
  if (typeof value === 'string') {
    if (value.includes('\0')) out.push({ path, message: 'contains a NUL character (U+0000), which cannot be stored' });
    else if (LONE_SURROGATE.test(value))
      out.push({ path, message: 'is not valid Unicode (an unpaired UTF-16 surrogate)' });
  } else if (Array.isArray(value))
    value.forEach((v, i) => unicodeProblems(v, path ? `${path}.${i}` : String(i), out, depth + 1));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (!storable(k)) out.push({ path: p, message: 'a field name that is not valid Unicode or contains NUL' });
      else unicodeProblems(v, p, out, depth + 1);
    }
  }
}

export function validateEvents(raw: unknown[]): PlatformEvent[] {
  const problems: EventProblem[] = [];
  const events: PlatformEvent[] = [];
  const seen = new Set<string>();
  raw.forEach((r, index) => {
    const rid = typeof (r as { id?: unknown })?.id === 'string' ? (r as { id: string }).id : undefined;
    const bad: { path: string; message: string }[] = [];
    unicodeProblems(r, '', bad);
    if (bad.length) {
      for (const b of bad)
        problems.push({
          index,
          id: rid !== undefined && storable(rid) ? rid : undefined,
          path: b.path || '(event)',
          message: b.message,
        });
      return;
    }
    const parsed = platformEvent.safeParse(r);
    if (!parsed.success) {
      for (const issue of (parsed.error as ZodError).issues) {
        problems.push({ index, id: rid, path: issue.path.join('.') || '(event)', message: issue.message });
      }
      return;
    }
    if (seen.has(parsed.data.id)) {
      problems.push({ index, id: rid, path: 'id', message: 'the same id appears twice in this batch' });
      return;
    }
    seen.add(parsed.data.id);
    events.push(parsed.data);
  });
  if (problems.length) throw invalidBatch(problems);
  return events;
}

export async function ingestEvents(
  db: Kysely<Database>,
  platform: string,
  events: PlatformEvent[],
  clock: Clock,
  sourceKeyId: number | null = null,
): Promise<IngestResult> {
  const now = iso(clock.now());
  const inserted = new Set<string>();
  await db.transaction().execute(async (trx) => {
    await lockPartitions(trx, platform, events.map(subjectOf));
    for (let i = 0; i < events.length; i += 200) {
      const rows = events.slice(i, i + 200).map((e) => {
        const s = subjectOf(e);
        return {
          platform,
          external_id: e.id,
          type: e.type,
          subject_type: s.type,
          subject_id: s.id,
          payload: toJson(e),
          occurred_at: new Date(e.occurred_at).toISOString(),
          received_at: now,
          processed_at: null,
          source_key_id: sourceKeyId,
        };
      });
      const ids = await trx
        .insertInto('events')
        .values(rows)
        .onConflict((oc) => oc.columns(['platform', 'external_id']).doNothing())
        .returning(['id', 'external_id', 'subject_type', 'subject_id'])
        .execute();
      for (const r of ids) inserted.add(r.external_id);
      // Partitioned by subject: a subject's events are applied (and then analysed) in the order accepted.
      await enqueue(
        trx,
        ids.map((r) => ({
          kind: 'event.apply',
          payload: { eventId: Number(r.id) },
          partition: partitionOf(platform, r.subject_type, r.subject_id),
        })),
        clock,
      );
    }
  });
  const results = events.map((e) => ({
    id: e.id,
    status: inserted.has(e.id) ? ('accepted' as const) : ('duplicate' as const),
  }));
  return { accepted: inserted.size, duplicates: events.length - inserted.size, results };
}
