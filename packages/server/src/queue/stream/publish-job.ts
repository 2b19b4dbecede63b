// With a stream, the `event.apply` job that ingest commits together with each event is the outbox entry: running it
// publishes the event to its partition. The database queue gives the publisher what it needs: a job outlives a server
// that died between commit and publish, one partition's jobs run one at a time in id order (so the stream keeps each
// subject's order), and a failed publish is retried with backoff while the partition's later events wait behind it.
// A publish repeated after a crash (published, but the job not yet marked done) carries the same message id, which
// JetStream drops within its duplicate window; past it, the consumer's idempotence by event id makes it harmless.
import type { JobHandler } from '../worker.ts';
import { partitionOf, DEFAULT_PARTITIONS } from '../partition.ts';
import { messageIdOf, type EventStream } from './event-stream.ts';

export function publishEventHandler(stream: EventStream): JobHandler {
  return async ({ eventId }: { eventId: number }, { trx, job }) => {
    let partition = job.partition;
    if (partition == null || stream.cfg.partitions !== DEFAULT_PARTITIONS) {
      const row = await trx.selectFrom('events').select(['platform', 'subject_type', 'subject_id']).where('id', '=', eventId).executeTakeFirst();
      if (!row) throw new Error(`event ${eventId} not found`);
      partition = partitionOf(row.platform, row.subject_type, row.subject_id, stream.cfg.partitions);
    }
    await stream.publish(eventId, partition, messageIdOf(stream.cfg.name, job.id));
  };
}
