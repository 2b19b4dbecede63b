// Events → analysers → signals → rules → verdicts → review tasks, end to end on both dialects.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, testApp, staffSession, silentLog, type TestApp, type StaffSession } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { ensureDefaultRules, saveRule } from '../src/detect/rules-store.ts';

async function drain(ta: TestApp) {
  const w = new Worker({
    db: ta.ctx.db,
    handlers: jobHandlers(ta.ctx.cfg),
    clock: ta.clock,
    log: silentLog,
    workerId: 'test',
  });
  while ((await w.runOnce()) > 0);
  const dead = await ta.ctx.db.kysely
    .selectFrom('jobs')
    .select(['kind', 'last_error'])
    .where('status', '!=', 'done')
    .execute();
  assert.deepEqual(dead, [], 'every job succeeded');
}

const tasks = (ta: TestApp) => ta.ctx.db.kysely.selectFrom('case_items').selectAll().orderBy('id').execute();

for (const dialect of DIALECTS) {
  describe(`detection pipeline (${dialect})`, () => {
    let ta: TestApp;
    let lead: StaffSession;
    const at = (min: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + min * 60_000).toISOString();
    const ingest = (events: unknown[]) => ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(events), ta.clock);

    before(async () => {
      ta = await testApp(dialect, {
        detection: {
          behaviour: {
            inviteJoinsPerHour: 10,
            newAccountShare: 0.5,
            newAccountDays: 7,
            distinctReporters: 3,
            groupsJoinedPerDay: 20,
            groupGrowthJoinsPerDay: 10,
            groupGrowthRatio: 1,
          },
        },
      });
      ta.clock.t = new Date('2026-11-20T12:00:00Z');
      await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
      lead = await staffSession(ta, 'lead');
    });
    after(async () => ta.close());

    it('raises an invite-spread signal and a group review task when new accounts pour in', async () => {
      const events: unknown[] = [
        {
          id: 'g',
          type: 'group.created',
          occurred_at: at(0),
          group: { id: 'grp-1', name: 'Weekend hikes', invite_link: 'https://chat.example/j/abc' },
        },
      ];
      for (let i = 0; i < 12; i++) {
        events.push({
          id: `acc-${i}`,
          type: 'account.created',
          occurred_at: at(1),
          account: { id: `new-${i}`, username: `hiker${i}`, created_at: at(0) },
        });
        events.push({
          id: `join-${i}`,
          type: 'group.member_joined',
          occurred_at: at(10 + i),
          group_id: 'grp-1',
          account_id: `new-${i}`,
          invite_link: 'https://chat.example/j/abc',
        });
      }
      // A slow, old-account group stays quiet.
      events.push({
        id: 'g2',
        type: 'group.created',
        occurred_at: at(0),
        group: { id: 'grp-2', name: 'Book club', invite_link: 'https://chat.example/j/def' },
      });
      for (let i = 0; i < 3; i++)
        events.push({
          id: `join2-${i}`,
          type: 'group.member_joined',
          occurred_at: at(i * 30),
          group_id: 'grp-2',
          account_id: `old-${i}`,
          invite_link: 'https://chat.example/j/def',
        });
      await ingest(events);
      await drain(ta);
      const sig = await ta.app.inject({
        method: 'GET',
        url: '/v1/signals?subject_type=group&subject_id=grp-1',
        headers: { cookie: lead.cookie },
      });
      const spread = sig.json().signals.filter((s: { kind: string }) => s.kind === 'behaviour.invite_spread');
      assert.ok(spread.length >= 1);
      assert.equal(spread.at(-1).severity, 3);
      assert.equal(spread.at(-1).evidence.new_account_share, 1);
      const growth = sig.json().signals.filter((s: { kind: string }) => s.kind === 'behaviour.group_growth');
      assert.equal(growth.length, 1, 'one growth signal per group per day');
      assert.match(growth[0].summary, /joined within 24 hours \(it had 0 before\)/);
      const quiet = await ta.app.inject({
        method: 'GET',
        url: '/v1/signals?subject_type=group&subject_id=grp-2',
        headers: { cookie: lead.cookie },
      });
      assert.ok(!quiet.json().signals.some((s: { kind: string }) => s.kind === 'behaviour.group_growth'));
      const t = (await tasks(ta)).filter((x) => x.subject_id === 'grp-1');
      assert.equal(t.length, 1, 'one task per subject and queue, however many verdicts');
      assert.equal(t[0]!.queue, 'groups');
      assert.equal((await tasks(ta)).filter((x) => x.subject_id === 'grp-2').length, 0);
    });

    it('matches imported external lists (handles without case or @) and cites the source', async () => {
      const imp = await ta.app.inject({
        method: 'POST',
        url: '/v1/external-signals',
        headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf },
        payload: {
          source: 'ngo-directory-scan',
          entries: [
            { kind: 'handle', value: '@TradeKing99', category: 'advertised' },
            { kind: 'invite_url', value: 'https://Chat.example/j/zzz/' },
          ],
        },
      });
      assert.equal(imp.statusCode, 200, imp.body);
      assert.equal(imp.json().imported, 2);
      await ingest([
        {
          id: 'ext-1',
          type: 'account.created',
          occurred_at: at(100),
          account: { id: 'acc-x', username: 'tradeking99' },
        },
        {
          id: 'ext-2',
          type: 'group.created',
          occurred_at: at(100),
          group: { id: 'grp-z', name: 'z', invite_link: 'chat.example/j/zzz' },
        },
        {
          id: 'ext-3',
          type: 'account.created',
          occurred_at: at(100),
          account: { id: 'acc-y', username: 'tradequeen' },
        },
      ]);
      await drain(ta);
      const t = await tasks(ta);
      assert.ok(t.some((x) => x.subject_id === 'acc-x' && x.queue === 'external'));
      assert.ok(t.some((x) => x.subject_id === 'grp-z' && x.queue === 'external'));
      assert.ok(!t.some((x) => x.subject_id === 'acc-y'));
      const signals = await ta.ctx.db.kysely
        .selectFrom('signals')
        .select('summary')
        .where('subject_id', '=', 'acc-x')
        .execute();
      assert.match(signals[0]!.summary, /listed by ngo-directory-scan/);
    });

    it('rejects a bad rule with its error position, and versions good ones', async () => {
      const bad = await ta.app.inject({
        method: 'PUT',
        url: '/v1/rules/broken',
        headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf },
        payload: { expression: "subject.name == 'x' &&", outcome: { type: 'label', label: 'x' } },
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().error.details, { line: 1, column: 21 }, 'points at the dangling &&');
      const badOutcome = await ta.app.inject({
        method: 'PUT',
        url: '/v1/rules/broken',
        headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf },
        payload: { expression: 'true', outcome: { type: 'explode' } },
      });
      assert.equal(badOutcome.statusCode, 400);
      const v1 = await ta.app.inject({
        method: 'PUT',
        url: '/v1/rules/big-groups',
        headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf },
        payload: { expression: 'subject.member_count > 1000', outcome: { type: 'label', label: 'big' } },
      });
      assert.equal(v1.json().version, 1);
      const v2 = await ta.app.inject({
        method: 'PUT',
        url: '/v1/rules/big-groups',
        headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf },
        payload: { expression: 'subject.member_count > 500', outcome: { type: 'label', label: 'big' } },
      });
      assert.equal(v2.json().version, 2);
      const versions = await ta.app.inject({
        method: 'GET',
        url: '/v1/rules/big-groups/versions',
        headers: { cookie: lead.cookie },
      });
      assert.deepEqual(
        versions.json().versions.map((v: { version: number }) => v.version),
        [2, 1],
      );
      const audit = await ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select('action')
        .where('subject_type', '=', 'rule')
        .execute();
      assert.ok(audit.filter((a) => a.action === 'rule.update').length >= 1);
    });

    it('records shadow verdicts without opening tasks, linked to the rule version', async () => {
      await saveRule(
        ta.ctx.db.kysely,
        {
          name: 'shadow-hikers',
          expression: "subject.type == 'account' && subject.username.startsWith('hiker')",
          outcome: { type: 'review', queue: 'experimental', priority: 10, reason: 'hiker' },
          mode: 'shadow',
        },
        'test',
        ta.clock,
      );
      await ingest([
        { id: 'sh-1', type: 'account.updated', occurred_at: at(200), account: { id: 'new-1', bio: 'hello' } },
      ]);
      await drain(ta);
      const v = await ta.ctx.db.kysely
        .selectFrom('verdicts')
        .innerJoin('rules', 'rules.id', 'verdicts.rule_id')
        .select(['verdicts.shadow', 'verdicts.rule_version', 'verdicts.task_id'])
        .where('rules.name', '=', 'shadow-hikers')
        .execute();
      assert.equal(v.length, 1);
      assert.equal(v[0]!.shadow, 1);
      assert.equal(v[0]!.task_id, null);
      assert.ok(!(await tasks(ta)).some((t) => t.queue === 'experimental'));
    });

    it('backtests a candidate rule on stored events without changing anything', async () => {
      const before = (await tasks(ta)).length;
      const res = await ta.app.inject({
        method: 'POST',
        url: '/v1/rules/backtest',
        headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf },
        payload: {
          expression: "event.type == 'group.member_joined' && signals.exists(s, s.kind == 'behaviour.invite_spread')",
          outcome: { type: 'review', queue: 'q', priority: 1, reason: 'r' },
          since: at(-60),
        },
      });
      assert.equal(res.statusCode, 200, res.body);
      const r = res.json();
      assert.ok(r.events > 20);
      assert.deepEqual(
        r.subjects.map((s: { id: string }) => s.id),
        ['grp-1'],
      );
      assert.ok(r.matched_events >= 1 && r.matched_events <= 3, 'only joins after the spread signal appeared');
      assert.equal((await tasks(ta)).length, before);
    });

    it('opens a user-report task, and analysis is idempotent under re-runs', async () => {
      await ingest([
        {
          id: 'rep-1',
          type: 'report.filed',
          occurred_at: at(300),
          report: { id: 'r-1', reporter_id: 'u-a', subject: { type: 'account', id: 'acc-y' }, reason: 'child_safety' },
        },
      ]);
      await drain(ta);
      const counts = async () => ({
        signals: (await ta.ctx.db.kysely.selectFrom('signals').select('id').execute()).length,
        verdicts: (await ta.ctx.db.kysely.selectFrom('verdicts').select('id').execute()).length,
        tasks: (await tasks(ta)).length,
      });
      const once = await counts();
      assert.ok((await tasks(ta)).some((t) => t.subject_id === 'acc-y' && t.queue === 'user-reports'));
      // Re-run the report's analysis (a retry after a crash): nothing new appears.
      const ev = await ta.ctx.db.kysely
        .selectFrom('events')
        .select('id')
        .where('external_id', '=', 'rep-1')
        .executeTakeFirstOrThrow();
      await ta.ctx.db.kysely
        .updateTable('jobs')
        .set({ status: 'pending', attempts: 0 })
        .where('kind', '=', 'event.analyze')
        .where('payload', '=', JSON.stringify({ eventId: Number(ev.id) }))
        .execute();
      await drain(ta);
      assert.deepEqual(await counts(), once);
      // Re-running every analysis stores no signal twice and opens no second task for a subject.
      await ta.ctx.db.kysely
        .updateTable('jobs')
        .set({ status: 'pending', attempts: 0 })
        .where('kind', '=', 'event.analyze')
        .execute();
      await drain(ta);
      const all = await counts();
      assert.equal(all.signals, once.signals);
      assert.equal(all.tasks, once.tasks);
    });
  });
}
