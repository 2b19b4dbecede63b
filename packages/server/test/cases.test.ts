// Cases, not tasks: one open case per subject (enforced by the database on both dialects), everything
// about the subject merged into it, one decision resolving it, reopening, bulk all-or-nothing, the list
// API's total/paging/search, group actions reaching members, and the four-eyes rules on appeals.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, testApp, staffSession, silentLog, apiKey, type TestApp, type StaffSession } from './helpers.ts';
import { attachToCase, openTask } from '../src/review/task-store.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { ensureDefaultRules } from '../src/detect/rules-store.ts';

async function drain(ta: TestApp) {
  const w = new Worker({
    db: ta.ctx.db,
    handlers: jobHandlers(ta.ctx.cfg),
    clock: ta.clock,
    log: silentLog,
    workerId: 'test',
  });
  while ((await w.runOnce()) > 0);
}

const client = (ta: TestApp, s: StaffSession) => ({
  cookie: s.cookie,
  get: async (url: string) => {
    const r = await ta.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  },
  post: (url: string, payload: object = {}) =>
    ta.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload }),
});

for (const dialect of DIALECTS) {
  describe(`one open case per subject (${dialect})`, () => {
    let ta: TestApp;
    before(async () => {
      ta = await testApp(dialect);
    });
    after(async () => ta.close());

    it('keeps one open case under concurrent signals', async () => {
      const db = ta.ctx.db.kysely;
      // Twenty writers race to attach work about the same subject, each in its own transaction.
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          db.transaction().execute((trx) =>
            attachToCase(
              trx,
              {
                platform: 'default',
                subjectType: 'account',
                subjectId: 'racer',
                queue: i % 2 ? 'accounts' : 'user-reports',
                priority: 40 + i,
                reason: `signal ${i}`,
              },
              ta.clock,
            ),
          ),
        ),
      );
      const cases = await db.selectFrom('cases').selectAll().where('subject_id', '=', 'racer').execute();
      assert.equal(cases.length, 1, 'one case, however the writers interleave');
      assert.equal(new Set(results.map((r) => r.caseId)).size, 1);
      assert.equal(cases[0]!.priority, 59, 'routed by the highest item');
      const items = await db.selectFrom('case_items').select('case_id').where('subject_id', '=', 'racer').execute();
      assert.equal(items.length, 20);
      assert.ok(items.every((i) => Number(i.case_id) === Number(cases[0]!.id)));
    });

    it('refuses a second open case in the database itself, and keeps the log append-only', async () => {
      const db = ta.ctx.db.kysely;
      const now = ta.clock.now().toISOString();
      const row = {
        platform: 'default',
        subject_type: 'account',
        subject_id: 'racer',
        status: 'open' as const,
        queue: 'q',
        priority: 1,
        claimed_by: null,
        claim_expires_at: null,
        resolution: null,
        opened_at: now,
        updated_at: now,
        closed_at: null,
      };
      await assert.rejects(db.insertInto('cases').values(row).execute(), /unique|UNIQUE/);
      await db
        .insertInto('cases')
        .values({ ...row, status: 'closed' })
        .execute(); // closed cases are history, any number
      await assert.rejects(db.updateTable('case_log').set({ kind: 'x' }).execute(), /append-only/);
      await assert.rejects(db.deleteFrom('case_log').execute(), /append-only/);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`cases through the API (${dialect})`, () => {
    let ta: TestApp;
    let a: StaffSession;
    let b: StaffSession;
    let A: ReturnType<typeof client>;
    let B: ReturnType<typeof client>;
    before(async () => {
      ta = await testApp(dialect);
      await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
      a = await staffSession(ta, 'reviewer', 'alice');
      b = await staffSession(ta, 'lead', 'bob');
      A = client(ta, a);
      B = client(ta, b);
    });
    after(async () => ta.close());

    it('merges user reports, rule verdicts and outside flags about one account into one case', async () => {
      const now = ta.clock.now().toISOString();
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'acc',
            type: 'account.created',
            occurred_at: now,
            account: { id: 'u-merge', username: 'ghost_trader', display_name: 'Ghost' },
          },
          {
            id: 'r1',
            type: 'report.filed',
            occurred_at: now,
            report: {
              id: 'rep-1',
              reporter_id: 'x1',
              subject: { type: 'account', id: 'u-merge' },
              reason: 'child_safety',
            },
          },
          {
            id: 'r2',
            type: 'report.filed',
            occurred_at: now,
            report: {
              id: 'rep-2',
              reporter_id: 'x2',
              subject: { type: 'account', id: 'u-merge' },
              reason: 'child_safety',
            },
          },
        ]),
        ta.clock,
      );
      await drain(ta);
      const org = await B.post('/v1/flagger-orgs', { name: 'Hotline', kind: 'hotline' });
      assert.equal(org.statusCode, 403, 'a lead does not manage flaggers'); // admin-only; use an ingest key instead
      const admin = client(ta, await staffSession(ta, 'admin'));
      const o = await admin.post('/v1/flagger-orgs', { name: 'Hotline', kind: 'hotline' });
      const key = (await admin.post(`/v1/flagger-orgs/${o.json().id}/keys`, { name: 'api' })).json().key;
      const f = await ta.app.inject({
        method: 'POST',
        url: '/v1/flags',
        headers: { authorization: `Bearer ${key}` },
        payload: { subject: { kind: 'handle', value: '@ghost_trader' }, category: 'grooming' },
      });
      assert.equal(f.statusCode, 201, f.body);

      const list = await A.get('/v1/cases?q=ghost');
      assert.equal(list.total, 1, 'one case for the subject, not one task per source');
      const c = list.cases[0];
      assert.deepEqual(c.subject, { type: 'account', id: 'u-merge', label: 'Ghost (@ghost_trader)' });
      const byRule = Object.fromEntries(c.reasons.map((r: { rule: string; count: number }) => [r.rule, r.count]));
      assert.equal(byRule['user-reports'], 2, 'the rule is named once, with its count');
      assert.ok(Object.keys(byRule).some((k) => /flagged by 1 reporter/.test(k)));

      const detail = await A.get(`/v1/cases/${c.id}`);
      assert.deepEqual(detail.items.map((i: { queue: string }) => i.queue).sort(), ['flags', 'user-reports']);
      const top = detail.items.reduce(
        (m: { priority: number; queue: string }, i: { priority: number; queue: string }) =>
          i.priority > m.priority ? i : m,
      );
      assert.deepEqual([c.priority, c.queue], [top.priority, top.queue], 'priority and queue from the highest item');
      assert.deepEqual(detail.allowed, {
        claim: true,
        release: false,
        note: true,
        decisions: ['apparent_csam', 'not_violating', 'policy_violation', 'escalate'],
      });
      assert.deepEqual(detail.default_actions, [{ action: 'ban' }]);
      assert.ok(detail.log.some((l: { kind: string }) => l.kind === 'verdict'));
      assert.ok(
        detail.log.some(
          (l: { kind: string; data: { kind?: string } }) => l.kind === 'signal' && l.data.kind === 'report.user',
        ),
        'a signal about a subject under review joins its history',
      );

      // Deciding the case resolves everything open in it: both items, and the flag gets its statement.
      assert.equal(
        (await A.post(`/v1/cases/${c.id}/decision`, { decision: 'policy_violation', reason: 'x' })).statusCode,
        409,
        'claim first',
      );
      assert.equal((await A.post(`/v1/cases/${c.id}/claim`)).statusCode, 200);
      const claimedByOther = await B.post(`/v1/cases/${c.id}/claim`);
      assert.equal(claimedByOther.statusCode, 409);
      assert.match(claimedByOther.json().error.message, /being reviewed by alice/);
      assert.equal(
        (await A.post(`/v1/cases/${c.id}/notes`, { text: 'checked the reported messages' })).statusCode,
        201,
      );
      const d = await A.post(`/v1/cases/${c.id}/decision`, {
        decision: 'policy_violation',
        reason: 'grooming attempts',
        actions: [{ action: 'suspend', days: 7 }],
      });
      assert.equal(d.statusCode, 200, d.body);
      await drain(ta); // the flags' subscriber closes them with the statement (review/effects.ts)
      const after = await A.get(`/v1/cases/${c.id}`);
      assert.equal(after.status, 'closed');
      assert.ok(after.items.every((i: { status: string }) => i.status === 'closed'));
      assert.deepEqual(after.allowed.decisions, []);
      assert.deepEqual(
        after.enforcement.map((e: { action: string; case_id: number }) => [e.action, e.case_id]),
        [['suspend', c.id]],
      );
      assert.deepEqual(
        after.log
          .map((l: { kind: string }) => l.kind)
          .filter((k: string) => ['claim', 'note', 'decision', 'action', 'closed'].includes(k)),
        ['claim', 'note', 'decision', 'action', 'closed'],
      );
      const flag = await ta.ctx.db.kysely.selectFrom('flags').select(['status', 'statement']).executeTakeFirstOrThrow();
      assert.equal(flag.status, 'actioned');

      // New work about the subject reopens the same case, with its history.
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'r3',
            type: 'report.filed',
            occurred_at: now,
            report: {
              id: 'rep-3',
              reporter_id: 'x3',
              subject: { type: 'account', id: 'u-merge' },
              reason: 'child_safety',
            },
          },
        ]),
        ta.clock,
      );
      await drain(ta);
      const reopened = await A.get(`/v1/cases/${c.id}`);
      assert.equal(reopened.status, 'open');
      assert.ok(reopened.log.some((l: { kind: string }) => l.kind === 'reopened'));
      assert.equal((await A.get('/v1/cases?status=all&q=u-merge')).total, 1);
    });

    it('lists with a true total, pages with a cursor, searches and filters independently', async () => {
      const db = ta.ctx.db.kysely;
      const now = ta.clock.now().toISOString();
      await db
        .insertInto('groups')
        .values({
          platform: 'default',
          id: 'grp-list-7',
          name: 'Sunset Photographers',
          description: null,
          avatar: null,
          member_count: 3,
          invite_link: null,
          created_at: now,
          first_seen_at: now,
          updated_at: now,
          event_count: 1,
        })
        .execute();
      for (let i = 0; i < 130; i++) {
        await db.transaction().execute((trx) =>
          openTask(
            trx,
            {
              platform: 'default',
              subjectType: i % 10 === 7 ? 'group' : 'account',
              subjectId: i % 10 === 7 ? `grp-list-${i}` : `acc-list-${i}`,
              queue: i % 3 ? 'accounts' : 'groups',
              priority: [95, 75, 50, 20][i % 4]!,
              reason: 'generated',
            },
            ta.clock,
          ),
        );
      }
      const all = await A.get('/v1/cases?q=list-&limit=50');
      assert.equal(all.total, 130);
      assert.equal(all.cases.length, 50);
      const seen = new Set<number>(all.cases.map((c: { id: number }) => c.id));
      let cursor = all.next_cursor;
      let pages = 1;
      while (cursor) {
        const p = await A.get(`/v1/cases?q=list-&limit=50&cursor=${encodeURIComponent(cursor)}`);
        p.cases.forEach((c: { id: number }) => seen.add(c.id));
        cursor = p.next_cursor;
        pages++;
      }
      assert.equal(pages, 3);
      assert.equal(seen.size, 130, 'every case once across the pages');
      const prio = all.cases.map((c: { priority: number }) => c.priority);
      assert.deepEqual(
        prio,
        [...prio].sort((x: number, y: number) => y - x),
        'highest priority first',
      );

      assert.equal((await A.get('/v1/cases?q=sunset')).cases[0].subject.id, 'grp-list-7', 'group names are searched');
      const someId = all.cases[3].id;
      assert.equal((await A.get(`/v1/cases?q=%23${someId}`)).cases[0].id, someId, 'case ids are searched');
      // A severity filter does not narrow the queues available, and vice versa: each is its own WHERE.
      const crit = await A.get('/v1/cases?q=list-&severity=critical&limit=500');
      assert.ok(crit.cases.every((c: { severity: string }) => c.severity === 'critical'));
      const critGroups = await A.get('/v1/cases?q=list-&severity=critical&queue=groups&limit=500');
      assert.equal(critGroups.total, crit.cases.filter((c: { queue: string }) => c.queue === 'groups').length);
      assert.equal((await A.get('/v1/cases?q=list-&subject_type=group')).total, 13);
      const bad = await ta.app.inject({
        method: 'GET',
        url: '/v1/cases?cursor=nonsense',
        headers: { cookie: a.cookie },
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /cursor/);
    });

    it('bulk-decides all or nothing, naming each case it refuses', async () => {
      const page = await A.get('/v1/cases?q=acc-list-&limit=60');
      const ids: number[] = page.cases.map((c: { id: number }) => c.id);
      assert.equal(ids.length, 60);
      assert.equal((await B.post(`/v1/cases/${ids[10]}/claim`)).statusCode, 200);
      const refused = await A.post('/v1/cases/bulk', { ids, decision: 'not_violating', reason: 'generated test data' });
      assert.equal(refused.statusCode, 409);
      assert.deepEqual(refused.json().error.details.errors, [
        { id: ids[10], message: 'another reviewer is working on it' },
      ]);
      assert.equal((await A.get('/v1/cases?q=acc-list-&limit=1')).total, 117 - 0, 'nothing changed');
      assert.equal((await A.get('/v1/cases?assignee=me')).total, 0, 'not even a claim');
      assert.equal((await B.get('/v1/cases?assignee=me')).total, 1);
      assert.equal((await B.post('/v1/cases/bulk', { ids: [ids[10]], release: true })).statusCode, 200);
      const ok = await A.post('/v1/cases/bulk', { ids, decision: 'not_violating', reason: 'generated test data' });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((await A.get('/v1/cases?q=acc-list-&limit=1')).total, 117 - 60);
      assert.equal((await A.get('/v1/cases?q=acc-list-&status=closed&limit=1')).total, 60);
      // Escalating hands the case to the leads: the reviewer is no longer offered (or allowed) a decision.
      const esc = ids[0]!;
      await A.post(`/v1/cases/${esc}/claim`);
      assert.equal(
        (
          await ta.app.inject({
            method: 'POST',
            url: `/v1/cases/${esc}/decision`,
            headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
            payload: { decision: 'not_violating', reason: 'x' },
          })
        ).statusCode,
        409,
        'already decided in the bulk',
      );
      const open = (await A.get('/v1/cases?q=acc-list-&limit=1')).cases[0].id;
      await A.post(`/v1/cases/${open}/claim`);
      assert.equal(
        (await A.post(`/v1/cases/${open}/decision`, { decision: 'escalate', reason: 'unsure' })).statusCode,
        200,
      );
      assert.equal((await A.get(`/v1/cases/${open}`)).queue, 'escalated');
      assert.deepEqual((await A.get(`/v1/cases/${open}`)).allowed.decisions, []);
      await A.post(`/v1/cases/${open}/claim`);
      const mine = await A.post(`/v1/cases/${open}/decision`, { decision: 'not_violating', reason: 'x' });
      assert.equal(mine.statusCode, 403);
      assert.match(mine.json().error.message, /escalated: a lead decides it/);
      await A.post(`/v1/cases/${open}/release`);
      assert.deepEqual((await B.get(`/v1/cases/${open}`)).allowed.decisions, [
        'apparent_csam',
        'not_violating',
        'policy_violation',
      ]);
      await B.post(`/v1/cases/${open}/claim`);
      assert.equal(
        (await B.post(`/v1/cases/${open}/decision`, { decision: 'not_violating', reason: 'checked' })).statusCode,
        200,
      );

      const tooMany = await A.post('/v1/cases/bulk', {
        ids: Array.from({ length: 1001 }, (_, i) => i + 1),
        claim: true,
      });
      assert.equal(tooMany.statusCode, 400);
    });

    it('a group ban reaches its members: history, no second ban, their cases resolved; appeals go to someone else', async () => {
      const now = ta.clock.now().toISOString();
      const db = ta.ctx.db.kysely;
      await db
        .insertInto('groups')
        .values({
          platform: 'default',
          id: 'grp-bad',
          name: 'Bad group',
          description: null,
          avatar: null,
          member_count: 2,
          invite_link: null,
          created_at: now,
          first_seen_at: now,
          updated_at: now,
          event_count: 1,
        })
        .execute();
      for (const m of ['m1', 'm2'])
        await db
          .insertInto('group_members')
          .values({
            platform: 'default',
            group_id: 'grp-bad',
            account_id: m,
            joined_at: now,
            left_at: null,
            via_invite: null,
          })
          .execute();
      const g = await db.transaction().execute((trx) =>
        attachToCase(
          trx,
          {
            platform: 'default',
            subjectType: 'group',
            subjectId: 'grp-bad',
            queue: 'groups',
            priority: 80,
            reason: 'coded terms',
          },
          ta.clock,
        ),
      );
      const m1 = await db.transaction().execute((trx) =>
        attachToCase(
          trx,
          {
            platform: 'default',
            subjectType: 'account',
            subjectId: 'm1',
            queue: 'accounts',
            priority: 60,
            reason: 'coded terms',
          },
          ta.clock,
        ),
      );
      await A.post(`/v1/cases/${g.caseId}/claim`);
      const d = await A.post(`/v1/cases/${g.caseId}/decision`, {
        decision: 'apparent_csam',
        reason: 'abuse material shared',
        actions: [{ action: 'ban_members', member_ids: ['m1', 'm2'] }],
      });
      assert.equal(d.statusCode, 200, d.body);
      // The ban waits for a second person: the group's case is open again in the approvals queue.
      const pending = await A.get(`/v1/cases/${g.caseId}`);
      assert.equal(pending.queue, 'approvals');
      assert.deepEqual(pending.allowed.decisions, [], 'the proposer may not approve their own action');
      assert.ok(pending.allowed.claim);
      const lead = await B.get(`/v1/cases/${g.caseId}`);
      assert.deepEqual(lead.allowed.decisions, ['approve', 'reject']);
      await B.post(`/v1/cases/${g.caseId}/claim`);
      const self = await A.post(`/v1/cases/${g.caseId}/decision`, { decision: 'approve', reason: 'x' });
      assert.equal(self.statusCode, 409, 'not holding the claim');
      const ap = await B.post(`/v1/cases/${g.caseId}/decision`, { decision: 'approve', reason: 'confirmed' });
      assert.equal(ap.statusCode, 200, ap.body);
      assert.equal((await A.get(`/v1/cases/${g.caseId}`)).status, 'closed');
      await drain(ta); // legal's subscriber drafts the report

      // Legal's filing is its own queue's work, linked to the group's case; legal reads that case and no other.
      const legal = client(ta, await staffSession(ta, 'legal'));
      const reports = (await legal.get('/v1/legal/reports')).reports;
      assert.deepEqual(
        reports.map((r: { case_id: number }) => r.case_id),
        [g.caseId],
      );
      assert.equal((await legal.get(`/v1/cases/${g.caseId}`)).allowed.decisions.length, 0);
      assert.equal(
        (await ta.app.inject({ method: 'GET', url: `/v1/cases/${m1.caseId}`, headers: { cookie: legal.cookie } }))
          .statusCode,
        404,
      );

      const member = await A.get(`/v1/cases/${m1.caseId}`);
      assert.equal(member.status, 'closed', "the member's own review work is answered by the group ban");
      assert.equal(member.enforcement.length, 1);
      assert.equal(member.enforcement[0].action, 'ban');
      assert.equal(member.enforcement[0].via.group_id, 'grp-bad');
      assert.equal(member.enforcement[0].via.group_label, 'Bad group');
      assert.ok(member.log.some((l: { kind: string }) => l.kind === 'group.action'));
      // A banned member is not banned twice, and the default actions say so.
      const again = await db.transaction().execute((trx) =>
        attachToCase(
          trx,
          {
            platform: 'default',
            subjectType: 'account',
            subjectId: 'm1',
            queue: 'accounts',
            priority: 60,
            reason: 'again',
          },
          ta.clock,
        ),
      );
      assert.equal(again.caseId, m1.caseId);
      assert.deepEqual((await A.get(`/v1/cases/${m1.caseId}`)).default_actions, []);
      await A.post(`/v1/cases/${m1.caseId}/claim`);
      const twice = await A.post(`/v1/cases/${m1.caseId}/decision`, {
        decision: 'policy_violation',
        reason: 'x',
        actions: [{ action: 'ban' }],
      });
      assert.equal(twice.statusCode, 409);
      assert.match(twice.json().error.message, /already banned .*through group action/);
      await A.post(`/v1/cases/${m1.caseId}/release`);

      // m2 appeals its ban: the appeal lands in m2's case; the group's decider cannot decide it.
      const key = await apiKey(ta, ['ingest']);
      const m2ban = await db
        .selectFrom('enforcement_actions')
        .select('id')
        .where('subject_id', '=', 'm2')
        .executeTakeFirstOrThrow();
      const appeal = await ta.app.inject({
        method: 'POST',
        url: '/v1/appeals',
        headers: { authorization: `Bearer ${key}` },
        payload: { action_id: Number(m2ban.id), statement: 'I only joined yesterday' },
      });
      assert.equal(appeal.statusCode, 201, appeal.body);
      const m2case = (await A.get('/v1/cases?q=m2&subject_type=account')).cases.find(
        (c: { subject: { id: string } }) => c.subject.id === 'm2',
      );
      assert.equal(m2case.queue, 'appeals');
      assert.deepEqual((await A.get(`/v1/cases/${m2case.id}`)).allowed.decisions, [], 'alice decided the ban');
      assert.deepEqual((await B.get(`/v1/cases/${m2case.id}`)).allowed.decisions, [], 'bob approved it');
      const carol = client(ta, await staffSession(ta, 'reviewer', 'carol'));
      assert.deepEqual((await carol.get(`/v1/cases/${m2case.id}`)).allowed.decisions, ['uphold', 'reverse']);
      await carol.post(`/v1/cases/${m2case.id}/claim`);
      assert.equal(
        (
          await carol.post(`/v1/cases/${m2case.id}/decision`, {
            decision: 'reverse',
            reason: 'joined after the material was shared',
          })
        ).statusCode,
        200,
      );
      const m2 = await carol.get(`/v1/cases/${m2case.id}`);
      assert.equal(m2.status, 'closed');
      assert.equal(m2.enforcement[0].status, 'reversed');
    });
  });
}
