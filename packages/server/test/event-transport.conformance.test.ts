// One suite for both transports of event work: the embedded database queue and NATS JetStream (stream mode: the
// database keeps every event and the outbox, JetStream carries them to the workers). Each must keep a subject's events
// in order with several workers, redeliver what a crashed worker held (including an event whose effects it committed
// but never acknowledged), apply the effects of an event delivered twice only once, and park a poison event as a
// dead letter with its reason without holding up its subject's later events for ever. Run on both dialects; the
// stream needs the NATS server at 127.0.0.1:4222 (NATS_URL), with JetStream.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DIALECTS, testApp, silentLog, type TestApp } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker, type JobHandler } from '../src/queue/worker.ts';
import { claimJobs, releaseExpiredLeases, retryDeadJob } from '../src/queue/jobs.ts';
import { jobHandlers, streamEventHandlers } from '../src/service.ts';
import { partitionOf } from '../src/queue/partition.ts';
import { EventStream, consumerOf, eventIdsOf } from '../src/queue/stream/event-stream.ts';
import { StreamWorker, type EventHandlers } from '../src/queue/stream/consumer.ts';
import { fromJson } from '../src/util/json.ts';
import { analysisAudit } from './analysis-audit.ts';
import type { Config } from '../src/config.ts';

import pino from 'pino';
const DEBUG_LOG = process.env.TEST_LOG ? pino({ level: 'debug' }) : silentLog;
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Account events spread over `subjects` accounts; a subject's events are accepted in index order. */
function events(n: number, subjects: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    type: i < subjects ? 'account.created' : 'account.updated',
    occurred_at: new Date(Date.parse('2026-11-20T10:00:00Z') + i * 1000).toISOString(),
    account: { id: `${prefix}-u${i % subjects}`, username: `user_${i}`, display_name: `User ${i}` },
  }));
}

const eventId = async (ta: TestApp, externalId: string) =>
  Number(
    (
      await ta.ctx.db.kysely
        .selectFrom('events')
        .select('id')
        .where('external_id', '=', externalId)
        .executeTakeFirstOrThrow()
    ).id,
  );

/** Every stored event analysed or parked as a dead letter. */
async function settled(ta: TestApp): Promise<boolean> {
  const k = ta.ctx.db.kysely;
  const open = await k
    .selectFrom('events')
    .select('id')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('event_analyses').select('id').whereRef('event_analyses.event_id', '=', 'events.id'))),
    )
    .execute();
  if (!open.length) return true;
  const dead = new Set(
    (await k.selectFrom('jobs').select('payload').where('status', '=', 'dead').execute()).map(
      (j) => fromJson<{ eventId?: number }>(j.payload).eventId,
    ),
  );
  return open.every((o) => dead.has(Number(o.id)));
}

const wrapAnalyze = (h: JobHandler, poison?: (eventId: number) => boolean): JobHandler => {
  if (!poison) return h;
  const w: JobHandler = async (payload, ctx) => {
    if (poison(payload.eventId)) throw new Error('cannot analyse this event: malformed for the analysers');
    return h(payload, ctx);
  };
  w.prepare = h.prepare;
  return w;
};

interface RunOptions {
  workers: number;
  /** Events whose analysis always throws. */
  poison?: (eventId: number) => boolean;
}

/** What the suite needs from a transport. */
interface Transport {
  name: string;
  open(ta: TestApp): Promise<void>;
  close(): Promise<void>;
  /** Runs `workers` workers side by side until every stored event is analysed or parked. */
  run(ta: TestApp, o: RunOptions): Promise<{ workers: string[] }>;
  /** A worker takes the earliest waiting events, commits the first one's effects, and dies before acknowledging any. */
  crash(ta: TestApp): Promise<number>;
  /** Delivers an event once more (a redelivery after its effects were committed). */
  deliverAgain(ta: TestApp, eventId: number): Promise<void>;
}

const dbQueue: Transport = {
  name: 'database queue',
  async open() {},
  async close() {},
  async run(ta, o) {
    const base = jobHandlers(ta.ctx.cfg);
    const handlers = { ...base, 'event.analyze': wrapAnalyze(base['event.analyze']!, o.poison) };
    const workers = Array.from(
      { length: o.workers },
      (_, i) => new Worker({ db: ta.ctx.db, handlers, clock: ta.clock, log: silentLog, workerId: `db-${i}`, batch: 7 }),
    );
    for (let round = 0; round < 40; round++) {
      for (let n = 0; n < 10_000; n++)
        if (!(await Promise.all(workers.map((w) => w.runOnce()))).some((k) => k > 0)) break;
      if (await settled(ta)) return { workers: workers.map((_, i) => `db-${i}`) };
      ta.clock.advance(15 * 60_000); // past any retry's backoff
      await releaseExpiredLeases(ta.ctx.db.kysely, ta.clock);
    }
    throw new Error('the database queue did not settle');
  },
  async crash(ta) {
    const held = await claimJobs(ta.ctx.db.kysely, ta.ctx.db.dialect, {
      workerId: 'crashed',
      limit: 10,
      leaseMs: 5000,
      clock: ta.clock,
    });
    assert.ok(held.length > 0, 'the crashed worker held jobs');
    const first = held[0]!;
    await ta.ctx.db.kysely
      .transaction()
      .execute((trx) =>
        jobHandlers(ta.ctx.cfg)[first.kind]!(fromJson(first.payload), { trx, job: first, clock: ta.clock }),
      );
    ta.clock.advance(6000); // its leases end
    return held.length;
  },
  async deliverAgain(ta, id) {
    const ev = await ta.ctx.db.kysely.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const now = ta.clock.now().toISOString();
    for (const kind of ['event.apply', 'event.analyze']) {
      await ta.ctx.db.kysely
        .insertInto('jobs')
        .values({
          kind,
          payload: JSON.stringify({ eventId: id }),
          status: 'pending',
          attempts: 0,
          max_attempts: 3,
          run_at: now,
          created_at: now,
          partition: partitionOf(ev.platform, ev.subject_type, ev.subject_id),
        })
        .execute();
    }
  },
};

/** What the JetStream-only cases below need besides the shared suite. */
interface JetStreamTransport extends Transport {
  /** Publishes every stored event (runs the outbox). */
  publish(ta: TestApp): Promise<void>;
  /** A stream worker on a connection of its own (to be closed to simulate its death). */
  worker(ta: TestApp, id: string, handlers?: EventHandlers): Promise<{ worker: StreamWorker; stream: EventStream }>;
  partitions: number;
}

function jetStream(): JetStreamTransport {
  let cfg: Config['stream'];
  let publisherStream: EventStream;
  const publish = async (ta: TestApp) => {
    const w = new Worker({
      db: ta.ctx.db,
      handlers: jobHandlers(ta.ctx.cfg, undefined, undefined, publisherStream),
      clock: ta.clock,
      log: silentLog,
      workerId: 'publisher',
      batch: 50,
    });
    while ((await w.runOnce()) > 0);
  };
  return {
    name: 'NATS JetStream',
    publish,
    partitions: 16,
    async worker(ta, id, handlers = streamEventHandlers(ta.ctx.cfg)) {
      const stream = await EventStream.open(cfg);
      const worker = new StreamWorker({
        db: ta.ctx.db,
        stream,
        handlers,
        clock: ta.clock,
        log: DEBUG_LOG,
        workerId: id,
      });
      await worker.start();
      return { worker, stream };
    },
    async open(ta) {
      // A stream of its own per run (deleted at the end); a short ack wait so a crashed worker's events come back soon.
      cfg = {
        ...ta.ctx.cfg.stream,
        url: NATS_URL,
        name: `VIGIL_TEST_${randomBytes(5).toString('hex')}`,
        partitions: 16,
        ackWaitMs: 1500,
        maxAttempts: 3,
        retryBaseMs: 20,
      };
      publisherStream = await EventStream.open(cfg);
    },
    async close() {
      await publisherStream.destroy();
      await publisherStream.close();
    },
    async run(ta, o) {
      const base = streamEventHandlers(ta.ctx.cfg);
      const handlers = { apply: base.apply, analyze: wrapAnalyze(base.analyze, o.poison) };
      const streams = await Promise.all(Array.from({ length: o.workers }, () => EventStream.open(cfg)));
      const workers = streams.map(
        (stream, i) =>
          new StreamWorker({ db: ta.ctx.db, stream, handlers, clock: ta.clock, log: DEBUG_LOG, workerId: `js-${i}` }),
      );
      try {
        await Promise.all(workers.map((w) => w.start()));
        const deadline = Date.now() + 90_000;
        // Until every stored event is analysed or parked and the partitions hold nothing (all handed out and acknowledged).
        const empty = async () => (await publisherStream.lag()).every((l) => l.pending === 0 && l.ackPending === 0);
        for (;;) {
          await publish(ta); // the outbox: every stored event's `event.apply` job publishes it
          if ((await settled(ta)) && (await empty())) break;
          if (Date.now() > deadline)
            throw new Error(`the stream did not settle: ${JSON.stringify(await publisherStream.lag())}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
        await Promise.all(streams.map((s) => s.close()));
      }
      return { workers: workers.map((_, i) => `js-${i}`) };
    },
    async crash(ta) {
      await publish(ta);
      // A separate connection takes the first event of a few partitions, commits the first one's effects, and is gone.
      const dying = await EventStream.open(cfg);
      const evs = await ta.ctx.db.kysely
        .selectFrom('events')
        .selectAll()
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('event_analyses').select('id').whereRef('event_analyses.event_id', '=', 'events.id'))),
        )
        .orderBy('id')
        .execute();
      const parts = [
        ...new Set(evs.map((e) => partitionOf(e.platform, e.subject_type, e.subject_id, cfg.partitions))),
      ].slice(0, 4);
      let held = 0;
      const h = streamEventHandlers(ta.ctx.cfg);
      for (const p of parts) {
        const c = await dying.js.consumers.get(cfg.name, consumerOf(p));
        const m = await c.next({ expires: 2000 });
        if (!m) continue;
        if (held++ === 0) {
          const [eventId] = eventIdsOf(m.string()); // the message may carry several of the partition's events
          const job = {
            id: m.seq,
            kind: 'event.analyze',
            payload: m.string(),
            status: 'running' as const,
            attempts: 1,
            max_attempts: 3,
            run_at: '',
            locked_until: null,
            locked_by: 'crashed',
            last_error: null,
            created_at: '',
            finished_at: null,
            partition: p,
          };
          await ta.ctx.db.kysely.transaction().execute(async (trx) => {
            await h.apply({ eventId }, { trx, job, clock: ta.clock });
            await h.analyze({ eventId }, { trx, job, clock: ta.clock });
          });
        }
      }
      await dying.nc.close(); // no ack, no nak: like SIGKILL
      assert.ok(held > 0, 'the crashed worker held events');
      return held;
    },
    async deliverAgain(ta, id) {
      const ev = await ta.ctx.db.kysely.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      // A different message id: past JetStream's duplicate window, only the workers' idempotence stands in the way.
      await publisherStream.publish(
        id,
        partitionOf(ev.platform, ev.subject_type, ev.subject_id, cfg.partitions),
        `again-${randomBytes(6).toString('hex')}`,
      );
    },
  };
}

for (const transport of [dbQueue, jetStream()]) {
  for (const dialect of DIALECTS) {
    describe(`event transport conformance: ${transport.name} (${dialect})`, { timeout: 240_000 }, () => {
      let ta: TestApp;
      before(async () => {
        ta = await testApp(dialect);
        await transport.open(ta);
      });
      after(async () => {
        await transport.close();
        await ta.close();
      });

      it('analyses each event once, in order per subject, with three workers', async () => {
        await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(events(300, 12, 'order')), ta.clock);
        const { workers } = await transport.run(ta, { workers: 3 });
        assert.deepEqual(await analysisAudit(ta.ctx.db.kysely, 'order-'), {
          events: 300,
          lost: 0,
          duplicates: 0,
          outOfOrder: 0,
        });
        const by = new Set(
          (await ta.ctx.db.kysely.selectFrom('event_analyses').select('worker').distinct().execute()).map(
            (w) => w.worker,
          ),
        );
        assert.ok(workers.filter((w) => by.has(w)).length >= 2, `several workers analysed events (${[...by]})`);
      });

      it('redelivers what a crashed worker held, once, in order (its committed event is not analysed again)', async () => {
        await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(events(60, 6, 'crash')), ta.clock);
        const held = await transport.crash(ta);
        assert.ok(held >= 1);
        await transport.run(ta, { workers: 2 });
        assert.deepEqual(await analysisAudit(ta.ctx.db.kysely, 'crash-'), {
          events: 60,
          lost: 0,
          duplicates: 0,
          outOfOrder: 0,
        });
        // The crashed worker's committed event: one analysis, its state applied once.
        const acc = await ta.ctx.db.kysely
          .selectFrom('accounts')
          .select(['id', 'event_count'])
          .where('id', 'like', 'crash-u%')
          .execute();
        assert.deepEqual(acc.map((a) => a.event_count).sort(), [10, 10, 10, 10, 10, 10]);
      });

      it('does not repeat the effects of an event delivered again after it was analysed', async () => {
        await ingestEvents(
          ta.ctx.db.kysely,
          'default',
          validateEvents([
            {
              id: 'again-0',
              type: 'account.created',
              occurred_at: '2026-11-20T10:00:00Z',
              account: { id: 'again-u', username: 'cp_links_dm', display_name: 'Again', bio: 'trade links' },
            },
          ]),
          ta.clock,
        );
        await transport.run(ta, { workers: 1 });
        const id = await eventId(ta, 'again-0');
        const count = async () => ({
          analyses: (
            await ta.ctx.db.kysely.selectFrom('event_analyses').select('id').where('event_id', '=', id).execute()
          ).length,
          signals: (await ta.ctx.db.kysely.selectFrom('signals').select('id').where('event_id', '=', id).execute())
            .length,
          verdicts: (await ta.ctx.db.kysely.selectFrom('verdicts').select('id').where('event_id', '=', id).execute())
            .length,
          applied: (
            await ta.ctx.db.kysely
              .selectFrom('accounts')
              .select('event_count')
              .where('id', '=', 'again-u')
              .executeTakeFirstOrThrow()
          ).event_count,
        });
        const first = await count();
        assert.equal(first.analyses, 1);
        assert.equal(first.applied, 1);
        await transport.deliverAgain(ta, id);
        await transport.run(ta, { workers: 1 });
        assert.deepEqual(await count(), first);
      });

      it("parks a poison event as a dead letter with its reason, then runs its subject's later events in order", async () => {
        await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(events(6, 1, 'poison')), ta.clock);
        const poisonId = await eventId(ta, 'poison-2');
        await transport.run(ta, { workers: 2, poison: (id) => id === poisonId });
        const dead = (
          await ta.ctx.db.kysely
            .selectFrom('jobs')
            .select(['payload', 'last_error', 'attempts'])
            .where('status', '=', 'dead')
            .execute()
        ).filter((d) => fromJson<{ eventId?: number }>(d.payload).eventId === poisonId);
        assert.equal(dead.length, 1, 'one dead letter for the poison event');
        assert.match(dead[0]!.last_error!, /malformed for the analysers/);
        assert.ok(dead[0]!.attempts > 1, 'retried before it was parked');
        const analysed = await ta.ctx.db.kysely
          .selectFrom('event_analyses')
          .innerJoin('events', 'events.id', 'event_analyses.event_id')
          .select(['events.external_id'])
          .where('events.external_id', 'like', 'poison-%')
          .orderBy('event_analyses.id')
          .execute();
        assert.deepEqual(
          analysed.map((a) => a.external_id),
          ['poison-0', 'poison-1', 'poison-3', 'poison-4', 'poison-5'],
        );
        // Retried once what made it fail is gone (POST /v1/jobs/:id/retry): analysed once, after the others.
        const deadId = (
          await ta.ctx.db.kysely.selectFrom('jobs').select(['id', 'payload']).where('status', '=', 'dead').execute()
        ).find((d) => fromJson<{ eventId?: number }>(d.payload).eventId === poisonId)!.id;
        assert.ok(await retryDeadJob(ta.ctx.db.kysely, Number(deadId), ta.clock));
        await transport.run(ta, { workers: 1 });
        const after = await ta.ctx.db.kysely
          .selectFrom('event_analyses')
          .innerJoin('events', 'events.id', 'event_analyses.event_id')
          .select(['events.external_id'])
          .where('events.external_id', 'like', 'poison-%')
          .orderBy('event_analyses.id')
          .execute();
        assert.deepEqual(
          after.map((a) => a.external_id),
          ['poison-0', 'poison-1', 'poison-3', 'poison-4', 'poison-5', 'poison-2'],
        );
      });
    });
  }
}

/** Polls until `ok` holds (or fails after `ms`). */
async function until(ok: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// JetStream only: a worker works the partitions whose lease it holds (queue/stream/partition-lease.ts).
for (const dialect of DIALECTS) {
  describe(`JetStream partition leases (${dialect})`, { timeout: 240_000 }, () => {
    const js = jetStream();
    let ta: TestApp;
    before(async () => {
      ta = await testApp(dialect);
      await js.open(ta);
    });
    after(async () => {
      await js.close();
      await ta.close();
    });

    it("shares the partitions between the live workers, each holding its fair share, and takes a leaver's back", async () => {
      const ws = [await js.worker(ta, 'share-0'), await js.worker(ta, 'share-1')];
      const held = () => ws.map((w) => w.worker.partitions());
      const fair = (n: number) => {
        const h = held();
        const all = h.flat();
        return (
          all.length === js.partitions &&
          new Set(all).size === all.length &&
          h.every((x) => x.length <= Math.ceil(js.partitions / n))
        );
      };
      try {
        await until(() => fair(2), 20_000, `two workers to share the partitions (${JSON.stringify(held())})`);
        ws.push(await js.worker(ta, 'share-2'));
        await until(() => fair(3), 20_000, `three workers to share the partitions (${JSON.stringify(held())})`);
        assert.ok(
          held().every((h) => h.length > 0),
          'the newcomer got partitions',
        );
        const leaver = ws.shift()!;
        await leaver.worker.stop();
        await leaver.stream.close();
        await until(() => fair(2), 20_000, `the leaver's partitions to be taken (${JSON.stringify(held())})`);
      } finally {
        for (const w of ws) {
          await w.worker.stop();
          await w.stream.close();
        }
      }
    });

    it('analyses and applies an event delivered twice before it ran once, even within one batch', async () => {
      await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(events(3, 1, 'twice')), ta.clock);
      await js.publish(ta);
      // Two more copies of the middle event under other message ids (a publisher that retried another run of jobs).
      const id = await eventId(ta, 'twice-1');
      await js.deliverAgain(ta, id);
      await js.deliverAgain(ta, id);
      await js.run(ta, { workers: 1 });
      assert.deepEqual(await analysisAudit(ta.ctx.db.kysely, 'twice-'), {
        events: 3,
        lost: 0,
        duplicates: 0,
        outOfOrder: 0,
      });
      const acc = await ta.ctx.db.kysely
        .selectFrom('accounts')
        .select('event_count')
        .where('id', '=', 'twice-u0')
        .executeTakeFirstOrThrow();
      assert.equal(acc.event_count, 3);
    });

    it('takes over the partitions of a worker that died mid-batch; the batch it commits late is not analysed again', async () => {
      await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(events(120, 8, 'lease')), ta.clock);
      await js.publish(ta);
      // The doomed worker's first batch stops inside its transaction until released: a holder that stalls.
      let reached!: () => void;
      const inBatch = new Promise<void>((r) => (reached = r));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const base = streamEventHandlers(ta.ctx.cfg);
      const analyze: JobHandler = Object.assign(
        (payload: unknown, ctx: Parameters<JobHandler>[1]) => base.analyze(payload, ctx),
        {
          prepare: base.analyze.prepare,
          prepareBatch: base.analyze.prepareBatch,
          batch: async (...a: Parameters<NonNullable<JobHandler['batch']>>) => {
            reached();
            await gate;
            return base.analyze.batch!(...a);
          },
        },
      );
      const doomed = await js.worker(ta, 'doomed', { apply: base.apply, analyze });
      await inBatch;
      // Dead to the broker: no more renewals, no acknowledgements. It commits its batch a while later (a stalled holder).
      await doomed.stream.nc.close();
      const late = setTimeout(release, 2500);
      try {
        const { workers } = await js.run(ta, { workers: 1 });
        assert.deepEqual(await analysisAudit(ta.ctx.db.kysely, 'lease-'), {
          events: 120,
          lost: 0,
          duplicates: 0,
          outOfOrder: 0,
        });
        const by = new Set(
          (await ta.ctx.db.kysely.selectFrom('event_analyses').select('worker').distinct().execute()).map(
            (w) => w.worker,
          ),
        );
        assert.ok(by.has(workers[0]!), 'the surviving worker analysed events');
        const acc = await ta.ctx.db.kysely
          .selectFrom('accounts')
          .select('event_count')
          .where('id', 'like', 'lease-u%')
          .execute();
        assert.deepEqual(
          acc.map((a) => a.event_count),
          Array(8).fill(15),
        );
      } finally {
        clearTimeout(late);
        release();
        await doomed.worker.stop();
      }
    });
  });
}
