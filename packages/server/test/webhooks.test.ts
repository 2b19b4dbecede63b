// Outbound webhooks against a real local HTTP receiver: signed, retried with backoff, dead-lettered.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { testApp, staffSession, silentLog, type TestApp, type StaffSession } from './helpers.ts';
import { emitWebhook, deliverDue } from '../src/webhooks/outbox.ts';
import { verifySignature, signPayload } from '../src/webhooks/sign.ts';

describe('webhooks', () => {
  let ta: TestApp;
  let admin: StaffSession;
  let server: http.Server;
  let url = '';
  let failNext = 0;
  const received: { body: string; sig: string }[] = [];

  before(async () => {
    ta = await testApp('sqlite', { webhooks: { maxAttempts: 3, timeoutMs: 2000, allowPrivateTargets: true } });
    admin = await staffSession(ta, 'admin');
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.statusCode = 500;
          return res.end('nope');
        }
        received.push({ body, sig: String(req.headers['vigil-signature']) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    server.close();
    await ta.close();
  });

  const deliver = () =>
    deliverDue({ db: ta.ctx.db, clock: ta.clock, log: silentLog, maxAttempts: 3, timeoutMs: 2000, allowPrivate: true });
  const outbox = () => ta.ctx.db.kysely.selectFrom('webhook_outbox').selectAll().orderBy('id').execute();

  it('signs with HMAC-SHA256 over timestamp and body, and rejects tampering and replays', () => {
    const h = signPayload('whsec_x', '{"a":1}', 1_700_000_000);
    assert.ok(verifySignature('whsec_x', '{"a":1}', h, 1_700_000_010));
    assert.ok(!verifySignature('whsec_x', '{"a":2}', h, 1_700_000_010), 'body changed');
    assert.ok(!verifySignature('whsec_y', '{"a":1}', h, 1_700_000_010), 'other secret');
    assert.ok(!verifySignature('whsec_x', '{"a":1}', h, 1_700_001_000), 'too old: a replay');
  });

  it('delivers a signed event the receiver can verify', async () => {
    const res = await ta.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { url, events: ['account.banned'] },
    });
    assert.equal(res.statusCode, 201, res.body);
    const secret = res.json().secret;
    await ta.ctx.db.kysely
      .transaction()
      .execute((trx) => emitWebhook(trx, 'account.banned', { account_id: 'u-1' }, ta.clock));
    assert.equal(
      await ta.ctx.db.kysely.transaction().execute((trx) => emitWebhook(trx, 'other.event', {}, ta.clock)),
      0,
      'not subscribed',
    );
    assert.equal(await deliver(), 1);
    assert.equal(received.length, 1);
    assert.ok(
      verifySignature(secret, received[0]!.body, received[0]!.sig, Math.floor(ta.clock.now().getTime() / 1000)),
    );
    assert.equal(JSON.parse(received[0]!.body).data.account_id, 'u-1');
    assert.equal((await outbox())[0]!.status, 'delivered');
  });

  it('retries failures with backoff and parks the last failure as a dead letter', async () => {
    failNext = 3;
    await ta.ctx.db.kysely
      .transaction()
      .execute((trx) => emitWebhook(trx, 'account.banned', { account_id: 'u-2' }, ta.clock));
    assert.equal(await deliver(), 1);
    let m = (await outbox()).at(-1)!;
    assert.equal(m.status, 'pending');
    assert.equal(m.last_status, 500);
    assert.equal(await deliver(), 0, 'not due before the backoff');
    for (let i = 0; i < 2; i++) {
      ta.clock.advance(60 * 60_000);
      await deliver();
    }
    m = (await outbox()).at(-1)!;
    assert.equal(m.status, 'dead');
    assert.equal(m.attempts, 3);
    const dead = await ta.app.inject({
      method: 'GET',
      url: '/v1/webhooks/deliveries?status=dead',
      headers: { cookie: admin.cookie },
    });
    assert.equal(dead.json().deliveries.length, 1);
    const retry = await ta.app.inject({
      method: 'POST',
      url: `/v1/webhooks/deliveries/${m.id}/retry`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    });
    assert.equal(retry.statusCode, 200);
    assert.equal(await deliver(), 1);
    assert.equal((await outbox()).at(-1)!.status, 'delivered');
    assert.equal(JSON.parse(received.at(-1)!.body).data.account_id, 'u-2');
  });

  it('refuses private and loopback targets unless configured', async () => {
    ta.ctx.cfg.webhooks.allowPrivateTargets = false;
    try {
      for (const target of [
        'http://127.0.0.1:9/x',
        'http://10.1.2.3/x',
        'http://[::1]/x',
        'http://169.254.169.254/latest',
        'ftp://example.com/x',
      ]) {
        const res = await ta.app.inject({
          method: 'POST',
          url: '/v1/webhooks',
          headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
          payload: { url: target },
        });
        assert.equal(res.statusCode, 400, `${target}: ${res.body}`);
      }
    } finally {
      ta.ctx.cfg.webhooks.allowPrivateTargets = true;
    }
  });
});
