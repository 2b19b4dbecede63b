// Decision effects as subscribers (review/effects.ts): a decision commits on its own; banks, legal and flags each
// apply their part later, in their own transaction, once — and one failing subscriber retries alone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, testApp, staffSession, silentLog, type TestApp, type StaffSession } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker, type JobHandler } from '../src/queue/worker.ts';
import { jobHandlers, reviewSubscribers } from '../src/service.ts';
import { ensureDefaultRules } from '../src/detect/rules-store.ts';
import { addEntries, createBank } from '../src/media/banks.ts';
import { CLAIM_SUBSCRIBERS, DECISION_SUBSCRIBERS } from '../src/review/index.ts';

const LISTED = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const AVATAR = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23'; // 1 bit away

for (const dialect of DIALECTS) {
  describe(`decision effects as subscribers (${dialect})`, () => {
    let ta: TestApp;
    let rev: StaffSession;
    let flagKey = '';
    const run = async (handlers: Record<string, JobHandler>) => {
      const w = new Worker({ db: ta.ctx.db, handlers, clock: ta.clock, log: silentLog, workerId: 'w' });
      while ((await w.runOnce()) > 0);
    };
    const post = (url: string, payload: object = {}) =>
      ta.app.inject({ method: 'POST', url, headers: { cookie: rev.cookie, 'x-csrf-token': rev.csrf }, payload });
    const effects = async () => {
      const k = ta.ctx.db.kysely;
      return {
        confirmed: (
          await k
            .selectFrom('bank_entries')
            .innerJoin('banks', 'banks.id', 'bank_entries.bank_id')
            .select('value')
            .where('banks.name', '=', 'CONFIRMED')
            .execute()
        ).map((r) => r.value),
        holds: (await k.selectFrom('legal_holds').select('subject_id').execute()).length,
        drafts: (await k.selectFrom('ncmec_reports').select('id').execute()).length,
        legalItems: (await k.selectFrom('case_items').select('id').where('queue', '=', 'legal-reports').execute())
          .length,
        flags: (await k.selectFrom('flags').select('status').execute()).map((f) => f.status),
      };
    };

    before(async () => {
      ta = await testApp(dialect);
      await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
      rev = await staffSession(ta, 'reviewer');
      await createBank(ta.ctx.db.kysely, { name: 'KNOWN_TEST', kind: 'block' }, 'test', ta.clock);
      await addEntries(ta.ctx.db.kysely, 'KNOWN_TEST', [{ signal_type: 'pdq', value: LISTED }], 'test', ta.clock);
      const now = ta.clock.now().toISOString();
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'e1',
            type: 'account.created',
            occurred_at: now,
            account: { id: 'acc-x', username: 'x1', avatar: { pdq: AVATAR } },
          },
        ]),
        ta.clock,
      );
      await run(jobHandlers(ta.ctx.cfg));
      const admin = await staffSession(ta, 'admin');
      const as = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
      const org = await ta.app.inject({
        method: 'POST',
        url: '/v1/flagger-orgs',
        headers: as,
        payload: { name: 'Hotline A', kind: 'hotline' },
      });
      flagKey = (
        await ta.app.inject({
          method: 'POST',
          url: `/v1/flagger-orgs/${org.json().id}/keys`,
          headers: as,
          payload: { name: 'api' },
        })
      ).json().key;
    });
    after(async () => ta?.close());

    it('every subscriber the review module names has a handler, and an unknown name fails loudly', async () => {
      const h = reviewSubscribers(ta.ctx.cfg);
      const trx = ta.ctx.db.kysely;
      for (const subscriber of DECISION_SUBSCRIBERS) {
        // A not_violating decision about nobody: each handler runs and finds nothing to do (no bank hashes, no report, no flags).
        await h['decision.recorded']!(
          {
            subscriber,
            case_id: 0,
            item_ids: [0],
            decision: 'not_violating',
            reason: 'x',
            decided_by: 0,
            decided_at: '',
            subject: { platform: 'default', type: 'account', id: 'nobody' },
            allowlist: false,
            incident_type: null,
          },
          { trx, job: {} as never, clock: ta.clock },
        );
      }
      for (const subscriber of CLAIM_SUBSCRIBERS)
        await h['case.claimed']!(
          { subscriber, case_id: 0, item_ids: [0], claimed_by: 0 },
          { trx, job: {} as never, clock: ta.clock },
        );
      await assert.rejects(
        h['decision.recorded']!({ subscriber: 'nobody' }, { trx, job: {} as never, clock: ta.clock }),
        /no handler for subscriber "nobody"/,
      );
    });

    it('the decision commits alone; a failing legal subscriber retries without undoing banks or flags; each effect happens once', async () => {
      const task = (
        await ta.app.inject({ method: 'GET', url: '/v1/tasks?queue=known-media', headers: { cookie: rev.cookie } })
      )
        .json()
        .tasks.find((t: { subject_id: string }) => t.subject_id === 'acc-x');
      assert.ok(task, 'the listed avatar opened a case');
      // An outside flag about the same account joins the case, so the flags subscriber has work too.
      const flag = await ta.app.inject({
        method: 'POST',
        url: '/v1/flags',
        headers: { authorization: `Bearer ${flagKey}` },
        payload: { subject: { kind: 'account_id', value: 'acc-x' }, category: 'csam' },
      });
      assert.ok(flag.statusCode < 300, flag.body);
      assert.equal((await post(`/v1/tasks/${task.id}/claim`)).statusCode, 200);
      const d = await post(`/v1/tasks/${task.id}/decision`, {
        decision: 'apparent_csam',
        reason: 'matches known material',
      });
      assert.equal(d.statusCode, 200, d.body);
      assert.deepEqual(
        await effects(),
        { confirmed: [], holds: 0, drafts: 0, legalItems: 0, flags: ['received'] },
        'nothing beyond review is written in the decision',
      );
      const queued = await ta.ctx.db.kysely
        .selectFrom('jobs')
        .select(['kind', 'payload'])
        .where('kind', 'in', ['decision.recorded', 'case.claimed'])
        .execute();
      assert.deepEqual(queued.map((j) => `${j.kind}:${JSON.parse(j.payload).subscriber}`).sort(), [
        'case.claimed:flags',
        'decision.recorded:banks',
        'decision.recorded:flags',
        'decision.recorded:legal',
      ]);

      // Legal fails (its service is down, say): banks and flags still apply, the decision stands, legal's job waits to retry.
      const real = jobHandlers(ta.ctx.cfg);
      const legalDown: JobHandler = async (p, ctx) => {
        if (p.subscriber === 'legal') throw new Error('legal is down');
        return real['decision.recorded']!(p, ctx);
      };
      await run({ ...real, 'decision.recorded': legalDown });
      let e = await effects();
      assert.deepEqual([e.confirmed, e.holds, e.drafts, e.legalItems, e.flags], [[AVATAR], 0, 0, 0, ['actioned']]);
      const legalJob = await ta.ctx.db.kysely
        .selectFrom('jobs')
        .select(['status', 'attempts', 'last_error'])
        .where('kind', '=', 'decision.recorded')
        .where('payload', 'like', '%"subscriber":"legal"%')
        .executeTakeFirstOrThrow();
      assert.deepEqual([legalJob.status, legalJob.attempts], ['pending', 1]);
      assert.match(String(legalJob.last_error), /legal is down/);

      // Back up: legal's part runs once, the others are not repeated.
      ta.clock.advance(3_600_000);
      await run(real);
      await run(real);
      e = await effects();
      assert.deepEqual([e.confirmed, e.holds, e.drafts, e.legalItems, e.flags], [[AVATAR], 1, 1, 1, ['actioned']]);
      const decided = await ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'bank.entries.add')
        .where('subject_id', '=', 'CONFIRMED')
        .execute();
      assert.equal(decided.length, 1, 'the confirmed bank was written once');
    });
  });
}
