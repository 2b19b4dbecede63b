// Oversight through the real routes: auditors read cases and legal records (every read audited) and change
// nothing; the audit log's search, paging and chain status; the team dashboard's figures; and transparency
// counting members banned with their group as banned accounts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DIALECTS, testApp, staffSession, drainJobs, type TestApp, type StaffSession } from './helpers.ts';
import { attachToCase } from '../src/review/task-store.ts';
import { appendAudit } from '../src/audit/log.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const client = (ta: TestApp, s: StaffSession) => ({
  id: s.id,
  get: (url: string) => ta.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } }),
  send: (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload: object = {}) =>
    ta.app.inject({ method, url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload }),
});
type Client = ReturnType<typeof client>;
const ok = async (r: Promise<{ statusCode: number; body: string; json: () => any }>) => {
  const res = await r;
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};

async function groupWithMembers(ta: TestApp, group: string, members: string[]) {
  const db = ta.ctx.db.kysely;
  const now = ta.clock.now().toISOString();
  await db
    .insertInto('groups')
    .values({
      platform: 'default',
      id: group,
      name: `Group ${group}`,
      description: null,
      avatar: null,
      member_count: members.length,
      invite_link: null,
      created_at: now,
      first_seen_at: now,
      updated_at: now,
      event_count: 1,
    })
    .execute();
  for (const m of members)
    await db
      .insertInto('group_members')
      .values({ platform: 'default', group_id: group, account_id: m, joined_at: now, left_at: null, via_invite: null })
      .execute();
  return db.transaction().execute((trx) =>
    attachToCase(
      trx,
      {
        platform: 'default',
        subjectType: 'group',
        subjectId: group,
        queue: 'groups',
        priority: 80,
        reason: 'coded terms',
      },
      ta.clock,
    ),
  );
}

for (const dialect of DIALECTS) {
  describe(`oversight API (${dialect})`, () => {
    let ta: TestApp;
    let reviewer: Client, lead: Client, auditor: Client, admin: Client, legal: Client;
    let caseId: number;
    before(async () => {
      ta = await testApp(dialect);
      reviewer = client(ta, await staffSession(ta, 'reviewer', 'rita'));
      lead = client(ta, await staffSession(ta, 'lead', 'leo'));
      auditor = client(ta, await staffSession(ta, 'auditor', 'audrey'));
      admin = client(ta, await staffSession(ta, 'admin', 'ada'));
      legal = client(ta, await staffSession(ta, 'legal', 'lee'));
      const db = ta.ctx.db.kysely;
      caseId = (
        await db.transaction().execute((trx) =>
          attachToCase(
            trx,
            {
              platform: 'default',
              subjectType: 'account',
              subjectId: 'acc-aud',
              queue: 'accounts',
              priority: 50,
              reason: 'reported',
            },
            ta.clock,
          ),
        )
      ).caseId!;
    });
    after(async () => ta.close());

    it('an auditor reads cases and legal records, may do nothing with them, and every read is audited', async () => {
      const db = ta.ctx.db.kysely;
      const list = await ok(auditor.get('/v1/cases'));
      assert.ok(list.cases.some((c: { id: number }) => c.id === caseId));
      const c = await ok(auditor.get(`/v1/cases/${caseId}`));
      assert.deepEqual(c.allowed, { claim: false, release: false, note: false, decisions: [] });
      for (const [method, url, body] of [
        ['POST', `/v1/cases/${caseId}/claim`, {}],
        ['POST', `/v1/cases/${caseId}/release`, {}],
        ['POST', `/v1/cases/${caseId}/notes`, { text: 'x' }],
        ['POST', `/v1/cases/${caseId}/decision`, { decision: 'not_violating', reason: 'x' }],
        ['POST', '/v1/cases/bulk', { ids: [caseId], claim: true }],
        ['PATCH', '/v1/legal/reports/1', { report: {} }],
        ['POST', '/v1/legal/reports/1/send', {}],
        ['POST', '/v1/legal/reports/1/retract', {}],
        ['POST', '/v1/legal/vault/1/destroy', { reason: 'not allowed' }],
        ['POST', '/v1/legal/vault/export', { item_ids: [1], purpose: 'check' }],
        ['POST', '/v1/legal/le-requests', {}],
        ['PATCH', '/v1/legal/le-requests/1', {}],
        ['POST', '/v1/legal/le-requests/1/renew', {}],
      ] as const) {
        const res = await auditor.send(method, url, body);
        assert.equal(res.statusCode, 403, `${method} ${url} → ${res.statusCode} ${res.body}`);
      }
      assert.equal(
        (await auditor.get('/v1/legal/vault/1/content?purpose=look')).statusCode,
        403,
        'preserved content itself is not for auditors',
      );
      for (const url of [
        '/v1/legal/reports',
        '/v1/legal/vault',
        '/v1/legal/le-requests',
        '/v1/legal/transparency?from=2026-01-01&to=2026-12-31',
      ])
        await ok(auditor.get(url));

      const views = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('actor', '=', `staff:${auditor.id}`)
        .where('action', '=', 'auditor.view')
        .orderBy('seq')
        .execute();
      const routes = views.map((v) => JSON.parse(v.data).route);
      assert.deepEqual(routes, [
        '/v1/cases',
        '/v1/cases/:id',
        '/v1/legal/reports',
        '/v1/legal/vault',
        '/v1/legal/le-requests',
        '/v1/legal/transparency',
      ]);
      assert.deepEqual([views[1]!.subject_type, views[1]!.subject_id], ['case', String(caseId)]);
      // Refused requests are not views; other roles' reads are not auditor views.
      await ok(reviewer.get(`/v1/cases/${caseId}`));
      assert.equal(
        (await db.selectFrom('audit_log').select('seq').where('action', '=', 'auditor.view').execute()).length,
        views.length,
      );
      // The case keeps its own record of who looked.
      assert.ok(c.log.some((l: { kind: string; actor: { id: string | null } }) => l.kind === 'view'));
    });

    it('searches the audit log by actor, action, subject and time, and pages without gaps or repeats', async () => {
      const db = ta.ctx.db.kysely;
      const start = new Date('2026-06-01T00:00:00Z');
      const saved = ta.clock.t;
      const actors = [`staff:${reviewer.id}`, `staff:${lead.id}`, 'system'];
      const actions = ['case.decide', 'case.claim', 'evidence.view', 'api_key.create'];
      for (let i = 0; i < 300; i++) {
        ta.clock.t = new Date(start.getTime() + i * HOUR);
        await appendAudit(
          db,
          {
            actor: actors[i % 3]!,
            action: actions[i % 4]!,
            subjectType: 'account',
            subjectId: `acc-${i % 10}`,
            data: { i },
          },
          ta.clock,
        );
      }
      ta.clock.t = saved;
      const q = (s: string) => ok(admin.get(`/v1/audit?${s}`));
      const byName = await q('actor=rita&limit=1000');
      assert.ok(byName.entries.length >= 100);
      assert.ok(
        byName.entries.every(
          (e: { actor: string; actor_label: string }) => e.actor === `staff:${reviewer.id}` && e.actor_label === 'rita',
        ),
      );
      assert.equal((await q('actor=system&action=case.decide&limit=1000')).entries.length, 300 / 12);
      const prefix = await q('action=case.&from=2026-06-01&to=2026-06-30&limit=1000');
      assert.equal(prefix.entries.length, 150, 'case.decide and case.claim, every one inside June');
      assert.ok(prefix.entries.every((e: { action: string }) => e.action.startsWith('case.')));
      assert.equal((await q('action=api_key_create&limit=1000')).entries.length, 0, '_ is not a wildcard');
      assert.equal((await q('action=api*&from=2026-06-01&to=2026-06-30&limit=1000')).entries.length, 75);
      const day = await q('from=2026-06-02&to=2026-06-02&limit=1000');
      assert.equal(day.entries.length, 24, 'a date `to` includes that whole day');
      assert.equal(
        (await q('subject_type=account&subject_id=acc-3&from=2026-06-01&to=2026-06-30&limit=1000')).entries.length,
        30,
      );
      // Paging by seq: 300 June entries in pages of 70, newest first.
      const seen: number[] = [];
      let before = '';
      for (;;) {
        const page = await q(`from=2026-06-01&to=2026-06-30&limit=70${before}`);
        seen.push(...page.entries.map((e: { seq: number }) => e.seq));
        if (page.next_before === null) break;
        before = `&before=${page.next_before}`;
      }
      assert.equal(seen.length, 300);
      assert.equal(new Set(seen).size, 300);
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => b - a),
      );
      const bad = await admin.get('/v1/audit?from=yesterday');
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.details[0].path, 'from');
      assert.equal((await lead.get('/v1/audit')).statusCode, 403);
      await ok(auditor.get('/v1/audit?limit=5'));
    });

    it('the team dashboard counts open work by queue and age, decisions per day, appeals and time to decision', async () => {
      const db = ta.ctx.db.kysely;
      const now = ta.clock.now();
      // Open cases of known ages; earlier tests left one open account case (under an hour old).
      for (const [id, queue, ageMs] of [
        ['t1', 'accounts', 2 * HOUR],
        ['t2', 'accounts', 2 * DAY],
        ['t3', 'groups', 10 * DAY],
        ['t4', 'groups', 10 * DAY],
      ] as const) {
        ta.clock.t = new Date(now.getTime() - ageMs);
        await db
          .transaction()
          .execute((trx) =>
            attachToCase(
              trx,
              { platform: 'default', subjectType: 'account', subjectId: id, queue, priority: 10, reason: 'r' },
              ta.clock,
            ),
          );
      }
      ta.clock.t = now;
      // Three decisions today, each 1, 2 and 3 hours after its item was queued.
      for (const [i, wait] of [1, 2, 3].entries()) {
        ta.clock.t = new Date(now.getTime() - 4 * HOUR);
        const c = await db.transaction().execute((trx) =>
          attachToCase(
            trx,
            {
              platform: 'default',
              subjectType: 'account',
              subjectId: `d${i}`,
              queue: 'user-reports',
              priority: 10,
              reason: 'r',
            },
            ta.clock,
          ),
        );
        ta.clock.t = new Date(now.getTime() - 4 * HOUR + wait * HOUR);
        const r = client(ta, await staffSession(ta, 'reviewer'));
        assert.equal((await r.send('POST', `/v1/cases/${c.caseId}/claim`)).statusCode, 200);
        const d = await r.send('POST', `/v1/cases/${c.caseId}/decision`, {
          decision: i === 2 ? 'policy_violation' : 'not_violating',
          reason: 'checked',
        });
        assert.equal(d.statusCode, 200, d.body);
      }
      ta.clock.t = now;
      const lead2 = client(ta, await staffSession(ta, 'lead'));
      const t = await ok(lead2.get('/v1/team/dashboard'));
      const accounts = t.open_cases.find((q: { queue: string }) => q.queue === 'accounts');
      assert.deepEqual(accounts, {
        queue: 'accounts',
        total: 3,
        by_age: { under_1h: 1, under_1d: 1, under_3d: 1, under_7d: 0, over_7d: 0 },
      });
      assert.deepEqual(t.open_cases.find((q: { queue: string }) => q.queue === 'groups').by_age.over_7d, 2);
      assert.equal(t.decisions_per_day.length, 30);
      assert.equal(t.decisions_per_day.at(-1).day, now.toISOString().slice(0, 10));
      // Each decision on the UTC day it was made (shortly after midnight some fall on yesterday).
      const expected = new Map<string, { day: string; total: number; by_decision: Record<string, number> }>();
      for (const [i, wait] of [1, 2, 3].entries()) {
        const day = new Date(now.getTime() - 4 * HOUR + wait * HOUR).toISOString().slice(0, 10);
        const e = expected.get(day) ?? { day, total: 0, by_decision: {} };
        const decision = i === 2 ? 'policy_violation' : 'not_violating';
        e.total++;
        e.by_decision[decision] = (e.by_decision[decision] ?? 0) + 1;
        expected.set(day, e);
      }
      assert.deepEqual(
        t.decisions_per_day.filter((d: { total: number }) => d.total > 0),
        [...expected.values()].sort((a, b) => a.day.localeCompare(b.day)),
      );
      assert.deepEqual(
        t.time_to_decision.find((q: { queue: string }) => q.queue === 'user-reports'),
        { queue: 'user-reports', closed: 3, p50_seconds: 7200, p90_seconds: 10800 },
      );
      assert.equal((await ok(lead2.get('/v1/team/dashboard?days=7'))).decisions_per_day.length, 7);
      assert.equal((await lead2.get('/v1/team/dashboard?days=0')).statusCode, 400);
      const doc = (await ta.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      assert.ok(doc.paths['/v1/team/dashboard']?.get?.responses?.['200'], 'the dashboard is in the OpenAPI document');
      assert.ok(doc.paths['/v1/audit'].get.parameters.some((p: { name: string }) => p.name === 'from'));
      assert.equal((await reviewer.get('/v1/team/dashboard')).statusCode, 403);
      assert.equal((await auditor.get('/v1/team/dashboard')).statusCode, 403);
      await ok(admin.get('/v1/team/dashboard'));
    });

    it('transparency counts members banned with their group as banned accounts, once the ban takes effect', async () => {
      const g = await groupWithMembers(ta, 'grp-t', ['gm1', 'gm2', 'gm3']);
      const day = ta.clock.now().toISOString().slice(0, 10);
      const url = `/v1/legal/transparency?from=${day}&to=${day}`;
      const before = await ok(legal.get(url));
      const r1 = client(ta, await staffSession(ta, 'reviewer'));
      await r1.send('POST', `/v1/cases/${g.caseId}/claim`);
      const d = await r1.send('POST', `/v1/cases/${g.caseId}/decision`, {
        decision: 'policy_violation',
        reason: 'organised abuse',
        actions: [{ action: 'ban_members', member_ids: ['gm1', 'gm2', 'gm3'] }, { action: 'takedown_group' }],
      });
      assert.equal(d.statusCode, 200, d.body);
      const pending = await ok(legal.get(url));
      assert.deepEqual(
        pending.accounts_banned,
        before.accounts_banned,
        'awaiting the second approval: nobody is banned yet',
      );
      assert.equal(pending.groups_taken_down, before.groups_taken_down);
      await lead.send('POST', `/v1/cases/${g.caseId}/claim`);
      const ap = await lead.send('POST', `/v1/cases/${g.caseId}/decision`, { decision: 'approve', reason: 'agreed' });
      assert.equal(ap.statusCode, 200, ap.body);
      const after = await ok(legal.get(url));
      assert.equal(after.accounts_banned.total, before.accounts_banned.total + 3);
      assert.equal(after.accounts_banned.with_their_group, before.accounts_banned.with_their_group + 3);
      assert.equal(after.groups_taken_down, before.groups_taken_down + 1);
      assert.equal(
        after.decisions_by_outcome.policy_violation,
        (before.decisions_by_outcome.policy_violation ?? 0) + 1,
        'case decisions are counted',
      );
      const csv = await legal.get(`${url}&format=csv`);
      assert.match(csv.body, new RegExp(`accounts_banned,total,${after.accounts_banned.total}\\n`));
    });

    it("an auditor's reading of one CyberTipline report is recorded against that report", async () => {
      const db = ta.ctx.db.kysely;
      const c = await db.transaction().execute((trx) =>
        attachToCase(
          trx,
          {
            platform: 'default',
            subjectType: 'account',
            subjectId: 'acc-csam',
            queue: 'known-media',
            priority: 90,
            reason: 'bank match',
          },
          ta.clock,
        ),
      );
      const r = client(ta, await staffSession(ta, 'reviewer'));
      await r.send('POST', `/v1/cases/${c.caseId}/claim`);
      const d = await r.send('POST', `/v1/cases/${c.caseId}/decision`, {
        decision: 'apparent_csam',
        reason: 'matched and confirmed',
      });
      assert.equal(d.statusCode, 200, d.body);
      await drainJobs(ta); // legal's subscriber drafts the report (review/effects.ts)
      const report = (await ok(auditor.get('/v1/legal/reports'))).reports.find(
        (x: { subject: { id: string } }) => x.subject.id === 'acc-csam',
      );
      assert.ok(report, 'the drafted report is listed for the auditor');
      const one = await ok(auditor.get(`/v1/legal/reports/${report.id}`));
      assert.equal(one.id, report.id);
      const entry = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'auditor.view')
        .where('subject_type', '=', 'ncmec_report')
        .where('subject_id', '=', String(report.id))
        .executeTakeFirst();
      assert.ok(entry, 'the view of that report is in the audit log');
      assert.equal(entry!.actor, `staff:${auditor.id}`);
      assert.equal((await auditor.send('POST', `/v1/legal/reports/${report.id}/send`)).statusCode, 403);
      assert.equal((await auditor.send('PATCH', `/v1/legal/reports/${report.id}`, { report: {} })).statusCode, 403);
    });

    it('a chain being appended to while it is verified is reported intact (one snapshot of entries and head)', async () => {
      const db = ta.ctx.db.kysely;
      let appending = true;
      const writer = (async () => {
        for (let i = 0; appending && i < 2000; i++)
          await appendAudit(db, { actor: 'system', action: 'test.append', data: { i } }, ta.clock);
      })();
      const results = [];
      for (let i = 0; i < 15; i++) results.push(await ok(auditor.get('/v1/audit/verify')));
      appending = false;
      await writer;
      assert.deepEqual(
        results.filter((r) => !r.ok).map((r) => r.problems),
        [],
      );
    });

    it('reports the chain as verified up to the last entry, and where it breaks', async () => {
      const v = await ok(auditor.get('/v1/audit/verify'));
      assert.equal(v.ok, true);
      assert.equal(v.verified_through, v.head_seq);
      const db = ta.ctx.db.kysely;
      if (dialect === 'postgres') await sql`DROP TRIGGER audit_log_no_change ON audit_log`.execute(db);
      else await sql`DROP TRIGGER audit_log_no_update`.execute(db);
      await db.updateTable('audit_log').set({ reason: 'rewritten' }).where('seq', '=', 40).execute();
      const broken = await ok(admin.get('/v1/audit/verify'));
      assert.equal(broken.ok, false);
      assert.equal(broken.verified_through, 39);
      assert.deepEqual(
        broken.problems.map((p: { seq: number; problem: string }) => [p.seq, p.problem]),
        [[40, 'edited']],
      );
    });
  });
}
