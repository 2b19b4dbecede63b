// Partition leases for the stream workers. A worker that holds a partition's lease is the only one pulling from that
// partition's consumer, so it may hold many of the partition's events at once and run them as one batch. Leases live in
// a small JetStream stream of their own (`<name>_LEASES`, one message kept per subject, as in a KV bucket): every change
// is a publish that expects the subject's sequence the writer last saw (compare-and-set), so two workers can never
// both take a partition. A lease runs out `leaseMs` after its last renewal (wall clock: keep the machines' clocks in
// sync to well under a quarter of it). Workers also publish a heartbeat, so each knows how many are alive and takes
// its fair share, ⌈partitions / live workers⌉.
import { JetStreamApiError, RetentionPolicy, StorageType, DiscardPolicy } from '@nats-io/jetstream';
import type { EventStream } from './event-stream.ts';
import { ensureStream } from './ensure-stream.ts';

/** What a partition's lease subject holds. `owner` null: released cleanly (every event it pulled was settled). */
export interface Lease {
  owner: string | null;
  /** Epoch ms after which another worker may take the partition. */
  until: number;
  /** The partition's first event when it was last taken over from a worker that stopped holding it, and how many
   *  takeovers in a row found that same event first (an event that kills its worker every time). */
  stuck?: { seq: number; takeovers: number };
}

export interface LeaseView {
  /** Workers whose heartbeat has not run out, this one included. */
  workers: number;
  /** Partition → its lease and the sequence to expect when replacing it. */
  partitions: Map<number, { seq: number; lease: Lease }>;
}

interface Held {
  seq: number;
  until: number;
  stuck?: Lease['stuck'];
}

const WRONG_LAST_SEQUENCE = 10071;

export class PartitionLeases {
  private readonly held = new Map<number, Held>();
  private readonly chains = new Map<number, Promise<unknown>>();
  private readonly bucket: string;

  private constructor(
    private readonly stream: EventStream,
    readonly workerId: string,
    readonly leaseMs: number,
    private readonly now: () => number,
  ) {
    this.bucket = leaseStreamOf(stream.cfg.name);
  }

  static async open(
    stream: EventStream,
    workerId: string,
    leaseMs: number,
    now = () => Date.now(),
  ): Promise<PartitionLeases> {
    const l = new PartitionLeases(stream, workerId, leaseMs, now);
    await l.ensure();
    return l;
  }

  private async ensure(): Promise<void> {
    await ensureStream(this.stream.jsm, {
      name: this.bucket,
      subjects: [`${this.bucket}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_msgs_per_subject: 1,
      num_replicas: this.stream.cfg.replicas,
    });
  }

  private partitionSubject(p: number): string {
    return `${this.bucket}.p.${p}`;
  }

  private workerSubject(id = this.workerId): string {
    return `${this.bucket}.w.${Buffer.from(id).toString('base64url')}`;
  }

  /** Tells the other workers this one is alive (until one lease period from now). */
  async heartbeat(): Promise<void> {
    await this.stream.js.publish(this.workerSubject(), JSON.stringify({ until: this.now() + this.leaseMs }));
  }

  /** Every partition's lease and the number of live workers. Heartbeats of workers gone long ago are removed. */
  async read(): Promise<LeaseView> {
    const { jsm } = this.stream;
    const info = await jsm.streams.info(this.bucket, { subjects_filter: `${this.bucket}.>` });
    const subjects = Object.keys(info.state.subjects ?? {});
    const now = this.now();
    let workers = 0;
    const partitions = new Map<number, { seq: number; lease: Lease }>();
    await Promise.all(
      subjects.map(async (subject) => {
        const m = await jsm.streams.getMessage(this.bucket, { last_by_subj: subject });
        if (!m) return;
        const rest = subject.slice(this.bucket.length + 1);
        const value = m.json<Lease>();
        if (rest.startsWith('w.')) {
          if (value.until > now) workers++;
          else if (value.until < now - 10 * this.leaseMs)
            await jsm.streams.purge(this.bucket, { filter: subject }).catch(() => {});
        } else if (rest.startsWith('p.')) partitions.set(Number(rest.slice(2)), { seq: m.seq, lease: value });
      }),
    );
    return { workers: Math.max(1, workers), partitions };
  }

  /** Takes a partition whose lease is free or has run out, if no one changed it since `seenSeq` (0: never leased). */
  acquire(p: number, seenSeq: number, stuck?: Lease['stuck']): Promise<boolean> {
    return this.serial(p, () => this.write(p, seenSeq, stuck));
  }

  /** Extends a held lease; false when another worker took it meanwhile (this worker must stop working it). */
  renew(p: number): Promise<boolean> {
    return this.serial(p, async () => {
      const h = this.held.get(p);
      if (!h) return true; // given back meanwhile: nothing to renew
      const ok = await this.write(p, h.seq, h.stuck);
      if (!ok) this.held.delete(p);
      return ok;
    });
  }

  /** Changes what the next renewal records about the partition's stuck first event. */
  setStuck(p: number, stuck: Lease['stuck']): void {
    const h = this.held.get(p);
    if (h) h.stuck = stuck;
  }

  /** Gives a partition back cleanly (its events settled), so another worker may take it at once. */
  release(p: number): Promise<void> {
    return this.serial(p, async () => {
      const h = this.held.get(p);
      if (!h) return;
      this.held.delete(p);
      await this.put(p, { owner: null, until: 0 }, h.seq).catch(() => false);
    });
  }

  /** Forgets a partition without writing (its lease was taken by another worker). */
  forget(p: number): void {
    this.held.delete(p);
  }

  /**
   * True while the lease is held with a margin: a quarter of the lease before it runs out, the owner stops starting
   * work on the partition, so it stops before anyone else may take it (another worker waits for the full period).
   */
  valid(p: number): boolean {
    const h = this.held.get(p);
    return !!h && this.now() < h.until - this.leaseMs / 4;
  }

  owned(): number[] {
    return [...this.held.keys()];
  }

  /** Removes this worker's heartbeat (it is stopping), so the others count one worker fewer at once. */
  async leave(): Promise<void> {
    await this.stream.jsm.streams.purge(this.bucket, { filter: this.workerSubject() }).catch(() => {});
  }

  /** One lease write at a time per partition: a renewal racing a release would otherwise expect a stale sequence. */
  private serial<T>(p: number, f: () => Promise<T>): Promise<T> {
    const next = (this.chains.get(p) ?? Promise.resolve()).then(() => f());
    const tail = next.catch(() => {});
    this.chains.set(p, tail);
    void tail.then(() => this.chains.get(p) === tail && this.chains.delete(p));
    return next;
  }

  private async write(p: number, expect: number, stuck: Lease['stuck']): Promise<boolean> {
    const until = this.now() + this.leaseMs;
    const lease: Lease = { owner: this.workerId, until, ...(stuck ? { stuck } : {}) };
    const seq = await this.put(p, lease, expect);
    if (seq === false) return false;
    this.held.set(p, { seq, until, stuck });
    return true;
  }

  private async put(p: number, lease: Lease, expect: number): Promise<number | false> {
    try {
      const ack = await this.stream.js.publish(this.partitionSubject(p), JSON.stringify(lease), {
        expect: { lastSubjectSequence: expect },
        timeout: 10_000,
      });
      return ack.seq;
    } catch (e) {
      if (e instanceof JetStreamApiError && e.code === WRONG_LAST_SEQUENCE) return false;
      throw e;
    }
  }
}

export const leaseStreamOf = (name: string) => `${name}_LEASES`;
