// The JetStream side of event work: one stream, subjects `<name>.<partition>`, and one durable pull consumer per
// partition. One worker at a time pulls from a partition's consumer, the holder of its lease (partition-lease.ts), so
// the consumer may hand out many events at once (max_ack_pending PARTITION_IN_FLIGHT) and a subject's events are still
// processed in the order they were published. Retention is work-queue: an acknowledged event leaves the stream (the
// database keeps the record of truth), so a consumer created anew starts at the partition's first unsettled event.
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type MsgRequest,
} from '@nats-io/jetstream';
import type { Config } from '../../config.ts';
import { leaseStreamOf } from './partition-lease.ts';
import { ensureStream } from './ensure-stream.ts';

export type StreamConfig = Config['stream'];

const subjectOf = (name: string, partition: number) => `${name}.${partition}`;
export const consumerOf = (partition: number) => `p${partition}`;
/**
 * The message id JetStream deduplicates on, from the outbox jobs a message carries, so a publish repeated after a crash
 * is dropped. (A repeat that carries a different run of jobs gets through; the workers' idempotence makes it harmless.)
 */
export const messageIdOf = (name: string, jobIds: number[]) =>
  jobIds.length === 1 ? `${name}:job:${jobIds[0]}` : `${name}:jobs:${jobIds[0]}-${jobIds.at(-1)}:${jobIds.length}`;

/** Most events in one stream message. */
export const MAX_EVENTS_PER_MESSAGE = 500;

/** Messages of one partition handed to its lease holder and not yet acknowledged, at most. */
export const PARTITION_IN_FLIGHT = 256;

/**
 * The consumers' ack wait: several lease periods (`ackWaitMs` is the lease). A dead holder's events come back through
 * the takeover (a fresh consumer), not through the ack wait, so it only bounds how long a live holder may keep an event
 * without telling the broker it is still working on it; long, so few such messages are needed for many held events.
 */
export const consumerAckWaitMs = (cfg: { ackWaitMs: number }) => 4 * cfg.ackWaitMs;

/** A stream message: one event, or several of one partition in order (one publish for a claimed run of them). */
export type StreamMessage = { eventId: number } | { eventIds: number[] };

/** The events a message carries, in order; throws when it is not a well-formed StreamMessage. */
export function eventIdsOf(body: string): number[] {
  const m = JSON.parse(body) as { eventId?: unknown; eventIds?: unknown };
  const ids = Array.isArray(m.eventIds) ? m.eventIds : [m.eventId];
  if (!ids.length || !ids.every((id) => Number.isSafeInteger(id) && (id as number) > 0))
    throw new Error('no positive integer eventId');
  return ids as number[];
}

export class EventStream {
  private constructor(
    readonly cfg: StreamConfig & { url: string },
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
  ) {}

  get url(): string {
    return this.cfg.url;
  }

  /** Connects and makes sure the stream and its partition consumers exist with this configuration. */
  static async open(cfg: StreamConfig, o: { name?: string } = {}): Promise<EventStream> {
    if (!cfg.url) throw new Error('stream.url is not configured');
    const nc = await connect({ servers: cfg.url.split(','), name: o.name ?? 'vigil', maxReconnectAttempts: -1 });
    try {
      const jsm = await jetstreamManager(nc, { timeout: 10_000 });
      const es = new EventStream({ ...cfg, url: cfg.url }, nc, jetstream(nc, { timeout: 10_000 }), jsm);
      await es.ensure();
      return es;
    } catch (e) {
      await nc.close().catch(() => {});
      throw new Error(`stream ${cfg.url}: ${(e as Error).message}`);
    }
  }

  private async ensure(): Promise<void> {
    const { name, partitions, replicas, duplicateWindowMs } = this.cfg;
    const want = {
      name,
      subjects: [`${name}.*`],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      num_replicas: replicas,
      duplicate_window: nanos(duplicateWindowMs),
    };
    const { created, info } = await ensureStream(this.jsm, want);
    if (!created && info.config.duplicate_window !== want.duplicate_window)
      await this.jsm.streams.update(name, { duplicate_window: want.duplicate_window });
    await Promise.all(Array.from({ length: partitions }, (_, p) => this.ensureConsumer(p)));
  }

  private consumerConfig(p: number): Partial<ConsumerConfig> {
    return {
      durable_name: consumerOf(p),
      filter_subject: subjectOf(this.cfg.name, p),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(consumerAckWaitMs(this.cfg)),
      // Only the lease holder pulls, so many events may be in flight; a new holder recreates the consumer (below).
      max_ack_pending: PARTITION_IN_FLIGHT,
      max_deliver: -1, // the worker parks an event that keeps failing (dead letters); the broker never drops one
    };
  }

  private async ensureConsumer(p: number): Promise<void> {
    const c = this.consumerConfig(p);
    try {
      await this.jsm.consumers.add(this.cfg.name, c);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      await this.jsm.consumers.update(this.cfg.name, consumerOf(p), {
        ack_wait: c.ack_wait,
        max_ack_pending: c.max_ack_pending,
        max_deliver: -1,
      });
    }
  }

  /**
   * Recreates a partition's consumer, so it delivers from the partition's first unacknowledged event, in order. A new
   * lease holder does this first: events its predecessor held unacknowledged (it died or stalled) come back at once and
   * before any later one, instead of after the ack wait and behind later events. Pull requests the predecessor left
   * open end with the old consumer.
   */
  async resetConsumer(p: number): Promise<void> {
    await this.jsm.consumers.delete(this.cfg.name, consumerOf(p)).catch((e) => {
      if (!(e instanceof JetStreamApiError && e.code === 10014)) throw e; // 10014: no such consumer
    });
    await this.jsm.consumers.add(this.cfg.name, this.consumerConfig(p)).catch((e) => {
      if (!isAlreadyExists(e)) throw e; // another process's start-up created it anew: the same fresh consumer
    });
  }

  /** The partition's first event still in the stream (not yet acknowledged), if any. */
  async head(p: number): Promise<{ seq: number; body: string } | null> {
    // next_by_subj: the first message at or after `seq` on the subject (NATS 2.9; the client's type omits it).
    const q = { seq: 1, next_by_subj: subjectOf(this.cfg.name, p) } as unknown as MsgRequest;
    const m = await this.jsm.streams.getMessage(this.cfg.name, q);
    return m ? { seq: m.seq, body: m.string() } : null;
  }

  /** Removes a settled event from the stream by its sequence (a dead letter now holds it). */
  async remove(seq: number): Promise<void> {
    await this.jsm.streams.deleteMessage(this.cfg.name, seq, false);
  }

  /** Deletes the stream and its lease stream (tests and benchmarks that made their own). */
  async destroy(): Promise<void> {
    await this.jsm.streams.delete(this.cfg.name).catch(() => {});
    await this.jsm.streams.delete(leaseStreamOf(this.cfg.name)).catch(() => {});
  }

  /** Publishes stored events of one partition, in order, as one message, and waits until JetStream has stored it. */
  async publish(
    eventIds: number | number[],
    partition: number,
    msgId: string,
  ): Promise<{ duplicate: boolean; seq: number }> {
    const ids = typeof eventIds === 'number' ? [eventIds] : eventIds;
    if (!ids.length || ids.length > MAX_EVENTS_PER_MESSAGE)
      throw new Error(`a stream message carries 1 to ${MAX_EVENTS_PER_MESSAGE} events`);
    const body: StreamMessage = ids.length === 1 ? { eventId: ids[0]! } : { eventIds: ids };
    const ack = await this.js.publish(subjectOf(this.cfg.name, partition), JSON.stringify(body), {
      msgID: msgId,
      timeout: 10_000,
    });
    return { duplicate: ack.duplicate, seq: ack.seq };
  }

  /** For /readyz: the connection round-trips and the stream answers. */
  async ping(): Promise<void> {
    await this.nc.flush();
    await this.jsm.streams.info(this.cfg.name);
  }

  /** Per partition: events not yet delivered, and delivered but not yet acknowledged. */
  async lag(): Promise<{ partition: number; pending: number; ackPending: number }[]> {
    const out: { partition: number; pending: number; ackPending: number }[] = [];
    for await (const ci of this.jsm.consumers.list(this.cfg.name)) {
      const m = /^p(\d+)$/.exec(ci.name);
      if (m) out.push({ partition: Number(m[1]), pending: ci.num_pending, ackPending: ci.num_ack_pending });
    }
    return out.sort((a, b) => a.partition - b.partition);
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }
}

function isAlreadyExists(e: unknown): boolean {
  return e instanceof JetStreamApiError
    ? /already (in use|exists)/i.test(e.message) || e.code === 10058 || e.code === 10148
    : /already (in use|exists)/i.test(String(e));
}
