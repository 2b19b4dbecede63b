// The `event.analyze` job: analysers → signals → rules → verdicts, in the job's transaction. The worker runs
// claimed analysis jobs together through `batch` (analyse-batch.ts); a job run alone is a batch of one.
import type { JobHandler } from '../queue/worker.ts';
import type { PlatformEvent } from '../ingest/index.ts';
import { fromJson } from '../util/json.ts';
import type { Analyser } from './signals.ts';
import { analyseBatch } from './analyse-batch.ts';
import { hashRemoteRefs, unhashedRefs } from '../media/index.ts';
import type { Config } from '../config.ts';
import { chunks } from '../util/chunks.ts';

export function analyzeEventHandler(analysers: Analyser[], media?: Config['media']): JobHandler {
  const handler: JobHandler = async ({ eventId }: { eventId: number }, { trx, clock, prepared, job }) => {
    const [r] = await analyseBatch(
      trx,
      [{ eventId, prepared, key: job.partition ?? undefined, worker: job.locked_by ?? '' }],
      { analysers, clock },
    );
    if (r?.status === 'failed') throw r.error;
  };
  handler.batch = (jobs, { trx, clock, workerId }) =>
    analyseBatch(
      trx,
      jobs.map((j) => ({
        eventId: Number(j.payload?.eventId),
        prepared: j.prepared,
        key: j.job.partition ?? `job:${j.job.id}`,
        worker: j.job.locked_by ?? workerId,
      })),
      { analysers, clock },
    );
  if (media?.hashRemote) {
    handler.prepare = async ({ eventId }: { eventId: number }, { db }) => {
      const row = await db.selectFrom('events').select('payload').where('id', '=', eventId).executeTakeFirst();
      return row ? hashRemoteRefs(fromJson<PlatformEvent>(row.payload), media) : {};
    };
    // One read for the batch; only events that give media by URL alone are fetched.
    handler.prepareBatch = async (jobs, { db }) => {
      const ids = jobs.map((j) => Number(j.payload?.eventId)).filter(Number.isSafeInteger);
      const payloads = new Map<number, string>();
      for (const part of chunks(ids, 500)) {
        for (const r of await db.selectFrom('events').select(['id', 'payload']).where('id', 'in', part).execute())
          payloads.set(Number(r.id), r.payload);
      }
      const out = [];
      for (const j of jobs) {
        const payload = payloads.get(Number(j.payload?.eventId));
        try {
          const event = payload ? fromJson<PlatformEvent>(payload) : undefined;
          out.push({ value: event && unhashedRefs(event).length ? await hashRemoteRefs(event, media) : {} });
        } catch (error) {
          out.push({ error });
        }
      }
      return out;
    };
  }
  return handler;
}
