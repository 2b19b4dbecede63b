// Decisions → enforcement → webhooks; four-eyes approval of group-wide actions; appeals and reversal.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DIALECTS,
  testApp,
  staffSession,
  apiKey,
  silentLog,
  drainJobs,
  type TestApp,
  type StaffSession,
} from './helpers.ts';
import { openTask } from '../src/review/task-store.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { ensureDefaultRules } from '../src/detect/rules-store.ts';
import { addEntries, createBank } from '../src/media/banks.ts';

const LISTED = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const AVATAR = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23'; // 1 bit away
const BENIGN = '00f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22'; // 4 bits away

for (const dialect of DIALECTS) {
  describe(`enforcement and appeals (${dialect})`, () => {
    let ta: TestApp;
    let a: StaffSession;
    let b: StaffSession;
    let platformKey = '';
    const webhooks = async (type: string) =>
      (
        await ta.ctx.db.kysely
          .selectFrom('webhook_outbox')
          .select('payload')
          .where('event_type', '=', type)
          .orderBy('id')
          .execute()
      ).map((r) => JSON.parse(r.payload).data);
    const post = (s: StaffSession, url: string, payload: object) =>
      ta.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload });
    const get = (s: StaffSession, url: string) =>
      ta.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } }).then((r) => r.json());
    const taskOf = async (queue: string, subject: string) =>
      (await get(a, `/v1/tasks?queue=${queue}`)).tasks.find((t: { subject_id: string }) => t.subject_id === subject);

    before(async () => {
      ta = await testApp(dialect);
      await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
      a = await staffSession(ta, 'reviewer');
      b = await staffSession(ta, 'reviewer');
      platformKey = await apiKey(ta, ['ingest']);
      const now = ta.clock.now().toISOString();
      await ta.ctx.db.kysely
        .insertInto('webhook_endpoints')
        .values({
          url: 'https://platform.example/hooks',
          secret: 'whsec_test',
          events: '*',
          enabled: 1,
          created_at: now,
        })
        .execute();
      await createBank(ta.ctx.db.kysely, { name: 'KNOWN_TEST', kind: 'block' }, 'test', ta.clock);
      await addEntries(ta.ctx.db.kysely, 'KNOWN_TEST', [{ signal_type: 'pdq', value: LISTED }], 'test', ta.clock);
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'e1',
            type: 'account.created',
            occurred_at: now,
            account: { id: 'acc-bad', username: 'x1', avatar: { pdq: AVATAR } },
          },
          {
            id: 'e2',
            type: 'account.created',
            occurred_at: now,
            account: { id: 'acc-fp', username: 'x2', avatar: { pdq: BENIGN } },
          },
          {
            id: 'e3',
            type: 'group.created',
            occurred_at: now,
            group: { id: 'grp-bad', name: 'g', invite_link: 'https://chat.example/j/1' },
          },
          {
            id: 'e4',
            type: 'report.filed',
            occurred_at: now,
            report: { id: 'r1', reporter_id: 'u9', subject: { type: 'group', id: 'grp-bad' }, reason: 'child_safety' },
          },
        ]),
        ta.clock,
      );
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await w.runOnce()) > 0);
    });
    after(async () => ta.close());

    it('apparent CSAM: ban, strike, confirmed bank, legal hold, legal task, webhook', async () => {
      const t = await taskOf('known-media', 'acc-bad');
      assert.ok(t, 'the listed avatar opened a task');
      assert.equal((await post(a, `/v1/tasks/${t.id}/claim`, {})).statusCode, 200);
      const d = await post(a, `/v1/tasks/${t.id}/decision`, {
        decision: 'apparent_csam',
        reason: 'matches known material',
        note: 'verified at 1 bit',
      });
      assert.equal(d.statusCode, 200, d.body);
      await drainJobs(ta); // the banks' and legal's subscribers (review/effects.ts)
      const [actionId] = d.json().action_ids;
      const hist = await get(a, '/v1/actions?subject_type=account&subject_id=acc-bad');
      assert.equal(hist.actions[0].action, 'ban');
      assert.equal(hist.actions[0].status, 'active');
      assert.equal(hist.strikes, 1);
      const sent = await webhooks('enforcement.action');
      assert.deepEqual(
        sent.map((x) => [x.action_id, x.action, x.subject.id]),
        [[actionId, 'ban', 'acc-bad']],
      );
      const confirmed = await ta.ctx.db.kysely
        .selectFrom('bank_entries')
        .innerJoin('banks', 'banks.id', 'bank_entries.bank_id')
        .select(['bank_entries.value', 'bank_entries.confirmed'])
        .where('banks.name', '=', 'CONFIRMED')
        .execute();
      assert.deepEqual(confirmed, [{ value: AVATAR, confirmed: 1 }], 'the subject’s own hash is confirmed');
      const hold = await ta.ctx.db.kysely
        .selectFrom('legal_holds')
        .selectAll()
        .where('subject_id', '=', 'acc-bad')
        .executeTakeFirstOrThrow();
      assert.ok(Date.parse(hold.expires_at) - ta.clock.now().getTime() >= 364 * 86_400_000);
      const legal = await staffSession(ta, 'legal');
      const legalView = await get(legal, '/v1/tasks');
      assert.deepEqual(
        legalView.tasks.map((x: { queue: string; subject_id: string }) => `${x.queue}:${x.subject_id}`),
        ['legal-reports:acc-bad'],
      );
      assert.equal(
        (await ta.app.inject({ method: 'GET', url: `/v1/tasks/${t.id}`, headers: { cookie: legal.cookie } }))
          .statusCode,
        404,
        'legal staff see only legal tasks',
      );
    });

    it('takes a group down only after a second reviewer approves', async () => {
      const t = await taskOf('user-reports', 'grp-bad');
      await post(a, `/v1/tasks/${t.id}/claim`, {});
      const d = await post(a, `/v1/tasks/${t.id}/decision`, {
        decision: 'policy_violation',
        reason: 'trading group',
        actions: [{ action: 'takedown_group' }, { action: 'revoke_invites' }],
      });
      assert.equal(d.statusCode, 200, d.body);
      const [takedown, revoke] = d.json().action_ids;
      const before = await webhooks('enforcement.action');
      assert.ok(
        before.some((x) => x.action_id === revoke),
        'ordinary actions go out at once',
      );
      assert.ok(!before.some((x) => x.action_id === takedown), 'the take-down waits');
      assert.ok(await taskOf('approvals', 'grp-bad'));
      const self = await post(a, `/v1/actions/${takedown}/approval`, { approve: true, reason: 'me again' });
      assert.equal(self.statusCode, 403);
      assert.equal(
        (await post(b, `/v1/actions/${takedown}/approval`, { approve: true, reason: 'agree' })).statusCode,
        200,
      );
      assert.ok(
        (await webhooks('enforcement.action')).some((x) => x.action_id === takedown && x.action === 'takedown_group'),
      );
      assert.equal(await taskOf('approvals', 'grp-bad'), undefined, 'the approval task is closed');
      assert.equal(
        (await post(b, `/v1/actions/${takedown}/approval`, { approve: true, reason: 'twice' })).statusCode,
        409,
      );
    });

    it('lets the platform appeal once; a different reviewer reverses and the platform is told', async () => {
      const ban = (await get(a, '/v1/actions?subject_type=account&subject_id=acc-bad')).actions[0];
      const file = (payload: object) =>
        ta.app.inject({
          method: 'POST',
          url: '/v1/appeals',
          headers: { authorization: `Bearer ${platformKey}` },
          payload,
        });
      const r = await file({ action_id: ban.id, statement: 'That photo is my own drawing' });
      assert.equal(r.statusCode, 201, r.body);
      const appealId = r.json().appeal_id;
      assert.equal((await file({ action_id: ban.id, statement: 'again' })).statusCode, 409);
      const t = await taskOf('appeals', 'acc-bad');
      assert.equal(t.ref.appeal_id, appealId);
      assert.equal(
        (await post(a, `/v1/appeals/${appealId}/decision`, { outcome: 'reverse', reason: 'x' })).statusCode,
        403,
        'not the original reviewer',
      );
      assert.equal(
        (await post(b, `/v1/appeals/${appealId}/decision`, { outcome: 'reverse', reason: 'drawing confirmed' }))
          .statusCode,
        200,
      );
      const after = await get(a, '/v1/actions?subject_type=account&subject_id=acc-bad');
      assert.equal(after.actions[0].status, 'reversed');
      assert.equal(after.strikes, 0);
      assert.deepEqual(
        (await webhooks('enforcement.reversed')).map((x) => x.action_id),
        [ban.id],
      );
      const seen = await ta.app.inject({
        method: 'GET',
        url: `/v1/appeals/${appealId}`,
        headers: { authorization: `Bearer ${platformKey}` },
      });
      assert.equal(seen.json().status, 'reversed');
      assert.equal(seen.json().reason, 'drawing confirmed');
    });

    it('not violating + allowlist: the hash becomes a known false positive', async () => {
      const t = await taskOf('known-media', 'acc-fp');
      await post(b, `/v1/tasks/${t.id}/claim`, {});
      assert.equal(
        (
          await post(b, `/v1/tasks/${t.id}/decision`, {
            decision: 'not_violating',
            reason: 'x',
            actions: [{ action: 'ban' }],
          })
        ).statusCode,
        409,
      );
      assert.equal(
        (
          await post(b, `/v1/tasks/${t.id}/decision`, {
            decision: 'not_violating',
            reason: 'a sunset photo',
            allowlist: true,
          })
        ).statusCode,
        200,
      );
      await drainJobs(ta);
      const m = await post(b, '/v1/match', { pdq: BENIGN });
      assert.equal(m.json().matches.length, 0);
      assert.equal(m.json().suppressed_by_allowlist[0].bank, 'FALSE_POSITIVES');
    });
  });
}

describe('review roles and races', () => {
  for (const dialect of DIALECTS) {
    it(`lets exactly one of two racing reviewers claim a task (${dialect})`, async () => {
      const ta = await testApp(dialect);
      try {
        const [a, b] = [await staffSession(ta, 'reviewer'), await staffSession(ta, 'reviewer')];
        const id = await openTask(
          ta.ctx.db.kysely,
          { platform: 'default', subjectType: 'account', subjectId: 'x', queue: 'q', priority: 50, reason: 'r' },
          ta.clock,
        );
        const claim = (s: StaffSession) =>
          ta.app.inject({
            method: 'POST',
            url: `/v1/tasks/${id}/claim`,
            headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
          });
        const codes = (await Promise.all([claim(a), claim(b), claim(a), claim(b)])).map((r) => r.statusCode);
        const owner = (
          await ta.ctx.db.kysely
            .selectFrom('cases')
            .select('claimed_by')
            .where('subject_id', '=', 'x')
            .executeTakeFirstOrThrow()
        ).claimed_by;
        assert.ok([a.id, b.id].includes(Number(owner)));
        assert.equal(codes.filter((c) => c === 200).length, 2, 'the winner may re-claim, the other never gets it');
        assert.equal(codes.filter((c) => c === 409).length, 2);
      } finally {
        await ta.close();
      }
    });
  }

  it('keeps reviewers out of legal and admin routes, and auditors read-only', async () => {
    const ta = await testApp('sqlite');
    try {
      const rev = await staffSession(ta, 'reviewer');
      const aud = await staffSession(ta, 'auditor');
      const lead = await staffSession(ta, 'lead');
      const req = (s: StaffSession, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
        ta.app
          .inject({
            method,
            url,
            headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
            ...(payload ? { payload } : {}),
          })
          .then((r) => r.statusCode);
      const id = await openTask(
        ta.ctx.db.kysely,
        {
          platform: 'default',
          subjectType: 'account',
          subjectId: 'x',
          queue: 'legal-reports',
          priority: 100,
          reason: 'file',
        },
        ta.clock,
      );
      assert.equal(await req(rev, 'GET', `/v1/tasks/${id}`), 404, 'legal work is hidden from reviewers');
      assert.equal(
        (await ta.app.inject({ method: 'GET', url: '/v1/tasks', headers: { cookie: rev.cookie } })).json().tasks.length,
        0,
      );
      assert.equal(await req(lead, 'GET', `/v1/tasks/${id}`), 200);
      for (const url of ['/v1/staff', '/v1/api-keys', '/v1/webhooks', '/v1/audit'])
        assert.equal(await req(rev, 'GET', url), 403, url);
      assert.equal(await req(aud, 'GET', '/v1/audit'), 200);
      assert.equal(await req(aud, 'GET', '/v1/actions'), 200);
      assert.equal(await req(aud, 'POST', '/v1/actions/1/reverse', { reason: 'x' }), 403);
      assert.equal(
        await req(aud, 'PUT', '/v1/rules/x', { expression: 'true', outcome: { type: 'label', label: 'x' } }),
        403,
      );
      assert.equal(await req(aud, 'POST', `/v1/tasks/${id}/claim`), 403);
    } finally {
      await ta.close();
    }
  });

  it('reverses an action directly (lead), filters by severity and audits reading reports', async () => {
    const ta = await testApp('sqlite');
    try {
      const lead = await staffSession(ta, 'lead');
      const rev = await staffSession(ta, 'reviewer');
      const h = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
      const now = ta.clock.now().toISOString();
      const { id: actionId } = await ta.ctx.db.kysely
        .insertInto('enforcement_actions')
        .values({
          platform: 'default',
          subject_type: 'account',
          subject_id: 'u1',
          action: 'ban',
          params: '{}',
          status: 'active',
          reason: 'r',
          task_id: null,
          decided_by: rev.id,
          approved_by: null,
          created_at: now,
          expires_at: null,
          reversed_at: null,
          reversed_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const r = await ta.app.inject({
        method: 'POST',
        url: `/v1/actions/${actionId}/reverse`,
        headers: h,
        payload: { reason: 'mistaken identity' },
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(
        (
          await ta.app.inject({
            method: 'POST',
            url: `/v1/actions/${actionId}/reverse`,
            headers: h,
            payload: { reason: 'again' },
          })
        ).statusCode,
        409,
      );
      const audit = await ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select(['action', 'reason'])
        .where('action', '=', 'enforcement.reverse')
        .execute();
      assert.deepEqual(audit, [{ action: 'enforcement.reverse', reason: 'mistaken identity' }]);

      for (const [p, q] of [
        [95, 'a'],
        [75, 'b'],
        [50, 'c'],
        [10, 'd'],
      ] as const) {
        await openTask(
          ta.ctx.db.kysely,
          { platform: 'default', subjectType: 'account', subjectId: q, queue: 'q', priority: p, reason: 'r' },
          ta.clock,
        );
      }
      const sev = async (s: string) =>
        (await ta.app.inject({ method: 'GET', url: `/v1/tasks?severity=${s}`, headers: { cookie: lead.cookie } }))
          .json()
          .tasks.map((t: { subject_id: string }) => t.subject_id);
      assert.deepEqual(
        [await sev('critical'), await sev('high'), await sev('medium'), await sev('low')],
        [['a'], ['b'], ['c'], ['d']],
      );

      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'r1',
            type: 'report.filed',
            occurred_at: now,
            report: {
              id: 'rep-1',
              reporter_id: 'u2',
              subject: { type: 'account', id: 'u1' },
              reason: 'child_safety',
              evidence: { messages: [{ sender: 'u1', text: 'hello there', franking_verified: true }] },
            },
          },
        ]),
        ta.clock,
      );
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await w.runOnce()) > 0);
      const rep = await ta.app.inject({
        method: 'GET',
        url: '/v1/reports?subject_type=account&subject_id=u1',
        headers: { cookie: rev.cookie },
      });
      const m = rep.json().reports[0].messages[0];
      assert.equal(m.text, 'hello there');
      assert.equal(m.franking_verified, false, 'a flag sent by the platform is never trusted');
      const views = await ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select(['actor', 'subject_type'])
        .where('action', '=', 'evidence.view')
        .execute();
      assert.deepEqual(views, [{ actor: `staff:${rev.id}`, subject_type: 'user_report' }]);
    } finally {
      await ta.close();
    }
  });
});
