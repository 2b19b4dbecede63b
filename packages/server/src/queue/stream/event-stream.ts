// The JetStream side of event work: one stream, subjects `<name>.<partition>`, and one durable pull consumer per
// partition that hands out one event at a time (max_ack_pending 1), so a partition is worked by one worker at a time
// and a subject's events are processed in the order they were published, however many worker processes pull.
// Retention is work-queue: an acknowledged event leaves the stream (the database keeps the record of truth).
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
} from '@nats-io/jetstream';
import type { Config } from '../../config.ts';

export type StreamConfig = Config['stream'];

export const subjectOf = (name: string, partition: number) => `${name}.${partition}`;
export const consumerOf = (partition: number) => `p${partition}`;
/** The message id JetStream deduplicates on: one per outbox job, so a publish repeated after a crash is dropped. */
export const messageIdOf = (name: string, jobId: number) => `${name}:job:${jobId}`;

export interface StreamMessage {
  eventId: number;
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
    try {
      await this.jsm.streams.add(want);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const info = await this.jsm.streams.info(name);
      if (info.config.duplicate_window !== want.duplicate_window)
        await this.jsm.streams.update(name, { duplicate_window: want.duplicate_window });
    }
    await Promise.all(Array.from({ length: partitions }, (_, p) => this.ensureConsumer(p)));
  }

  private async ensureConsumer(p: number): Promise<void> {
    const c: Partial<ConsumerConfig> = {
      durable_name: consumerOf(p),
      filter_subject: subjectOf(this.cfg.name, p),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.cfg.ackWaitMs),
      // One event of a partition in flight across all workers: the next is delivered only once it is acknowledged,
      // and an unacknowledged one is redelivered first, so order per subject holds through crashes.
      max_ack_pending: 1,
      max_deliver: -1, // the worker parks an event that keeps failing (dead letters); the broker never drops one
    };
    try {
      await this.jsm.consumers.add(this.cfg.name, c);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      await this.jsm.consumers.update(this.cfg.name, consumerOf(p), { ack_wait: c.ack_wait, max_ack_pending: 1, max_deliver: -1 });
    }
  }

  /** Publishes one stored event to its partition and waits until JetStream has stored it. */
  async publish(eventId: number, partition: number, msgId: string): Promise<{ duplicate: boolean; seq: number }> {
    const body: StreamMessage = { eventId };
    const ack = await this.js.publish(subjectOf(this.cfg.name, partition), JSON.stringify(body), { msgID: msgId, timeout: 10_000 });
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
