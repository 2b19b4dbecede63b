import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, apiKey, accountEvent, type TestApp } from './helpers.ts';

describe('POST /v1/events', () => {
  let ta: TestApp;
  let key: string;
  before(async () => {
    ta = await testApp('sqlite', { bodyLimitBytes: 64 * 1024 });
    key = await apiKey(ta, ['ingest']);
  });
  after(async () => ta.close());

  const post = (payload: string | object, headers: Record<string, string> = {}) =>
    ta.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const stored = async () =>
    Number(
      (
        await ta.ctx.db.kysely
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('accepts every event type and reports replays as duplicates', async () => {
    const at = '2026-11-01T10:00:00Z';
    const events = [
      accountEvent(1),
      {
        id: 'a2',
        type: 'account.updated',
        occurred_at: at,
        account: { id: 'u-1', bio: 'hi', avatar: { sha256: 'a'.repeat(64) } },
      },
      {
        id: 'g1',
        type: 'group.created',
        occurred_at: at,
        group: { id: 'g', name: 'n', description: 'd', member_count: 3, invite_link: 'https://x.example/j' },
      },
      { id: 'g2', type: 'group.updated', occurred_at: at, group: { id: 'g', avatar: { pdq: 'f'.repeat(64) } } },
      { id: 'm1', type: 'group.member_joined', occurred_at: at, group_id: 'g', account_id: 'u-1' },
      { id: 'm2', type: 'group.member_left', occurred_at: at, group_id: 'g', account_id: 'u-1' },
      { id: 'i1', type: 'invite.created', occurred_at: at, invite: { link: 'https://x.example/j', group_id: 'g' } },
      { id: 'i2', type: 'invite.used', occurred_at: at, invite: { link: 'https://x.example/j' }, account_id: 'u-2' },
      {
        id: 'md1',
        type: 'media.shared',
        occurred_at: at,
        surface: 'avatar',
        account_id: 'u-1',
        media: { id: 'med', md5: 'b'.repeat(32), mime: 'image/jpeg' },
      },
      {
        id: 'r1',
        type: 'report.filed',
        occurred_at: at,
        report: { id: 'r', reporter_id: 'u-2', subject: { type: 'account', id: 'u-1' }, reason: 'spam' },
      },
    ];
    const res = await post({ events });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().accepted, 10);
    const again = await post({ events });
    assert.equal(again.json().accepted, 0);
    assert.equal(again.json().duplicates, 10);
    assert.equal(await stored(), 10);
  });

  it('rejects a batch with an invalid event and stores nothing from it', async () => {
    const before = await stored();
    const res = await post({
      events: [
        accountEvent(100),
        { ...accountEvent(101), type: 'account.deleted' },
        { ...accountEvent(102), occurred_at: 'soon' },
      ],
    });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.error.code, 'invalid_events');
    assert.deepEqual(
      body.error.details.map((d: { index: number }) => d.index),
      [1, 2],
    );
    assert.equal(await stored(), before);
  });

  it('gives clear errors for broken JSON, oversized bodies, empty and oversized batches', async () => {
    const broken = await post('{"events": [');
    assert.equal(broken.statusCode, 400);
    assert.match(broken.json().error.message, /JSON/i);
    const big = await post({ events: [accountEvent(200, { account: { id: 'x', bio: 'x'.repeat(70 * 1024) } })] });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'body_too_large');
    const empty = await post({ events: [] });
    assert.equal(empty.statusCode, 400);
    const many = await post({ events: Array.from({ length: 1001 }, (_, i) => ({ id: String(i) })) });
    assert.equal(many.statusCode, 400);
    assert.match(many.json().error.message, /1000/);
    const wrongType = await post('<events/>', { 'content-type': 'application/xml' });
    assert.equal(wrongType.statusCode, 415);
  });

  it('needs the ingest scope', async () => {
    const readKey = await apiKey(ta, ['read']);
    const res = await ta.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${readKey}` },
      payload: { events: [accountEvent(300)] },
    });
    assert.equal(res.statusCode, 403);
  });

  it('keeps platforms apart: a key reads only its own platform', async () => {
    const other = await apiKey(ta, ['ingest', 'read'], 'other-platform');
    await ta.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${other}` },
      payload: { events: [accountEvent(400)] },
    });
    const mine = await ta.app.inject({
      method: 'GET',
      url: '/v1/events?limit=500',
      headers: { authorization: `Bearer ${other}` },
    });
    assert.deepEqual([...new Set(mine.json().events.map((e: { platform: string }) => e.platform))], ['other-platform']);
  });

  it('serves an OpenAPI 3 document generated from the route schemas', async () => {
    const doc = (await ta.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    assert.match(doc.openapi, /^3\./);
    const op = doc.paths['/v1/events'].post;
    assert.ok(op.requestBody.content['application/json'].schema.properties.events);
    assert.ok(op.responses['200']);
    const ui = await ta.app.inject({ method: 'GET', url: '/docs' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger/i);
  });
});
