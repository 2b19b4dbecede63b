// The policy API the console's rules, term-list and webhook screens use: rule errors at their line and
// column, term-list versions, problems by path and the "try it" detector, secret rotation, dead letters of one
// endpoint retried together, delivery paging. Both dialects.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, testApp, staffSession, silentLog, type TestApp, type StaffSession } from './helpers.ts';
import { emitWebhook, deliverDue } from '../src/webhooks/outbox.ts';

/** A benign list: made-up code words, so nothing in the test is abusive text. */
const TEST_LIST = {
  name: 'test-list',
  terms: [
    { term: 'orchid', kind: 'coded', category: 'test', weight: 2 },
    { term: 'swap', kind: 'exchange', category: 'test', weight: 1 },
  ],
  combinations: [{ name: 'coded+exchange', kinds: ['coded', 'exchange'], weight: 2, severity: 'high' }],
};

for (const dialect of DIALECTS) {
  describe(`policy API (${dialect})`, () => {
    let ta: TestApp;
    let admin: StaffSession;
    let lead: StaffSession;
    let reviewer: StaffSession;
    const as = (s: StaffSession) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });
    before(async () => {
      ta = await testApp(dialect, { webhooks: { maxAttempts: 1, timeoutMs: 2000, allowPrivateTargets: true } });
      [admin, lead, reviewer] = [
        await staffSession(ta, 'admin'),
        await staffSession(ta, 'lead'),
        await staffSession(ta, 'reviewer'),
      ];
    });
    after(async () => ta.close());

    it('documents every new route in the OpenAPI document', async () => {
      const doc = (await ta.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      for (const [path, method] of [
        ['/v1/term-list/versions/{version}', 'get'],
        ['/v1/term-list/try', 'post'],
        ['/v1/webhooks/{id}/secret', 'post'],
        ['/v1/webhooks/{id}/retry-dead', 'post'],
      ]) {
        assert.ok(doc.paths[path]?.[method!], `${method} ${path}`);
      }
      assert.ok(doc.paths['/v1/webhooks/deliveries'].get.parameters.some((p: { name: string }) => p.name === 'offset'));
    });

    it('refuses a rule calling an unknown function or yielding no boolean, at the line and column', async () => {
      const put = (expression: string) =>
        ta.app.inject({
          method: 'PUT',
          url: '/v1/rules/probe',
          headers: as(admin),
          payload: { expression, outcome: { type: 'label', label: 'x' } },
        });
      const unknown = await put("subject.type == 'account' &&\n  nosuch(subject.bio)");
      assert.equal(unknown.statusCode, 400);
      assert.equal(unknown.json().error.code, 'invalid_rule');
      assert.deepEqual(unknown.json().error.details, { line: 2, column: 3 });
      assert.match(unknown.json().error.message, /nosuch/);
      const notBool = await put("\n\n 'text'");
      assert.equal(notBool.statusCode, 400);
      assert.deepEqual(notBool.json().error.details, { line: 3, column: 2 });
      assert.equal((await put("subject.type == 'account'")).statusCode, 200);
    });

    it('saves term-list versions, names each problem by path, and serves any version whole', async () => {
      const save = (body: unknown, who = admin) =>
        ta.app.inject({ method: 'PUT', url: '/v1/term-list', headers: as(who), payload: body as object });
      const v1 = await save(TEST_LIST);
      assert.equal(v1.statusCode, 200, v1.body);
      const bad = await save({
        ...TEST_LIST,
        terms: [
          TEST_LIST.terms[0],
          { ...TEST_LIST.terms[1], kind: 'nonsense' },
          { term: '', kind: 'coded', category: 'x', weight: 1 },
        ],
      });
      assert.equal(bad.statusCode, 400);
      const paths = bad.json().error.details.map((d: { path: string }) => d.path);
      assert.deepEqual(paths, ['terms.1.kind', 'terms.2.term']);
      const v2 = await save({ ...TEST_LIST, threshold: 2 });
      assert.equal(v2.json().version, v1.json().version + 1);
      assert.equal((await save(TEST_LIST, reviewer)).statusCode, 403);
      const got = await ta.app.inject({
        method: 'GET',
        url: `/v1/term-list/versions/${v1.json().version}`,
        headers: as(lead),
      });
      assert.equal(got.statusCode, 200);
      assert.equal(got.json().list.threshold, 1);
      assert.equal(got.json().list.terms[0].term, 'orchid');
      assert.equal(
        (await ta.app.inject({ method: 'GET', url: '/v1/term-list/versions/999', headers: as(lead) })).statusCode,
        404,
      );
    });

    it('tries a text against the list in force, a saved version, or an unsaved draft, storing nothing', async () => {
      const before = await ta.ctx.db.kysely.selectFrom('signals').select('id').execute();
      const tryIt = (body: object) =>
        ta.app.inject({ method: 'POST', url: '/v1/term-list/try', headers: as(lead), payload: body });
      // The list in force has threshold 2: the combination weighs 2, so it still flags.
      const cur = await tryIt({ text: 'Orchid SWAP here', surface: 'bio' });
      assert.equal(cur.statusCode, 200, cur.body);
      assert.equal(cur.json().flagged, true);
      assert.equal(cur.json().hits[0].term, 'orchid');
      assert.equal(cur.json().hits[0].combination, 'coded+exchange');
      assert.equal(cur.json().hits[0].context[0].term, 'swap');
      assert.equal((await tryIt({ text: 'a quiet orchid garden' })).json().flagged, false);
      const draft = await tryIt({
        text: 'orchid swap',
        list: { ...TEST_LIST, terms: [{ ...TEST_LIST.terms[0], term: 'tulip' }, TEST_LIST.terms[1]] },
      });
      assert.equal(draft.json().flagged, false, 'the draft no longer has orchid');
      assert.equal(draft.json().version, null);
      const badDraft = await tryIt({ text: 'x', list: { ...TEST_LIST, threshold: 'high' } });
      assert.equal(badDraft.statusCode, 400);
      assert.equal(badDraft.json().error.details[0].path, 'threshold');
      assert.equal((await tryIt({ text: 'x', version: 999 })).statusCode, 404);
      assert.equal((await tryIt({ text: '' })).statusCode, 400);
      assert.equal((await ta.ctx.db.kysely.selectFrom('signals').select('id').execute()).length, before.length);
    });

    it("rotates a secret (admins only), retries one endpoint's dead letters together, pages deliveries", async () => {
      const make = async (url: string) =>
        (
          await ta.app.inject({
            method: 'POST',
            url: '/v1/webhooks',
            headers: as(admin),
            payload: { url, events: ['*'] },
          })
        ).json();
      // Nothing listens on port 9 of loopback: every delivery fails at once and, with one attempt, is dead.
      const a = await make('http://127.0.0.1:9/a');
      const b = await make('http://127.0.0.1:9/b');
      const rotated = await ta.app.inject({ method: 'POST', url: `/v1/webhooks/${a.id}/secret`, headers: as(admin) });
      assert.equal(rotated.statusCode, 200);
      assert.notEqual(rotated.json().secret, a.secret);
      const row = await ta.ctx.db.kysely
        .selectFrom('webhook_endpoints')
        .select('secret')
        .where('id', '=', a.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.secret, rotated.json().secret);
      assert.equal(
        (await ta.app.inject({ method: 'POST', url: `/v1/webhooks/${a.id}/secret`, headers: as(lead) })).statusCode,
        403,
      );
      assert.equal(
        (await ta.app.inject({ method: 'POST', url: '/v1/webhooks/999999/secret', headers: as(admin) })).statusCode,
        404,
      );

      for (let i = 0; i < 130; i++)
        await ta.ctx.db.kysely.transaction().execute((trx) => emitWebhook(trx, 'test.event', { n: i }, ta.clock));
      while (
        await deliverDue({
          db: ta.ctx.db,
          clock: ta.clock,
          log: silentLog,
          maxAttempts: 1,
          timeoutMs: 2000,
          allowPrivate: true,
          batch: 100,
        })
      );
      const page = (q: string) =>
        ta.app.inject({ method: 'GET', url: `/v1/webhooks/deliveries?${q}`, headers: as(lead) }).then((r) => r.json());
      const p0 = await page(`status=dead&endpoint_id=${a.id}&limit=50`);
      const p2 = await page(`status=dead&endpoint_id=${a.id}&limit=50&offset=100`);
      assert.equal(p0.deliveries.length, 50);
      assert.equal(p0.has_more, true);
      assert.equal(p2.deliveries.length, 30);
      assert.equal(p2.has_more, false);
      assert.ok(
        p0.deliveries.every(
          (d: { endpoint_id: number; status: string; last_error: string }) =>
            d.endpoint_id === a.id && d.status === 'dead' && d.last_error,
        ),
      );
      assert.ok(p0.deliveries[49].id > p2.deliveries[0].id, 'newest first');

      assert.equal(
        (await ta.app.inject({ method: 'POST', url: `/v1/webhooks/${a.id}/retry-dead`, headers: as(reviewer) }))
          .statusCode,
        403,
      );
      const retried = await ta.app.inject({
        method: 'POST',
        url: `/v1/webhooks/${a.id}/retry-dead`,
        headers: as(lead),
      });
      assert.equal(retried.statusCode, 200);
      assert.equal(retried.json().retried, 130);
      const count = async (endpoint: number, status: string) =>
        (
          await ta.ctx.db.kysely
            .selectFrom('webhook_outbox')
            .select('id')
            .where('endpoint_id', '=', endpoint)
            .where('status', '=', status as 'dead')
            .execute()
        ).length;
      assert.equal(await count(a.id, 'pending'), 130);
      assert.equal(await count(a.id, 'dead'), 0);
      assert.equal(await count(b.id, 'dead'), 130, 'the other endpoint is untouched');
      const audit = await ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select(['action', 'data'])
        .where('action', 'in', ['webhook.retry_dead', 'webhook.rotate_secret'])
        .execute();
      assert.deepEqual(audit.map((e) => e.action).sort(), ['webhook.retry_dead', 'webhook.rotate_secret']);
      assert.equal(
        (await ta.app.inject({ method: 'POST', url: '/v1/webhooks/999999/retry-dead', headers: as(lead) })).statusCode,
        404,
      );

      // Deleting endpoint a: its waiting deliveries become dead letters that say why, and none is sent or retried.
      const del = await ta.app.inject({ method: 'DELETE', url: `/v1/webhooks/${a.id}`, headers: as(admin) });
      assert.deepEqual(del.json(), { disabled: true, cancelled: 130 });
      assert.equal(await count(a.id, 'pending'), 0);
      const cancelled = await page(`status=dead&endpoint_id=${a.id}&limit=1`);
      assert.equal(cancelled.deliveries[0].last_error, 'endpoint deleted');
      assert.equal(cancelled.deliveries[0].endpoint_enabled, false);
      assert.equal((await page(`endpoint_id=${b.id}&limit=1`)).deliveries[0].endpoint_enabled, true);
      assert.equal(
        (await ta.app.inject({ method: 'POST', url: `/v1/webhooks/${a.id}/retry-dead`, headers: as(lead) })).statusCode,
        409,
      );
      const one = await ta.app.inject({
        method: 'POST',
        url: `/v1/webhooks/deliveries/${cancelled.deliveries[0].id}/retry`,
        headers: as(lead),
      });
      assert.equal(one.statusCode, 404);
      await ta.ctx.db.kysely
        .updateTable('webhook_outbox')
        .set({ status: 'pending' })
        .where('endpoint_id', '=', a.id)
        .execute();
      assert.equal(
        await deliverDue({
          db: ta.ctx.db,
          clock: ta.clock,
          log: silentLog,
          maxAttempts: 1,
          timeoutMs: 2000,
          allowPrivate: true,
        }),
        0,
        'nothing goes to a deleted endpoint',
      );
    });
  });
}
