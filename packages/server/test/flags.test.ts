// Reports from outside: trusted flaggers, bulk lists, the public form, merging, outcomes, escalation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, staffSession, silentLog, openTestDb, type TestApp, type StaffSession } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { escalateOverdue } from '../src/flags/lifecycle.ts';
import { loadConfig } from '../src/config.ts';
import { freePort, startServerProcess, waitExit } from './process.ts';

describe('flags from outside', () => {
  let ta: TestApp;
  let admin: StaffSession;
  let reviewer: StaffSession;
  const keys: Record<string, string> = {};
  const drain = async () => {
    const w = new Worker({
      db: ta.ctx.db,
      handlers: jobHandlers(ta.ctx.cfg),
      clock: ta.clock,
      log: silentLog,
      workerId: 'w',
    });
    while ((await w.runOnce()) > 0);
  };
  const as = (key: string) => ({ authorization: `Bearer ${key}` });
  const tasks = async (queue = 'flags') =>
    (
      await ta.app.inject({
        method: 'GET',
        url: `/v1/tasks?queue=${queue}&limit=500`,
        headers: { cookie: admin.cookie },
      })
    ).json().tasks as { id: number; subject_type: string; subject_id: string; priority: number; reason: string }[];

  before(async () => {
    const base = loadConfig({ env: {} }).flags;
    ta = await testApp('sqlite', { flags: { ...base, publicPerAddressPerHour: 3, publicGlobalPerHour: 8 } });
    admin = await staffSession(ta, 'admin');
    reviewer = await staffSession(ta, 'reviewer');
    for (const name of ['Hotline A', 'NGO B']) {
      const org = await ta.app.inject({
        method: 'POST',
        url: '/v1/flagger-orgs',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
        payload: { name, kind: name.startsWith('NGO') ? 'ngo' : 'hotline' },
      });
      assert.equal(org.statusCode, 201, org.body);
      const key = await ta.app.inject({
        method: 'POST',
        url: `/v1/flagger-orgs/${org.json().id}/keys`,
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
        payload: { name: 'api' },
      });
      keys[name] = key.json().key;
    }
    // 200 groups with public invite links, known to Vigil.
    const events = Array.from({ length: 200 }, (_, i) => ({
      id: `g${i}`,
      type: 'group.created',
      occurred_at: '2026-11-20T10:00:00Z',
      group: { id: `grp-${i}`, name: `group ${i}`, invite_link: `https://chat.example/join/code${i}` },
    }));
    await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(events), ta.clock);
    await drain();
  });
  after(async () => ta.close());

  it('keeps each flagger to its own flags', async () => {
    const r = await ta.app.inject({
      method: 'POST',
      url: '/v1/flags',
      headers: as(keys['Hotline A']!),
      payload: {
        subject: { kind: 'invite_link', value: 'https://chat.example/join/code1' },
        category: 'csam',
        notes: 'seen on a link directory',
        found_at_url: 'https://directory.example/list?page=3',
      },
    });
    assert.equal(r.statusCode, 201, r.body);
    const ref = r.json().reference;
    assert.match(ref, /^VGL-[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    assert.equal(
      (await ta.app.inject({ method: 'GET', url: `/v1/flags/${ref}`, headers: as(keys['Hotline A']!) })).json().status,
      'received',
    );
    assert.equal(
      (await ta.app.inject({ method: 'GET', url: `/v1/flags/${ref}`, headers: as(keys['NGO B']!) })).statusCode,
      404,
    );
    assert.equal(
      (await ta.app.inject({ method: 'GET', url: '/v1/flags', headers: as(keys['NGO B']!) })).json().flags.length,
      0,
    );
    const t = (await tasks()).find((x) => x.subject_id === 'grp-1')!;
    assert.equal(t.subject_type, 'group', 'the invite link was resolved to its group');
    const sig = await ta.app.inject({
      method: 'GET',
      url: '/v1/signals?subject_type=group&subject_id=grp-1',
      headers: { cookie: admin.cookie },
    });
    assert.match(sig.json().signals[0].summary, /flagged as csam by Hotline A \(hotline\)/);
  });

  it('turns an NGO list of 1,000 invite links into deduplicated cases; the flagger sees the outcome', async () => {
    // 200 groups, each listed 5 times in different spellings of the same link.
    const spell = (i: number, v: number) =>
      [
        `https://chat.example/join/code${i}`,
        `http://chat.example/join/code${i}/`,
        `chat.example/join/code${i}`,
        `https://CHAT.example/join/code${i}`,
        `https://chat.example/join/code${i}//`,
      ][v]!;
    const lines = ['subject_kind,subject_value,category,notes'];
    for (let v = 0; v < 5; v++)
      for (let i = 0; i < 200; i++) lines.push(`invite_link,${spell(i, v)},trading,"listed on ""a directory"""`);
    const r = await ta.app.inject({
      method: 'POST',
      url: '/v1/flags/bulk',
      headers: { ...as(keys['NGO B']!), 'content-type': 'text/csv' },
      payload: lines.join('\n'),
    });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().filed, 1000);
    assert.equal(r.json().cases, 200);
    const cases = await tasks();
    assert.equal(cases.length, 200, 'one case per group');
    const both = cases.find((x) => x.subject_id === 'grp-1')!;
    assert.match(both.reason, /flagged by 2 reporters/);
    assert.ok(both.priority > cases.find((x) => x.subject_id === 'grp-2')!.priority, 'more reporters, higher priority');

    const bad = await ta.app.inject({
      method: 'POST',
      url: '/v1/flags/bulk',
      headers: as(keys['NGO B']!),
      payload: {
        flags: [
          { subject: { kind: 'handle', value: 'x' }, category: 'csam' },
          { subject: { kind: 'phone', value: '1' }, category: 'csam' },
        ],
      },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.details[0].row, 2);

    const task = cases.find((x) => x.subject_id === 'grp-7')!;
    const h = { cookie: reviewer.cookie, 'x-csrf-token': reviewer.csrf };
    await ta.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/claim`, headers: h });
    await drain(); // flags follow claims and decisions as subscribers (review/effects.ts)
    const ref = r.json().references[7];
    assert.equal(
      (await ta.app.inject({ method: 'GET', url: `/v1/flags/${ref}`, headers: as(keys['NGO B']!) })).json().status,
      'under_review',
    );
    const d = await ta.app.inject({
      method: 'POST',
      url: `/v1/tasks/${task.id}/decision`,
      headers: h,
      payload: { decision: 'not_violating', reason: 'the group shares hiking routes; the listing was wrong' },
    });
    assert.equal(d.statusCode, 200, d.body);
    await drain();
    const seen = (await ta.app.inject({ method: 'GET', url: `/v1/flags/${ref}`, headers: as(keys['NGO B']!) })).json();
    assert.equal(seen.status, 'no_violation');
    assert.equal(seen.statement, 'No violation was found: the group shares hiking routes; the listing was wrong');
  });

  it('keeps flags about unknown subjects and matches them when the subject appears', async () => {
    const r = await ta.app.inject({
      method: 'POST',
      url: '/v1/flags',
      headers: as(keys['Hotline A']!),
      payload: { subject: { kind: 'handle', value: '@Ghost_Trader' }, category: 'trading' },
    });
    const ref = r.json().reference;
    assert.ok((await tasks()).some((t) => t.subject_type === 'flagged' && t.subject_id === 'handle:ghost_trader'));
    await ingestEvents(
      ta.ctx.db.kysely,
      'default',
      validateEvents([
        {
          id: 'acc-ghost',
          type: 'account.created',
          occurred_at: '2026-11-21T10:00:00Z',
          account: { id: 'u-ghost', username: 'ghost_trader' },
        },
      ]),
      ta.clock,
    );
    await drain();
    const now = await tasks();
    assert.ok(
      !now.some((t) => t.subject_type === 'flagged' && t.subject_id === 'handle:ghost_trader'),
      'the placeholder case closed',
    );
    assert.ok(now.some((t) => t.subject_type === 'account' && t.subject_id === 'u-ghost'));
    assert.deepEqual(
      (await ta.app.inject({ method: 'GET', url: `/v1/flags/${ref}`, headers: as(keys['Hotline A']!) })).json()
        .resolved,
      { type: 'account', id: 'u-ghost' },
    );
  });

  it('escalates flags past their deadline and lists them for leads', async () => {
    ta.clock.advance(25 * 3600_000);
    const n = await escalateOverdue(ta.ctx.db.kysely, ta.clock);
    assert.equal(n, 1, 'only the csam flag (24 h) is overdue after 25 hours');
    admin = await staffSession(ta, 'lead'); // yesterday's sessions have expired
    const res = await ta.app.inject({
      method: 'GET',
      url: '/v1/flags?overdue=true&limit=1000',
      headers: { cookie: admin.cookie },
    });
    assert.equal(res.statusCode, 200, res.body);
    const overdue = res.json().flags;
    assert.ok(overdue.some((f: { category: string; escalated: boolean }) => f.category === 'csam' && f.escalated));
    assert.ok(!overdue.some((f: { category: string }) => f.category === 'trading'), 'trading flags have 48 hours');
    assert.equal((await tasks()).find((x) => x.subject_id === 'grp-1')!.priority, 99);
  });

  it('refuses public floods per address and overall, and oversized input, with clear errors', async () => {
    const send = (ip: string, payload: string, type = 'application/x-www-form-urlencoded') =>
      ta.app.inject({
        method: 'POST',
        url: '/report',
        remoteAddress: ip,
        headers: { 'content-type': type, accept: 'application/json' },
        payload,
      });
    const ok = 'subject_kind=handle&subject_value=someone&category=grooming&notes=asked+my+child+for+photos';
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await send('203.0.113.1', ok)).statusCode);
    assert.deepEqual(codes, [201, 201, 201, 429]);
    const long = await send(
      '203.0.113.2',
      `subject_kind=handle&subject_value=x&category=other&notes=${'a'.repeat(2100)}`,
    );
    assert.equal(long.statusCode, 400);
    assert.match(long.json().error.message, /longer than 2,000 characters/);
    const huge = await send(
      '203.0.113.3',
      `subject_kind=handle&subject_value=x&category=other&notes=${'a'.repeat(20_000)}`,
    );
    assert.equal(huge.statusCode, 413);
    const global = [];
    for (let i = 10; i < 16; i++) global.push((await send(`198.51.100.${i}`, ok)).statusCode);
    assert.ok(global.includes(429), `the global limit holds: ${global}`);
    const html = await ta.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: '203.0.113.1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: ok,
    });
    assert.equal(html.statusCode, 429);
    assert.match(html.body, /Too many reports from your connection/);
  });
});

describe('public report durability', () => {
  it('keeps a report that was acknowledged even if the server is killed at once', { timeout: 60_000 }, async () => {
    const t = await openTestDb('sqlite');
    try {
      const server = await startServerProcess(t.env, await freePort());
      const res = await fetch(`${server.url}/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: 'subject_kind=invite_link&subject_value=https%3A%2F%2Fchat.example%2Fjoin%2Fzz&category=trading',
      });
      server.child.kill('SIGKILL');
      assert.equal(res.status, 201);
      const { reference } = await res.json();
      await waitExit(server.child);
      const row = await t.db.kysely
        .selectFrom('flags')
        .select(['reference', 'status'])
        .where('reference', '=', reference)
        .executeTakeFirst();
      assert.deepEqual(row, { reference, status: 'received' });
    } finally {
      await t.cleanup();
    }
  });
});
