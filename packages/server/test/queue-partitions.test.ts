// The database queue's guarantees for event work, on both dialects: events about one subject are analysed in the
// order accepted however many workers run; a crashed worker's jobs are redelivered; effects are idempotent by event
// id; a poison event goes to the dead letters with its reason and stops holding up its subject's later events.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, testApp, silentLog, type TestApp } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker, type JobHandler } from '../src/queue/worker.ts';
import { claimJobs, releaseExpiredLeases } from '../src/queue/jobs.ts';
import { jobHandlers } from '../src/service.ts';
import { partitionOf } from '../src/queue/partition.ts';
import { analysisAudit } from './analysis-audit.ts';

/** Account events spread over `subjects` accounts; a subject's events are accepted in index order. */
function events(n: number, subjects: number, prefix = 'e') {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    type: i < subjects ? 'account.created' : 'account.updated',
    occurred_at: new Date(Date.parse('2026-11-20T10:00:00Z') + i * 1000).toISOString(),
    account: { id: `${prefix}-u${i % subjects}`, username: `user_${i}`, display_name: `User ${i}` },
  }));
}

const audit = async (ta: TestApp) => {
  const { lost, duplicates, outOfOrder } = await analysisAudit(ta.ctx.db.kysely);
  return { lost, duplicates, outOfOrder };
};

/** Runs the workers side by side until a round finds nothing to do (jobs waiting for a retry stay queued). */
async function drain(workers: Worker[]) {
  for (let rounds = 0; rounds < 10_000; rounds++) {
    if (!(await Promise.all(workers.map((w) => w.runOnce()))).some((n) => n > 0)) return;
  }
  throw new Error('queue did not drain');
}

for (const dialect of DIALECTS) {
  describe(
    `database queue: order per subject, redelivery, idempotence, dead letters (${dialect})`,
    { timeout: 180_000 },
    () => {
      let ta: TestApp;
      before(async () => {
        ta = await testApp(dialect);
        ta.clock.t = new Date('2026-11-20T12:00:00Z');
      });
      after(async () => ta.close());

      it("puts a subject's event jobs in one partition", async () => {
        assert.equal(partitionOf('default', 'account', 'u1'), partitionOf('default', 'account', 'u1'));
        const spread = new Set(Array.from({ length: 1000 }, (_, i) => partitionOf('default', 'account', `u${i}`)));
        assert.ok(spread.size > 50, `1,000 subjects use most of the 64 partitions (${spread.size})`);
      });

      it('analyses each event once, in order per subject, with four workers taking small batches concurrently', async () => {
        await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(events(400, 12, 'order')), ta.clock);
        const handlers = jobHandlers(ta.ctx.cfg);
        const workers = Array.from(
          { length: 4 },
          (_, i) =>
            new Worker({ db: ta.ctx.db, handlers, clock: ta.clock, log: silentLog, workerId: `w${i}`, batch: 7 }),
        );
        await drain(workers);
        assert.deepEqual(await audit(ta), { lost: 0, duplicates: 0, outOfOrder: 0 });
        // The workers really did share the work.
        const by = await ta.ctx.db.kysely.selectFrom('event_analyses').select('worker').distinct().execute();
        assert.ok(by.length >= 2, `several workers analysed events (${by.map((b) => b.worker)})`);
      });

      it('keeps the order of concurrent batches about the same subjects while workers run', async () => {
        const handlers = jobHandlers(ta.ctx.cfg);
        const workers = Array.from(
          { length: 2 },
          (_, i) =>
            new Worker({ db: ta.ctx.db, handlers, clock: ta.clock, log: silentLog, workerId: `c${i}`, batch: 5 }),
        );
        let sending = true;
        const running = (async () => {
          while (sending) await Promise.all(workers.map((w) => w.runOnce()));
        })();
        const all = events(400, 4, 'conc');
        await Promise.all(
          Array.from({ length: 40 }, (_, b) =>
            ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(all.slice(b * 10, b * 10 + 10)), ta.clock),
          ),
        );
        sending = false;
        await running;
        await drain(workers);
        assert.deepEqual(await audit(ta), { lost: 0, duplicates: 0, outOfOrder: 0 });
      });

      it('redelivers the jobs of a worker that died holding them, once its lease ends, still in order', async () => {
        await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(events(60, 3, 'crash')), ta.clock);
        const handlers = jobHandlers(ta.ctx.cfg);
        const w = new Worker({
          db: ta.ctx.db,
          handlers,
          clock: ta.clock,
          log: silentLog,
          workerId: 'survivor',
          batch: 5,
          leaseMs: 1000,
        });
        // A worker takes a batch of jobs and dies (SIGKILL: no completion, no release).
        const held = await claimJobs(ta.ctx.db.kysely, ta.ctx.db.dialect, {
          workerId: 'dead',
          limit: 10,
          leaseMs: 5000,
          clock: ta.clock,
        });
        assert.ok(held.length > 0);
        // Their partitions are blocked meanwhile: the survivor takes nothing of those subjects.
        await w.runOnce();
        const running = await ta.ctx.db.kysely
          .selectFrom('jobs')
          .select(['partition', 'locked_by'])
          .where('status', '=', 'running')
          .execute();
        assert.ok(
          running.every((r) => r.locked_by === 'dead'),
          "nothing else runs in the dead worker's partitions",
        );
        ta.clock.advance(6000);
        assert.ok((await releaseExpiredLeases(ta.ctx.db.kysely, ta.clock)) >= held.length);
        await drain([w]);
        assert.deepEqual(await audit(ta), { lost: 0, duplicates: 0, outOfOrder: 0 });
      });

      it('does not repeat the effects of an event analysed again (a redelivery after a commit)', async () => {
        const [one] = events(1, 1, 'again');
        const r = await ingestEvents(
          ta.ctx.db.kysely,
          'default',
          validateEvents([{ ...one!, account: { id: 'again-u', username: 'again', display_name: 'Again' } }]),
          ta.clock,
        );
        assert.equal(r.accepted, 1);
        const handlers = jobHandlers(ta.ctx.cfg);
        const w = new Worker({ db: ta.ctx.db, handlers, clock: ta.clock, log: silentLog, workerId: 'idem' });
        await drain([w]);
        const ev = await ta.ctx.db.kysely
          .selectFrom('events')
          .select('id')
          .where('external_id', '=', 'again-0')
          .executeTakeFirstOrThrow();
        const count = async () => ({
          analyses: (
            await ta.ctx.db.kysely
              .selectFrom('event_analyses')
              .select('id')
              .where('event_id', '=', Number(ev.id))
              .execute()
          ).length,
          signals: (
            await ta.ctx.db.kysely.selectFrom('signals').select('id').where('event_id', '=', Number(ev.id)).execute()
          ).length,
          verdicts: (
            await ta.ctx.db.kysely.selectFrom('verdicts').select('id').where('event_id', '=', Number(ev.id)).execute()
          ).length,
        });
        const first = await count();
        assert.equal(first.analyses, 1);
        await ta.ctx.db.kysely
          .insertInto('jobs')
          .values({
            kind: 'event.analyze',
            payload: JSON.stringify({ eventId: Number(ev.id) }),
            status: 'pending',
            attempts: 0,
            max_attempts: 3,
            run_at: ta.clock.now().toISOString(),
            created_at: ta.clock.now().toISOString(),
            partition: partitionOf('default', 'account', 'again-u'),
          })
          .execute();
        await drain([w]);
        assert.deepEqual(await count(), first);
      });

      it("parks a poison event as a dead letter with its reason, and then runs its subject's later events", async () => {
        const evs = events(6, 1, 'poison');
        await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(evs), ta.clock);
        const poisonId = Number(
          (
            await ta.ctx.db.kysely
              .selectFrom('events')
              .select('id')
              .where('external_id', '=', 'poison-2')
              .executeTakeFirstOrThrow()
          ).id,
        );
        const handlers = jobHandlers(ta.ctx.cfg);
        const analyse = handlers['event.analyze']!;
        const poisoned: JobHandler = async (payload, ctx) => {
          if (payload.eventId === poisonId) throw new Error('cannot analyse this event: malformed for the analysers');
          return analyse(payload, ctx);
        };
        const w = new Worker({
          db: ta.ctx.db,
          handlers: { ...handlers, 'event.analyze': poisoned },
          clock: ta.clock,
          log: silentLog,
          workerId: 'poison',
          batch: 10,
        });
        for (let i = 0; i < 12; i++) {
          await drain([w]);
          ta.clock.advance(15 * 60_000); // past any backoff
        }
        const dead = await ta.ctx.db.kysely
          .selectFrom('jobs')
          .select(['payload', 'last_error', 'attempts', 'max_attempts'])
          .where('status', '=', 'dead')
          .execute();
        assert.equal(dead.length, 1);
        assert.equal(JSON.parse(dead[0]!.payload).eventId, poisonId);
        assert.match(dead[0]!.last_error!, /malformed for the analysers/);
        assert.equal(dead[0]!.attempts, dead[0]!.max_attempts);
        // The subject's later events ran after the poison one was parked, in order.
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
      });
    },
  );
}
