// Report integrity and abuse resistance, tried as an attacker would, through the real relay routes with
// the real SDK on both storage dialects: a genuine report re-aimed at an innocent account, evidence replayed
// by people who never received it, fabricated evidence, ids and fields PostgreSQL cannot store, draining
// someone's key packages, and floods of registrations, sends, reports, blobs and sockets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { ReportV1 } from '@vigil/sdk';
import { DIALECTS, testApp, type TestApp } from './helpers.ts';
import { messenger, runJobs, type Messenger } from './relay-helpers.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { createApiKey } from '../src/auth/api-keys.ts';

type User = Awaited<ReturnType<Messenger['user']>>;

async function call(base: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: text ? JSON.parse(text) : null };
}

function relayConfig(limits: Partial<Config['relay']['limits']>): Pick<Config, 'relay'> {
  const relay = loadConfig({ env: {}, flags: {} }).relay;
  return { relay: { ...relay, limits: { ...relay.limits, registrationsPerAddressPerHour: 0, ...limits } } };
}

for (const dialect of DIALECTS) {
  describe(`report integrity (${dialect})`, () => {
    let ta: TestApp;
    let m: Messenger;
    let alice: User, bob: User, carol: User;
    let chat = '';
    let reported = '';

    before(async () => {
      ta = await testApp(dialect);
      m = await messenger(ta);
      [alice, bob, carol] = [await m.user('alice_i'), await m.user('bob_i'), await m.user('carol_i')];
      chat = await alice.c.createConversation([bob.t.userId]);
      await bob.c.sync();
      await alice.c.send(chat, 'context before');
      await alice.c.send(chat, 'the message bob reports');
      reported = (await bob.c.sync()).at(-1)!.id;
    });
    after(async () => ta.close());

    const evidence = (): ReportV1 => bob.c.buildReport(chat, [reported]);
    const report = (u: User, body: Record<string, unknown>) =>
      call(m.base, u.token, 'POST', '/relay/v1/reports', { reason: 'child_safety', ...body });
    const signalsOn = (subject: string) =>
      ta.ctx.db.kysely.selectFrom('signals').select(['kind', 'evidence']).where('subject_id', '=', subject).execute();

    it('1. a verified report cannot be re-aimed at an innocent account: the subject is derived from the evidence', async () => {
      const aimed = await report(bob, { subject: { type: 'account', id: carol.t.userId }, evidence: evidence() });
      assert.equal(aimed.status, 400);
      assert.equal(aimed.json.error.code, 'subject_mismatch');
      assert.match(aimed.json.error.message, new RegExp(`sent by "${alice.t.userId}", not "${carol.t.userId}"`));
      const asGroup = await report(bob, { subject: { type: 'group', id: 'g-anything' }, evidence: evidence() });
      assert.equal(asGroup.status, 400, 'a one-to-one chat is no group');

      const derived = await report(bob, { evidence: evidence() });
      assert.equal(derived.status, 202);
      assert.deepEqual(
        [derived.json.status, derived.json.subject, derived.json.duplicate],
        ['verified', { type: 'account', id: alice.t.userId }, false],
      );
      const again = await bob.t.report(undefined, evidence());
      assert.deepEqual(
        [again.report_id, again.duplicate],
        [derived.json.report_id, true],
        'the same messages reported twice by one person are one report',
      );
      await runJobs(ta);
      const rows = await ta.ctx.db.kysely
        .selectFrom('user_reports')
        .select(['subject_id', 'verification', 'reporter_id'])
        .where('reporter_id', '=', bob.t.userId)
        .execute();
      assert.deepEqual(rows, [{ subject_id: alice.t.userId, verification: 'verified', reporter_id: bob.t.userId }]);
      assert.deepEqual(await signalsOn(carol.t.userId), [], 'the innocent account got nothing');
    });

    it('1b. the platform events API refuses verified evidence that names another subject, naming the field', async () => {
      const { key } = await createApiKey(
        ta.ctx.db.kysely,
        { name: 'platform', scopes: ['ingest'], platform: 'default', createdBy: null, actor: 'test' },
        ta.clock,
      );
      const ev = (subject: string) => ({
        events: [
          {
            id: `pf-${subject}`,
            type: 'report.filed',
            occurred_at: ta.clock.now().toISOString(),
            report: {
              id: `pf-${subject}`,
              reporter_id: bob.t.userId,
              subject: { type: 'account', id: subject },
              evidence: evidence(),
            },
          },
        ],
      });
      const bad = await call(m.serverUrl, key, 'POST', '/v1/events', ev(carol.t.userId));
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.details[0].path, 'report.subject');
      assert.equal((await call(m.serverUrl, key, 'POST', '/v1/events', ev(alice.t.userId))).status, 200);
    });

    it('2. evidence replayed by someone who never received it is forged and counted against them, not towards the sender', async () => {
      const stolen = evidence();
      for (const u of [carol, alice]) {
        const r = await report(u, { evidence: stolen });
        assert.equal(r.status, 202);
        assert.equal(r.json.status, 'forged', `${u.t.userId} filing bob's evidence`);
      }
      await runJobs(ta);
      for (const u of [carol, alice])
        assert.ok(
          (await signalsOn(u.t.userId)).some((s) => s.kind === 'report.forged'),
          `counted against ${u.t.userId}`,
        );
      const onAlice = (await signalsOn(alice.t.userId))
        .filter((s) => s.kind === 'report.user')
        .map((s) => JSON.parse(s.evidence).distinct_reporters);
      assert.equal(Math.max(...onAlice), 1, 'only bob, who received the message, counts as a reporter');
    });

    it('3. fabricated evidence (context only, or no franking fields) is forged: never reviewed, counted against the reporter', async () => {
      const contextOnly = evidence();
      contextOnly.messages = contextOnly.messages.map((x) => ({ ...x, context_only: true as const }));
      const bare = {
        version: 1,
        conversation_id: chat,
        messages: [
          { message_id: 'made-up', conversation_id: chat, sender_id: alice.t.userId, body: 'words alice never wrote' },
        ],
      };
      const before = (await signalsOn(alice.t.userId)).filter((s) => s.kind === 'report.user').length;
      for (const ev of [contextOnly, bare]) {
        const r = await report(bob, { subject: { type: 'account', id: alice.t.userId }, evidence: ev });
        assert.equal(r.status, 202);
        assert.equal(r.json.status, 'forged');
      }
      await runJobs(ta);
      const forged = await ta.ctx.db.kysely
        .selectFrom('user_reports')
        .select('verification')
        .where('reporter_id', '=', bob.t.userId)
        .where('verification', '=', 'forged')
        .execute();
      assert.equal(forged.length, 2);
      assert.equal(
        (await signalsOn(alice.t.userId)).filter((s) => s.kind === 'report.user').length,
        before,
        'no review signal from fabricated evidence',
      );
      assert.equal((await signalsOn(bob.t.userId)).filter((s) => s.kind === 'report.forged').length, 2);
    });

    it("3b. a group report is about the conversation's group; another group id is refused", async () => {
      const owner = await m.user('gail_i');
      const member = await m.user('hugo_i');
      const gchat = await owner.c.createConversation([member.t.userId]);
      const { group_id } = await owner.t.createGroup(gchat, { name: 'Model trains' });
      await member.c.sync();
      await owner.c.send(gchat, 'a group message');
      const id = (await member.c.sync()).at(-1)!.id;
      const ev = member.c.buildReport(gchat, [id]);
      assert.equal((await report(member, { subject: { type: 'group', id: 'g-innocent' }, evidence: ev })).status, 400);
      const ok = await report(member, { subject: { type: 'group', id: group_id }, evidence: ev });
      assert.deepEqual(
        [ok.status, ok.json.status, ok.json.subject],
        [202, 'verified', { type: 'group', id: group_id }],
      );
    });

    it('4/5. ids with lone surrogates and fields with NUL are refused whole with the field named, on both dialects', async () => {
      const { key } = await createApiKey(
        ta.ctx.db.kysely,
        { name: 'unicode', scopes: ['ingest'], platform: 'unicode', createdBy: null, actor: 'test' },
        ta.clock,
      );
      const at = ta.clock.now().toISOString();
      const surrogates = await call(m.serverUrl, key, 'POST', '/v1/events', {
        events: [
          { id: 'evt-\ud800', type: 'account.created', occurred_at: at, account: { id: 'u1' } },
          { id: 'evt-\udbff', type: 'account.created', occurred_at: at, account: { id: 'u2' } },
        ],
      });
      assert.equal(surrogates.status, 400);
      assert.deepEqual(
        surrogates.json.error.details.map((d: { index: number; path: string }) => [d.index, d.path]),
        [
          [0, 'id'],
          [1, 'id'],
        ],
      );
      const nul = await call(m.serverUrl, key, 'POST', '/v1/events', {
        events: [
          { id: 'fine', type: 'account.created', occurred_at: at, account: { id: 'u3', username: 'fine' } },
          { id: 'nul', type: 'account.created', occurred_at: at, account: { id: 'u4', bio: 'a\u0000b' } },
        ],
      });
      assert.equal(nul.status, 400);
      assert.deepEqual(
        nul.json.error.details.map((d: { index: number; path: string }) => [d.index, d.path]),
        [[1, 'account.bio']],
      );
      const stored = await ta.ctx.db.kysely
        .selectFrom('events')
        .select('external_id')
        .where('platform', '=', 'unicode')
        .execute();
      assert.deepEqual(stored, [], 'nothing of a refused batch is stored');
      const ok = await call(m.serverUrl, key, 'POST', '/v1/events', {
        events: [
          {
            id: 'evt-\ud83d\ude00',
            type: 'account.created',
            occurred_at: at,
            account: { id: 'u5', username: 'emoji \ud83d\ude00' },
          },
        ],
      });
      assert.deepEqual([ok.status, ok.json.accepted], [200, 1], 'paired surrogates (an emoji) are ordinary text');
    });

    it('6. key packages cannot be drained: the last-resort package keeps a user reachable, fetches are limited, clients top up', async () => {
      const erin = await m.user('erin_i', { keyPackages: 3 });
      const mallory = await m.user('mallory_i');
      const kinds: boolean[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await call(m.base, mallory.token, 'GET', `/relay/v1/key-packages/${erin.t.userId}`);
        assert.equal(r.status, 200);
        kinds.push(r.json.last_resort);
      }
      assert.deepEqual(
        kinds,
        [false, false, false, true, true],
        'one-time packages first, then the last-resort one, which stays',
      );
      const limited = await call(m.base, mallory.token, 'GET', `/relay/v1/key-packages/${erin.t.userId}`);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.retryAfter) > 0);
      // Drained of one-time packages, erin can still be added, and joins with her last-resort package.
      const frank = await m.user('frank_i');
      const c2 = await frank.c.createConversation([erin.t.userId]);
      await erin.c.sync();
      await frank.c.send(c2, 'still reachable');
      assert.equal((await erin.c.sync()).at(-1)?.body, 'still reachable');
      const status = await call(m.base, erin.token, 'GET', '/relay/v1/key-packages');
      assert.ok(
        status.json.one_time >= 2 && status.json.last_resort,
        `erin's client topped up: ${JSON.stringify(status.json)}`,
      );
      // Packages must be the publisher's own, and say truthfully whether they are last-resort.
      const frankPkg = (await call(m.base, mallory.token, 'GET', `/relay/v1/key-packages/${frank.t.userId}`)).json
        .key_package;
      assert.equal(
        (await call(m.base, mallory.token, 'POST', '/relay/v1/key-packages', { key_packages: [frankPkg] })).status,
        400,
      );
    });
  });

  describe(`relay quotas and rate limits (${dialect})`, () => {
    let ta: TestApp;
    let m: Messenger;
    before(async () => {
      ta = await testApp(
        dialect,
        relayConfig({
          registrationsPerAddressPerHour: 4,
          sendsPerAccountPerMinute: 3,
          reportsPerAccountPerMinute: 2,
          blobBytesPerAccountPerDay: 3000,
          socketsPerAccount: 1,
        }),
      );
      m = await messenger(ta);
    });
    after(async () => ta.close());

    it('7b. behind a trusted proxy, registrations are counted per client address, not per proxy', async () => {
      const proxied = await testApp(dialect, {
        ...relayConfig({ registrationsPerAddressPerHour: 2 }),
        trustProxy: '127.0.0.1',
      });
      try {
        const pm = await messenger(proxied);
        const reg = async (name: string, client: string) =>
          (
            await fetch(`${pm.base}/relay/v1/accounts`, {
              method: 'POST',
              headers: { 'x-forwarded-for': client, 'content-type': 'application/json' },
              body: JSON.stringify({ username: name, password: `${name} password 123` }),
            })
          ).status;
        assert.deepEqual(
          [await reg('px_a1', '203.0.113.7'), await reg('px_a2', '203.0.113.7'), await reg('px_a3', '203.0.113.7')],
          [201, 201, 429],
        );
        assert.equal(await reg('px_b1', '203.0.113.8'), 201, 'another client behind the same proxy has its own count');
      } finally {
        await proxied.close();
      }
    });

    it('7. registrations, sends, reports, blob bytes and sockets are limited: 429 with retry-after, never a 5xx', async () => {
      const a = await m.user('q_alice');
      const b = await m.user('q_bob');
      // Two registrations used; two more pass, the fifth from this address is refused.
      await m.user('q_carol');
      await m.user('q_dan');
      const fifth = await fetch(`${m.base}/relay/v1/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'q_eve', password: 'q_eve password 123' }),
      });
      assert.equal(fifth.status, 429);
      assert.ok(Number(fifth.headers.get('retry-after')) > 0);

      // Sends: the conversation's creation sent a Welcome, two messages pass, the fourth send is refused.
      const chat = await a.c.createConversation([b.t.userId]);
      await a.c.send(chat, 'one');
      await a.c.send(chat, 'two');
      const r = await call(m.base, a.token, 'POST', '/relay/v1/messages', {
        id: 'envelope-flood',
        conversation_id: chat,
        kind: 'commit',
        to: [b.t.userId],
        data: 'AAAA',
      });
      assert.equal(r.status, 429);
      assert.ok(Number(r.retryAfter) > 0);

      // Reports: two per minute.
      await b.c.sync();
      const ids = b.c.history(chat).map((x) => x.id);
      assert.equal(
        (await call(m.base, b.token, 'POST', '/relay/v1/reports', { evidence: b.c.buildReport(chat, [ids[0]!]) }))
          .status,
        202,
      );
      assert.equal(
        (await call(m.base, b.token, 'POST', '/relay/v1/reports', { evidence: b.c.buildReport(chat, [ids[1]!]) }))
          .status,
        202,
      );
      const third = await call(m.base, b.token, 'POST', '/relay/v1/reports', { evidence: b.c.buildReport(chat, ids) });
      assert.equal(third.status, 429);

      // Blob bytes per account per day: 3000.
      const blob = (n: number) =>
        fetch(`${m.base}/relay/v1/blobs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/octet-stream' },
          body: new Uint8Array(n),
        });
      assert.equal((await blob(2000)).status, 201);
      const over = await blob(1500);
      assert.equal(over.status, 429);
      assert.ok(Number(over.headers.get('retry-after')) > 0);
      assert.equal((await blob(900)).status, 201, 'what fits still fits');

      // One socket per account.
      const open = (token: string) =>
        new Promise<{ ok: boolean; status?: number; ws?: WebSocket }>((resolve) => {
          const ws = new WebSocket(`${m.base.replace('http', 'ws')}/relay/v1/socket`, ['vigil.relay.v1'], {
            headers: { authorization: `Bearer ${token}` },
          });
          ws.once('open', () => resolve({ ok: true, ws }));
          ws.once('unexpected-response', (_req, res) => resolve({ ok: false, status: res.statusCode }));
          ws.once('error', () => resolve({ ok: false }));
        });
      const first = await open(a.token);
      assert.ok(first.ok);
      const second = await open(a.token);
      assert.deepEqual([second.ok, second.status], [false, 429]);
      first.ws!.close();
      await new Promise((r) => setTimeout(r, 200));
      const again = await open(a.token);
      assert.ok(again.ok, 'a closed socket frees its place');
      again.ws!.close();
    });
  });
}
