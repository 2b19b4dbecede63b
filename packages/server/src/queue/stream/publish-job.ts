// With a stream, the `event.apply` job that ingest commits together with each event is the outbox entry: running it
// publishes the event to its partition. The database queue gives the publisher what it needs: a job outlives a server
// that died between commit and publish, one partition's jobs run one at a time in id order (so the stream keeps each
// subject's order), and a failed publish is retried with backoff while the partition's later events wait behind it.
// A publish repeated after a crash (published, but the job not yet marked done) carries the same message id, which
// JetStream drops within its duplicate window; past it, the consumer's idempotence by event id makes it harmless.
import type { Kysely } from 'kysely';
import type { Database, Job } from '../../db/schema.ts';
import type { ItemOutcome, JobHandler } from '../worker.ts';
import { partitionOf, DEFAULT_PARTITIONS } from '../partition.ts';
import { MAX_EVENTS_PER_MESSAGE, messageIdOf, type EventStream } from './event-stream.ts';

export function publishEventHandler(stream: EventStream): JobHandler {
  const handler: JobHandler = async ({ eventId }: { eventId: number }, { trx, job }) => {
    const [partition] = await partitionsOf(trx, stream, [{ job, eventId }]);
    await stream.publish(eventId, partition!, messageIdOf(stream.cfg.name, [job.id]));
  };
  // A claimed batch: each partition's events go out in job order as one message (several when there are more than a
  // message carries, each waiting for JetStream's acknowledgement before the next), partitions side by side. A message
  // is stored whole or not at all, so a failed publish never leaves a later event of the partition ahead of an earlier.
  handler.batch = async (jobs, { trx }) => {
    const items = jobs.map((j) => ({ job: j.job, eventId: Number(j.payload?.eventId) }));
    const parts = await partitionsOf(trx, stream, items);
    const out: ItemOutcome[] = items.map(() => ({ status: 'done' }));
    const chains = new Map<number, number[]>();
    parts.forEach((p, i) => chains.set(p, [...(chains.get(p) ?? []), i]));
    await Promise.all(
      [...chains.entries()].map(async ([p, chain]) => {
        for (let k = 0; k < chain.length; k += MAX_EVENTS_PER_MESSAGE) {
          const run = chain.slice(k, k + MAX_EVENTS_PER_MESSAGE);
          try {
            await stream.publish(
              run.map((i) => items[i]!.eventId),
              p,
              messageIdOf(
                stream.cfg.name,
                run.map((i) => items[i]!.job.id),
              ),
            );
          } catch (error) {
            out[run[0]!] = { status: 'failed', error };
            for (const later of chain.slice(k + 1)) out[later] = { status: 'blocked' };
            return;
          }
        }
      }),
    );
    return out;
  };
  return handler;
}

/** The stream partition of each job's event: the job's own partition when the stream has the queue's 64, else hashed anew. */
async function partitionsOf(
  trx: Kysely<Database>,
  stream: EventStream,
  items: { job: Job; eventId: number }[],
): Promise<number[]> {
  if (stream.cfg.partitions === DEFAULT_PARTITIONS && items.every((i) => i.job.partition != null))
    return items.map((i) => i.job.partition!);
  const rows = new Map<number, { platform: string; subject_type: string; subject_id: string }>();
  const ids = items.map((i) => i.eventId).filter(Number.isSafeInteger);
  for (let k = 0; k < ids.length; k += 500) {
    for (const r of await trx
      .selectFrom('events')
      .select(['id', 'platform', 'subject_type', 'subject_id'])
      .where('id', 'in', ids.slice(k, k + 500))
      .execute())
      rows.set(Number(r.id), r);
  }
  return items.map((i) => {
    const row = rows.get(i.eventId);
    if (!row) throw new Error(`event ${i.eventId} not found`);
    return partitionOf(row.platform, row.subject_type, row.subject_id, stream.cfg.partitions);
  });
}
